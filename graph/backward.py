"""Record one backward pass of live engine tensors in plain data, the way the sandbox records it.

`trace_backward(loss)` runs `loss.backward()` for real and keeps what the animation needs: the graph
as it was at the call (saved values still there), every step the engine's step generator yielded,
and each leaf's `.grad` before and after. It has the fields of the run record's `BackwardCall`, so
the figures accept either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import _trace
from engine.autograd import AccumulateGrad
from sandbox.snapshot import GraphSnapshot, StepInfo, reachable_nodes, snapshot, step_info


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
    """A trace recorder that keeps the steps and hands every event on to the recorder it replaced."""

    def __init__(self, outer: Any, grads: dict[int, np.ndarray | None]) -> None:
        self.outer = outer
        self.grads = grads
        self.steps: list[StepInfo] = []

    def backward_step(self, step: Any) -> None:
        # Called once the consumer has handled the step, so an AccumulateGrad's `.grad` is already updated.
        before = after = None
        if isinstance(step.node, AccumulateGrad):
            variable = step.node.variable
            before = self.grads.get(variable._id)
            after = None if variable._grad is None else np.array(variable._grad._data, copy=True)
            self.grads[variable._id] = after
        self.steps.append(step_info(step, before, after))
        if self.outer is not None:
            self.outer.backward_step(step)

    def __getattr__(self, name: str) -> Any:
        if self.outer is not None:
            return getattr(self.outer, name)
        return lambda *args, **kwargs: None


def _leaf_grads(root: Any) -> dict[int, np.ndarray | None]:
    start = [root.grad_fn] if root.grad_fn is not None else []
    leaves = [node.variable for node in reachable_nodes(start) if isinstance(node, AccumulateGrad)]
    return {leaf._id: None if leaf._grad is None else np.array(leaf._grad._data, copy=True)
            for leaf in leaves}


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
    before = _leaf_grads(root)
    recorder = _StepRecorder(_trace.active(), dict(before))
    with _trace.recording(recorder):
        root.backward(gradient, retain_graph=retain_graph)
    return BackwardTrace(
        root=root._id,
        gradient=None if gradient is None else np.array(gradient._data, copy=True),
        retain_graph=bool(retain_graph),
        steps=tuple(recorder.steps),
        graph=graph,
        grads_before=before,
        grads_after=_leaf_grads(root) if root.grad_fn is not None else dict(recorder.grads),
    )
