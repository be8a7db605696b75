"""The words drawn next to each node, in the reader's language, and how much room they take.

The graph stores no words (a node with no name of its own has `label` None; caption lines say what
they hold), so every word here comes from the catalogue in `texts`. Sizes are estimates (each character
`CHAR_EM` font sizes wide, each line `LINE_EM` tall), a little generous so the real text fits inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from figures.texts import TEXTS, text
from graph.model import CaptionLine, Kind

LABEL_FONT = 12  # px, node labels and edge labels (legible on a projector at 1440 px)
PRESENTATION_FONT = 16  # px, the labels in presentation mode
CHAR_EM = 0.62
LINE_EM = 1.3
MAX_CHARS = 40  # longer label lines are cut with `…` (the hover card has the whole text)
# Caption lines that get a word in front of them, per kind of line; a tensor's value reads `data [...]`.
_PREFIXES = {CaptionLine.VALUE: "node.value", CaptionLine.GRAD: "node.grad"}


def node_name(data: Mapping[str, Any], lang: str = "en") -> str:
    """The name drawn for a node: its own (`x`, `MulBackward0`) or, without one, what it is (`constant`)."""
    if data.get("label"):
        return str(data["label"])
    if data["kind"] in Kind.TENSORS:
        return text("node.tensor", lang)
    key = f"node.{data['kind']}"
    return text(key if key in TEXTS else f"kind.{data['kind']}", lang)


def caption_texts(data: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The caption lines of a node, a value line of a tensor led by `data` (in `lang`)."""
    lines = []
    for what, content in data.get("caption") or ():
        prefix = _PREFIXES.get(what)
        if prefix is not None and (what != CaptionLine.VALUE or data["kind"] in Kind.TENSORS):
            content = f"{text(prefix, lang)} {content}"
        lines.append(content)
    return lines


def _cut(line: str) -> str:
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"


def node_lines(data: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Every line drawn next to a node (name, then caption), each at most MAX_CHARS characters."""
    return [_cut(line) for line in (node_name(data, lang), *caption_texts(data, lang))]


def text_width(line: str, size: float = LABEL_FONT) -> float:
    """Estimated width of one line of text, in px."""
    return len(line) * CHAR_EM * size


def text_box(lines: Iterable[str], size: float = LABEL_FONT) -> tuple[float, float]:
    """Estimated (width, height) of lines of text, in px."""
    lines = list(lines)
    return max((text_width(line, size) for line in lines), default=0.0), len(lines) * LINE_EM * size
