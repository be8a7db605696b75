"""Approximate boxes of the texts a plotly figure draws, in px, read back from its JSON.

Independent of how the figures place their labels: each text is (characters × CHAR_EM) wide and
(lines × LINE_EM) tall at its font size, put where plotly puts it for its textposition, on a plot as
wide as the figure is drawn for and as tall as its layout says.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import plotly.graph_objects as go

CHAR_EM = 0.6
LINE_EM = 1.2
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TextBox:
    """One drawn text and the px box it covers (y growing upwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float

    def overlaps(self, other: TextBox, tolerance: float = 0.5) -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
                and min(self.y1, other.y1) - max(self.y0, other.y0) > tolerance)


def _lines(content: str) -> list[str]:
    return [html.unescape(_TAGS.sub("", line)) for line in content.split("<br>")]


def _box(content: str, x: float, y: float, position: str, offset: float, size: float) -> TextBox:
    lines = _lines(content)
    width = max(len(line) for line in lines) * CHAR_EM * size
    height = len(lines) * LINE_EM * size
    vertical, horizontal = (position or "middle center").split(" ")
    x0 = {"center": x - width / 2, "right": x + offset, "left": x - offset - width}[horizontal]
    y0 = {"middle": y - height / 2, "top": y + offset, "bottom": y - offset - height}[vertical]
    return TextBox(" / ".join(lines), x0, x0 + width, y0, y0 + height)


class PixelFrame:
    """Maps a figure's data coordinates to px of its plot, at the width it is drawn for."""

    def __init__(self, figure: go.Figure, width: float) -> None:
        layout = figure.layout
        margin = layout.margin
        self.x_range = list(layout.xaxis.range)
        self.y_range = list(layout.yaxis.range)
        self.width = width - margin.l - margin.r
        self.height = layout.height - margin.t - margin.b

    def x(self, value: float) -> float:
        return (value - self.x_range[0]) / (self.x_range[1] - self.x_range[0]) * self.width

    def y(self, value: float) -> float:
        return (value - self.y_range[0]) / (self.y_range[1] - self.y_range[0]) * self.height

    def visible(self, box: TextBox) -> bool:
        return box.x1 > 0 and box.x0 < self.width and box.y1 > 0 and box.y0 < self.height


def _marker_sizes(trace: go.Scatter, count: int) -> np.ndarray:
    size = trace.marker.size if "markers" in (trace.mode or "") else 0
    return np.broadcast_to(np.asarray(size if size is not None else 6, dtype=float), (count,))


def text_boxes(figure: go.Figure, width: float, traces: list[go.Scatter] | None = None) -> list[TextBox]:
    """Boxes of every text the figure draws inside its initial view: trace texts and annotations."""
    frame = PixelFrame(figure, width)
    boxes = []
    for trace in traces if traces is not None else figure.data:
        if "text" not in (trace.mode or "") or trace.text is None:
            continue
        texts = [trace.text] * len(trace.x) if isinstance(trace.text, str) else list(trace.text)
        positions = trace.textposition
        positions = [positions] * len(texts) if isinstance(positions, str) or positions is None else positions
        font = trace.textfont.size or 12
        sizes = _marker_sizes(trace, len(texts))
        for content, x, y, position, size in zip(texts, trace.x, trace.y, positions, sizes):
            if not content:
                continue
            box = _box(content, frame.x(x), frame.y(y), position, size / 2 + 1, font)
            if frame.visible(box):
                boxes.append(box)
    for note in figure.layout.annotations:
        lines = _lines(note.text)
        width_px = max(len(line) for line in lines) * CHAR_EM * (note.font.size or 12)
        height_px = len(lines) * LINE_EM * (note.font.size or 12)
        x0, y0 = frame.x(note.x), frame.y(note.y)
        box = TextBox(" / ".join(lines), x0, x0 + width_px, y0, y0 + height_px)
        if frame.visible(box):
            boxes.append(box)
    return boxes


def overlapping(boxes: list[TextBox]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap."""
    return [(a.text, b.text) for a, b in combinations(boxes, 2) if a.overlaps(b)]
