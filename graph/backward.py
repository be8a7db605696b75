"""Record one backward pass of live engine tensors in plain data, the way the sandbox records it.

`trace_backward(loss)` runs `loss.backward()` for real and keeps what the animation needs: the graph
as it was at the call (saved values still there), every step the engine's step generator yielded,
and each leaf's `.grad` before and after. It has the fields of the run record's `BackwardCall`, so
the figures accept either.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import _trace
from sandbox.recorder import StepLog, written_tensor
from sandbox.snapshot import GraphSnapshot, StepInfo, reachable_nodes, snapshot


@dataclass(frozen=True)
class BackwardTrace:
    """One backward call in plain data (the fields of the sandbox's BackwardCall)."""

    root: int
    gradient: np.ndarray | None
    retain_graph: bool
    steps: tuple[StepInfo, ...]
    graph: GraphSnapshot
    grads_before: dict[int, np.ndarray | None] = field(default_factory=dict)
    grads_after: dict[int, np.ndarray | None] = field(default_factory=dict)
    line: int | None = None
    error: str | None = None


class _StepRecorder:
    """A trace recorder that logs the steps (the sandbox's StepLog) and hands every event on to the
    recorder it replaced."""

    def __init__(self, outer: Any, log: StepLog) -> None:
        self.outer = outer
        self.log = log

    def backward_step(self, step: Any) -> None:
        self.log.record(step)
        if self.outer is not None:
            self.outer.backward_step(step)

    def __getattr__(self, name: str) -> Any:
        if self.outer is not None:
            return getattr(self.outer, name)
        return lambda *args, **kwargs: None


def _written(root: Any) -> list[Any]:
    """The tensors whose `.grad` a backward from `root` may write: leaves and retained non-leaves."""
    if root.grad_fn is None:
        return [root] if root.requires_grad else []
    found = {}
    for node in reachable_nodes([root.grad_fn]):
        tensor = written_tensor(node)
        if tensor is not None:
            found[tensor._id] = tensor
    return list(found.values())


def trace_backward(root: Any, gradient: Any = None, retain_graph: bool | None = None,
                   labels: Mapping[str, Any] | None = None) -> BackwardTrace:
    """Run `root.backward(gradient, retain_graph)` and record it.

    Args:
        root: the engine tensor to differentiate.
        gradient: the `gradient=` argument (an engine tensor) for a non-scalar root.
        retain_graph: passed on to backward.
        labels: variable name -> tensor, for the names on the graph.

    Returns:
        The graph before the call, the steps, and the leaves' `.grad` before and after.
    """
    from graph.model import _labels_by_id

    named = [value for value in (labels or {}).values() if hasattr(value, "_id")]
    graph = snapshot([root, *named], _labels_by_id(labels))
    written = _written(root)
    log = StepLog(written, limit=sys.maxsize)
    with _trace.recording(_StepRecorder(_trace.active(), log)):
        root.backward(gradient, retain_graph=retain_graph)
    return BackwardTrace(
        root=root._id,
        gradient=None if gradient is None else np.array(gradient._data, copy=True),
        retain_graph=bool(retain_graph),
        steps=tuple(log.steps),
        graph=graph,
        grads_before=log.grads_before,
        grads_after=dict(log.current),
    )
