"""Standalone HTML of a figure: plotly.js inlined, so the file opens offline."""

from __future__ import annotations

import html

import plotly.graph_objects as go


def standalone_html(figure: go.Figure, *, title: str = "Autograd Explorer") -> str:
    """The figure as one self-contained HTML page (frames and play buttons included).

    Args:
        figure: any figure of this package.
        title: the page title.

    Returns:
        HTML text with plotly.js embedded (`include_plotlyjs=True`); no network needed to open it.
    """
    page = figure.to_html(include_plotlyjs=True, full_html=True, auto_play=False,
                          config={"displaylogo": False, "responsive": True})
    return page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
