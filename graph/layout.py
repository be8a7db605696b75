"""A layered (Sugiyama-style) layout with no system binary: layers, crossing reduction, coordinates.

1. Layers: each node one layer after its latest input (topological generations); a node with no
   inputs moves up next to its first consumer, so constants and leaves do not drag long edges.
2. Order inside a layer: barycenter sweeps (down, then up), keeping the order with fewest crossings.
3. Coordinates: each node as close as it can get to the mean of its neighbours, never nearer than
   `node_gap` to the next node in its layer (an isotonic regression, solved exactly by pooling).
   A source that feeds a single node (a constant, a leaf used once) follows that node instead of
   pulling it, so a chain with constants hanging off it stays a straight line.

`boxed_layout` does the same for nodes that take room round their point (a label beside a marker):
each node has an extent, layers are as far apart as their widest boxes need and neighbours in a layer
as far apart as their two boxes need, so no two boxes overlap.

Every pass is linear in V + E, the result depends only on the graph's insertion order (never on hash
order), and two nodes never share a spot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

Position = tuple[float, float]
# Room a node takes round its point: (left, right, below, above), in the drawing's units.
Extent = tuple[float, float, float, float]
_POINT: Extent = (0.0, 0.0, 0.0, 0.0)
# How hard a hanging source (a constant, a leaf used once) pulls when a layer is placed: it moves out
# of the way of the nodes its neighbours line up with rather than bending them.
_HANGER_WEIGHT = 1e-4
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
    """Layer of each node: as late as its consumers allow, outputs one past their latest input."""
    index = {node: i for i, node in enumerate(graph)}
    order = _topological_order(graph, index)
    position = {node: i for i, node in enumerate(order)}
    layer: dict[Hashable, int] = {}
    for node in order:
        earlier = [layer[p] for p in graph.predecessors(node) if position[p] < position[node]]
        layer[node] = max(earlier) + 1 if earlier else 0
    # Then as late as each node can go (its earliest consumer's layer minus one), from the outputs
    # back: the chains that feed a long sum one after another stagger down beside it instead of all
    # crowding the first layers (eight parameters added up made one row eight boxes wide).
    for node in reversed(order):
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


def _pool_adjacent_violators(targets: list[float], weights: list[float] | None = None) -> list[float]:
    """The non-decreasing sequence closest (weighted least squares) to `targets`."""
    weights = weights or [1.0] * len(targets)
    means: list[float] = []
    totals: list[float] = []
    sizes: list[int] = []
    for value, weight in zip(targets, weights):
        means.append(value)
        totals.append(weight)
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            total = totals[-2] + totals[-1]
            mean = (means[-2] * totals[-2] + means[-1] * totals[-1]) / total
            means[-2:], totals[-2:], sizes[-2:] = [mean], [total], [sizes[-2] + sizes[-1]]
    result: list[float] = []
    for mean, size in zip(means, sizes):
        result.extend([mean] * size)
    return result


def _place_layer(wanted: list[float], gaps: list[float], weights: list[float]) -> list[float]:
    """Positions closest to `wanted`, in the given order, neighbour i and i+1 at least gaps[i] apart."""
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    shifted = _pool_adjacent_violators([w - o for w, o in zip(wanted, offsets)], weights)
    return [s + o for s, o in zip(shifted, offsets)]


def _hangers(graph: nx.DiGraph, among: Collection[Hashable] | None = None) -> set[Hashable]:
    """Sources with a single consumer (of `among`, when given): they follow it instead of pulling it."""
    nodes = graph if among is None else [node for node in among if node in graph]
    return {node for node in nodes if graph.in_degree(node) == 0 and graph.out_degree(node) == 1}


def _straighten(adjacency: tuple[Neighbours, Neighbours], layers: Sequence[Sequence[Hashable]],
                gap_between: Mapping[tuple[Hashable, Hashable], float], hangers: set[Hashable],
                passes: int = 3) -> dict[Hashable, float]:
    """Pull each node toward its neighbours' mean, layer by layer, keeping order and spacing."""
    predecessors, successors = adjacency
    coordinate: dict[Hashable, float] = {}
    for nodes in layers:
        position = 0.0
        for i, node in enumerate(nodes):
            if i:
                position += gap_between[nodes[i - 1], node]
            coordinate[node] = position
        middle = position / 2
        for node in nodes:
            coordinate[node] -= middle
    for _ in range(passes):
        for neighbours, indices in ((predecessors, range(len(layers))),
                                    (successors, range(len(layers) - 1, -1, -1))):
            for k in indices:
                nodes = layers[k]
                wanted = []
                for node in nodes:
                    around = [n for n in neighbours[node] if n not in hangers] or neighbours[node]
                    values = [coordinate[n] for n in around]
                    wanted.append(sum(values) / len(values) if values else coordinate[node])
                if len(nodes) == 1:
                    coordinate[nodes[0]] = wanted[0]
                    continue
                gaps = [gap_between[a, b] for a, b in zip(nodes, nodes[1:])]
                weights = [_HANGER_WEIGHT if node in hangers else 1.0 for node in nodes]
                for node, value in zip(nodes, _place_layer(wanted, gaps, weights)):
                    coordinate[node] = value
    return coordinate


