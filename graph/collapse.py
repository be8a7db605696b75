"""Keep big graphs readable: fold repeated chains (`y = y * 2` ten times) into one labelled node.

A chain is a path whose links are each the only way out of one node and the only way into the next
(constants and saved tensors hanging off the path do not count). Inside a chain, a run that repeats the
same node (period 1, the autograd view's `MulBackward0, MulBackward0, ...`) or the same pair (period 2,
the tensor view's `op, tensor, op, tensor`) at least `min_repeats` times becomes one node,
`MulBackward0 ×10`, whose id is stable so a page can pass it back in `expanded` to open it again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from graph.model import Kind

_SIDE_KINDS = (Kind.CONSTANT, Kind.SAVED)
_NAMED_KINDS = (Kind.GRAD_FN, Kind.OP, Kind.ACCUMULATE)
DEFAULT_THRESHOLD = 150


def chain_id(first_member: Hashable) -> str:
    """The id of the collapsed node that starts with `first_member`."""
    return f"chain:{first_member}"


def _signature(graph: nx.DiGraph, node: Hashable) -> tuple[str, str]:
    data = graph.nodes[node]
    return (data["kind"], data["label"] if data["kind"] in _NAMED_KINDS else "")


def _main(graph: nx.DiGraph, nodes: Iterable[Hashable]) -> list[Hashable]:
    return [node for node in nodes if graph.nodes[node]["kind"] not in _SIDE_KINDS]


def _paths(graph: nx.DiGraph) -> list[list[Hashable]]:
    """Maximal paths; each link is the only main exit of one node and the only main entry of the next."""
    link: dict[Hashable, Hashable] = {}
    linked_into: set[Hashable] = set()
    for node in graph:
        if graph.nodes[node]["kind"] in _SIDE_KINDS:
            continue
        exits = _main(graph, graph.successors(node))
        if len(exits) == 1 and len(_main(graph, graph.predecessors(exits[0]))) == 1:
            link[node] = exits[0]
            linked_into.add(exits[0])
    paths = []
    for node in graph:
        if node in link and node not in linked_into:
            path = [node]
            while path[-1] in link:
                path.append(link[path[-1]])
            paths.append(path)
    return paths


def _runs(signatures: list[tuple[str, str]], min_repeats: int) -> list[tuple[int, int, int]]:
    """(start, stop, period) of the longest runs, left to right, that repeat at least `min_repeats` times."""
    runs = []
    start = 0
    while start < len(signatures):
        best = None
        for period in (1, 2):
            stop = start + period
            while stop < len(signatures) and signatures[stop] == signatures[stop - period]:
                stop += 1
            repeats = (stop - start) // period
            if repeats >= min_repeats and (best is None or repeats * period > best[1] - best[0]):
                best = (start, start + repeats * period, period)
        if best is None:
            start += 1
        else:
            runs.append(best)
            start = best[1]
    return runs


def _hangers_on(graph: nx.DiGraph, members: list[Hashable]) -> list[Hashable]:
    """Constants and saved tensors that only feed nodes of the chain."""
    inside = set(members)
    extra = []
    for member in members:
        for node in graph.predecessors(member):
            if graph.nodes[node]["kind"] in _SIDE_KINDS and set(graph.successors(node)) <= inside:
                extra.append(node)
    return extra


def _chain_attributes(graph: nx.DiGraph, members: list[Hashable], period: int) -> dict:
    named = [m for m in members[:period] if graph.nodes[m]["kind"] in _NAMED_KINDS]
    name = graph.nodes[named[0] if named else members[0]]["label"]
    repeats = len(members) // period
    attrs = dict(graph.nodes[members[-1]])
    attrs.update(
        kind=Kind.COLLAPSED, label=f"{name} ×{repeats}", caption=(), line=graph.nodes[members[0]]["line"],
        source=graph.nodes[members[0]]["source"], inputs=(), members=tuple(members), fn=None, tensor=None,
    )
    return attrs


def collapse_chains(graph: nx.DiGraph, *, threshold: int = DEFAULT_THRESHOLD, min_repeats: int = 4,
                    expanded: Iterable[str] = ()) -> nx.DiGraph:
    """Fold repeated chains into single nodes when the graph has more than `threshold` nodes.

    Args:
        graph: a view from graph.model.
        threshold: graphs with at most this many nodes come back unchanged (the same object).
        min_repeats: the fewest repetitions worth folding.
        expanded: chain ids (see `chain_id`) to leave open.

    Returns:
        A new graph where each folded chain is one node of kind "collapsed" whose `members` lists the
        nodes it stands for (constants and saved tensors of the chain included);
        `graph.graph["collapsed"]` maps chain id -> members.
    """
    if graph.number_of_nodes() <= threshold:
        return graph
    keep_open = set(expanded)
    representative: dict[Hashable, str] = {}
    chains: dict[str, dict] = {}
    for path in _paths(graph):
        signatures = [_signature(graph, node) for node in path]
        for start, stop, period in _runs(signatures, min_repeats):
            members = path[start:stop]
            chain = chain_id(members[0])
            if chain in keep_open:
                continue
            attributes = _chain_attributes(graph, members, period)
            everything = [*members, *_hangers_on(graph, members)]
            attributes["members"] = tuple(everything)
            chains[chain] = attributes
            representative.update({member: chain for member in everything})
    if not chains:
        return graph
    return _rebuild(graph, representative, chains)


def _rebuild(graph: nx.DiGraph, representative: dict[Hashable, str], chains: dict[str, dict]) -> nx.DiGraph:
    folded = nx.DiGraph(**graph.graph)
    folded.graph["collapsed"] = {chain: attrs["members"] for chain, attrs in chains.items()}
    for node, data in graph.nodes(data=True):
        chain = representative.get(node)
        if chain is None:
            folded.add_node(node, **data)
        elif chain not in folded:
            folded.add_node(chain, **chains[chain])
    for source, target, data in graph.edges(data=True):
        new_source = representative.get(source, source)
        new_target = representative.get(target, target)
        if new_source != new_target and not folded.has_edge(new_source, new_target):
            folded.add_edge(new_source, new_target, **data)
    return folded
