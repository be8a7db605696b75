"""Export a graph view: node-link JSON (for any tool) and DOT text (for people who have graphviz).

Standalone HTML of a figure lives with the figures (figures.export), because it needs plotly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from graph.model import Kind, Style, no_grad_regions, slot_edges

# Only plain values of graph.graph are exported (the backward call kept for the animation is not).
_GRAPH_KEYS = ("view", "roots", "collapsed")

_DOT_SHAPES = {
    Kind.GRAD_FN: ("box", "lightgrey"), Kind.ACCUMULATE: ("box", "lightblue"),
    Kind.LEAF: ("box", "lightblue"), Kind.ROOT: ("box", "darkolivegreen1"), Kind.TENSOR: ("box", "white"),
    Kind.CONSTANT: ("plaintext", "white"), Kind.SAVED: ("box", "orange"), Kind.OP: ("ellipse", "lightgrey"),
    Kind.COLLAPSED: ("box3d", "lightgrey"),
}
_DOT_EDGE_STYLES = {
    Style.FLOW: "", Style.VARIABLE: "", Style.OUTPUT: "", Style.CONSTANT: "style=dotted",
    Style.SAVED: "style=dotted, dir=none", Style.DETACH: "style=dashed",
}


def _plain(value: Any) -> Any:
    """The JSON-ready form of an attribute value."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def to_node_link(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as node-link data: `{"directed", "graph", "nodes": [...], "edges": [...]}`, JSON-ready.

    Args:
        graph: a view from graph.model (collapsed or not).

    Returns:
        A dict that `json.dumps` accepts and `networkx.node_link_graph(data, edges="edges")` reads back.
    """
    # One edge per input slot, as on screen: `x * x` is two edges, so the reader is a multigraph.
    edges = [{"source": _plain(u), "target": _plain(v), **_plain(data), "slot": slot}
             for u, v, data, slot in slot_edges(graph)]
    return {
        "directed": True,
        "multigraph": len(edges) > graph.number_of_edges(),
        "graph": {key: _plain(graph.graph[key]) for key in _GRAPH_KEYS if key in graph.graph},
        "nodes": [{"id": _plain(node), **_plain(data)} for node, data in graph.nodes(data=True)],
        "edges": edges,
    }


def to_json(graph: nx.DiGraph, indent: int | None = None) -> str:
    """`to_node_link` as JSON text."""
    return json.dumps(to_node_link(graph), indent=indent, ensure_ascii=False)


def _quote(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


NodeLines = Callable[[Mapping[str, Any]], Sequence[str]]


def plain_lines(data: Mapping[str, Any]) -> list[str]:
    """A node's text with no words of any language: its own name (else its kind) and caption texts."""
    return [data["label"] or data["kind"], *(content for _, content in data["caption"])]


def _dot_node(node: Hashable, data: dict[str, Any], lines: NodeLines) -> str:
    shape, fill = _DOT_SHAPES.get(data["kind"], ("box", "white"))
    extra = ', fontcolor="grey40", color="grey60"' if data["muted"] else ""
    label = _quote("\n".join(lines(data)))
    return f"  {_quote(node)} [label={label}, shape={shape}, fillcolor={fill}{extra}];"


def to_dot(graph: nx.DiGraph, direction: str = "LR", *, lines: NodeLines | None = None) -> str:
    """DOT text of the graph, with no_grad regions as shaded clusters and `detach()` edges dashed.

    Args:
        graph: a view from graph.model.
        direction: graphviz rankdir, "LR" or "TB".
        lines: node attributes -> the lines of its label (figures.node_lines gives them in the
            reader's language); `plain_lines` by default.

    Returns:
        Text for `dot -Tsvg`.
    """
    node_lines = lines or plain_lines
    out = [
        "digraph autograd {",
        f"  rankdir={direction};",
        '  node [style=filled, fontname="monospace", fontsize=11];',
    ]
    in_region = set()
    for number, region in enumerate(no_grad_regions(graph)):
        out.append(f"  subgraph cluster_no_grad_{number} {{")
        out.append('    label="no_grad"; style="filled,dashed"; color=grey60; fillcolor=grey95;')
        out.extend("  " + _dot_node(node, graph.nodes[node], node_lines) for node in region)
        out.append("  }")
        in_region.update(region)
    out.extend(_dot_node(node, data, node_lines) for node, data in graph.nodes(data=True)
               if node not in in_region)
    for source, target, data, slot in slot_edges(graph):
        attributes = [_DOT_EDGE_STYLES.get(data["style"], "")]
        if data.get("label"):
            attributes.append(f"label={_quote(data['label'])}")
        elif len(data.get("slots") or ()) > 1:
            attributes.append(f"headlabel={_quote(slot)}")  # which input each of the parallel edges is
        text = ", ".join(a for a in attributes if a)
        out.append(f"  {_quote(source)} -> {_quote(target)}" + (f" [{text}];" if text else ";"))
    out.append("}")
    return "\n".join(out) + "\n"
