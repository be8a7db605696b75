"""Colours and marker shapes by node kind, from the Okabe–Ito colour-blind-safe palette.

Shape and colour both encode the kind, so no reader depends on telling two colours apart. Vermillion is
kept for what is happening now (the selected node, the step running, gradients travelling).
"""

from __future__ import annotations

from dataclasses import dataclass

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"
OKABE_ITO = (ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE, GREY)

HIGHLIGHT = VERMILLION


@dataclass(frozen=True)
class KindStyle:
    """How one node kind is drawn."""

    colour: str
    symbol: str
    size: int


KIND_STYLES: dict[str, KindStyle] = {
    "grad_fn": KindStyle(BLUE, "square", 16),
    "op": KindStyle(BLUE, "square", 16),
    "accumulate": KindStyle(SKY_BLUE, "diamond", 16),
    "leaf": KindStyle(BLUISH_GREEN, "circle", 18),
    "root": KindStyle(REDDISH_PURPLE, "hexagon", 20),
    "tensor": KindStyle(ORANGE, "circle", 14),
    "constant": KindStyle(GREY, "circle-open", 10),
    "saved": KindStyle(YELLOW, "triangle-up", 13),
    "collapsed": KindStyle(BLUE, "square-x-open", 22),
}
# Drawing order in the legend.
KIND_ORDER = ("root", "grad_fn", "op", "collapsed", "accumulate", "leaf", "tensor", "saved", "constant")


def kind_style(kind: str, theme: str = "light") -> KindStyle:
    """The style of `kind`; on a dark background blue is lifted so it stays visible."""
    style = KIND_STYLES[kind]
    if theme == "dark" and style.colour == BLUE:
        return KindStyle("#3A9AD9", style.symbol, style.size)
    return style
