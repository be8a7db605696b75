"""The autograd view against real PyTorch: same node names, same next_functions, same edges."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import engine
from graph import Kind, fn_node, graph_from_tensors, trace_backward
from tests.graph.programs import PROGRAMS


def _torch_name(fn) -> str:
    return type(fn).__name__ if type(fn).__name__ == "AccumulateGrad" else fn.name()


def _match(view, torch_root) -> dict[int, str]:
    """Walk torch's grad_fn graph and the view side by side; return torch node id -> view node."""
    matched: dict[int, str] = {}
    stack = [(torch_root, view.graph["start"])]
    while stack:
        torch_fn, node = stack.pop()
        data = view.nodes[node]
        assert data["label"] == _torch_name(torch_fn)
        if id(torch_fn) in matched:
            assert matched[id(torch_fn)] == node, "one torch node drawn as two view nodes"
            continue
        matched[id(torch_fn)] = node
        torch_inputs = torch_fn.next_functions
        assert len(data["inputs"]) == len(torch_inputs), data["label"]
        for (torch_child, _), child in zip(torch_inputs, data["inputs"]):
            if torch_child is None:
                assert view.nodes[child]["kind"] == Kind.CONSTANT
            else:
                assert view.nodes[child]["kind"] in (Kind.GRAD_FN, Kind.ACCUMULATE)
                assert view.has_edge(child, node)
                stack.append((torch_child, child))
    return matched


def _view(program):
    names = program(engine)
    view = graph_from_tensors(names["root"], labels=names)
    view.graph["start"] = fn_node(names["root"].grad_fn.sequence_nr)
    return view


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_autograd_view_has_torchs_nodes_and_edges(name):
    program = PROGRAMS[name]
    view = _view(program)
    matched = _match(view, program(torch)["root"].grad_fn)
    backward_nodes = [n for n, kind in view.nodes(data="kind") if kind in (Kind.GRAD_FN, Kind.ACCUMULATE)]
    assert sorted(matched.values()) == sorted(backward_nodes)
    flow_edges = [(u, v) for u, v, style in view.edges(data="style") if style == "flow"]
    torch_edges = {(id(child), id(fn)) for fn_id, fn in _torch_nodes(program(torch)["root"].grad_fn).items()
                   for child, _ in fn.next_functions if child is not None}
    assert len(flow_edges) == len(torch_edges)


def _torch_nodes(root) -> dict[int, object]:
    found, stack = {}, [root]
    while stack:
        fn = stack.pop()
        if id(fn) not in found:
            found[id(fn)] = fn
            stack.extend(child for child, _ in fn.next_functions if child is not None)
    return found


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_backward_steps_give_torchs_leaf_gradients(name):
    program = PROGRAMS[name]
    names = program(engine)
    reference = program(torch)
    gradient = names.get("w") if name == "vector_jacobian" else None
    trace = trace_backward(names["root"], gradient, labels=names)
    reference["root"].backward(reference.get("w") if gradient is not None else None)
    leaves = {key: value for key, value in reference.items() if getattr(value, "is_leaf", False)
              and value.requires_grad}
    for key, value in leaves.items():
        np.testing.assert_allclose(trace.grads_after[names[key]._id], value.grad.numpy(), rtol=1e-5)


def test_saved_tensors_are_the_ones_torch_saves():
    names = PROGRAMS["square_plus_self"](engine)
    view = graph_from_tensors(names["root"], labels=names, show_saved=True)
    mul = next(n for n, label in view.nodes(data="label") if label == "MulBackward0")
    saved = sorted(view.nodes[n]["label"] for n in view.predecessors(mul)
                   if view.nodes[n]["kind"] == Kind.SAVED)
    reference = PROGRAMS["square_plus_self"](torch)["root"].grad_fn.next_functions[0][0].next_functions[0][0]
    torch_saved = sorted(a.removeprefix("_saved_") for a in dir(reference) if a.startswith("_saved_"))
    assert saved == torch_saved == ["other", "self"]
