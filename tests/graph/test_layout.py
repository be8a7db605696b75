"""The layered layout: deterministic, no two nodes on one spot, inputs before consumers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import combinations

import networkx as nx
import numpy as np
import pytest

import engine as torch
from graph import count_crossings, graph_from_tensors, layered_layout
from graph.layout import DEFAULT_GAPS, assign_layers, order_layers
from tests.graph.programs import PROGRAMS, seed_chain


def random_dag(nodes: int, edges: int, seed: int) -> nx.DiGraph:
    rng = np.random.default_rng(seed)
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i}" for i in range(nodes))
    for _ in range(edges):
        u, v = sorted(rng.choice(nodes, size=2, replace=False))
        graph.add_edge(f"n{u}", f"n{v}")
    return graph


def _min_distance(positions) -> float:
    points = np.array(list(positions.values()))
    return min(np.hypot(*(p - q)) for p, q in combinations(points, 2))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_no_two_nodes_overlap(seed, direction):
    graph = random_dag(60, 120, seed)
    positions = layered_layout(graph, direction)
    assert set(positions) == set(graph)
    assert _min_distance(positions) >= min(DEFAULT_GAPS[direction]) - 1e-9


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_every_edge_runs_from_an_earlier_layer(direction):
    graph = random_dag(80, 160, 7)
    positions = layered_layout(graph, direction)
    for u, v in graph.edges:
        if direction == "LR":
            assert positions[u][0] < positions[v][0]
        else:
            assert positions[u][1] > positions[v][1]


def test_inputs_sit_next_to_their_first_consumer():
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("constant", "d")])
    layer = assign_layers(graph)
    assert layer["constant"] == layer["d"] - 1 == 2


def test_layout_is_the_same_every_time():
    names = PROGRAMS["shared_intermediate"](torch)
    first = layered_layout(graph_from_tensors(names["root"], labels=names))
    for _ in range(3):
        names = PROGRAMS["shared_intermediate"](torch)
        again = layered_layout(graph_from_tensors(names["root"], labels=names))
        assert list(first.values()) == list(again.values())


_SCRIPT = """
import json, networkx as nx, numpy as np
from graph import layered_layout
rng = np.random.default_rng(3)
graph = nx.DiGraph()
graph.add_nodes_from(f"n{i}" for i in range(50))
for _ in range(100):
    u, v = sorted(rng.choice(50, size=2, replace=False))
    graph.add_edge(f"n{u}", f"n{v}")
print(json.dumps(sorted(layered_layout(graph).items())))
"""


def test_layout_does_not_depend_on_string_hashing():
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env,
                                check=True, cwd=os.getcwd())
        outputs.add(result.stdout)
    assert len(outputs) == 1 and json.loads(outputs.pop())


def test_a_chain_of_ops_is_drawn_without_crossings():
    names = seed_chain(torch)
    graph = graph_from_tensors(names["root"], labels=names)
    layers = order_layers(graph, assign_layers(graph))
    assert count_crossings(graph, layers) == 0


def test_barycenter_sweeps_untangle_a_crossed_ladder():
    # two parallel chains with the middle layer listed the wrong way round
    graph = nx.DiGraph([("a0", "a1"), ("a1", "a2"), ("b0", "b1"), ("b1", "b2"), ("a0", "b1")])
    crossed = [["a0", "b0"], ["b1", "a1"], ["a2", "b2"]]
    assert count_crossings(graph, crossed) == 2
    layers = order_layers(graph, assign_layers(graph), initial=crossed)
    assert count_crossings(graph, layers) == 0


def test_count_crossings_counts_a_single_cross():
    graph = nx.DiGraph([("a", "d"), ("b", "c")])
    assert count_crossings(graph, [["a", "b"], ["c", "d"]]) == 1
    assert count_crossings(graph, [["a", "b"], ["d", "c"]]) == 0


def test_a_chain_is_a_straight_line():
    graph = nx.path_graph(6, create_using=nx.DiGraph)
    positions = layered_layout(graph, "LR")
    assert {y for _, y in positions.values()} == {0.0}


def test_empty_graph_and_bad_direction():
    assert layered_layout(nx.DiGraph()) == {}
    with pytest.raises(ValueError, match="direction"):
        layered_layout(nx.DiGraph(), "RL")
