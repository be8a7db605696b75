"""The graph as a plotly figure: nodes by kind, arrows, no_grad regions, hover cards, selection.

Pure: `graph_figure(graph, ...)` returns a new `go.Figure` and touches nothing else. Coordinates and
per-point values go in as numpy arrays so plotly stores them as compact typed arrays; there is one
trace per node kind (its legend entry) and one per edge style, never one per node or per edge.

Positions come from `placement.place`, in px at the width the figure is drawn for, and the axes span
exactly that many px: every label gets the room the layout kept for it, so none overlaps another.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from figures.labels import LABEL_FONT, node_lines, node_name, text_box
from figures.palette import HIGHLIGHT, KIND_ORDER, YELLOW, kind_style
from figures.placement import (
    AUTO,
    DEFAULT_WIDTH,
    LABEL_LIMIT,
    MARGIN,
    READINGS,
    REGION_PADDING,
    VIEW_PADDING,
    Box,
    Placement,
    edge_label_point,
    label_offset,
    marker_radius,
    place,
    plot_width,
    region_caption,
    reversed_reading,
    text_rect,
)
from figures.texts import text
from figures.theme import Theme, get_theme, graph_background
from graph.model import Kind, Style, lineage, no_grad_regions, slot_edges

__all__ = ["LABEL_LIMIT", "Canvas", "View", "fit_view", "frame", "graph_figure", "hover_card", "make_canvas"]

ARROW_SIZE = 9
# Edges that skip a layer bow out by this many px, sampled at CURVE_POINTS points.
BEND = 22.0
PARALLEL_BEND = 11.0  # px each of two edges between the same nodes bows to its side
CURVE_POINTS = 9
MIN_PLOT_HEIGHT = 240  # px
# px; a taller drawing makes the page scroll up to this height, and is zoomed out past it
MAX_PLOT_HEIGHT = 2400
MIN_ZOOMED = 4.0  # px: markers and arrowheads never shrink below this
LEGEND_FONT = 11
LEGEND_ROW = 21  # px per row of legend entries
LEGEND_CHAR_EM = 0.5
# px along the top kept for plotly's tool bar (zoom, pan, reset), which would otherwise cover the legend
MODEBAR_STRIP = 26
_FLAG_FIELDS = (
    ("no_grad", "flag.no_grad"), ("detached", "flag.detached"), ("is_parameter", "flag.parameter"),
    ("retains_grad", "flag.retains_grad"),
)


@dataclass(frozen=True)
class View:
    """What a figure shows: axis ranges in px of layout, the plot's height in px, and the zoom
    (screen px per px of layout) at the width the figure is drawn for."""

    x_range: list[float]
    y_range: list[float]
    plot_height: float
    zoom: float


@dataclass
class Canvas:
    """A graph with its placement and drawing settings, shared by the static and animated figures."""

    graph: nx.DiGraph
    placement: Placement
    theme: Theme
    lang: str
    dimmed: set[Hashable] = field(default_factory=set)
    view: View | None = None
    # Backward reading: arrows point from each node to its inputs, as next_functions do.
    reverse_arrows: bool = False

    @property
    def zoom(self) -> float:
        return 1.0 if self.view is None else self.view.zoom

    def scaled(self, size: float, least: float = MIN_ZOOMED) -> float:
        """A px size (marker, font) at the canvas's zoom; markers never vanish."""
        return max(least, size * self.zoom) if size else 0.0

    @property
    def font(self) -> float:
        """The labels' font size on screen."""
        return max(1.0, self.placement.font * self.zoom)

    @property
    def positions(self) -> Mapping[Hashable, tuple[float, float]]:
        return self.placement.positions

    @property
    def direction(self) -> str:
        return self.placement.direction

    @property
    def show_labels(self) -> bool:
        return self.placement.show_labels

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
    title = f"<b>{_escape(node_name(data, lang))}</b> · {kind_name}"
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
        # Under torch's own names: `y.grad_fn._saved_self` is how a learner reads them in torch.
        pairs = ", ".join(f"_saved_{name} {shape}" for name, shape in data["saved"].items())
        lines.append(f"{text('field.saved', lang)}: {_escape(pairs)}")
    return lines


