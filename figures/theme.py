"""Light and dark themes: backgrounds, text, edges, muted nodes and shaded regions."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

THEMES_AVAILABLE = ("light", "dark")


@dataclass(frozen=True)
class Theme:
    """Colours that depend on the background."""

    name: str
    template: str
    background: str
    text: str
    edge: str
    muted: str
    region_fill: str
    region_line: str
    ring: str
    gradient_text: str


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light", template="plotly_white", background="#FFFFFF", text="#1F1F1F", edge="#6E6E6E",
        muted="#B4B4B4", region_fill="rgba(120, 120, 120, 0.10)", region_line="#9A9A9A", ring="#1F1F1F",
        gradient_text="#A04000",
    ),
    "dark": Theme(
        name="dark", template="plotly_dark", background="#0E1117", text="#E8E8E8", edge="#9A9A9A",
        muted="#8A8A8A", region_fill="rgba(200, 200, 200, 0.10)", region_line="#7A7A7A", ring="#F2F2F2",
        gradient_text="#FFB27A",
    ),
}


def get_theme(name: str) -> Theme:
    """The theme called `name` ("light" or "dark")."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"theme must be one of {THEMES_AVAILABLE}, got {name!r}") from None


TRANSPARENT = "rgba(0,0,0,0)"


def background_layout(theme: Theme) -> dict[str, object]:
    """A figure's background keys: see-through, so the figure sits on whatever page shows it (the app's
    own light or dark background, whichever shade it is); `meta.background` keeps the theme's colour
    for a page of its own (see figures.export)."""
    return {"template": theme.template, "paper_bgcolor": TRANSPARENT, "plot_bgcolor": TRANSPARENT,
            "font": {"color": theme.text}, "meta": {"background": theme.background}}


@functools.cache
def _small_template(name: str) -> dict[str, object]:
    theme = get_theme(name)
    return {"layout": {"paper_bgcolor": theme.background, "plot_bgcolor": theme.background,
                       "font": {"color": theme.text}, "hoverlabel": {"align": "left"}}}


def graph_background(theme: Theme) -> dict[str, object]:
    """background_layout with a template of only what a graph uses: its axes are hidden, so plotly's
    full theme templates (which every new figure copies: about 10 ms each, most of a backward step's
    time) would draw nothing more."""
    return {**background_layout(theme), "template": copy.deepcopy(_small_template(theme.name))}
