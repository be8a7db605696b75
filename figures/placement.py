"""Where a figure puts its nodes: a layered layout in pixels, with room for every label.

Positions are in px at the width the figure is drawn for, and the figure's axes show exactly that many
px, so a label (whose size is fixed in px) takes the room the layout kept for it. Shown wider, the
drawing only spreads out. Left-to-right puts each label above its node; top-to-bottom, to its right.
With `direction="auto"` the first direction whose drawing fits the width is used (else the narrower one).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from figures.labels import LABEL_FONT, LINE_EM, node_lines, text_box, text_width
from figures.palette import KIND_STYLES
from figures.texts import text
from graph.layout import DIRECTIONS, Extent, Layout, boxed_layout
from graph.model import Kind, no_grad_regions

Position = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, x1, y0, y1 in px
AUTO = "auto"
DEFAULT_WIDTH = 400  # px: about the narrowest column the app draws a graph in (the Playground's)
# Past this many nodes the labels are left to the hover cards, so the drawing stays light.
LABEL_LIMIT = 400
LABEL_GAP = 3  # px between a marker's edge and its label
RING_RADIUS = 12  # px kept clear round every node's point (its marker, most of a selection ring)
LAYER_SPACE = {"LR": 30.0, "TB": 24.0}  # px between the boxes of neighbouring layers
NODE_SPACE = 10.0  # px between neighbouring boxes in a layer
REGION_PADDING = 4.0  # px between a no_grad box and its nodes' boxes
REGION_FONT = 10  # px, the no_grad caption at the default label font (it grows with the labels)
EDGE_LABEL_ROOM = 6.0  # px left on each side of an edge label
VIEW_PADDING = 6.0  # px of layout a figure keeps round the outermost boxes


@dataclass(frozen=True)
class Placement:
    """A graph's layout in px for one figure width, with the room each node takes."""

    layout: Layout
    extents: Mapping[Hashable, Extent]
    width: float
    show_labels: bool
    clearance: float = 0.0  # px round each point its label keeps clear of (a ring drawn there)
    font: float = LABEL_FONT  # px, the labels' font size the room was measured for

    @property
    def region_font(self) -> float:
        return REGION_FONT * self.font / LABEL_FONT

    @property
    def direction(self) -> str:
        return self.layout.direction

    @property
    def positions(self) -> Mapping[Hashable, Position]:
        return self.layout.positions

    def box(self, node: Hashable) -> Box:
        """The px box a node takes: its marker, ring and label (and any room reserved round it)."""
        x, y = self.positions[node]
        left, right, below, above = self.extents[node]
        return x - left, x + right, y - below, y + above

    def bounds(self) -> Box:
        """The box round every node's box."""
        boxes = [self.box(node) for node in self.positions]
        if not boxes:
            return -1.0, 1.0, -1.0, 1.0
        return (min(b[0] for b in boxes), max(b[1] for b in boxes),
                min(b[2] for b in boxes), max(b[3] for b in boxes))


def label_offset(direction: str) -> str:
    """Where plotly puts a node's label: above it left-to-right, to its right top-to-bottom."""
    return "top center" if direction == "LR" else "middle right"


def marker_radius(kind: str) -> float:
    return KIND_STYLES[kind].size / 2


def label_start(kind: str, clearance: float = 0.0) -> float:
    """How far from a node's point its label starts: past its marker, or past `clearance`."""
    return max(marker_radius(kind), clearance) + LABEL_GAP


