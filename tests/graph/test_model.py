"""The two views of a graph: what each holds, and the seed lesson's graphs."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest

import engine as torch
from graph import (
    NODE_FIELDS,
    CaptionLine,
    Kind,
    Style,
    fn_node,
    graph_from_backward,
    graph_from_record,
    graph_from_snapshot,
    graph_from_tensors,
    no_grad_regions,
    preview,
    tensor_node,
    trace_backward,
)
from sandbox.snapshot import snapshot
from tests.graph.programs import seed_chain, vector_jacobian


def _chain_from_leaf(view, leaf):
    """Labels along the single path from a leaf tensor to the root tensor."""
    labels, node = [], leaf
    while True:
        following = [v for v in view.successors(node) if view.edges[node, v]["style"] != Style.DETACH]
        if not following:
            return labels
        assert len(following) == 1
        node = following[0]
        labels.append(view.nodes[node]["label"])


def test_seed_lesson_graph_is_add_mul_add_mean_with_accumulategrad_for_x():
    names = seed_chain(torch)
    view = graph_from_tensors(names["root"], labels=names)
    x = tensor_node(names["x"]._id)
    assert view.nodes[x]["kind"] == Kind.LEAF and view.nodes[x]["label"] == "x"
    assert _chain_from_leaf(view, x) == [
        "AccumulateGrad", "AddBackward0", "MulBackward0", "AddBackward0", "MeanBackward0", "root",
    ]


def test_every_node_carries_every_field():
    names = seed_chain(torch)
    for view in ("autograd", "tensor"):
        graph = graph_from_tensors(names["root"], labels=names, view=view)
        for node, data in graph.nodes(data=True):
            assert set(NODE_FIELDS) <= set(data), node


def test_grad_fn_node_carries_the_tensor_it_made():
    names = seed_chain(torch)
    view = graph_from_tensors(names["root"], labels=names)
    made_y = view.nodes[fn_node(names["y"].grad_fn.sequence_nr)]
    assert made_y["variable"] == "y"
    assert made_y["shape"] == (3,) and made_y["dtype"] == "torch.float32"
    assert made_y["value"] == preview(names["y"].detach().numpy())
    assert made_y["grad_fn"] == "AddBackward0" and made_y["formula"] and made_y["local"]


def test_python_number_inputs_are_constants_with_their_saved_value():
    names = seed_chain(torch)
    view = graph_from_tensors(names["root"], labels=names)
    mul = fn_node(names["z"].grad_fn.next_functions[0][0].sequence_nr)
    assert view.nodes[mul]["label"] == "MulBackward0"
    constant = view.nodes[mul]["inputs"][1]
    assert view.nodes[constant]["kind"] == Kind.CONSTANT
    assert view.nodes[constant]["value"] == "3."
    assert view.nodes[constant]["muted"]
    assert view.edges[constant, mul]["style"] == Style.CONSTANT


def test_same_tensor_twice_is_one_edge_with_both_slots():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    view = graph_from_tensors(y)
    mul = fn_node(y.grad_fn.sequence_nr)
    accumulate = fn_node(-x._id)
    assert view.edges[accumulate, mul]["slots"] == (0, 1)
    assert view.nodes[mul]["inputs"] == (accumulate, accumulate)


def test_detach_is_a_dashed_labelled_edge_from_source():
    a = torch.tensor([[0.2, 0.7], [0.6, 0.04]], requires_grad=True)
    b = a.detach()
    for view_name in ("autograd", "tensor"):
        view = graph_from_tensors(b, labels={"a": a, "b": b}, view=view_name)
        edge = view.edges[tensor_node(a._id), tensor_node(b._id)]
        assert edge["style"] == Style.DETACH and edge["label"] == "detach()"
        assert view.nodes[tensor_node(b._id)]["detached"]
        assert view.nodes[tensor_node(b._id)]["muted"]
        assert not view.nodes[tensor_node(a._id)]["muted"]


def test_detaching_an_intermediate_keeps_it_attached_to_its_grad_fn():
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    y = x * x
    frozen = y.detach()
    root = (y * frozen).sum()
    view = graph_from_tensors(root, labels={"x": x, "y": y, "frozen": frozen})
    source, target = tensor_node(y._id), tensor_node(frozen._id)
    assert view.edges[source, target]["style"] == Style.DETACH
    assert view.has_edge(fn_node(y.grad_fn.sequence_nr), source)
    # frozen enters the product as a constant: torch records (None, 0) for it
    product = fn_node(root.grad_fn.next_functions[0][0].sequence_nr)
    assert view.nodes[view.nodes[product]["inputs"][1]]["kind"] == Kind.CONSTANT


def test_no_grad_tensor_sits_in_a_region_and_is_muted():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with torch.no_grad():
        shifted = x + 2
    for view_name in ("autograd", "tensor"):
        view = graph_from_tensors(x, labels={"x": x, "shifted": shifted}, view=view_name)
        node = tensor_node(shifted._id)
        assert view.nodes[node]["no_grad"] and view.nodes[node]["muted"]
        assert not view.nodes[node]["requires_grad"]
        assert [node] in no_grad_regions(view)


def test_connected_no_grad_nodes_share_one_region():
    w = torch.tensor([1.0, 1.0], requires_grad=True)
    with torch.no_grad():
        step = w * 0.1
        copy = step.detach()
    view = graph_from_tensors(w, labels={"w": w, "step": step, "copy": copy})
    regions = no_grad_regions(view)
    assert sorted(map(sorted, regions)) == [sorted([tensor_node(step._id), tensor_node(copy._id)])]


def test_one_no_grad_block_is_one_region_even_without_edges():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        first = x * 0.1
        second = x + 1
    between = x * 2
    with torch.no_grad():
        later = x - 1
    view = graph_from_tensors(between, labels={"x": x, "first": first, "second": second, "later": later})
    regions = no_grad_regions(view)
    assert sorted(map(sorted, regions)) == sorted([
        sorted([tensor_node(first._id), tensor_node(second._id)]), [tensor_node(later._id)],
    ])


def test_requires_grad_false_ops_leave_no_grad_fn_but_the_tensor_is_drawn():
    a = torch.tensor([[0.5, 0.2], [0.1, 0.9]])
    b = (a * 5) / (a - 1)
    view = graph_from_tensors(b, labels={"a": a, "b": b})
    assert view.nodes[tensor_node(b._id)]["grad_fn"] is None
    assert view.nodes[tensor_node(b._id)]["muted"]
    assert tensor_node(a._id) in view


def test_show_saved_never_merges_a_saved_leaf_into_the_leaf():
    # torchviz keys saved tensors by identity, so `x * x` draws x's saved copies on x's own node.
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    view = graph_from_tensors(y, labels={"x": x}, show_saved=True)
    mul = fn_node(y.grad_fn.sequence_nr)
    saved = [n for n in view.predecessors(mul) if view.nodes[n]["kind"] == Kind.SAVED]
    assert len(saved) == 2 and tensor_node(x._id) not in saved
    assert all(view.edges[n, mul]["style"] == Style.SAVED for n in saved)
    assert view.nodes[tensor_node(x._id)]["kind"] == Kind.LEAF


def test_show_attrs_lists_attributes_under_the_name():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.add(x, x, alpha=2)
    plain = graph_from_tensors(y)
    detailed = graph_from_tensors(y, show_attrs=True)
    node = fn_node(y.grad_fn.sequence_nr)
    assert plain.nodes[node]["caption"] == ()
    assert (CaptionLine.ATTRS, "alpha=2") in detailed.nodes[node]["caption"]
    assert plain.nodes[node]["attrs"] == detailed.nodes[node]["attrs"]


def test_tensor_view_puts_ops_between_values():
    names = seed_chain(torch)
    view = graph_from_tensors(names["root"], labels=names, view="tensor")
    x, y, root = (tensor_node(names[k]._id) for k in ("x", "y", "root"))
    add = next(iter(view.successors(x)))
    assert view.nodes[add]["kind"] == Kind.OP and view.nodes[add]["grad_fn"] == "AddBackward0"
    assert list(view.successors(add)) == [y]
    assert [what for what, _ in view.nodes[x]["caption"]] == [CaptionLine.VALUE]
    assert nx.has_path(view, x, root)
    ops = [d["grad_fn"] for _, d in view.nodes(data=True) if d["kind"] == Kind.OP]
    assert sorted(ops) == sorted(["AddBackward0", "MulBackward0", "AddBackward0", "MeanBackward0"])


def test_tensor_view_shows_grad_after_backward():
    names = seed_chain(torch)
    names["root"].backward()
    view = graph_from_tensors(names["root"], labels=names, view="tensor")
    x = view.nodes[tensor_node(names["x"]._id)]
    assert x["grad"] == "[1., 1., 1.]" and (CaptionLine.GRAD, "[1., 1., 1.]") in x["caption"]


def test_the_graph_holds_no_words_only_names_and_caption_kinds():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    root = (x * 3).sum()
    for view_name in ("autograd", "tensor"):
        view = graph_from_tensors(root, labels={"x": x}, view=view_name)
        constants = [d for _, d in view.nodes(data=True) if d["kind"] == Kind.CONSTANT]
        assert constants and all(d["label"] is None for d in constants)
        for _, data in view.nodes(data=True):
            assert all(what in CaptionLine.ALL for what, _ in data["caption"])
    unnamed = graph_from_tensors(root, view="tensor")
    assert unnamed.nodes[tensor_node(root._id)]["label"] is None


def test_graph_from_record_labels_and_lines_come_from_the_record():
    names = seed_chain(torch)
    labels = {names["x"]._id: ("x", 3, "x = torch.tensor(...)"), names["y"]._id: ("y", 4, "y = x + 2")}
    record = SimpleNamespace(graph=snapshot(names.values(), labels))
    view = graph_from_record(record)
    add = view.nodes[fn_node(names["y"].grad_fn.sequence_nr)]
    assert (add["line"], add["source"], add["variable"]) == (4, "y = x + 2", "y")
    assert view.nodes[tensor_node(names["x"]._id)]["line"] == 3
    roots = [n for n, kind in view.nodes(data="kind") if kind == Kind.ROOT]
    assert roots == [tensor_node(names["root"]._id)]


def test_graph_from_backward_keeps_only_what_the_call_reached():
    names = vector_jacobian(torch)
    unrelated = torch.tensor([1.0], requires_grad=True) * 3
    trace = trace_backward(names["root"], names["w"], labels={**names, "unrelated": unrelated})
    view = graph_from_backward(trace)
    assert view.graph["backward"] is trace
    assert tensor_node(unrelated._id) not in view
    muls = [n for n, label in view.nodes(data="label") if label == "MulBackward0"]
    assert len(muls) == 11


def test_unknown_view_is_rejected():
    with pytest.raises(ValueError, match="view"):
        graph_from_snapshot(snapshot([]), "pretty")


def test_preview_is_short_and_one_line():
    assert preview(np.float32(1 / 3)) == "0.3333"
    assert preview(np.arange(100.0)) == "[0., 1., 2., ..., 97., 98., 99.]"
    assert preview(np.array([2048.0, 0.0001])) == "[2048., 0.0001]"
    text = preview(np.ones((5, 5, 5)))
    assert "\n" not in text and len(text) <= 60
    assert preview(None) is None
