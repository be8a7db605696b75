"""The seed programs (the four lessons and every preset) run in the sandbox, and the figures of each,
drawn the way the app draws them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import networkx as nx
import plotly.graph_objects as go

import sandbox
from explorer.lessons import LESSONS
from explorer.presets import PRESETS
from figures import (
    backward_animation,
    backward_placement,
    backward_step_figure,
    graph_figure,
    ledger_from_record,
    staircase_figure,
    training_figure,
)
from graph import AUTOGRAD, TENSOR_VIEW, collapse_chains, graph_from_backward, graph_from_record

SEED_PROGRAMS = {**{f"lesson:{lesson.id}": lesson.code for lesson in LESSONS},
                 **{f"preset:{preset.id}": preset.code for preset in PRESETS}}
# The Backward page draws its figure across the page; the Playground and Learn in a column.
WIDE = 720


@cache
def record_of(name: str) -> Any:
    return sandbox.run(SEED_PROGRAMS[name], seed=0)


def first_backward(name: str) -> Any | None:
    """The program's first backward call that ran, if any."""
    calls = [event for event in record_of(name).events if hasattr(event, "steps")]
    return next((call for call in calls if not call.error and call.steps), None)


@dataclass(frozen=True)
class Drawn:
    """One figure of one seed program, with the graph it shows (None for charts)."""

    label: str
    figure: go.Figure
    graph: nx.DiGraph | None
    width: float


def graph_figures(name: str, lang: str, width: float | None = None) -> Iterator[Drawn]:
    """Both views of the program's graph, folded as the app folds them."""
    for view in (AUTOGRAD, TENSOR_VIEW):
        graph = collapse_chains(graph_from_record(record_of(name), view=view))
        kwargs = {} if width is None else {"width": width}
        figure = graph_figure(graph, lang=lang, **kwargs)
        yield Drawn(f"{name} {view} {lang}", figure, graph, width or _default_width())


def backward_figures(name: str, lang: str, width: float) -> Iterator[Drawn]:
    """Every step of the program's first backward call, on one placement."""
    call = first_backward(name)
    if call is None:
        return
    graph = graph_from_backward(call)
    placement = backward_placement(graph, lang=lang, width=width)
    for step in range(len(call.steps)):
        figure = backward_step_figure(graph, step, lang=lang, placement=placement, width=width)
        yield Drawn(f"{name} backward step {step + 1} {lang} {width}px", figure, graph, width)


def animation(name: str, lang: str) -> Drawn | None:
    call = first_backward(name)
    if call is None:
        return None
    graph = graph_from_backward(call)
    return Drawn(f"{name} animation {lang}", backward_animation(graph, lang=lang), graph, _default_width())


def charts(name: str, lang: str) -> list[Drawn]:
    """The training charts of a program that calls backward() more than once."""
    ledger = ledger_from_record(record_of(name))
    if len(ledger) < 2:
        return []
    grads = [next(iter(row.grads.values())) for row in ledger if row.grads]
    return [Drawn(f"{name} training {lang}", training_figure(ledger, lang=lang), None, 520),
            Drawn(f"{name} staircase {lang}", staircase_figure(grads, grads, lang=lang), None, 340)]


def _default_width() -> float:
    from figures import DEFAULT_WIDTH

    return DEFAULT_WIDTH
