"""No label covers another at the width a figure is drawn for: the lessons and presets, both views,
both languages, and every step of their backward pass (boxes estimated as characters × font size)."""

from __future__ import annotations

import networkx as nx
import pytest

from figures import DEFAULT_WIDTH, graph_figure
from graph import Kind
from tests.figures.overlap import PixelFrame, overlapping, text_boxes
from tests.figures.seed_figures import SEED_PROGRAMS, WIDE, backward_figures, graph_figures

LANGS = ("en", "vi")


def _labels_shown(drawn) -> int:
    return sum(len(trace.text) for trace in drawn.figure.data
               if trace.text is not None and (trace.meta or {}).get("role") in ("nodes", "node_labels"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(SEED_PROGRAMS))
def test_graph_labels_do_not_overlap(name, lang):
    for drawn in graph_figures(name, lang):
        boxes = text_boxes(drawn.figure, drawn.width)
        assert boxes, drawn.label
        assert overlapping(boxes) == [], drawn.label


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(SEED_PROGRAMS))
def test_backward_step_labels_do_not_overlap(name, lang):
    for width in (DEFAULT_WIDTH, WIDE):
        for drawn in backward_figures(name, lang, width):
            assert overlapping(text_boxes(drawn.figure, drawn.width)) == [], drawn.label


# Small enough to show whole at the default width (three epochs side by side, say, are not: those open
# on the part nearest the output, and the rest is a pan away).
WHOLE = ["lesson:grad_fn autograd", "lesson:grad_fn tensor", "lesson:stop autograd", "lesson:stop tensor",
         "lesson:zero autograd", "lesson:vjp autograd", "preset:seed10 tensor", "preset:seed16 tensor"]


@pytest.mark.parametrize("case", WHOLE)
def test_a_small_graph_shows_every_label_whole(case):
    name, view = case.split()
    for drawn in graph_figures(name, "vi"):
        if f" {view} " not in drawn.label:
            continue
        frame = PixelFrame(drawn.figure, drawn.width)
        boxes = text_boxes(drawn.figure, drawn.width)
        assert len(boxes) >= _labels_shown(drawn), drawn.label
        for box in boxes:
            assert box.x0 >= -0.5 and box.x1 <= frame.width + 0.5, (drawn.label, box)
            assert box.y0 >= -0.5 and box.y1 <= frame.height + 0.5, (drawn.label, box)


def _cut(drawn) -> list:
    frame = PixelFrame(drawn.figure, drawn.width)
    return [box for box in text_boxes(drawn.figure, drawn.width)
            if box.x0 < -0.5 or box.x1 > frame.width + 0.5 or box.y0 < -0.5 or box.y1 > frame.height + 0.5]


@pytest.mark.parametrize("name", sorted(SEED_PROGRAMS))
def test_no_label_is_cut_at_the_edge_of_the_view(name):
    # A drawing bigger than its plot opens on a part of it, with whole labels at its edges.
    for drawn in [*graph_figures(name, "vi"), *backward_figures(name, "vi", DEFAULT_WIDTH)]:
        assert _cut(drawn) == [], drawn.label


def test_a_wide_figure_only_spreads_out():
    # Drawn at twice its width, the same figure keeps every label apart (px per unit only grows).
    for drawn in graph_figures("preset:seed_zero", "en"):
        assert overlapping(text_boxes(drawn.figure, 2 * drawn.width)) == []


def test_a_chain_with_constants_stays_one_straight_line():
    drawn = next(graph_figures("lesson:vjp", "en"))
    graph: nx.DiGraph = drawn.graph
    placement_x = {}
    for trace in drawn.figure.data:
        if (trace.meta or {}).get("role") == "nodes" and trace.meta["kind"] == Kind.GRAD_FN:
            placement_x.update(zip(trace.customdata, trace.x))
    assert len(placement_x) == sum(1 for _, kind in graph.nodes(data="kind") if kind == Kind.GRAD_FN)
    assert max(placement_x.values()) - min(placement_x.values()) < 1.0


def test_auto_direction_falls_back_to_top_to_bottom_when_left_to_right_is_too_wide():
    drawn = next(graph_figures("lesson:vjp", "en"))  # twelve nodes in a row
    node_trace = next(t for t in drawn.figure.data if (t.meta or {}).get("role") == "nodes")
    assert node_trace.textposition == "middle right"
    short = next(graph_figures("preset:seed3", "en"))
    assert next(t for t in short.figure.data if (t.meta or {}).get("role") == "nodes").textposition == \
        "top center"
    forced = graph_figure(drawn.graph, direction="LR")
    assert next(t for t in forced.data if (t.meta or {}).get("role") == "nodes").textposition == "top center"
