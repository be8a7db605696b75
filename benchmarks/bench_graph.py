"""Graph drawing speed: layered layout + plotly figure (serialised) for 500 to 5,000 nodes.

    python -m benchmarks.run --only graph

The graphs come from a random engine program (adds, products, subtractions and tanh on small tensors,
each op using the latest result and one earlier tensor), so they have the fan-in and long edges of real
autograd graphs. Targets: growth linear in V + E (each size against the 500-node time scaled by V + E),
5,000 nodes under one second, the 1,000-node figure's JSON under 2 MB, and our layout faster than
networkx's spring layout.
"""

from __future__ import annotations

import sys

import networkx as nx
import numpy as np

import engine
from benchmarks._harness import Result, measure
from figures import graph_figure
from graph import graph_from_tensors, layered_layout

SIZES = (500, 1000, 2000, 5000)


def _program(ops: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    pool = [engine.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True) for _ in range(8)]
    for _ in range(ops):
        latest = pool[-1]
        other = pool[int(rng.integers(0, len(pool)))]
        choice = int(rng.integers(0, 4))
        if choice == 0:
            result = (latest * other).tanh()
        elif choice == 1:
            result = latest + other
        elif choice == 2:
            result = latest - other * 0.5
        else:
            result = (latest * 0.5).tanh()
        pool.append(result)
    return pool[-1].sum()


def graph_of_about(nodes: int) -> nx.DiGraph:
    """An autograd view with roughly `nodes` nodes."""
    ops = 200
    for _ in range(3):  # the nodes-per-op ratio settles after a couple of rescalings
        graph = graph_from_tensors(_program(ops))
        ops = max(1, round(ops * nodes / graph.number_of_nodes()))
    return graph_from_tensors(_program(ops))


def _draw(graph: nx.DiGraph) -> str:
    return graph_figure(graph).to_json()


def run() -> list[Result]:
    graphs = {size: graph_of_about(size) for size in SIZES}
    times = {size: measure(lambda g=graph: _draw(g), repeat=3) for size, graph in graphs.items()}
    sizes = {size: graph.number_of_nodes() + graph.number_of_edges() for size, graph in graphs.items()}
    json_mb = len(_draw(graphs[1000]).encode()) / 1e6
    print("graph layout + figure + JSON:", file=sys.stderr)
    for size, graph in graphs.items():
        print(f"  {graph.number_of_nodes():>5} nodes {graph.number_of_edges():>5} edges  "
              f"{times[size] * 1000:7.1f} ms", file=sys.stderr)
    print(f"  figure JSON at {graphs[1000].number_of_nodes()} nodes: {json_mb:.2f} MB", file=sys.stderr)

    results = [
        Result(f"graph: draw {graphs[size].number_of_nodes()} nodes", times[size],
               times[500] * sizes[size] / sizes[500], "500-node time × (V+E) ratio", "<= 1.5x")
        for size in SIZES[1:]
    ]
    results.append(Result(f"graph: draw {graphs[5000].number_of_nodes()} nodes, budget", times[5000], 1.0,
                          "1 s budget", "< 1x"))
    results.append(Result("graph: figure JSON, 1000 nodes", json_mb, 2.0, "2 MB budget", "< 1x", unit="MB"))
    ours = measure(lambda: layered_layout(graphs[1000]), repeat=3)
    spring = measure(lambda: nx.spring_layout(graphs[1000], seed=0), repeat=1)
    results.append(Result("graph: layout, 1000 nodes", ours, spring, "networkx.spring_layout", "< 1x"))
    return results
