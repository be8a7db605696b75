"""Folding repeated chains of big graphs into one labelled node, and opening them again."""

from __future__ import annotations

import networkx as nx

import engine as torch
from graph import Kind, chain_id, collapse_chains, graph_from_tensors, tensor_node
from tests.graph.programs import seed_chain, vector_jacobian


def _doubling(times: int, factor: float = 2.0):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * factor
    for _ in range(times):
        y = y * factor
    return x, y


def test_small_graphs_are_left_alone():
    names = seed_chain(torch)
    graph = graph_from_tensors(names["root"], labels=names)
    assert collapse_chains(graph) is graph


def test_repeated_mul_becomes_one_node_with_a_count():
    names = vector_jacobian(torch)
    graph = graph_from_tensors(names["root"], labels=names)
    folded = collapse_chains(graph, threshold=0)
    collapsed = [d for _, d in folded.nodes(data=True) if d["kind"] == Kind.COLLAPSED]
    assert [d["label"] for d in collapsed] == ["MulBackward0 ×11"]
    # the 11 multiplications and their 11 constant factors
    assert len(collapsed[0]["members"]) == 22
    assert folded.number_of_nodes() == graph.number_of_nodes() - 22 + 1
    x, root = tensor_node(names["x"]._id), tensor_node(names["root"]._id)
    assert nx.has_path(folded, x, root)
    assert folded.graph["collapsed"]


def test_an_expanded_chain_stays_open():
    names = vector_jacobian(torch)
    graph = graph_from_tensors(names["root"], labels=names)
    chain = next(iter(collapse_chains(graph, threshold=0).graph["collapsed"]))
    assert chain.startswith("chain:")
    opened = collapse_chains(graph, threshold=0, expanded={chain})
    assert opened.number_of_nodes() == graph.number_of_nodes()


def test_chain_id_is_stable_between_runs():
    first = collapse_chains(graph_from_tensors(_doubling(8)[1]), threshold=0)
    second = collapse_chains(graph_from_tensors(_doubling(8)[1]), threshold=0)
    assert len(first.graph["collapsed"]) == len(second.graph["collapsed"]) == 1
    first_chain = next(iter(first.graph["collapsed"]))
    assert first_chain == chain_id(first.graph["collapsed"][first_chain][0])


def test_tensor_view_folds_op_tensor_pairs():
    x, y = _doubling(9)
    graph = graph_from_tensors(y, labels={"x": x}, view="tensor")
    folded = collapse_chains(graph, threshold=0)
    labels = [d["label"] for _, d in folded.nodes(data=True) if d["kind"] == Kind.COLLAPSED]
    # leaf, (Mul, tensor) × 9, then the last Mul stays next to the root it made
    assert labels == ["Mul ×9"]


def test_short_runs_are_not_folded():
    x, y = _doubling(1)
    graph = graph_from_tensors(y)
    assert collapse_chains(graph, threshold=0, min_repeats=4) is graph


def test_a_thousand_step_chain_folds_to_a_handful_of_nodes():
    x, y = _doubling(1000, factor=1.0)
    graph = graph_from_tensors(y.sum(), labels={"x": x})
    folded = collapse_chains(graph)
    assert graph.number_of_nodes() > 2000
    assert folded.number_of_nodes() < 10
