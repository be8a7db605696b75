"""Standalone HTML of a figure: plotly.js inlined, so the file opens offline."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from figures.theme import TRANSPARENT


def standalone_html(figure: go.Figure, *, title: str = "Autograd Explorer") -> str:
    """The figure as one self-contained HTML page (frames and play buttons included).

    Args:
        figure: any figure of this package.
        title: the page title.

    Returns:
        HTML text with plotly.js embedded (`include_plotlyjs=True`); no network needed to open it.
    """
    meta = figure.layout.meta
    background = meta.get("background") if isinstance(meta, dict) else None
    if background and figure.layout.paper_bgcolor == TRANSPARENT:
        # The app's page gave the see-through figure its background; a page of its own needs one.
        figure = go.Figure(figure)
        figure.update_layout(paper_bgcolor=background, plot_bgcolor=background)
    page = figure.to_html(include_plotlyjs=True, full_html=True, auto_play=False,
                          config={"displaylogo": False, "responsive": True})
    return page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
