"""Standalone HTML of a figure: plotly.js inlined, so the file opens offline."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from figures.theme import TRANSPARENT

_SIDE_STYLE = ("<style>.ae-side{font-family:ui-monospace,Menlo,monospace;font-size:13px;margin:12px}"
               ".ae-side td{padding:2px 10px;border-bottom:1px solid #ddd}</style>")


def _side(code: str | None, ledger: Sequence[tuple[str, str]]) -> str:
    """The program and its `.grad` ledger, to read beside the graph (every text escaped)."""
    parts = []
    if code:
        parts.append(f"<pre>{html.escape(code)}</pre>")
    if ledger:
        rows = "".join(f"<tr><td>{html.escape(name)}.grad</td><td>{html.escape(value)}</td></tr>"
                       for name, value in ledger)
        parts.append(f"<table>{rows}</table>")
    return f'{_SIDE_STYLE}<div class="ae-side">{"".join(parts)}</div>' if parts else ""


def standalone_html(figure: go.Figure, *, title: str = "Autograd Explorer", code: str | None = None,
                    ledger: Sequence[tuple[str, str]] = ()) -> str:
    """The figure as one self-contained HTML page (frames and play buttons included).

    Args:
        figure: any figure of this package.
        title: the page title.
        code: the program, shown under the graph.
        ledger: (tensor name, its `.grad` as text) rows, shown with the program.

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
    page = page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
    return page.replace("</body>", _side(code, ledger) + "</body>", 1)
