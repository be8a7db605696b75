"""Training over time: loss, gradients and weights per epoch, and the `.grad` staircase.

The staircase is the seed lesson's section 4: without `.grad.zero_()` every `backward()` adds to the
last gradient (5, 10, 15, ...); with it each epoch starts again from zero (5, 5, 5, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.palette import BLUE, BLUISH_GREEN, REDDISH_PURPLE, VERMILLION
from figures.texts import text
from figures.theme import background_layout, get_theme

Number = float | int | np.ndarray

# Line colours with at least 3:1 contrast (WCAG) on both the light (#FFFFFF) and the dark (#0E1117)
# background, so no line fades on a projector: Okabe–Ito's blue, vermillion, bluish green and reddish
# purple, then darker stand-ins for its yellow, orange and sky blue (which fall under 3:1 on white).
CHART_COLOURS = (BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, "#B8860B", "#7F7F7F", "#6A5ACD", "#A0522D")
MAX_TICKS = 8
_TICK_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
# Arrays with at most this many elements get one line per element; bigger ones one line for their mean.
ELEMENT_LINES = 4


@dataclass(frozen=True)
class EpochRecord:
    """One row of the ledger: what one training step left behind."""

    epoch: int
    loss: float | None
    grads: Mapping[str, Number | None] = field(default_factory=dict)
    weights: Mapping[str, Number] = field(default_factory=dict)


def _series(name: str, value: Number | None) -> list[tuple[str, float]]:
    """Named scalar lines for one value: itself, one per element, or the mean of a large array."""
    if value is None:
        return []
    array = np.asarray(value, dtype=float)
    if array.size == 1:
        return [(name, float(array.reshape(())))]
    if array.size <= ELEMENT_LINES:
        flat = array.reshape(-1)
        indices = np.ndindex(array.shape)
        return [(f"{name}[{', '.join(map(str, index))}]", float(v)) for index, v in zip(indices, flat)]
    return [(f"mean({name})", float(array.mean()))]


def _lines(ledger: Sequence[EpochRecord], attribute: str) -> dict[str, tuple[list[int], list[float]]]:
    lines: dict[str, tuple[list[int], list[float]]] = {}
    for row in ledger:
        for name, value in getattr(row, attribute).items():
            for label, number in _series(name, value):
                epochs, values = lines.setdefault(label, ([], []))
                epochs.append(row.epoch)
                values.append(number)
    return lines


def epoch_ticks(count: int, max_ticks: int = MAX_TICKS) -> list[int]:
    """Tick positions for an axis of epochs 1..count: 1, then multiples of a round step (at most
    `max_ticks` labels, so they never overlap however many epochs there are)."""
    count = max(1, int(count))
    step = next((s for s in _TICK_STEPS if count / s <= max_ticks), _TICK_STEPS[-1])
    if step == 1:
        return list(range(1, count + 1))
    return [1] + list(range(step, count + 1, step))


def epoch_axis(count: int) -> dict[str, Any]:
    """An x axis spanning exactly epochs 1..count (plotly's auto-range would pad it to 0 and count + 3).

    The end markers are not clipped (see `_line`), so the range needs no padding; a single epoch gets a
    unit-wide range around it.
    """
    count = max(1, int(count))
    span = [0.5, 1.5] if count == 1 else [1, count]
    return {"range": span, "autorange": False, "tickmode": "array", "tickvals": epoch_ticks(count)}


def _line(x: Sequence[int], y: Sequence[float], name: str, colour: str, **extra: Any) -> go.Scatter:
    return go.Scatter(x=np.array(x), y=np.array(y), mode="lines+markers", name=name, cliponaxis=False,
                      line={"color": colour, **extra.pop("line", {})}, marker={"color": colour}, **extra)


def ledger_from_record(record: Any) -> list[EpochRecord]:
    """One EpochRecord per successful backward call of a run record.

    Args:
        record: a sandbox RunRecord (its events that have `steps` are backward calls).

    Returns:
        Rows numbered from 1: the root's value as loss (when it is a single number), and each named
        leaf's `.grad` after the call and value at the call.
    """
    ledger = []
    calls = [event for event in record.events
             if hasattr(event, "steps") and not getattr(event, "error", None)]
    for number, call in enumerate(calls, start=1):
        root = call.graph.tensors.get(call.root)
        loss = float(root.value.reshape(())) if root is not None and root.value.size == 1 else None
        grads, weights = {}, {}
        for tensor_id, grad in call.grads_after.items():
            info = call.graph.tensors.get(tensor_id)
            if info is None or info.label is None:
                continue
            grads[info.label] = grad
            weights[info.label] = info.value
        ledger.append(EpochRecord(number, loss, grads, weights))
    return ledger


LEGEND_FONT = 11
LEGEND_ROW = 22  # px per row of legend entries
AXIS_TITLE_ROOM = 48  # px under the plot for the tick labels and the x axis title


def _legend_rows(names: Sequence[str], width: float) -> int:
    """How many rows a horizontal legend of `names` takes at `width` px."""
    rows, used = 1, 0.0
    for name in names:
        item = 40 + 0.5 * LEGEND_FONT * len(name)  # a legend entry: its line sample and its words
        if used and used + item > width - 20:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _style(figure: go.Figure, theme: str, plot_height: int, top: int, width: float) -> go.Figure:
    """Colours, and the legend in a strip of its own under the x axis: it never meets a title."""
    colours = get_theme(theme)
    names = [trace.name for trace in figure.data if trace.showlegend is not False and trace.name]
    legend = _legend_rows(names, width) * LEGEND_ROW if names else 0
    bottom = AXIS_TITLE_ROOM + legend + 6
    figure.update_layout(
        **background_layout(colours), height=plot_height + top + bottom,
        margin={"l": 50, "r": 10, "t": top, "b": bottom},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                "xanchor": "left", "font": {"size": LEGEND_FONT}},
        hovermode="x unified", colorway=list(CHART_COLOURS),
    )
    return figure


def training_figure(ledger: Iterable[EpochRecord], *, epochs: int | None = None, theme: str = "light",
                    lang: str = "en", width: float = 520) -> go.Figure:
    """Loss, gradients and weights per epoch, as three stacked line charts sharing the epoch axis.

    Each chart's title sits over its top-left corner; the legend has its own strip under the epoch axis.

    Args:
        ledger: rows in epoch order (see EpochRecord and ledger_from_record).
        epochs: how many epochs the run has: the axis spans 1..epochs even while fewer rows are drawn,
            so the lines grow into a fixed frame (default: the last row's epoch).
        theme: "light" or "dark".
        lang: "en" or "vi".
        width: the width in px the figure is shown at (how many rows the legend needs).

    Returns:
        The figure; every line is a trace named after its tensor (elements as `w[0]`).
    """
    rows = list(ledger)
    titles = (text("chart.loss", lang), text("chart.grad", lang), text("chart.weight", lang))
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.08)
    colours = iter(CHART_COLOURS * 4)
    losses = [(row.epoch, row.loss) for row in rows if row.loss is not None]
    if losses:
        x, y = zip(*losses)
        figure.add_trace(_line(x, y, titles[0], next(colours), legendgroup="loss"), row=1, col=1)
    for row_number, attribute in ((2, "grads"), (3, "weights")):
        for name, (x, y) in _lines(rows, attribute).items():
            label = f"{name}.grad" if attribute == "grads" else name
            figure.add_trace(_line(x, y, label, next(colours), legendgroup=attribute), row=row_number, col=1)
    last = max((row.epoch for row in rows), default=1)
    figure.update_xaxes(**epoch_axis(epochs or last))
    figure.update_xaxes(title_text=text("chart.epoch", lang), row=3, col=1)
    # Titles at the top-left of their charts, clear of the lines (plotly centres them by default).
    figure.update_annotations(x=0, xanchor="left", font={"size": 13})
    return _style(figure, theme, plot_height=520, top=30, width=width)


def _scalar(value: Number) -> float:
    return float(np.asarray(value, dtype=float).mean())


def staircase_figure(with_zero: Sequence[Number], without_zero: Sequence[Number], *,
                     calls: int | None = None, theme: str = "light", lang: str = "en",
                     width: float = 340) -> go.Figure:
    """`.grad` after each backward(), with and without `.grad.zero_()`, as two step lines.

    Args:
        with_zero: `.grad` after each call when it is zeroed between calls (arrays are averaged).
        without_zero: the same without zeroing: it climbs a staircase.
        calls: how many calls the run makes: the axis spans 1..calls (default: the longer line).
        theme: "light" or "dark".
        lang: "en" or "vi".
        width: the width in px the figure is shown at (how many rows the legend needs).

    Returns:
        The figure, one step line per run.
    """
    figure = go.Figure()
    runs = ((without_zero, "chart.without_zero", "solid", VERMILLION),
            (with_zero, "chart.with_zero", "dash", BLUE))
    for values, key, dash, colour in runs:
        figure.add_trace(_line(range(1, len(values) + 1), [_scalar(v) for v in values], text(key, lang),
                               colour, line_shape="hv", line={"dash": dash, "width": 2.5}))
    # The title sits under the strip plotly's tool bar takes at the top right.
    figure.update_layout(title={"text": text("chart.staircase", lang), "x": 0, "xanchor": "left",
                                "xref": "paper", "y": 1, "yref": "container", "yanchor": "top",
                                "pad": {"t": 30}, "font": {"size": 14}})
    figure.update_xaxes(title_text=text("chart.backward_call", lang),
                        **epoch_axis(calls or max(len(with_zero), len(without_zero), 1)))
    figure.update_yaxes(title_text=".grad")
    return _style(figure, theme, plot_height=270, top=70, width=width)