def _spread_isolated(graph: nx.DiGraph, layer: dict[Hashable, int], extents: Mapping[Hashable, Extent],
                     direction: str) -> set[Hashable]:
    """Place nodes with no edge at all (a tensor made under no_grad) where they widen the drawing
    least; returns them.

    Left-to-right, each joins the layer that is shortest so far (a layer grows downwards, which costs
    only height). Top-to-bottom, a layer grows sideways, so they fill rows of their own under the
    graph instead, each row at most as wide as the graph's widest layer.
    """
    isolated = [node for node in graph if graph.degree(node) == 0]
    connected = [node for node in graph if graph.degree(node) > 0]
    if not isolated or not connected:
        return set(isolated)

    def size(node: Hashable) -> float:
        left, right, below, above = extents.get(node, _POINT)
        return 1.0 + (below + above if direction == "LR" else left + right)

    widths = [0.0] * (max(layer[node] for node in connected) + 1)
    for node in connected:
        widths[layer[node]] += size(node)
    if direction == "LR":
        for node in isolated:
            shortest = min(range(len(widths)), key=widths.__getitem__)
            layer[node] = shortest
            widths[shortest] += size(node)
        return set(isolated)
    widest, row, used = max(widths), len(widths), 0.0
    for node in isolated:
        if used and used + size(node) > widest:
            row, used = row + 1, 0.0
        layer[node] = row
        used += size(node)
    return set(isolated)


def _hangers_aside(layers: list[list[Hashable]], successors: Neighbours, hangers: set[Hashable],
                   before: bool) -> None:
    """Put each hanging source on one side of the node it shares its only consumer with, so its edge
    stays off that node's label. Swapping two neighbours with the same single consumer moves no crossing."""
    for nodes in layers:
        for i in range(len(nodes) - 1):
            first, second = nodes[i], nodes[i + 1]
            hanger, other = (second, first) if before else (first, second)
            if (hanger in hangers and other not in hangers and len(successors[other]) == 1
                    and successors[other] == successors[hanger]):
                nodes[i], nodes[i + 1] = second, first


@dataclass(frozen=True)
class Layout:
    """Where each node goes, and the layers that placed it."""

    direction: str
    positions: dict[Hashable, Position]
    layers: dict[Hashable, int]
    # Each layer's span along the reading direction (x for "LR", y for "TB"), low to high, boxes included.
    bands: tuple[tuple[float, float], ...]


def _layer_spans(layers: Sequence[Sequence[Hashable]], extents: Mapping[Hashable, Extent],
                 direction: str, space: float) -> tuple[list[float], list[tuple[float, float]]]:
    """Where each layer sits along the reading direction, and the span its boxes cover.

    Left-to-right, layer k+1 starts `space` after the right edge of layer k's widest box; top-to-bottom
    (y growing upwards), its tallest box starts `space` below layer k's lowest one.
    """
    starts: list[float] = []
    spans: list[tuple[float, float]] = []
    edge = None
    for nodes in layers:
        boxes = [extents.get(node, _POINT) for node in nodes]
        if direction == "LR":
            before = max((box[0] for box in boxes), default=0.0)
            after = max((box[1] for box in boxes), default=0.0)
            at = 0.0 if edge is None else edge + space + before
            spans.append((at - before, at + after))
            edge = at + after if nodes or edge is None else edge
        else:
            before = max((box[3] for box in boxes), default=0.0)
            after = max((box[2] for box in boxes), default=0.0)
            at = 0.0 if edge is None else edge - space - before
            spans.append((at - after, at + before))
            edge = at - after if nodes or edge is None else edge
        starts.append(at)
    return starts, spans


