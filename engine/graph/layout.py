"""A layered (Sugiyama-style) layout with no system binary: layers, crossing reduction, coordinates.

1. Layers: each node one layer after its latest input (topological generations); a node with no
   inputs moves up next to its first consumer, so constants and leaves do not drag long edges.
2. Order inside a layer: barycenter sweeps (down, then up), keeping the order with fewest crossings.
3. Coordinates: each node as close as it can get to the mean of its neighbours, never nearer than
   `node_gap` to the next node in its layer (an isotonic regression, solved exactly by pooling).

Every pass is linear in V + E, the result depends only on the graph's insertion order (never on hash
order), and two nodes never share a spot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence

import networkx as nx

Position = tuple[float, float]
DIRECTIONS = ("LR", "TB")
# Layers along the reading direction are further apart than neighbours in a layer, because labels
# are wide: left-to-right needs room between layers, top-to-bottom between neighbours.
DEFAULT_GAPS = {"LR": (3.0, 1.0), "TB": (1.5, 3.0)}


def _topological_order(graph: nx.DiGraph, index: dict[Hashable, int]) -> list[Hashable]:
    """Kahn's algorithm in insertion order; nodes on a cycle (never in autograd graphs) go last."""
    indegree = {node: graph.in_degree(node) for node in graph}
    ready = deque(node for node in graph if indegree[node] == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for successor in graph.successors(node):
            indegree[successor] -= 1
            if indegree[successor] == 0:
                ready.append(successor)
    if len(order) < len(index):
        placed = set(order)
        order.extend(node for node in graph if node not in placed)
    return order


def assign_layers(graph: nx.DiGraph) -> dict[Hashable, int]:
    """Layer of each node: one past its latest predecessor; sources sit just before their first consumer."""
    index = {node: i for i, node in enumerate(graph)}
    order = _topological_order(graph, index)
    position = {node: i for i, node in enumerate(order)}
    layer: dict[Hashable, int] = {}
    for node in order:
        earlier = [layer[p] for p in graph.predecessors(node) if position[p] < position[node]]
        layer[node] = max(earlier) + 1 if earlier else 0
    for node in order:
        if graph.in_degree(node) == 0:
            later = [layer[s] for s in graph.successors(node) if position[s] > position[node]]
            if later:
                layer[node] = min(later) - 1
    return layer


def _initial_layers(graph: nx.DiGraph, layer: dict[Hashable, int]) -> list[list[Hashable]]:
    """Nodes of each layer in depth-first order from the sinks, so related nodes start out close."""
    count = max(layer.values()) + 1 if layer else 0
    layers: list[list[Hashable]] = [[] for _ in range(count)]
    seen: set[Hashable] = set()
    sinks = [node for node in graph if graph.out_degree(node) == 0]
    for start in [*sinks, *graph]:
        stack = [start]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            layers[layer[node]].append(node)
            stack.extend(reversed(list(graph.predecessors(node))))
    return layers


def _count_inversions(values: list[int]) -> int:
    """Number of pairs i < j with values[i] > values[j] (a Fenwick tree, O(n log n))."""
    if not values:
        return 0
    size = max(values) + 1
    tree = [0] * (size + 1)
    inversions = 0
    for seen, value in enumerate(values):
        i, smaller_or_equal = value + 1, 0
        while i > 0:
            smaller_or_equal += tree[i]
            i -= i & -i
        inversions += seen - smaller_or_equal
        i = value + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return inversions


Neighbours = dict[Hashable, list[Hashable]]


def _adjacency(graph: nx.DiGraph) -> tuple[Neighbours, Neighbours]:
    """Predecessor and successor lists, read once: networkx's views cost too much in the inner loops."""
    return ({node: list(graph.predecessors(node)) for node in graph},
            {node: list(graph.successors(node)) for node in graph})


def _crossings(successors: Neighbours, layers: Sequence[Sequence[Hashable]]) -> int:
    rank = {node: i for nodes in layers for i, node in enumerate(nodes)}
    layer_of = {node: k for k, nodes in enumerate(layers) for node in nodes}
    total = 0
    for k in range(len(layers) - 1):
        pairs = sorted((rank[u], rank[v]) for u in layers[k] for v in successors[u] if layer_of[v] == k + 1)
        if len(pairs) > 1:
            total += _count_inversions([target for _, target in pairs])
    return total


def count_crossings(graph: nx.DiGraph, layers: Sequence[Sequence[Hashable]]) -> int:
    """Crossings between edges joining adjacent layers (longer edges are not counted)."""
    return _crossings(_adjacency(graph)[1], layers)


def _coordinates(layers: Sequence[Sequence[Hashable]]) -> dict[Hashable, float]:
    return {node: i - (len(nodes) - 1) / 2 for nodes in layers for i, node in enumerate(nodes)}


def _sweep(layers: list[list[Hashable]], neighbours: Neighbours, coordinate: dict[Hashable, float],
           reverse: bool) -> None:
    """Reorder each layer by the barycenter of its neighbours on the side already placed."""
    indices = range(len(layers) - 1, -1, -1) if reverse else range(len(layers))
    for k in indices:
        nodes = layers[k]
        if len(nodes) == 1:
            continue
        keys = []
        for i, node in enumerate(nodes):
            around = [coordinate[n] for n in neighbours[node]]
            keys.append((sum(around) / len(around) if around else coordinate[node], i))
        order = sorted(range(len(nodes)), key=keys.__getitem__)
        layers[k] = [nodes[i] for i in order]
        for i, node in enumerate(layers[k]):
            coordinate[node] = i - (len(nodes) - 1) / 2


def order_layers(graph: nx.DiGraph, layer: dict[Hashable, int], sweeps: int = 4,
                 initial: Sequence[Sequence[Hashable]] | None = None) -> list[list[Hashable]]:
    """Order nodes inside each layer to reduce edge crossings (barycenter heuristic).

    Args:
        graph: the graph.
        layer: node -> layer index (see assign_layers).
        sweeps: rounds of one downward and one upward sweep.
        initial: a starting order per layer; by default depth-first from the sinks.

    Returns:
        The nodes of each layer, in order.
    """
    return _order_layers(graph, _adjacency(graph), layer, sweeps, initial)


def _order_layers(graph: nx.DiGraph, adjacency: tuple[Neighbours, Neighbours], layer: dict[Hashable, int],
                  sweeps: int, initial: Sequence[Sequence[Hashable]] | None) -> list[list[Hashable]]:
    predecessors, successors = adjacency
    layers = [list(nodes) for nodes in initial] if initial is not None else _initial_layers(graph, layer)
    best = [list(nodes) for nodes in layers]
    best_crossings = _crossings(successors, best)
    coordinate = _coordinates(layers)
    for _ in range(sweeps):
        if best_crossings == 0:
            break
        _sweep(layers, predecessors, coordinate, reverse=False)
        _sweep(layers, successors, coordinate, reverse=True)
        crossings = _crossings(successors, layers)
        if crossings < best_crossings:
            best, best_crossings = [list(nodes) for nodes in layers], crossings
    return best


def _pool_adjacent_violators(targets: list[float]) -> list[float]:
    """The non-decreasing sequence closest (least squares) to `targets`."""
    means: list[float] = []
    sizes: list[int] = []
    for value in targets:
        means.append(value)
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            size = sizes[-2] + sizes[-1]
            mean = (means[-2] * sizes[-2] + means[-1] * sizes[-1]) / size
            means[-2:], sizes[-2:] = [mean], [size]
    result: list[float] = []
    for mean, size in zip(means, sizes):
        result.extend([mean] * size)
    return result


def _place_layer(nodes: Sequence[Hashable], wanted: list[float], gap: float) -> list[float]:
    """Positions closest to `wanted`, in the given order and at least `gap` apart."""
    shifted = _pool_adjacent_violators([w - i * gap for i, w in enumerate(wanted)])
    return [s + i * gap for i, s in enumerate(shifted)]


def _straighten(adjacency: tuple[Neighbours, Neighbours], layers: Sequence[Sequence[Hashable]], gap: float,
                passes: int = 3) -> dict[Hashable, float]:
    """Pull each node toward its neighbours' mean, layer by layer, keeping order and spacing."""
    predecessors, successors = adjacency
    coordinate = {node: gap * c for node, c in _coordinates(layers).items()}
    for _ in range(passes):
        for neighbours, indices in ((predecessors, range(len(layers))),
                                    (successors, range(len(layers) - 1, -1, -1))):
            for k in indices:
                nodes = layers[k]
                wanted = []
                for node in nodes:
                    around = [coordinate[n] for n in neighbours[node]]
                    wanted.append(sum(around) / len(around) if around else coordinate[node])
                if len(nodes) == 1:
                    coordinate[nodes[0]] = wanted[0]
                    continue
                for node, value in zip(nodes, _place_layer(nodes, wanted, gap)):
                    coordinate[node] = value
    return coordinate


def layered_layout(graph: nx.DiGraph, direction: str = "LR", *, layer_gap: float | None = None,
                   node_gap: float | None = None, sweeps: int = 4) -> dict[Hashable, Position]:
    """Positions for a layered drawing of a DAG.

    Args:
        graph: the graph (edges point from inputs to consumers).
        direction: "LR" (inputs on the left) or "TB" (inputs on top).
        layer_gap: distance between layers; default depends on `direction`.
        node_gap: least distance between two nodes of one layer; default depends on `direction`.
        sweeps: rounds of barycenter crossing reduction.

    Returns:
        node -> (x, y), y growing upwards as in a plotly figure.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    default_layer_gap, default_node_gap = DEFAULT_GAPS[direction]
    layer_gap = default_layer_gap if layer_gap is None else layer_gap
    node_gap = default_node_gap if node_gap is None else node_gap
    if graph.number_of_nodes() == 0:
        return {}
    layer = assign_layers(graph)
    adjacency = _adjacency(graph)
    layers = _order_layers(graph, adjacency, layer, sweeps, None)
    across = _straighten(adjacency, layers, node_gap)
    if direction == "LR":
        return {node: (layer[node] * layer_gap, -across[node]) for node in graph}
    return {node: (across[node], -layer[node] * layer_gap) for node in graph}