def node_extent(kind: str, label: tuple[float, float], direction: str, under: tuple[float, float] = (0, 0),
                clearance: float = 0.0) -> Extent:
    """The room a node takes round its point: a ring, its label on one side, `under` on the other.

    Args:
        kind: the node's kind (its marker size).
        label: (width, height) of its label in px; (0, 0) for none.
        direction: "LR" (label above, `under` below) or "TB" (label right, `under` below).
        under: (width, height) of text drawn on the other side (a `.grad` during backward).
        clearance: px round the point that labels keep clear of.
    """
    radius = max(RING_RADIUS, marker_radius(kind), clearance)
    width, height = label
    under_width, under_height = under
    start = label_start(kind, clearance)
    if direction == "LR":
        half = max(radius, width / 2, under_width / 2)
        above = max(radius, start + height) if height else radius
        below = max(radius, start + under_height) if under_height else radius
        return half, half, below, above
    # Top-to-bottom, `under` goes below the node, centred: height is cheap there (the page scrolls),
    # width is not (a layer's nodes stand side by side).
    right = max(radius, start + width if width else 0.0, under_width / 2)
    left = max(radius, under_width / 2)
    half = max(radius, height / 2)
    below = max(half, start + under_height) if under_height else half
    return left, right, below, half


READINGS = ("forward", "backward")


def reversed_reading(placement: Placement) -> Placement:
    """The placement read the other way: output first (on top, or on the left), as torchviz draws
    `next_functions` pointing down. A mirror image along the reading direction, so every gap the
    layout kept stays; each layer's span stays in reading order (its first bound nearest the start)."""
    layout = placement.layout
    if layout.direction == "LR":
        positions = {node: (-x, y) for node, (x, y) in layout.positions.items()}
    else:
        positions = {node: (x, -y) for node, (x, y) in layout.positions.items()}
    bands = tuple((-low, -high) for low, high in layout.bands)
    flipped = Layout(layout.direction, positions, layout.layers, bands)
    return Placement(flipped, placement.extents, placement.width, placement.show_labels, placement.clearance,
                     placement.font)


def region_caption(lang: str) -> str:
    return text("region.no_grad", lang)


def _extents(graph: nx.DiGraph, direction: str, lang: str, show_labels: bool,
             under: Mapping[Hashable, tuple[float, float]], clearance: float,
             font: float) -> dict[Hashable, Extent]:
    extents = {}
    for node, data in graph.nodes(data=True):
        label = text_box(node_lines(data, lang), font) if show_labels else (0.0, 0.0)
        extents[node] = node_extent(data["kind"], label, direction, under.get(node, (0.0, 0.0)), clearance)
    # A no_grad box keeps a strip under its nodes for its caption, and is as wide as the caption:
    # each member keeps that room clear.
    region_font = REGION_FONT * font / LABEL_FONT
    strip = region_font * LINE_EM + REGION_PADDING
    caption = text_width(region_caption(lang), region_font) + REGION_PADDING
    pad = REGION_PADDING
    for region in no_grad_regions(graph):
        for node in region:
            left, right, below, above = extents[node]
            extents[node] = (left + pad, max(right, caption - left) + pad, below + strip + pad, above + pad)
    return extents


def _layer_space(graph: nx.DiGraph, direction: str, show_labels: bool, extra: float, font: float) -> float:
    """Clear space between layers; left-to-right, wide enough for an edge label (`detach()`) in it."""
    space = max(LAYER_SPACE[direction], extra)
    if direction == "LR" and show_labels:
        labels = [label for _, _, label in graph.edges(data="label") if label]
        if labels:
            space = max(space, max(text_width(label, font) for label in labels) + 2 * EDGE_LABEL_ROOM)
    return space