def node_text(data: Mapping[str, Any], lang: str = "en") -> str:
    """The text drawn next to a node: its name and caption lines, in `lang`."""
    return "<br>".join(_escape(line, 10**6) for line in node_lines(data, lang))


# -- traces -----------------------------------------------------------------------------------------

def _nodes_by_kind(graph: nx.DiGraph) -> dict[str, list[Hashable]]:
    groups: dict[str, list[Hashable]] = {kind: [] for kind in KIND_ORDER}
    for node, kind in graph.nodes(data="kind"):
        groups.setdefault(kind, []).append(node)
    return {kind: nodes for kind, nodes in groups.items() if nodes}


def node_traces(canvas: Canvas) -> list[go.Scatter]:
    """One marker trace per node kind; `customdata` is the node id, so a click names the node.

    When the placement keeps a ring's room round each node, the labels go in one more trace whose
    invisible markers are as wide as the ring, which holds each label off the ring.
    """
    graph, theme = canvas.graph, canvas.theme
    separate = canvas.show_labels and canvas.placement.clearance > 0
    traces, label_x, label_y, label_text = [], [], [], []
    for kind, nodes in _nodes_by_kind(graph).items():
        style = kind_style(kind, theme.name)
        data = [graph.nodes[node] for node in nodes]
        muted = np.array([bool(d["muted"]) for d in data])
        colours = np.where(muted, theme.muted, style.colour) if muted.any() else style.colour
        opacity = np.array([0.25 if node in canvas.dimmed else (0.85 if is_muted else 1.0)
                            for node, is_muted in zip(nodes, muted)])
        x, y = canvas.xy(nodes)
        labels = [node_text(d, canvas.lang) for d in data] if canvas.show_labels else None
        inline = canvas.show_labels and not separate
        traces.append(go.Scatter(
            x=x, y=y, mode="markers+text" if inline else "markers",
            name=text(f"kind.{kind}", canvas.lang), legendgroup=kind, meta={"role": "nodes", "kind": kind},
            marker={"symbol": style.symbol, "size": canvas.scaled(style.size), "color": colours,
                    "opacity": opacity if (opacity != 1.0).any() else 1.0,
                    "line": {"width": 1, "color": theme.background}},
            text=labels if inline else None,
            textposition=label_offset(canvas.direction), textfont={"size": canvas.font, "color": theme.text},
            cliponaxis=False, customdata=np.array(nodes, dtype=object),
            hovertext=[hover_card(d, canvas.lang) for d in data],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
        if separate:
            label_x.append(x)
            label_y.append(y)
            label_text.extend(labels or [])
    if separate:
        traces.append(go.Scatter(
            x=np.concatenate(label_x), y=np.concatenate(label_y), mode="markers+text", text=label_text,
            marker={"size": canvas.scaled(2 * (canvas.placement.clearance + 1)), "opacity": 0},
            showlegend=False, hoverinfo="skip", textposition=label_offset(canvas.direction), cliponaxis=False,
            textfont={"size": canvas.font, "color": theme.text}, meta={"role": "node_labels"},
        ))
    return traces


def _bend(canvas: Canvas, edges: Sequence[tuple[Hashable, Hashable]]) -> np.ndarray:
    """How far each edge bows out: edges that skip layers curve, so they do not run through the nodes
    of the layers in between (a straightened chain lies on one line)."""
    layers = canvas.placement.layout.layers
    spans = np.array([abs(layers[v] - layers[u]) for u, v in edges], dtype=float).reshape(-1)
    return np.where(spans >= 2, BEND, 0.0) + _parallel_spread(edges)


def _parallel_spread(edges: Sequence[tuple[Hashable, Hashable]]) -> np.ndarray:
    """Edges listed more than once between the same two nodes (`x * x` feeds both inputs of one node)
    bow apart, one to each side, so each of them can be seen."""
    counts = Counter(edges)
    seen: Counter = Counter()
    spread = np.zeros(len(edges))
    for i, edge in enumerate(edges):
        if counts[edge] > 1:
            spread[i] = (seen[edge] - (counts[edge] - 1) / 2) * 2 * PARALLEL_BEND
            seen[edge] += 1
    return spread


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
    control = (start + end) / 2 + normal * (2 * _bend(canvas, edges))[:, None]
    t = np.linspace(0.0, 1.0, CURVE_POINTS)[None, :, None]
    paths = ((1 - t) ** 2 * start[:, None, :] + 2 * (1 - t) * t * control[:, None, :]
             + t ** 2 * end[:, None, :])
    middle = 0.25 * start + 0.5 * control + 0.25 * end
    return paths, middle


def edge_segments(canvas: Canvas, edges: list[tuple[Hashable, Hashable]],
                  reverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and marker sizes of `edges` as polylines with a gap after each; an arrowhead (size > 0)
    sits at each tip, which stops at the edge of the node's marker. `reverse` draws each edge
    target -> source."""
    if not edges:
        return np.array([]), np.array([]), np.array([])
    paths, _ = edge_paths(canvas, edges)
    tips = [u if reverse else v for u, v in edges]
    if reverse:
        paths = paths[:, ::-1, :]
    radius = np.array([marker_radius(canvas.graph.nodes[tip]["kind"]) for tip in tips])
    curved = _bend(canvas, edges) != 0
    xs, ys, sizes = [], [], []
    for group, points in ((curved, paths), (~curved, paths[:, [0, -1], :])):
        if group.any():
            x, y, size = _polylines(points[group], radius[group], canvas.scaled(ARROW_SIZE))
            xs.append(x)
            ys.append(y)
            sizes.append(size)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(sizes)


def _polylines(points: np.ndarray, radius: np.ndarray,
               arrow: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flatten paths of equal length into plotly's gap-separated form, pulling each tip back to the
    edge of the marker it points at."""
    count, length, _ = points.shape
    last_step = points[:, -1, :] - points[:, -2, :]
    step_length = np.maximum(np.hypot(last_step[:, 0], last_step[:, 1]), 1e-9)
    total = np.hypot(*(points[:, -1, :] - points[:, 0, :]).T)
    shrink = np.minimum(radius + 2, 0.4 * total)
    points = points.copy()
    points[:, -1, :] -= last_step * (np.minimum(shrink, 0.9 * step_length) / step_length)[:, None]
    gap = np.full((count, 1), np.nan)
    x = np.hstack([points[:, :, 0], gap]).ravel()
    y = np.hstack([points[:, :, 1], gap]).ravel()
    size = np.zeros(length + 1)
    size[length - 1] = arrow
    return x, y, np.tile(size, count)


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
    for u, v, data, _ in slot_edges(canvas.graph):
        by_style.setdefault(data["style"], []).append((u, v))
    traces = []
    for style, edges in by_style.items():
        if not edges:
            continue
        x, y, sizes = edge_segments(canvas, edges, reverse=canvas.reverse_arrows)
        is_detach = style == Style.DETACH
        traces.append(arrow_trace(x, y, sizes, _edge_look(style, canvas.theme),
                                  name=text("edge.detach", canvas.lang) if is_detach else "",
                                  showlegend=is_detach, meta={"role": "edges", "style": style}))
        labelled = list(dict.fromkeys((u, v) for u, v in edges if canvas.graph.edges[u, v].get("label")))
        if labelled and canvas.show_labels:
            traces.append(_edge_label_trace(canvas, labelled))
    return traces


def edge_label_position(direction: str) -> str:
    """How an edge label sits on its point: centred in a left-to-right gap, else to the right."""
    return "middle center" if direction == "LR" else "middle right"


def edge_label_boxes(canvas: Canvas) -> list[Box]:
    """The px boxes of the edges' own labels (`detach()`), to keep in view."""
    if not canvas.show_labels:
        return []
    position = edge_label_position(canvas.direction)
    font = canvas.placement.font
    return [text_rect(*edge_label_point(canvas.placement, u, v), text_box([label], font), position)
            for u, v, label in canvas.graph.edges(data="label") if label]


def _edge_label_trace(canvas: Canvas, edges: list[tuple[Hashable, Hashable]]) -> go.Scatter:
    # In the clear band between the two layers, where no node's label reaches.
    points = np.array([edge_label_point(canvas.placement, u, v) for u, v in edges], dtype=float)
    labels = [canvas.graph.edges[u, v]["label"] for u, v in edges]
    position = edge_label_position(canvas.direction)
    return go.Scatter(
        x=points[:, 0], y=points[:, 1], mode="text", text=labels, showlegend=False, hoverinfo="skip",
        textposition=position, textfont={"size": canvas.font, "color": canvas.theme.text},
        cliponaxis=False, meta={"role": "edge_labels"},
    )


def region_boxes(canvas: Canvas) -> list[Box]:
    """The px box of each no_grad region: round its nodes' boxes, which keep a strip for the caption."""
    boxes = []
    for region in no_grad_regions(canvas.graph):
        # Each member's box already reaches round its label, the caption strip and the padding.
        members = [canvas.placement.box(node) for node in region]
        boxes.append((min(b[0] for b in members), max(b[1] for b in members),
                      min(b[2] for b in members), max(b[3] for b in members)))
    return boxes


def region_layout(canvas: Canvas) -> tuple[list[dict], list[dict]]:
    """Shaded rectangles and captions for the no_grad regions (layout shapes and annotations)."""
    shapes, annotations = [], []
    for x0, x1, y0, y1 in region_boxes(canvas):
        shapes.append({
            "type": "rect", "layer": "below", "x0": x0, "x1": x1, "y0": y0, "y1": y1,
            "fillcolor": canvas.theme.region_fill,
            "line": {"color": canvas.theme.region_line, "dash": "dot", "width": 1},
        })
        annotations.append({
            "x": x0 + REGION_PADDING, "y": y0 + REGION_PADDING, "xanchor": "left", "yanchor": "bottom",
            "showarrow": False, "text": f"<i>{region_caption(canvas.lang)}</i>",
            "font": {"size": canvas.placement.region_font * canvas.zoom, "color": canvas.theme.text},
            "borderpad": 0,
        })
    return shapes, annotations


def selection_traces(canvas: Canvas, selected: Hashable) -> list[go.Scatter]:
    """Halos under the selected node, its ancestors and descendants, and the edges between them.

    Filled halos under the nodes rather than rings over them: a label starts just past its marker, and a
    ring's line would run through its first letters.
    """
    ancestors, descendants = lineage(canvas.graph, selected)
    up = ancestors | {selected}
    down = descendants | {selected}
    edges = [(u, v) for u, v, _, _ in slot_edges(canvas.graph)
             if (u in up and v in up) or (u in down and v in down)]
    x, y, sizes = edge_segments(canvas, edges, reverse=canvas.reverse_arrows)
    traces = [arrow_trace(x, y, sizes, {"color": HIGHLIGHT, "width": 2.4, "dash": "solid"},
                          meta={"role": "selection_edges"})]
    family = [node for node in canvas.graph if node in ancestors or node in descendants]
    for nodes, size, opacity in ((family, canvas.scaled(24), 0.28), ([selected], canvas.scaled(32), 0.5)):
        fx, fy = canvas.xy(nodes)
        traces.append(go.Scatter(
            x=fx, y=fy, mode="markers", showlegend=False, hoverinfo="skip", meta={"role": "selection"},
            marker={"symbol": "circle", "size": size, "color": HIGHLIGHT, "opacity": opacity,
                    "line": {"width": 0}},
        ))
    return traces


# -- the figure -------------------------------------------------------------------------------------

def make_canvas(graph: nx.DiGraph, *, theme: str = "light", direction: str = AUTO, lang: str = "en",
                placement: Placement | None = None, show_labels: bool | None = None,
                width: float = DEFAULT_WIDTH, font: float = LABEL_FONT) -> Canvas:
    """Lay the graph out (unless a `placement` is given) and fix the drawing settings."""
    text("kind.leaf", lang)  # fails early on an unknown language
    if placement is None:
        placement = place(graph, lang=lang, direction=direction, width=width, show_labels=show_labels,
                          font=font)
    return Canvas(graph=graph, placement=placement, theme=get_theme(theme), lang=lang)


def _span(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes),
            max(b[3] for b in boxes))


def fit_view(canvas: Canvas, extra: Iterable[Box] = ()) -> View:
    """The whole drawing in view: axis ranges round every box, and the height and zoom that show it.

    A drawing no wider than the plot is shown at one px per px of layout. A wider one is zoomed out
    until it fits (markers and texts shrink with it, so no label grows into its neighbour); a taller
    one makes the figure taller, up to MAX_PLOT_HEIGHT (the page scrolls), and past that is zoomed out
    too. Nothing is ever outside the ranges: a learner never has to pan to find a node.

    Args:
        canvas: the drawing.
        extra: boxes of other texts drawn on it (edge labels, `.grad`s) to keep in view.
    """
    nodes = [canvas.placement.box(node) for node in canvas.positions]
    x0, x1, y0, y1 = _span([*nodes, *region_boxes(canvas), *extra] or [(-1.0, 1.0, -1.0, 1.0)])
    x0, x1, y0, y1 = x0 - VIEW_PADDING, x1 + VIEW_PADDING, y0 - VIEW_PADDING, y1 + VIEW_PADDING
    room = plot_width(canvas.placement.width)
    zoom = min(1.0, room / (x1 - x0), MAX_PLOT_HEIGHT / (y1 - y0))
    plot_height = max(MIN_PLOT_HEIGHT, (y1 - y0) * zoom)
    # Where the drawing is smaller than the plot, the ranges grow round its middle, so the scale
    # stays `zoom` px per px both ways.
    half_x = max(x1 - x0, room / zoom) / 2
    half_y = max(y1 - y0, plot_height / zoom) / 2
    middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
    return View([middle_x - half_x, middle_x + half_x], [middle_y - half_y, middle_y + half_y],
                float(plot_height), float(zoom))


def figure_extent(canvas: Canvas, extra: Iterable[Box] = ()) -> tuple[list[float], list[float], float]:
    """The x and y ranges, in px of layout, and the plot's height in px (see fit_view)."""
    view = fit_view(canvas, extra)
    return view.x_range, view.y_range, view.plot_height


def legend_names(canvas: Canvas, extra: Sequence[str] = ()) -> list[str]:
    """The legend's entries, in order: one per node kind drawn, `detach()` when cut, and `extra`."""
    kinds = {kind for _, kind in canvas.graph.nodes(data="kind")}
    names = [text(f"kind.{kind}", canvas.lang) for kind in KIND_ORDER if kind in kinds]
    if any(style == Style.DETACH for _, _, style in canvas.graph.edges(data="style")):
        names.insert(0, text("edge.detach", canvas.lang))
    return [*names, *extra]


def legend_height(names: Sequence[str], width: float) -> float:
    """The px the horizontal legend takes under the plot, its entries wrapped in rows at `width`."""
    if not names:
        return 0.0
    # A legend wraps at the figure's edge. Its entries are measured closer than labels are: an entry
    # that takes more room than this only makes the legend reach a little further down.
    rows, used = 1, 0.0
    for name in names:
        item = 40 + LEGEND_CHAR_EM * LEGEND_FONT * len(name)
        if used and used + item > width - MARGIN:
            rows, used = rows + 1, 0.0
        used += item
    return rows * LEGEND_ROW + 6


def frame(canvas: Canvas, extra: Iterable[Box] = ()) -> Canvas:
    """Fix the canvas's view (see fit_view) before its traces are drawn: their sizes follow its zoom."""
    canvas.view = fit_view(canvas, extra)
    return canvas


def base_layout(canvas: Canvas, *, title_height: float = 0.0, bottom: float = 0.0,
                legend_extra: Sequence[str] = ()) -> dict[str, Any]:
    """Axes hidden, pan by default, click selects, the theme's colours, regions drawn below.

    Args:
        canvas: the drawing, framed (see `frame`).
        title_height: px kept above the legend for a title.
        bottom: px kept under the plot (an animation's buttons and slider).
        legend_extra: legend entries of traces added later (the backward pass's gradient arrows).
    """
    view = canvas.view or fit_view(canvas)
    shapes, annotations = region_layout(canvas)
    axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    legend = legend_height(legend_names(canvas, legend_extra), canvas.placement.width)
    top = MODEBAR_STRIP + title_height + MARGIN
    # The legend goes under the plot: above it, plotly's tool bar (top right) would cover its end.
    return {
        **graph_background(canvas.theme),
        "xaxis": {**axis, "range": view.x_range}, "yaxis": {**axis, "range": view.y_range},
        "showlegend": True,
        "legend": {"orientation": "h", "yanchor": "top", "y": 0, "xanchor": "left", "x": 0,
                   "font": {"size": LEGEND_FONT}, "itemclick": False, "itemdoubleclick": False},
        "margin": {"l": MARGIN, "r": MARGIN, "t": top, "b": MARGIN + legend + bottom, "autoexpand": False},
        "hovermode": "closest",
        "clickmode": "event+select",
        "dragmode": "pan",
        "height": int(round(view.plot_height + top + MARGIN + legend + bottom)),
        "uirevision": canvas.graph.graph.get("view", "graph"),
        "shapes": shapes,
        "annotations": annotations,
    }


def graph_figure(graph: nx.DiGraph, *, selected: Hashable | None = None, theme: str = "light",
                 direction: str = AUTO, lang: str = "en", placement: Placement | None = None,
                 show_labels: bool | None = None, width: float = DEFAULT_WIDTH,
                 font: float = LABEL_FONT, reading: str = "forward") -> go.Figure:
    """Draw a graph view (a backward pass's steps: figures.backward_frames).

    Args:
        graph: a view from graph (collapsed or not).
        selected: a node id to highlight with its ancestors and descendants (others are dimmed).
        theme: "light" or "dark".
        direction: "LR", "TB", or "auto": left-to-right when that fits `width`, else top-to-bottom.
        lang: "en" or "vi" for every text on the figure.
        placement: a placement (figures.placement.place) to reuse; made here when None.
        show_labels: draw labels next to nodes; by default only up to LABEL_LIMIT nodes.
        width: the width in px the figure will be shown at (no label overlaps another at this width
            or wider).
        font: the labels' font size in px (presentation mode: PRESENTATION_FONT).
        reading: "forward" (inputs first, data flowing along the arrows, as the lessons explain) or
            "backward" (the output first, arrows along next_functions, as torchviz draws).

    Returns:
        A new figure showing the whole graph; node traces carry the node ids in `customdata`.
    """
    if reading not in READINGS:
        raise ValueError(f"reading must be one of {READINGS}, got {reading!r}")
    canvas = make_canvas(graph, theme=theme, direction=direction, lang=lang, placement=placement,
                         show_labels=show_labels, width=width, font=font)
    if reading == "backward":
        canvas.placement = reversed_reading(canvas.placement)
        canvas.reverse_arrows = True
    if selected is not None and selected not in graph:
        selected = None
    if selected is not None:
        ancestors, descendants = lineage(graph, selected)
        canvas.dimmed = {node for node in graph if node != selected and node not in ancestors
                         and node not in descendants}
    frame(canvas, edge_label_boxes(canvas))
    # The rings go under the nodes, so each node's marker and label stay readable on top of its ring.
    rings = selection_traces(canvas, selected) if selected is not None else []
    data = [*edge_traces(canvas), *rings, *node_traces(canvas)]
    return go.Figure(data=data, layout=base_layout(canvas))
