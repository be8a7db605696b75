"""The graph as a plotly figure: nodes by kind, arrows, no_grad regions, hover cards, selection.

Pure: `graph_figure(graph, ...)` returns a new `go.Figure` and touches nothing else. Coordinates and
per-point values go in as numpy arrays so plotly stores them as compact typed arrays; there is one
trace per node kind (its legend entry) and one per edge style, never one per node or per edge.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from engine.figures.palette import HIGHLIGHT, KIND_ORDER, YELLOW, kind_style
from engine.figures.texts import text
from engine.figures.theme import Theme, get_theme
from engine.graph.layout import DEFAULT_GAPS, layered_layout
from engine.graph.model import Kind, Style, lineage, no_grad_regions

Position = tuple[float, float]
# Past this many nodes the labels are left to the hover cards, so the drawing stays light.
LABEL_LIMIT = 400
# A deeper graph opens on its last layers (where the output is) instead of squeezing every layer in.
VISIBLE_LAYERS = 30
ARROW_SIZE = 9
# Edges that skip a layer bow out by this many node gaps, sampled at CURVE_POINTS points.
BEND = 0.45
CURVE_POINTS = 9
# no_grad boxes around their nodes, in layout units: (left, right, below, above).
REGION_PADDING = {"LR": (0.7, 0.7, 0.45, 0.42), "TB": (0.5, 2.2, 0.6, 0.4)}
# Room between the outermost nodes and the plot edge for their labels, same order.
AXIS_PADDING = {"LR": (1.6, 1.6, 0.7, 0.9), "TB": (0.9, 2.8, 0.8, 0.6)}
_FLAG_FIELDS = (
    ("no_grad", "flag.no_grad"), ("detached", "flag.detached"), ("is_parameter", "flag.parameter"),
    ("retains_grad", "flag.retains_grad"),
)


@dataclass
class Canvas:
    """A graph with its positions and drawing settings, shared by the static and animated figures."""

    graph: nx.DiGraph
    positions: Mapping[Hashable, Position]
    theme: Theme
    direction: str
    lang: str
    show_labels: bool
    dimmed: set[Hashable] = field(default_factory=set)

    @property
    def gap(self) -> float:
        """The least distance between two nodes."""
        return min(DEFAULT_GAPS[self.direction])

    def xy(self, nodes: Iterable[Hashable]) -> tuple[np.ndarray, np.ndarray]:
        points = np.array([self.positions[node] for node in nodes], dtype=float).reshape(-1, 2)
        return points[:, 0], points[:, 1]


# -- text -------------------------------------------------------------------------------------------

def _escape(value: Any, limit: int = 80) -> str:
    content = str(value)
    if len(content) > limit:
        content = content[: limit - 1] + "…"
    return html.escape(content, quote=False)


def _shape(shape: Any) -> str:
    return "[" + ", ".join(str(size) for size in shape) + "]"


def hover_card(data: Mapping[str, Any], lang: str = "en") -> str:
    """The hover text of one node: its name, kind, source line and every detail it has."""
    kind_name = text(f"kind.{data['kind']}", lang)
    title = f"<b>{_escape(data['label'])}</b> · {kind_name}"
    if data.get("variable") and data["variable"] != data["label"]:
        title += f" → <b>{_escape(data['variable'])}</b>"
    lines = [title]
    if data.get("line") is not None:
        source = f": {_escape(data['source'])}" if data.get("source") else ""
        lines.append(f"{text('field.line', lang)} {data['line']}{source}")
    if data.get("shape") is not None:
        dtype = f"   {text('field.dtype', lang)}: {data['dtype']}" if data.get("dtype") else ""
        lines.append(f"{text('field.shape', lang)}: {_shape(data['shape'])}{dtype}")
    if data.get("value") is not None:
        lines.append(f"{text('field.value', lang)}: {_escape(data['value'])}")
    if data["kind"] in Kind.TENSORS or data["kind"] == Kind.ACCUMULATE:
        grad = data.get("grad") if data.get("grad") is not None else text("value.none", lang)
        lines.append(f"{text('field.grad', lang)}: {_escape(grad)}")
    if data["kind"] in Kind.TENSORS:
        lines.append(f"{text('field.requires_grad', lang)}: {data['requires_grad']}   "
                     f"{text('field.is_leaf', lang)}: {data['is_leaf']}   "
                     f"{text('field.grad_fn', lang)}: {data['grad_fn']}")
    lines.extend(_formula_lines(data, lang))
    flags = [text(key, lang) for name, key in _FLAG_FIELDS if data.get(name)]
    if data.get("muted"):
        flags.append(text("flag.muted", lang))
    if flags:
        lines.append("<i>" + " · ".join(flags) + "</i>")
    if data.get("members"):
        count = len(data["members"])
        lines.append(f"{text('field.members', lang)}: {count} · <i>{text('field.expand', lang)}</i>")
    return "<br>".join(lines)


def _formula_lines(data: Mapping[str, Any], lang: str) -> list[str]:
    lines = []
    if data.get("formula"):
        lines.append(f"{text('field.formula', lang)}: {_escape(data['formula'])}")
    if data.get("local"):
        symbols = ("a", "b", "c", "d")
        parts = [f"∂/∂{symbols[i] if i < len(symbols) else i} = {_escape(local)}"
                 for i, local in enumerate(data["local"])]
        lines.append(f"{text('field.local', lang)}: " + ", ".join(parts))
    if data.get("attrs"):
        pairs = ", ".join(f"{key}={_escape(value, 30)}" for key, value in data["attrs"].items())
        lines.append(f"{text('field.attrs', lang)}: {pairs}")
    if data.get("saved"):
        pairs = ", ".join(f"{name} {shape}" for name, shape in data["saved"].items())
        lines.append(f"{text('field.saved', lang)}: {_escape(pairs)}")
    return lines


def node_text(data: Mapping[str, Any]) -> str:
    """The text drawn next to a node: its label and caption lines."""
    lines = [_escape(data["label"], 40)]
    if data.get("caption"):
        lines.extend(_escape(line, 40) for line in str(data["caption"]).split("\n"))
    return "<br>".join(lines)


# -- traces -----------------------------------------------------------------------------------------

def _nodes_by_kind(graph: nx.DiGraph) -> dict[str, list[Hashable]]:
    groups: dict[str, list[Hashable]] = {kind: [] for kind in KIND_ORDER}
    for node, kind in graph.nodes(data="kind"):
        groups.setdefault(kind, []).append(node)
    return {kind: nodes for kind, nodes in groups.items() if nodes}


def node_traces(canvas: Canvas) -> list[go.Scatter]:
    """One marker trace per node kind; `customdata` is the node id, so a click names the node."""
    graph, theme = canvas.graph, canvas.theme
    position = "top center" if canvas.direction == "LR" else "middle right"
    traces = []
    for kind, nodes in _nodes_by_kind(graph).items():
        style = kind_style(kind, theme.name)
        data = [graph.nodes[node] for node in nodes]
        muted = np.array([bool(d["muted"]) for d in data])
        colours = np.where(muted, theme.muted, style.colour) if muted.any() else style.colour
        opacity = np.array([0.25 if node in canvas.dimmed else (0.6 if is_muted else 1.0)
                            for node, is_muted in zip(nodes, muted)])
        x, y = canvas.xy(nodes)
        traces.append(go.Scatter(
            x=x, y=y, mode="markers+text" if canvas.show_labels else "markers",
            name=text(f"kind.{kind}", canvas.lang), legendgroup=kind, meta={"role": "nodes", "kind": kind},
            marker={"symbol": style.symbol, "size": style.size, "color": colours,
                    "opacity": opacity if (opacity != 1.0).any() else 1.0,
                    "line": {"width": 1, "color": theme.background}},
            text=[node_text(d) for d in data] if canvas.show_labels else None,
            textposition=position, textfont={"size": 10, "color": theme.text},
            customdata=np.array(nodes, dtype=object),
            hovertext=[hover_card(d, canvas.lang) for d in data],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    return traces


def _bend(canvas: Canvas, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """How far each edge bows out: edges that skip layers curve, so they do not run through the nodes
    of the layers in between (a straightened chain lies on one line)."""
    layer_gap, node_gap = DEFAULT_GAPS[canvas.direction]
    along = 0 if canvas.direction == "LR" else 1
    spans = np.rint(np.abs(end[:, along] - start[:, along]) / layer_gap)
    return np.where(spans >= 2, BEND * node_gap, 0.0)


def edge_paths(canvas: Canvas, edges: list[tuple[Hashable, Hashable]]) -> tuple[np.ndarray, np.ndarray]:
    """Points along each edge (E × CURVE_POINTS × 2, from source to target) and each path's midpoint.

    Straight edges are sampled too (evenly), so every path has the same length and one numpy pass
    draws them all; `edge_segments` drops the samples a straight edge does not need.
    """
    start = np.array([canvas.positions[u] for u, _ in edges], dtype=float).reshape(-1, 2)
    end = np.array([canvas.positions[v] for _, v in edges], dtype=float).reshape(-1, 2)
    delta = end - start
    length = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 1e-9)
    # Bow away from the labels, which sit above (LR) or right of (TB) their nodes.
    normal = np.column_stack([delta[:, 1], -delta[:, 0]]) / length[:, None]
    # A quadratic Bézier whose control point sits 2·bend off the chord peaks at `bend` in the middle.
    control = (start + end) / 2 + normal * (2 * _bend(canvas, start, end))[:, None]
    t = np.linspace(0.0, 1.0, CURVE_POINTS)[None, :, None]
    paths = ((1 - t) ** 2 * start[:, None, :] + 2 * (1 - t) * t * control[:, None, :]
             + t ** 2 * end[:, None, :])
    middle = 0.25 * start + 0.5 * control + 0.25 * end
    return paths, middle


def edge_segments(canvas: Canvas, edges: list[tuple[Hashable, Hashable]],
                  reverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and marker sizes of `edges` as polylines with a gap after each; an arrowhead (size > 0)
    sits at each tip, which stops short of the node. `reverse` draws each edge target -> source."""
    if not edges:
        return np.array([]), np.array([]), np.array([])
    paths, _ = edge_paths(canvas, edges)
    if reverse:
        paths = paths[:, ::-1, :]
    curved = _bend(canvas, paths[:, 0, :], paths[:, -1, :]) > 0
    xs, ys, sizes = [], [], []
    for group, points in ((curved, paths), (~curved, paths[:, [0, -1], :])):
        if group.any():
            x, y, size = _polylines(canvas, points[group])
            xs.append(x)
            ys.append(y)
            sizes.append(size)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(sizes)


