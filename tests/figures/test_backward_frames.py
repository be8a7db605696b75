"""The backward animation replays the engine's steps: one frame each, and the sums add up."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from plotly.utils import PlotlyJSONEncoder

import engine as torch
from figures import arithmetic, backward_animation, backward_states, backward_step_figure
from figures.backward_frames import OVERLAYS, fan_in_text
from graph import collapse_chains, graph_from_backward, graph_from_tensors, tensor_node, trace_backward
from tests.graph.programs import PROGRAMS, seed_chain, square_plus_self, vector_jacobian


def _traced(program, gradient_name=None):
    names = program(torch)
    gradient = names[gradient_name] if gradient_name else None
    return names, trace_backward(names["root"], gradient, labels=names)


def _leaves(names):
    return {key: value for key, value in names.items()
            if isinstance(value, torch.Tensor) and value.is_leaf and value.requires_grad}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_one_frame_per_backward_step(name):
    names, trace = _traced(PROGRAMS[name], "w" if name == "vector_jacobian" else None)
    figure = backward_animation(trace)
    assert len(figure.frames) == len(trace.steps) > 0
    assert len(figure.layout.sliders[0].steps) == len(trace.steps)
    assert [frame.name for frame in figure.frames] == [str(i) for i in range(len(trace.steps))]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_leaf_contributions_add_up_to_the_engines_grad(name):
    names, trace = _traced(PROGRAMS[name], "w" if name == "vector_jacobian" else None)
    states = backward_states(trace)
    for key, leaf in _leaves(names).items():
        node = tensor_node(leaf._id)
        added = [s.added for s in states if s.accumulated == node]
        assert added, key
        np.testing.assert_allclose(np.sum(added, axis=0), leaf.grad.numpy(), rtol=1e-6)
        np.testing.assert_allclose(states[-1].grads[node], leaf.grad.numpy(), rtol=1e-6)


def test_grad_grows_across_two_backward_calls():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    (x * 5).sum().backward()
    trace = trace_backward((x * 5).sum())
    final = backward_states(trace)[-1].grads[tensor_node(x._id)]
    np.testing.assert_array_equal(final, [10.0, 10.0, 10.0, 10.0])
    np.testing.assert_array_equal(final, x.grad.numpy())


def test_fan_in_shows_the_sum_of_contributions():
    names, trace = _traced(square_plus_self)
    states = backward_states(trace)
    accumulate = next(s for s in states if s.name == "AccumulateGrad")
    assert len(accumulate.contributions) == 3  # x * x sends two, + x sends one
    np.testing.assert_allclose(np.sum(accumulate.contributions, axis=0), accumulate.grad_in)
    assert fan_in_text(accumulate).startswith("sum of 3 contributions: ")
    assert fan_in_text(accumulate, "vi").startswith("tổng của 3 đóng góp: ")
    assert all(fan_in_text(s) == "" for s in states if len(s.contributions) == 1)


def test_edge_text_is_upstream_times_local_equals_contribution():
    names, trace = _traced(seed_chain)
    states = backward_states(trace)
    mul = next(s for s in states if s.name == "MulBackward0")
    assert mul.formula == "a · b"
    (edge,) = mul.edges
    assert arithmetic(edge) == "[0.3333, 0.3333, 0.3333] × (b=3.) = [1., 1., 1.]"
    mean = states[0]
    assert arithmetic(mean.edges[0]) == "1. × 1/n = [0.3333, 0.3333, 0.3333]"


def test_frames_show_the_arithmetic_and_grad_growth():
    names, trace = _traced(seed_chain)
    figure = backward_animation(trace)
    labels = [t for t in figure.frames[2].data if t.meta["role"] == "edge_labels"][0]
    assert "× (b=3.) =" in labels.text[0]
    last = [t for t in figure.frames[-1].data if t.meta["role"] == "grads"][0]
    assert last.text[0].startswith("<b>.grad += [1., 1., 1.]</b>")
    assert "MulBackward0" in figure.frames[2].layout.title.text
    assert "a · b" in figure.frames[2].layout.title.text


def test_starting_gradient_is_shown():
    names, trace = _traced(vector_jacobian, "w")
    figure = backward_animation(trace)
    title = figure.frames[0].layout.title.text
    assert "backward(gradient=[0.1, ..., 0.001])" in title
    labels = [t for t in figure.frames[0].data if t.meta["role"] == "edge_labels"][0]
    assert labels.text[0].startswith("backward(gradient=")
    np.testing.assert_allclose(backward_states(trace)[0].grad_in, names["w"].numpy())
    implicit = backward_animation(_traced(seed_chain)[1]).frames[0].layout.title.text
    assert "implicit gradient 1" in implicit


def test_frames_replace_only_the_overlay_traces():
    names, trace = _traced(seed_chain)
    figure = backward_animation(trace)
    overlay = list(range(len(figure.data) - len(OVERLAYS), len(figure.data)))
    for frame in figure.frames:
        assert list(frame.traces) == overlay
        assert [t.meta["role"] for t in frame.data] == list(OVERLAYS)


def test_play_pause_buttons_animate_in_the_browser():
    figure = backward_animation(_traced(seed_chain)[1], lang="vi")
    buttons = figure.layout.updatemenus[0].buttons
    assert [b.method for b in buttons] == ["animate", "animate"]
    assert "Phát" in buttons[0].label and "Tạm dừng" in buttons[1].label


def test_a_single_step_figure_matches_its_frame():
    names, trace = _traced(seed_chain)
    animation = backward_animation(trace)
    for index in range(len(trace.steps)):
        single = backward_step_figure(trace, index)
        assert single.layout.title.text == animation.frames[index].layout.title.text
        for drawn, framed in zip(single.data[-len(OVERLAYS):], animation.frames[index].data):
            assert _json(drawn) == _json(framed)
    with pytest.raises(IndexError):
        backward_step_figure(trace, len(trace.steps))


def _json(trace) -> str:
    return json.dumps(trace.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True)


def test_active_node_is_the_step_node():
    names, trace = _traced(seed_chain)
    graph = graph_from_backward(trace)
    for index, step in enumerate(trace.steps):
        figure = backward_step_figure(graph, index)
        active = next(t for t in figure.data if (t.meta or {}).get("role") == "active")
        node = f"fn:{step.node}"
        assert (active.x[0], active.y[0]) == pytest.approx(_position_of(figure, node))


def _position_of(figure, node):
    for trace in figure.data:
        if (trace.meta or {}).get("role") == "nodes" and node in list(trace.customdata):
            i = list(trace.customdata).index(node)
            return trace.x[i], trace.y[i]
    raise AssertionError(node)


def test_retained_grad_of_a_non_leaf_is_shown():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    trace = trace_backward(y.sum(), labels={"x": x, "y": y})
    final = backward_states(trace)[-1].grads
    np.testing.assert_array_equal(final[tensor_node(y._id)], [1.0, 1.0])


def test_collapsed_graph_still_has_a_frame_per_step():
    names, trace = _traced(vector_jacobian, "w")
    graph = collapse_chains(graph_from_backward(trace), threshold=0)
    figure = backward_animation(graph)
    assert len(figure.frames) == len(trace.steps)
    chain = next(iter(graph.graph["collapsed"]))
    assert sum(1 for s in backward_states(graph) if s.node == chain) == 11


def test_graph_without_a_backward_call_is_refused():
    names = seed_chain(torch)
    with pytest.raises(ValueError, match="graph_from_backward"):
        backward_animation(graph_from_tensors(names["root"]))


def _recorded_calls(code: str) -> list:
    import sandbox

    record = sandbox.run(code, seed=0)
    assert record.error is None
    return [event for event in record.events if type(event).__name__ == "BackwardCall"]


def test_autograd_grad_runs_the_steps_but_leaves_grad_alone():
    program = ("import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nroot = (x * x).sum()\n"
               "{call}\n")
    grad_call, = _recorded_calls(program.format(call="g = torch.autograd.grad(root, [x])"))
    backward_call, = _recorded_calls(program.format(call="root.backward()"))
    states = backward_states(grad_call)
    assert [s.name for s in states] == [s.name for s in backward_states(backward_call)]
    assert all(s.accumulated is None for s in states) and not states[-1].grads
    assert backward_states(backward_call)[-1].accumulated is not None


def test_the_ledger_shows_the_recorded_grad_of_each_step():
    # Twice into the same leaf: the second call's steps start from the first call's `.grad`.
    program = ("import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
               "(x * x).sum().backward()\n(x * 3).sum().backward()\n")
    first, second = _recorded_calls(program)
    final = backward_states(second)[-1]
    written = next(step for step in second.steps if step.grad_after is not None)
    node = final.accumulated
    np.testing.assert_allclose(final.grads[node], written.grad_after)
    np.testing.assert_allclose(written.grad_before, [2.0, 4.0])
    np.testing.assert_allclose(final.grads[node], [5.0, 7.0])


def test_a_call_graph_without_its_root_tensor_still_replays():
    names, trace = _traced(seed_chain)
    tensors = {tid: info for tid, info in trace.graph.tensors.items() if tid != trace.root}
    headless = dataclasses.replace(trace, graph=dataclasses.replace(trace.graph, tensors=tensors))
    states = backward_states(headless)
    assert len(backward_animation(headless).frames) == len(trace.steps)
    np.testing.assert_allclose(states[-1].grads[tensor_node(names["x"]._id)], [1.0, 1.0, 1.0])