def place(graph: nx.DiGraph, *, lang: str = "en", direction: str = AUTO, width: float = DEFAULT_WIDTH,
          show_labels: bool | None = None, under: Mapping[Hashable, tuple[float, float]] | None = None,
          layer_space: Mapping[str, float] | None = None, clearance: float = 0.0,
          prefer: Sequence[str] = DIRECTIONS, font: float = LABEL_FONT) -> Placement:
    """Lay a graph out in px for a figure `width` px wide, keeping room for every label.

    Args:
        graph: a view from graph.
        lang: the language of the labels (their length depends on it).
        direction: "LR", "TB", or "auto" (the first of `prefer` that fits `width`, else the narrower).
        width: the figure's width in px.
        show_labels: whether labels are drawn; by default up to LABEL_LIMIT nodes.
        under: node -> (width, height) of text drawn on the side away from its label.
        layer_space: direction -> least clear space between layers (edge labels that sit there).
        clearance: px round each node's point that its label keeps clear of (a ring drawn there).
        prefer: the directions `auto` tries, in order.
        font: the labels' font size in px (presentation mode draws them bigger).

    Returns:
        The placement.
    """
    if direction != AUTO and direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'auto' or one of {DIRECTIONS}, got {direction!r}")
    if show_labels is None:
        show_labels = graph.number_of_nodes() <= LABEL_LIMIT
    under = under or {}
    # Constants and saved values step aside for the node they feed; leaves stay in line with it.
    followers = [node for node, kind in graph.nodes(data="kind") if kind in (Kind.CONSTANT, Kind.SAVED)]
    candidates = [direction] if direction != AUTO else list(prefer)
    if not show_labels and direction == AUTO:
        candidates = candidates[:1]  # nothing to fit: no need to lay a big graph out twice
    placements = []
    for candidate in candidates:
        extents = _extents(graph, candidate, lang, show_labels, under, clearance, font)
        space = _layer_space(graph, candidate, show_labels, (layer_space or {}).get(candidate, 0.0), font)
        layout = boxed_layout(graph, candidate, extents=extents, layer_space=space, node_space=NODE_SPACE,
                              followers=followers)
        placement = Placement(layout, extents, float(width), show_labels, clearance, float(font))
        x0, x1, _, _ = placement.bounds()
        if x1 - x0 + 2 * VIEW_PADDING <= plot_width(width):
            return placement
        placements.append((x1 - x0, len(placements), placement))
    return min(placements)[2]


MARGIN = 10  # px left and right of the plot


def plot_width(width: float) -> float:
    """The px a figure `width` px wide has for its plot."""
    return width - 2 * MARGIN


def edge_label_point(placement: Placement, source: Hashable, target: Hashable, lines: int = 1,
                     index: int = 0) -> Position:
    """Where a label of the edge source -> target goes: in the clear band between the two layers next
    to `target` (no node's box reaches into it), on the edge. Labels of one band are stacked when
    `index` counts them (top-to-bottom only; left-to-right they stand side by side on their edges)."""
    layout = placement.layout
    x0, y0 = layout.positions[source]
    x1, y1 = layout.positions[target]
    k = layout.layers[target]
    previous = max(layout.layers[source], k - 1)
    if layout.direction == "LR":
        start = layout.bands[previous][1] if previous < k else x0
        end = layout.bands[k][0]
        x = (start + end) / 2
        t = 0.5 if x1 == x0 else (x - x0) / (x1 - x0)
        return x, y0 + t * (y1 - y0)
    start = layout.bands[previous][0] if previous < k else y0  # lower edge of the layer above
    end = layout.bands[k][1]
    step = placement.font * LINE_EM
    y = (start + end) / 2 + ((lines - 1) / 2 - index) * step
    t = 0.5 if y1 == y0 else (y - y0) / (y1 - y0)
    return x0 + t * (x1 - x0) + EDGE_LABEL_ROOM, y  # just right of the line, not on it


def text_rect(x: float, y: float, size: tuple[float, float], position: str, offset: float = 0.0) -> Box:
    """The px box of a text of `size` (width, height) drawn at (x, y) with a plotly textposition,
    `offset` px away from the point (a marker's radius) on the side it is drawn."""
    width, height = size
    vertical, horizontal = position.split(" ")
    if horizontal == "center":
        x0 = x - width / 2
    elif horizontal == "right":
        x0 = x + offset
    else:
        x0 = x - offset - width
    if vertical == "middle":
        y0 = y - height / 2
    elif vertical == "top":
        y0 = y + offset
    else:
        y0 = y - offset - height
    return x0, x0 + width, y0, y0 + height