def _polylines(canvas: Canvas, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flatten paths of equal length into plotly's gap-separated form, pulling each tip back."""
    count, length, _ = points.shape
    last_step = points[:, -1, :] - points[:, -2, :]
    step_length = np.maximum(np.hypot(last_step[:, 0], last_step[:, 1]), 1e-9)
    total = np.hypot(*(points[:, -1, :] - points[:, 0, :]).T)
    shrink = np.minimum(0.3 * canvas.gap, 0.4 * total)
    points = points.copy()
    points[:, -1, :] -= last_step * (np.minimum(shrink, 0.9 * step_length) / step_length)[:, None]
    gap = np.full((count, 1), np.nan)
    x = np.hstack([points[:, :, 0], gap]).ravel()
    y = np.hstack([points[:, :, 1], gap]).ravel()
    size = np.zeros(length + 1)
    size[length - 1] = ARROW_SIZE
    return x, y, np.tile(size, count)


def edge_midpoints(canvas: Canvas, edges: list[tuple[Hashable, Hashable]]) -> np.ndarray:
    """Where an edge's label goes: the middle of its drawn path (E × 2)."""
    if not edges:
        return np.empty((0, 2))
    return edge_paths(canvas, edges)[1]


def _edge_look(style: str, theme: Theme) -> dict[str, Any]:
    looks = {
        Style.CONSTANT: {"color": theme.muted, "dash": "dot", "width": 1},
        Style.SAVED: {"color": YELLOW, "dash": "dot", "width": 1.2},
        Style.DETACH: {"color": theme.edge, "dash": "dash", "width": 1.6},
    }
    return looks.get(style, {"color": theme.edge, "dash": "solid", "width": 1.4})


def arrow_trace(x: np.ndarray, y: np.ndarray, sizes: np.ndarray, line: Mapping[str, Any], *,
                name: str = "", showlegend: bool = False,
                meta: Mapping[str, Any] | None = None) -> go.Scatter:
    """Lines with an arrowhead at each tip (`angleref="previous"` turns it along its segment)."""
    return go.Scatter(
        x=x, y=y, mode="lines+markers", name=name, showlegend=showlegend, hoverinfo="skip",
        line=dict(line), meta=dict(meta or {}),
        marker={"symbol": "arrow", "angleref": "previous", "size": sizes, "color": line["color"],
                "line": {"width": 0}},
    )


def edge_traces(canvas: Canvas) -> list[go.Scatter]:
    """One trace per edge style, plus the `detach()` labels."""
    by_style: dict[str, list[tuple[Hashable, Hashable]]] = {style: [] for style in Style.ALL}
    for u, v, style in canvas.graph.edges(data="style"):
        by_style.setdefault(style, []).append((u, v))
    traces = []
    for style, edges in by_style.items():
        if not edges:
            continue
        x, y, sizes = edge_segments(canvas, edges)
        is_detach = style == Style.DETACH
        traces.append(arrow_trace(x, y, sizes, _edge_look(style, canvas.theme),
                                  name=text("edge.detach", canvas.lang) if is_detach else style,
                                  showlegend=is_detach, meta={"role": "edges", "style": style}))
        labelled = [(u, v) for u, v in edges if canvas.graph.edges[u, v].get("label")]
        if labelled:
            traces.append(_edge_label_trace(canvas, labelled))
    return traces


def _edge_label_trace(canvas: Canvas, edges: list[tuple[Hashable, Hashable]]) -> go.Scatter:
    middle = edge_midpoints(canvas, edges)
    labels = [canvas.graph.edges[u, v]["label"] for u, v in edges]
    return go.Scatter(
        x=middle[:, 0], y=middle[:, 1], mode="text", text=labels, showlegend=False, hoverinfo="skip",
        textposition="top center", textfont={"size": 10, "color": canvas.theme.text},
        meta={"role": "edge_labels"},
    )


def region_layout(canvas: Canvas) -> tuple[list[dict], list[dict]]:
    """Shaded rectangles and labels for the no_grad regions (layout shapes and annotations).

    A box reaches round its nodes' own labels (above them left-to-right, to their right top-to-bottom)
    and keeps a strip under the nodes for its caption, so captions never cover a node's label.
    """
    shapes, annotations = [], []
    left, right, below, above = REGION_PADDING[canvas.direction]
    for region in no_grad_regions(canvas.graph):
        x, y = canvas.xy(region)
        x0, x1, y0, y1 = x.min() - left, x.max() + right, y.min() - below, y.max() + above
        shapes.append({
            "type": "rect", "layer": "below", "x0": x0, "x1": x1, "y0": y0, "y1": y1,
            "fillcolor": canvas.theme.region_fill,
            "line": {"color": canvas.theme.region_line, "dash": "dot", "width": 1},
        })
        annotations.append({
            "x": x0, "y": y0, "xanchor": "left", "yanchor": "bottom", "showarrow": False,
            "text": f"<i>{text('region.no_grad', canvas.lang)}</i>",
            "font": {"size": 9, "color": canvas.theme.text},
        })
    return shapes, annotations


def selection_traces(canvas: Canvas, selected: Hashable) -> list[go.Scatter]:
    """Rings around the selected node, its ancestors and descendants, and the edges between them."""
    ancestors, descendants = lineage(canvas.graph, selected)
    up = ancestors | {selected}
    down = descendants | {selected}
    edges = [(u, v) for u, v in canvas.graph.edges if (u in up and v in up) or (u in down and v in down)]
    x, y, sizes = edge_segments(canvas, edges)
    traces = [arrow_trace(x, y, sizes, {"color": HIGHLIGHT, "width": 2.4, "dash": "solid"},
                          meta={"role": "selection_edges"})]
    family = [node for node in canvas.graph if node in ancestors or node in descendants]
    for nodes, size, width in ((family, 26, 1.5), ([selected], 34, 3)):
        fx, fy = canvas.xy(nodes)
        traces.append(go.Scatter(
            x=fx, y=fy, mode="markers", showlegend=False, hoverinfo="skip", meta={"role": "selection"},
            marker={"symbol": "circle-open", "size": size, "color": HIGHLIGHT, "line": {"width": width}},
        ))
    return traces


# -- the figure -------------------------------------------------------------------------------------

def make_canvas(graph: nx.DiGraph, *, theme: str = "light", direction: str = "LR", lang: str = "en",
                positions: Mapping[Hashable, Position] | None = None,
                show_labels: bool | None = None) -> Canvas:
    """Lay the graph out (unless `positions` are given) and fix the drawing settings."""
    text("kind.leaf", lang)  # fails early on an unknown language
    return Canvas(
        graph=graph,
        positions=positions if positions is not None else layered_layout(graph, direction),
        theme=get_theme(theme),
        direction=direction,
        lang=lang,
        show_labels=graph.number_of_nodes() <= LABEL_LIMIT if show_labels is None else show_labels,
    )


def _extent(canvas: Canvas) -> tuple[list[float], list[float]]:
    """Axis ranges: every node with room for its label, or, for a graph too deep to read at once, the
    VISIBLE_LAYERS layers nearest the output (pan to see the rest)."""
    if not canvas.positions:
        return [-1.0, 1.0], [-1.0, 1.0]
    x, y = canvas.xy(canvas.graph)
    along = x if canvas.direction == "LR" else -y
    shown = along >= along.max() - VISIBLE_LAYERS * DEFAULT_GAPS[canvas.direction][0]
    left, right, below, above = AXIS_PADDING[canvas.direction]
    return ([x[shown].min() - left, x[shown].max() + right],
            [y[shown].min() - below, y[shown].max() + above])


def _height(canvas: Canvas, y_range: list[float]) -> int:
    vertical_unit = 1.0 if canvas.direction == "LR" else DEFAULT_GAPS["TB"][0]
    rows = (y_range[1] - y_range[0]) / vertical_unit
    return int(min(1100, max(420, 160 + 60 * rows)))


def base_layout(canvas: Canvas) -> dict[str, Any]:
    """Axes hidden, pan by default, click selects, the theme's colours, regions drawn below."""
    shapes, annotations = region_layout(canvas)
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    x_range, y_range = _extent(canvas)
    return {
        "template": canvas.theme.template,
        "paper_bgcolor": canvas.theme.background,
        "plot_bgcolor": canvas.theme.background,
        "font": {"color": canvas.theme.text},
        "xaxis": {**axis, "range": x_range}, "yaxis": {**axis, "range": y_range},
        "showlegend": True,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0,
                   "itemclick": False, "itemdoubleclick": False},
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "hovermode": "closest",
        "clickmode": "event+select",
        "dragmode": "pan",
        "height": _height(canvas, y_range),
        "uirevision": canvas.graph.graph.get("view", "graph"),
        "shapes": shapes,
        "annotations": annotations,
    }


