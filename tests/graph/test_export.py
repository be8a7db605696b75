"""Exports: node-link JSON that reads back, and DOT text with the cuts drawn."""

from __future__ import annotations

import json

import networkx as nx

import engine as torch
from graph import graph_from_tensors, tensor_node, to_dot, to_json, to_node_link, trace_backward
from graph.model import graph_from_backward, graph_from_snapshot
from sandbox.snapshot import snapshot
from tests.graph.programs import seed_chain


def _cut_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    frozen = y.detach()
    with torch.no_grad():
        update = x * 0.1
    return graph_from_tensors(y.sum(), labels={"x": x, "y": y, "frozen": frozen, "update": update},
                              show_saved=True), frozen, update


def test_node_link_json_reads_back_into_the_same_graph():
    graph, _, _ = _cut_graph()
    data = json.loads(to_json(graph))
    again = nx.node_link_graph(data, edges="edges")
    assert list(again.nodes) == list(graph.nodes)
    assert set(again.edges) == set(graph.edges)
    node = next(iter(graph.nodes))
    assert again.nodes[node]["label"] == graph.nodes[node]["label"]


def test_node_link_leaves_out_the_live_backward_call():
    names = seed_chain(torch)
    graph = graph_from_backward(trace_backward(names["root"], labels=names))
    data = to_node_link(graph)
    assert "backward" not in data["graph"] and data["graph"]["view"] == "autograd"
    json.dumps(data)


def test_dot_has_dashed_detach_and_a_no_grad_cluster():
    graph, frozen, update = _cut_graph()
    dot = to_dot(graph, direction="TB")
    assert dot.startswith("digraph") and "rankdir=TB;" in dot
    assert 'style=dashed, label="detach()"' in dot
    assert "subgraph cluster_no_grad_0" in dot
    cluster = dot.split("subgraph cluster_no_grad_0")[1].split("}")[0]
    assert f'"{tensor_node(update._id)}"' in cluster
    assert f'"{tensor_node(frozen._id)}"' not in cluster
    assert dot.count("->") == graph.number_of_edges()


def test_dot_escapes_quotes_in_labels():
    x = torch.tensor([1.0], requires_grad=True)
    graph = graph_from_tensors(x, labels={'say "hi"': x})
    assert r'say \"hi\"' in to_dot(graph)


def _square():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return graph_from_tensors(x * x, labels={"x": x})


def test_a_tensor_used_twice_by_one_op_is_two_edges_in_every_export():
    graph = _square()
    data = to_node_link(graph)
    into_mul = [edge for edge in data["edges"] if edge["target"].startswith("fn:")
                and edge["source"].startswith("fn:-")]
    assert sorted(edge["slot"] for edge in into_mul) == [0, 1]
    assert data["multigraph"] is True
    again = nx.node_link_graph(json.loads(to_json(graph)), edges="edges")
    assert again.number_of_edges() == graph.number_of_edges() + 1
    dot = to_dot(graph)
    source, target = into_mul[0]["source"], into_mul[0]["target"]
    assert dot.count(f'"{source}" -> "{target}"') == 2
    assert 'headlabel="0"' in dot and 'headlabel="1"' in dot


def test_json_export_names_the_outputs_as_roots_when_none_was_asked_for():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    snap = snapshot([y, x], {y._id: ("y", None, None), x._id: ("x", None, None)})
    data = to_node_link(graph_from_snapshot(snap))
    assert data["graph"]["roots"] == [tensor_node(y._id)]
