"""Which graph the Playground draws: one backward call's, or the whole run's.

A training loop builds a new graph every iteration; drawn all at once, fifty of them bury the one a
learner wants to read. So, like torchviz and micrograd, the Playground shows one graph: by default the
last backward call's (what torch still holds at the end), with a chooser for the others, and the
whole run as one more choice. A program with at most one backward call is drawn whole, so nothing it
made outside that call's reach (a tensor made under no_grad) goes missing.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from explorer.runinfo import backward_calls, value_text
from graph import graph_from_call, graph_from_snapshot
from graph.model import with_saved_values

WHOLE_RUN = -1  # the choice that draws every tensor of the run


def graph_options(record: Any) -> list[int]:
    """The choices: each backward call's index, then WHOLE_RUN; empty when there is nothing to choose."""
    calls = backward_calls(record)
    if len(calls) < 2:
        return []
    return [*range(len(calls)), WHOLE_RUN]


def default_graph(record: Any) -> int:
    """The last backward call when the program makes several, else the whole run."""
    options = graph_options(record)
    return options[-2] if options else WHOLE_RUN


def chosen_graph(record: Any, wanted: Any) -> int:
    """`wanted` when it is one of the record's choices, else the default (a new program, a stale link)."""
    options = graph_options(record)
    return wanted if isinstance(wanted, int) and wanted in options else default_graph(record)


def option_text(record: Any, option: int) -> tuple[str, dict[str, object]]:
    """The catalogue key and parameters naming a choice: `backward call 3 of 50 (line 9)`."""
    if option == WHOLE_RUN:
        return "pg.graph_of.all", {}
    calls = backward_calls(record)
    return "pg.graph_of.call", {"k": option + 1, "n": len(calls), "line": calls[option].line}


def graph_for(record: Any, option: int, view: str, values: bool = False) -> nx.DiGraph:
    """The graph view a choice stands for (unfolded); `values` puts a data | grad card on each tensor."""
    calls = backward_calls(record)
    if option == WHOLE_RUN:
        # The values constants had (freed by backward, kept in each call's own graph).
        snap = with_saved_values(record.graph, [call.graph for call in calls])
        return graph_from_snapshot(snap, view, show_values=values)
    return graph_from_call(calls[option], record.graph, view, show_values=values)


def grad_ledger(record: Any, option: int) -> list[tuple[str, str]]:
    """(name, `.grad` as torch prints it) of each named tensor that has a `.grad` after the chosen
    call, or at the end of the run."""
    if option == WHOLE_RUN:
        grads = {tid: info.grad for tid, info in record.graph.tensors.items()}
        tensors = record.graph.tensors
    else:
        call = backward_calls(record)[option]
        grads, tensors = call.grads_after, {**record.graph.tensors, **call.graph.tensors}
    rows = []
    for tensor_id, grad in sorted(grads.items()):
        info = tensors.get(tensor_id)
        if grad is not None and info is not None and info.label:
            rows.append((info.label, value_text(grad)))
    return rows