def _gaps_in_layers(layers: Sequence[Sequence[Hashable]], extents: Mapping[Hashable, Extent], direction: str,
                    space: float) -> dict[tuple[Hashable, Hashable], float]:
    """The least distance between each pair of neighbours in a layer (as ordered), boxes included.

    Across a left-to-right layer the order runs downwards (coordinate = -y); across a top-to-bottom one,
    rightwards (coordinate = x).
    """
    gaps = {}
    for nodes in layers:
        for first, second in zip(nodes, nodes[1:]):
            a, b = extents.get(first, _POINT), extents.get(second, _POINT)
            room = a[2] + b[3] if direction == "LR" else a[1] + b[0]
            gaps[first, second] = room + space
    return gaps


def boxed_layout(graph: nx.DiGraph, direction: str = "LR", *,
                 extents: Mapping[Hashable, Extent] | None = None, layer_space: float | None = None,
                 node_space: float | None = None, followers: Collection[Hashable] | None = None,
                 sweeps: int = 4) -> Layout:
    """A layered layout of nodes that take room round their points, no two boxes overlapping.

    Args:
        graph: the graph (edges point from inputs to consumers).
        direction: "LR" (inputs on the left) or "TB" (inputs on top).
        extents: node -> (left, right, below, above), the room it needs round its point; missing nodes
            are points.
        layer_space: clear space between the boxes of two neighbouring layers; default as layered_layout's
            layer gap.
        node_space: clear space between two neighbouring boxes in a layer; default as layered_layout's
            node gap.
        followers: sources that move out of the way of their single consumer rather than pull it in
            line (constants); by default every source with a single consumer.
        sweeps: rounds of barycenter crossing reduction.

    Returns:
        The positions (y growing upwards, as in a plotly figure), each node's layer, and each layer's span.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    default_layer_gap, default_node_gap = DEFAULT_GAPS[direction]
    layer_space = default_layer_gap if layer_space is None else layer_space
    node_space = default_node_gap if node_space is None else node_space
    extents = extents or {}
    if graph.number_of_nodes() == 0:
        return Layout(direction, {}, {}, ())
    layer = assign_layers(graph)
    isolated = _spread_isolated(graph, layer, extents, direction)
    adjacency = _adjacency(graph)
    hangers = _hangers(graph, followers)
    layers = _order_layers(graph, adjacency, layer, sweeps, None)
    layers = [[n for n in nodes if n not in isolated] + [n for n in nodes if n in isolated]
              for nodes in layers]
    # Left-to-right labels sit above their nodes, top-to-bottom to their right: hangers go the other way.
    _hangers_aside(layers, adjacency[1], hangers, before=direction == "TB")
    gaps = _gaps_in_layers(layers, extents, direction, node_space)
    across = _straighten(adjacency, layers, gaps, hangers)
    starts, spans = _layer_spans(layers, extents, direction, layer_space)
    if direction == "LR":
        positions = {node: (starts[layer[node]], -across[node]) for node in graph}
    else:
        positions = {node: (across[node], starts[layer[node]]) for node in graph}
    return Layout(direction, positions, dict(layer), tuple(spans))


def layered_layout(graph: nx.DiGraph, direction: str = "LR", *, layer_gap: float | None = None,
                   node_gap: float | None = None, sweeps: int = 4) -> dict[Hashable, Position]:
    """Positions for a layered drawing of a DAG whose nodes are points.

    Args:
        graph: the graph (edges point from inputs to consumers).
        direction: "LR" (inputs on the left) or "TB" (inputs on top).
        layer_gap: distance between layers; default depends on `direction`.
        node_gap: least distance between two nodes of one layer; default depends on `direction`.
        sweeps: rounds of barycenter crossing reduction.

    Returns:
        node -> (x, y), y growing upwards as in a plotly figure.
    """
    return boxed_layout(graph, direction, layer_space=layer_gap, node_space=node_gap, sweeps=sweeps).positions
