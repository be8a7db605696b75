"""The run record: what a program printed, how it ended, and what happened to its tensors, in order.

Everything here is plain frozen data (numpy arrays, ints, strings), picklable and safe to cache: the app
keeps one record per run with `st.cache_data` and must treat it as immutable.

Ids are local to the run: tensors are numbered 1, 2, ... in creation order, grad_fn nodes 1, 2, ... in
creation order, and an AccumulateGrad node has the negated id of its tensor (as in `sandbox.snapshot`).
So the same source and seed give an equal record.

Size caps (see `Limits`): every stored array with more than `record_array_elements` elements is kept as
its first N elements, flattened (compare `value.size` with `prod(shape)` to tell); at most
`record_max_events` events are kept; only the first `record_max_backward_details` backward calls keep
their whole graph and steps (later ones keep root, gradient, grads before/after, and a graph of just the
root and the leaves, without nodes or steps). The final graph holds the first `record_max_tensors` tensors
made (kept alive for it) and whatever the program still names at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sandbox.errors import SandboxError
from sandbox.snapshot import GraphSnapshot, NodeInfo, StepInfo, TensorInfo


@dataclass(frozen=True)
class TensorCreated:
    """A tensor was made (by an op, a factory, a view, detach, or inside no_grad)."""

    line: int | None
    tensor: int


@dataclass(frozen=True)
class BackwardCall:
    """One `backward()` (or `autograd.grad`) call: the graph as it was, its steps, the grads it changed."""

    line: int | None
    root: int
    gradient: np.ndarray | None  # the gradient argument, None when implicit (scalar root)
    retain_graph: bool
    steps: tuple[StepInfo, ...]
    graph: GraphSnapshot  # the root's graph at the call (before saved values were freed)
    grads_before: dict[int, np.ndarray | None]  # `.grad` of every leaf of that graph
    grads_after: dict[int, np.ndarray | None]
    error: str | None  # "RuntimeError: ..." when the call failed


@dataclass(frozen=True)
class GradsZeroed:
    """Gradients were reset: `t.grad.zero_()`, `optimizer.zero_grad()` (how tells which, and set_to_none)."""

    line: int | None
    tensors: tuple[int, ...]
    how: str  # "zero_" | "zero_grad" | "set_to_none"


@dataclass(frozen=True)
class OptimizerStep:
    """`optimizer.step()` updated these parameters."""

    line: int | None
    params: tuple[int, ...]


@dataclass(frozen=True)
class LoopIteration:
    """An iteration of a loop began; recorded only for iterations that backward, zero grads or step."""

    line: int | None  # first line of the loop body
    loop_line: int  # the `for` / `while` line
    index: int  # 0 for the first iteration


@dataclass(frozen=True)
class WarningShown:
    """A warning the program caused (also written into the output, where it happened)."""

    line: int | None
    category: str  # "UserWarning"
    message: str
    at: int  # where its line starts in the output


Event = TensorCreated | BackwardCall | GradsZeroed | OptimizerStep | LoopIteration


@dataclass(frozen=True)
class RunRecord:
    """Everything about one run of a program in the sandbox."""

    source: str
    output: str
    error: SandboxError | None
    events: tuple[Event, ...]
    graph: GraphSnapshot  # every recorded tensor of the run, at the end
    names: dict[str, int]  # final namespace: variable (or model.fc.weight) -> tensor id
    warnings: tuple[WarningShown, ...] = ()

    @property
    def stdout(self) -> str:
        """What the program printed, without the warning lines (a script prints those on stderr)."""
        pieces, start = [], 0
        for warning in self.warnings:
            pieces.append(self.output[start:warning.at])
            start = warning.at + len(warning_line(warning))
        pieces.append(self.output[start:])
        return "".join(pieces)

    @property
    def ok(self) -> bool:
        return self.error is None

    def events_of(self, kind: type) -> list[Any]:
        """The events of one kind, in order (e.g. `record.events_of(BackwardCall)`)."""
        return [event for event in self.events if isinstance(event, kind)]


def warning_line(warning: WarningShown) -> str:
    """How a warning appears in the output."""
    where = f"line {warning.line}: " if warning.line is not None else ""
    return f"{where}{warning.category}: {warning.message}\n"


def settle(record: Any, **changes: Any) -> Any:
    """Write run-local values into a frozen record that this run made and nobody has seen yet.

    The records are frozen for their readers; rebuilding thousands of them only to change a few ids
    would cost more than the rest of a small run.
    """
    record.__dict__.update(changes)
    return record


class Renumber:
    """Rewrites engine-wide tensor and node ids into run-local ones, and caps stored arrays."""

    def __init__(self, tensor_ids: set[int], node_ids: set[int], max_elements: int) -> None:
        self.tensors = {old: new for new, old in enumerate(sorted(tensor_ids), start=1)}
        positive = sorted(n for n in node_ids if n >= 0)
        self.nodes = {old: new for new, old in enumerate(positive, start=1)}
        self.max_elements = max_elements

    def tensor(self, old: int | None) -> int | None:
        return None if old is None else self.tensors.get(old, old)

    def node(self, old: int | None) -> int | None:
        if old is None:
            return None
        if old < 0:  # AccumulateGrad: the negated id of its tensor
            return -self.tensors.get(-old, -old)
        return self.nodes.get(old, old)

    def array(self, value: np.ndarray | None) -> np.ndarray | None:
        if value is None or value.size <= self.max_elements:
            return value
        return np.array(value.ravel()[: self.max_elements], copy=True)

    def grads(self, grads: dict[int, np.ndarray | None]) -> dict[int, np.ndarray | None]:
        return {self.tensor(key): self.array(value) for key, value in grads.items()}

    # -- snapshot records -----------------------------------------------------------------------------

    def tensor_info(self, info: TensorInfo) -> TensorInfo:
        return settle(
            info,
            id=self.tensors.get(info.id, info.id),
            value=self.array(info.value),
            grad=self.array(info.grad),
            grad_fn=self.node(info.grad_fn),
            detached_from=self.tensor(info.detached_from),
        )

    def node_info(self, info: NodeInfo) -> NodeInfo:
        node = self.node
        return settle(
            info,
            id=node(info.id),
            next=tuple((node(n), i) for n, i in info.next),
            tensor=self.tensor(info.tensor),
            saved={key: self.array(value) for key, value in info.saved.items()},
        )

    def step(self, step: StepInfo) -> StepInfo:
        return settle(
            step,
            node=self.node(step.node),
            grad_in=self.array(step.grad_in),
            grads_out=tuple(self.array(g) for g in step.grads_out),
            grad_before=self.array(step.grad_before),
            grad_after=self.array(step.grad_after),
        )

    def graph(self, graph: GraphSnapshot) -> GraphSnapshot:
        tensors = {self.tensor(key): self.tensor_info(info) for key, info in graph.tensors.items()}
        nodes = {self.node(key): self.node_info(info) for key, info in graph.nodes.items()}
        return GraphSnapshot(tensors, nodes)

    # -- events ---------------------------------------------------------------------------------------

    def event(self, event: Event | tuple[int | None, int]) -> Event:
        if type(event) is tuple:  # a TensorCreated kept as (line, tensor) while the program ran
            return TensorCreated(event[0], self.tensors.get(event[1], event[1]))
        if isinstance(event, BackwardCall):
            return replace(
                event,
                root=self.tensor(event.root),
                gradient=self.array(event.gradient),
                steps=tuple(self.step(s) for s in event.steps),
                graph=self.graph(event.graph),
                grads_before=self.grads(event.grads_before),
                grads_after=self.grads(event.grads_after),
            )
        if isinstance(event, GradsZeroed):
            return GradsZeroed(event.line, tuple(self.tensor(t) for t in event.tensors), event.how)
        if isinstance(event, OptimizerStep):
            return OptimizerStep(event.line, tuple(self.tensor(t) for t in event.params))
        return event


def _graph_ids(graph: GraphSnapshot, tensors: set[int], nodes: set[int]) -> None:
    for info in graph.tensors.values():
        tensors.add(info.id)
        if info.detached_from is not None:
            tensors.add(info.detached_from)
        if info.grad_fn is not None:
            nodes.add(info.grad_fn)
    for node in graph.nodes.values():
        nodes.add(node.id)
        nodes.update(n for n, _ in node.next if n is not None)
        if node.tensor is not None:
            tensors.add(node.tensor)


def _event_ids(event: Event | tuple[int | None, int], tensors: set[int], nodes: set[int]) -> None:
    if type(event) is tuple:
        tensors.add(event[1])
    elif isinstance(event, BackwardCall):
        tensors.add(event.root)
        tensors.update(event.grads_before)
        tensors.update(event.grads_after)
        _graph_ids(event.graph, tensors, nodes)
        nodes.update(step.node for step in event.steps)
    elif isinstance(event, GradsZeroed):
        tensors.update(event.tensors)
    elif isinstance(event, OptimizerStep):
        tensors.update(event.params)


def finalize(
    source: str,
    output: str,
    error: SandboxError | None,
    events: list[Any],
    graph: GraphSnapshot,
    names: dict[str, int],
    max_elements: int,
    warnings: tuple[WarningShown, ...] = (),
) -> RunRecord:
    """The run record with run-local ids and capped arrays (`events` may hold TensorCreated as tuples)."""
    tensors: set[int] = set(names.values())
    nodes: set[int] = set()
    _graph_ids(graph, tensors, nodes)
    for event in events:
        _event_ids(event, tensors, nodes)
    # AccumulateGrad ids are negated tensor ids: their tensors need a number too.
    tensors.update(-n for n in nodes if n < 0)
    renumber = Renumber(tensors, nodes, max_elements)
    rename: Callable[[Any], Event] = renumber.event
    return RunRecord(
        source=source,
        output=output,
        error=error,
        events=tuple(rename(event) for event in events),
        graph=renumber.graph(graph),
        names={name: renumber.tensor(tensor_id) for name, tensor_id in names.items()},
        warnings=warnings,
    )
