"""Each section of the seed lesson (docs/seed/) draws the graph it teaches."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

import engine as torch
from figures import backward_animation, backward_states
from graph import (
    Kind,
    Style,
    collapse_chains,
    fn_node,
    graph_from_backward,
    graph_from_record,
    graph_from_tensors,
    no_grad_regions,
    tensor_node,
    trace_backward,
)
from sandbox.snapshot import snapshot
from tests.graph.programs import seed_chain, vector_jacobian


def _names_towards_root(view, start):
    names, node = [], start
    while list(view.successors(node)):
        (node,) = view.successors(node)
        names.append(view.nodes[node]["label"])
    return names


def test_section_1_operations_are_recorded_as_grad_fns():
    names = seed_chain(torch)
    view = graph_from_tensors(names["root"], labels=names)
    x = tensor_node(names["x"]._id)
    assert _names_towards_root(view, x) == [
        "AccumulateGrad", "AddBackward0", "MulBackward0", "AddBackward0", "MeanBackward0", "root",
    ]
    assert view.nodes[fn_node(-names["x"]._id)]["kind"] == Kind.ACCUMULATE


def test_section_2_backward_fills_x_grad_with_ones():
    names = seed_chain(torch)
    trace = trace_backward(names["root"], labels=names)
    states = backward_states(trace)
    assert [s.name for s in states] == [
        "MeanBackward0", "AddBackward0", "MulBackward0", "AddBackward0", "AccumulateGrad",
    ]
    np.testing.assert_allclose(states[-1].grads[tensor_node(names["x"]._id)], [1.0, 1.0, 1.0])


def test_section_2_vector_jacobian_product_starts_from_w():
    names = vector_jacobian(torch)
    trace = trace_backward(names["root"], names["w"], labels=names)
    graph = graph_from_backward(trace)
    folded = collapse_chains(graph, threshold=0)
    collapsed = [d["label"] for _, d in folded.nodes(data=True) if d["kind"] == Kind.COLLAPSED]
    assert collapsed == ["MulBackward0 ×11"]
    figure = backward_animation(graph)
    assert len(figure.frames) == 12
    assert "backward(gradient=" in figure.frames[0].layout.title.text
    final = backward_states(trace)[-1].grads[tensor_node(names["x"]._id)]
    np.testing.assert_allclose(final, 2048 * names["w"].numpy(), rtol=1e-6)


def test_section_3_requires_grad_switches_recording_on():
    a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]])
    b = (a * 5) / (a - 1)
    assert graph_from_tensors(b).nodes[tensor_node(b._id)]["grad_fn"] is None
    a.requires_grad_(True)
    b = (a ** 2).sum()
    view = graph_from_tensors(b, labels={"a": a, "b": b})
    path = _names_towards_root(view, tensor_node(a._id))
    assert path == ["AccumulateGrad", "PowBackward0", "SumBackward0", "b"]


def test_section_3_detach_is_a_visible_cut():
    a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]], requires_grad=True)
    b = a.detach()
    view = graph_from_tensors(b, labels={"a": a, "b": b})
    edge = view.edges[tensor_node(a._id), tensor_node(b._id)]
    assert (edge["style"], edge["label"]) == (Style.DETACH, "detach()")
    assert not view.nodes[tensor_node(b._id)]["requires_grad"]


def test_section_3_no_grad_result_sits_in_the_no_grad_region():
    x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
    with torch.no_grad():
        unnamed = x + 2  # the lesson prints (x + 2).requires_grad; the sandbox records the tensor
    record = SimpleNamespace(graph=snapshot([x, unnamed], {x._id: ("x", 1, None)}))
    for view_name in ("autograd", "tensor"):
        view = graph_from_record(record, view_name)
        assert no_grad_regions(view) == [[tensor_node(unnamed._id)]]


def test_section_4_gradients_accumulate_across_backward_calls():
    weights = torch.ones(4, requires_grad=True)
    grads = []
    for _ in range(3):
        model_output = (weights * 5).sum()
        trace = trace_backward(model_output, labels={"weights": weights})
        grads.append(backward_states(trace)[-1].grads[tensor_node(weights._id)])
    np.testing.assert_allclose(grads, [[5.0] * 4, [10.0] * 4, [15.0] * 4])