def graph_figure(graph: nx.DiGraph, *, selected: Hashable | None = None, step: int | None = None,
                 theme: str = "light", direction: str = "LR", lang: str = "en",
                 positions: Mapping[Hashable, Position] | None = None,
                 show_labels: bool | None = None) -> go.Figure:
    """Draw a graph view.

    Args:
        graph: a view from engine.graph (collapsed or not).
        selected: a node id to highlight with its ancestors and descendants (others are dimmed).
        step: for a graph from `graph_from_backward`, draw backward step `step` (0-based) instead.
        theme: "light" or "dark".
        direction: "LR" or "TB".
        lang: "en" or "vi" for every text on the figure.
        positions: node -> (x, y) to reuse; computed with `layered_layout` when None.
        show_labels: draw labels next to nodes; by default only up to LABEL_LIMIT nodes.

    Returns:
        A new figure; node traces carry the node ids in `customdata`.
    """
    if step is not None:
        from engine.figures.backward_frames import backward_step_figure

        return backward_step_figure(graph, step, theme=theme, direction=direction, lang=lang,
                                    positions=positions, show_labels=show_labels)
    canvas = make_canvas(graph, theme=theme, direction=direction, lang=lang, positions=positions,
                         show_labels=show_labels)
    if selected is not None and selected not in graph:
        selected = None
    if selected is not None:
        ancestors, descendants = lineage(graph, selected)
        canvas.dimmed = {node for node in graph if node != selected and node not in ancestors
                         and node not in descendants}
    data = [*edge_traces(canvas), *node_traces(canvas)]
    if selected is not None:
        data.extend(selection_traces(canvas, selected))
    return go.Figure(data=data, layout=base_layout(canvas))
