"""The graph figure, checked through its plotly JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

import engine as torch
from figures import graph_figure, hover_card
from figures.graph_figure import CURVE_POINTS, LABEL_LIMIT
from figures.palette import HIGHLIGHT, KIND_STYLES
from figures.theme import THEMES, TRANSPARENT
from graph import Kind, Style, graph_from_tensors, tensor_node
from graph.model import graph_from_snapshot
from sandbox.snapshot import snapshot
from tests.graph.programs import seed_chain, square_plus_self


def _role(figure, role):
    return [trace for trace in figure.data if (trace.meta or {}).get("role") == role]


def _array(values) -> np.ndarray:
    """A trace array as numpy, whether plotly kept it as an array or a list."""
    return np.asarray(values)


@pytest.fixture
def seed_graph():
    names = seed_chain(torch)
    return graph_from_tensors(names["root"], labels=names)


@pytest.fixture
def cut_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    frozen = y.detach()
    with torch.no_grad():
        update = x * 0.1
    return graph_from_tensors(y.sum(), labels={"x": x, "y": y, "frozen": frozen, "update": update})


def test_customdata_names_every_node_once(seed_graph):
    figure = graph_figure(seed_graph)
    ids = [node for trace in _role(figure, "nodes") for node in trace.customdata]
    assert sorted(ids) == sorted(seed_graph.nodes)


def test_one_trace_and_legend_entry_per_kind(seed_graph):
    figure = graph_figure(seed_graph)
    kinds = [trace.meta["kind"] for trace in _role(figure, "nodes")]
    assert sorted(kinds) == sorted({kind for _, kind in seed_graph.nodes(data="kind")})
    for trace in _role(figure, "nodes"):
        assert trace.marker.symbol == KIND_STYLES[trace.meta["kind"]].symbol
    names = {trace.meta["kind"]: trace.name for trace in _role(figure, "nodes")}
    assert names[Kind.LEAF] == "leaf tensor"
    vietnamese = {t.meta["kind"]: t.name for t in _role(graph_figure(seed_graph, lang="vi"), "nodes")}
    assert vietnamese[Kind.LEAF] == "tensor lá"


def test_edges_are_one_trace_per_style_with_arrowheads(seed_graph):
    figure = graph_figure(seed_graph)
    edges = _role(figure, "edges")
    styles = [trace.meta["style"] for trace in edges]
    assert len(styles) == len(set(styles))
    for trace in edges:
        assert trace.marker.symbol == "arrow" and trace.marker.angleref == "previous"
        count = sum(1 for _, _, style in seed_graph.edges(data="style") if style == trace.meta["style"])
        assert int((_array(trace.marker.size) > 0).sum()) == count
        assert len(_array(trace.x)) == 3 * count


def test_arrow_tips_stop_short_of_the_target(seed_graph):
    figure = graph_figure(seed_graph, direction="LR")
    flow = next(t for t in _role(figure, "edges") if t.meta["style"] == Style.FLOW)
    x = _array(flow.x).reshape(-1, 3)
    assert np.all(x[:, 1] > x[:, 0])  # left to right
    assert np.all(np.isnan(x[:, 2]))


def test_an_edge_that_skips_layers_curves_around_the_nodes_between():
    names = square_plus_self(torch)  # x feeds x * x and, two layers later, the + x
    graph = graph_from_tensors(names["root"], labels=names)
    figure = graph_figure(graph)
    flow = next(t for t in _role(figure, "edges") if t.meta["style"] == Style.FLOW)
    x, y = _array(flow.x), _array(flow.y)
    breaks = np.flatnonzero(np.isnan(x))
    lengths = np.diff(np.concatenate([[-1], breaks])) - 1
    assert sorted(set(lengths)) == [2, CURVE_POINTS]
    # x * x's two edges bow apart; the + x skips layers: three curves.
    assert np.count_nonzero(lengths == CURVE_POINTS) == 3
    for end in breaks[lengths == CURVE_POINTS]:
        curve_y = y[end - CURVE_POINTS:end]
        assert np.ptp(curve_y) > 0.3  # it bows out of the straight line its ends share


def test_detach_edge_is_dashed_and_labelled(cut_graph):
    figure = graph_figure(cut_graph)
    detach = next(t for t in _role(figure, "edges") if t.meta["style"] == Style.DETACH)
    assert detach.line.dash == "dash" and detach.showlegend and detach.name == "detach()"
    labels = [text for trace in _role(figure, "edge_labels") for text in trace.text]
    assert labels == ["detach()"]


def test_no_grad_region_is_shaded_and_labelled(cut_graph):
    for lang, label in (("en", "no_grad region"), ("vi", "vùng no_grad")):
        figure = graph_figure(cut_graph, lang=lang)
        assert len(figure.layout.shapes) == 1 and figure.layout.shapes[0].type == "rect"
        assert label in figure.layout.annotations[0].text


def test_nodes_that_do_not_require_grad_are_muted(cut_graph):
    figure = graph_figure(cut_graph)
    tensors = next(t for t in _role(figure, "nodes") if t.meta["kind"] == Kind.TENSOR)
    colours = dict(zip(tensors.customdata, np.broadcast_to(tensors.marker.color, len(tensors.customdata))))
    muted = THEMES["light"].muted
    for node, colour in colours.items():
        assert (colour == muted) == cut_graph.nodes[node]["muted"]


def test_selection_rings_the_lineage_and_dims_the_rest(cut_graph):
    selected = next(n for n, label in cut_graph.nodes(data="label") if label == "MulBackward0")
    figure = graph_figure(cut_graph, selected=selected)
    rings = _role(figure, "selection")
    assert len(rings) == 2 and rings[1].marker.color == HIGHLIGHT
    assert len(_array(rings[1].x)) == 1
    update = next(d["tensor"] for _, d in cut_graph.nodes(data=True) if d["label"] == "update")
    unrelated = tensor_node(update)
    for trace in _role(figure, "nodes"):
        opacity = np.broadcast_to(trace.marker.opacity, len(trace.customdata))
        for node, value in zip(trace.customdata, opacity):
            if node == unrelated:
                assert value < 0.5
            if node == selected:
                assert value == 1.0
    assert _role(figure, "selection_edges")


def test_unknown_selection_is_ignored(seed_graph):
    figure = graph_figure(seed_graph, selected="no-such-node")
    assert not _role(figure, "selection")


def test_dark_theme_changes_the_colours_on_a_see_through_background(seed_graph):
    light, dark = graph_figure(seed_graph), graph_figure(seed_graph, theme="dark")
    # See-through, so the figure sits on the app's own background, whatever shade it is.
    assert light.layout.paper_bgcolor == dark.layout.paper_bgcolor == TRANSPARENT
    assert light.layout.meta["background"] == "#FFFFFF"
    assert dark.layout.meta["background"] == THEMES["dark"].background
    assert dark.layout.font.color == THEMES["dark"].text != light.layout.font.color
    assert dark.layout.template.layout.paper_bgcolor != light.layout.template.layout.paper_bgcolor
    with pytest.raises(ValueError, match="theme"):
        graph_figure(seed_graph, theme="sepia")


def test_hover_card_shows_the_details_and_escapes_source():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    graph = graph_from_snapshot(snapshot([y], {y._id: ("y", 7, "y = x * 2 if a < b else x")}))
    card = hover_card(graph.nodes[tensor_node(y._id)])
    for piece in ("<b>y</b>", "line 7: y = x * 2 if a &lt; b else x", "shape: [2]", "torch.float32",
                  "value: [2., 4.]", ".grad: None", "requires_grad: True", "grad_fn: MulBackward0"):
        assert piece in card
    assert "kích thước: [2]" in hover_card(graph.nodes[tensor_node(y._id)], lang="vi")


def test_grad_fn_card_shows_formula_and_local_derivatives(seed_graph):
    node = next(n for n, label in seed_graph.nodes(data="label") if label == "MulBackward0")
    card = hover_card(seed_graph.nodes[node])
    assert "formula: a · b" in card and "∂/∂a = b" in card


def test_top_to_bottom_puts_inputs_above(seed_graph):
    figure = graph_figure(seed_graph, direction="TB")
    flow = next(t for t in _role(figure, "edges") if t.meta["style"] == Style.FLOW)
    y = _array(flow.y).reshape(-1, 3)
    assert np.all(y[:, 1] < y[:, 0])


def _big_graph(ops: int):
    x = torch.tensor([0.5, 0.25], requires_grad=True)
    y = x
    for index in range(ops):
        y = (y * 0.5).tanh() if index % 2 else y + x
    return graph_from_tensors(y.sum(), labels={"x": x})


def test_big_graphs_leave_labels_to_hover_and_stay_small():
    graph = _big_graph(520)
    assert graph.number_of_nodes() >= 1000
    figure = graph_figure(graph)
    assert all(trace.mode == "markers" for trace in _role(figure, "nodes"))
    assert graph.number_of_nodes() > LABEL_LIMIT
    text = figure.to_json()
    assert len(text.encode()) < 2_000_000
    assert '"bdata"' in text  # coordinates travel as typed arrays
    json.loads(text)


def test_graph_figure_does_not_import_the_backward_frames():
    # backward_frames builds on graph_figure; the other way round would be an import cycle.
    import ast
    import importlib
    from pathlib import Path

    module = importlib.import_module("figures.graph_figure")
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "figures.placement" in imported  # the walk sees the module's imports
    assert "figures.backward_frames" not in imported


def test_a_tensor_used_twice_by_one_op_is_drawn_as_two_edges():
    from graph import graph_from_tensors

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    graph = graph_from_tensors(x * x, labels={"x": x})
    figure = graph_figure(graph)
    flow = next(trace for trace in figure.data if (trace.meta or {}).get("role") == "edges"
                and trace.meta["style"] == "flow")
    # Each drawn edge ends in one arrowhead; the flow edges are AccumulateGrad -> Mul twice.
    heads = int(np.count_nonzero(np.asarray(flow.marker.size)))
    assert heads == 2
    points = np.column_stack([np.asarray(flow.x, dtype=float), np.asarray(flow.y, dtype=float)])
    paths = [path for path in np.split(points, np.where(np.isnan(points[:, 0]))[0]) if len(path) > 1]
    middles = {tuple(np.round(np.nanmean(path, axis=0), 3)) for path in paths}
    assert len(middles) == 2  # the two bow apart rather than lying on one line


def test_hover_card_names_saved_tensors_as_torch_does():
    from graph import graph_from_tensors

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    card = hover_card(graph_from_tensors(y).nodes[f"fn:{y.grad_fn.sequence_nr}"])
    assert "_saved_self [2]" in card and "_saved_other [2]" in card


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_backward_reading_puts_the_output_first_and_points_along_next_functions(seed_graph, direction):
    forward = graph_figure(seed_graph, direction=direction)
    backward = graph_figure(seed_graph, direction=direction, reading="backward")
    axis = 0 if direction == "LR" else 1

    def where(figure, kind):
        trace = next(t for t in _role(figure, "nodes") if t.meta["kind"] == kind)
        return float(np.asarray(trace.x if axis == 0 else trace.y, dtype=float)[0])

    def first(a, b):  # a comes before b in the reading direction
        return a < b if direction == "LR" else a > b

    assert first(where(forward, Kind.LEAF), where(forward, Kind.ROOT))
    assert first(where(backward, Kind.ROOT), where(backward, Kind.LEAF))
    # The arrows turn round: an arrowhead points at the leaf only when reading backward.
    for figure, at_leaf in ((forward, False), (backward, True)):
        leaf = next(t for t in _role(figure, "nodes") if t.meta["kind"] == Kind.LEAF)
        spot = np.array([leaf.x[0], leaf.y[0]], dtype=float)
        tips = []
        for trace in _role(figure, "edges"):
            heads = np.flatnonzero(np.asarray(trace.marker.size))
            tips.extend(np.column_stack([_array(trace.x)[heads], _array(trace.y)[heads]]))
        nearest = min(np.hypot(*(np.array(tip) - spot)) for tip in tips)
        assert (nearest < 20) == at_leaf, (direction, nearest)
    with pytest.raises(ValueError, match="reading"):
        graph_figure(seed_graph, reading="sideways")
