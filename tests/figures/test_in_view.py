"""Always in view: every node marker and every label anchor lies inside the figure's axis ranges, at
every width from a phone to a wide screen, in both languages; labels keep inside the plot too."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sandbox
from figures import backward_placement, backward_step_figure, graph_figure
from graph import AUTOGRAD, TENSOR_VIEW, collapse_chains, graph_from_backward, graph_from_record
from tests.figures.learner_programs import LEARNER_PROGRAMS
from tests.figures.overlap import PixelFrame, text_boxes
from tests.figures.seed_figures import SEED_PROGRAMS

WIDTHS = (390, 560, 1024, 1440)
PROGRAMS = {**SEED_PROGRAMS, **{f"learner:{name}": code for name, code in LEARNER_PROGRAMS.items()}}


def assert_in_view(figure, width: float, label: str) -> None:
    x_range, y_range = figure.layout.xaxis.range, figure.layout.yaxis.range
    anchors = 0
    for trace in figure.data:
        role = (trace.meta or {}).get("role")
        if role not in ("nodes", "node_labels", "grads", "active"):
            continue
        x, y = np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)
        anchors += len(x)
        assert np.all((x >= x_range[0]) & (x <= x_range[1])), (label, role)
        assert np.all((y >= y_range[0]) & (y <= y_range[1])), (label, role)
    assert anchors > 0, label
    frame = PixelFrame(figure, width)
    for box in text_boxes(figure, width):
        # The read-back boxes are estimates; a few px of slack for their rounding.
        assert box.x0 >= -3 and box.x1 <= frame.width + 3, (label, box)
        assert box.y0 >= -3 and box.y1 <= frame.height + 3, (label, box)


def _graphs(code: str):
    record = sandbox.run(code, seed=0)
    for view in (AUTOGRAD, TENSOR_VIEW):
        yield view, collapse_chains(graph_from_record(record, view=view))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_program_is_whole_in_view(name):
    for view, graph in _graphs(PROGRAMS[name]):
        if graph.number_of_nodes() == 0:
            continue
        for lang in ("en", "vi"):
            for width in WIDTHS:
                assert_in_view(graph_figure(graph, lang=lang, width=width), width,
                               f"{name} {view} {lang} {width}px")
        figure = graph_figure(graph, lang="vi", width=560, reading="backward")
        assert_in_view(figure, 560, f"{name} {view} backward reading")


@pytest.mark.parametrize("name", ["lesson:vjp", "learner:cuts", "learner:square", "learner:mlp_training"])
def test_backward_steps_are_whole_in_view(name):
    record = sandbox.run(PROGRAMS[name], seed=0)
    calls = [event for event in record.events if getattr(event, "steps", None)]
    graph = graph_from_backward(calls[-1])
    for lang, width in (("en", 720), ("vi", 390)):
        placement = backward_placement(graph, lang=lang, width=width)
        for step in (0, len(calls[-1].steps) // 2, len(calls[-1].steps) - 1):
            figure = backward_step_figure(graph, step, lang=lang, placement=placement, width=width)
            assert_in_view(figure, width, f"{name} step {step} {lang} {width}px")


OPS = ("{a} + {b}", "{a} * {b}", "{a} - {b}", "({a} * 2.5)", "{a}.tanh()", "{a}.exp()", "({a} / 3)",
       "{a}.detach()", "{a}.sum() * {b}")


@st.composite
def programs(draw) -> str:
    leaves = draw(st.integers(1, 5))
    lines = ["import torch"]
    names = []
    for i in range(leaves):
        grad = draw(st.booleans()) or i == 0
        name = draw(st.sampled_from(["x", "weights", "bias_term", "a_very_long_parameter_name"])) + str(i)
        lines.append(f"{name} = torch.randn(3, requires_grad={grad})")
        names.append(name)
    for k in range(draw(st.integers(1, 14))):
        op = draw(st.sampled_from(OPS))
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        target = f"t{k}"
        statement = f"{target} = {op.format(a=a, b=b)}"
        if draw(st.integers(0, 5)) == 0:
            lines.append("with torch.no_grad():")
            statement = "    " + statement
        lines.append(statement)
        names.append(target)
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=programs(), width=st.sampled_from(WIDTHS), lang=st.sampled_from(("en", "vi")))
def test_generated_programs_are_whole_in_view(code, width, lang):
    for view, graph in _graphs(code):
        if graph.number_of_nodes():
            assert_in_view(graph_figure(graph, lang=lang, width=width), width, f"{view}\n{code}")
