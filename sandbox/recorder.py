"""The trace recorder: receives the engine's hooks during a run, enforces the tensor limits, and
collects the events and labels the run record is made of.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import replace
from typing import Any

import numpy as np

from engine._tensor import Tensor
from engine.autograd.graph import AccumulateGrad, Node
from sandbox.costs import span
from sandbox.record import BackwardCall, GradsZeroed, LoopIteration, OptimizerStep, settle
from sandbox.snapshot import (
    GraphSnapshot,
    NodeInfo,
    StepInfo,
    TensorInfo,
    collect_graph,
    node_id,
    node_info,
    reachable_nodes,
    step_info,
    tensor_info,
)
from sandbox.state import RunState

_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# Allocations at least this large also check the process' memory right away.
_BIG_BYTES = 1 << 20
# How much of a module tree gets `model.fc.weight`-style labels.
_MAX_LABELLED_MODULES = 10_000
_MAX_LABEL_DEPTH = 64


def subscripted(name: str, count: int) -> str:
    """`y`, `y₂`, `y₃`: the label of the count-th tensor bound to `name`."""
    return name if count == 1 else f"{name}{str(count).translate(_SUBSCRIPT_DIGITS)}"


def named_parameters(module: Any) -> list[tuple[str, Tensor]]:
    """`module.named_parameters()`, read from the registries without calling any method.

    The engine's walk calls `named_modules` on every child (a program's class may override it, and
    its functions refuse to run once the program ended), and nests one generator per level, so a chain
    of thousands of Sequentials costs the square of its depth on every binding. This one is a loop over
    at most _MAX_LABELLED_MODULES modules, _MAX_LABEL_DEPTH deep (deeper parameters stay unnamed).
    """
    found: list[tuple[str, Tensor]] = []
    seen_modules: set[int] = set()
    seen_parameters: set[int] = set()
    stack: list[tuple[str, Any, int]] = [("", module, 0)]
    while stack and len(seen_modules) < _MAX_LABELLED_MODULES:
        prefix, current, depth = stack.pop()
        if id(current) in seen_modules:
            continue
        seen_modules.add(id(current))
        registries = getattr(current, "__dict__", {})
        dot = "." if prefix else ""
        for name, parameter in registries.get("_parameters", {}).items():
            if isinstance(parameter, Tensor) and id(parameter) not in seen_parameters:
                seen_parameters.add(id(parameter))
                found.append((f"{prefix}{dot}{name}", parameter))
        if depth < _MAX_LABEL_DEPTH:
            children = registries.get("_modules", {}).items()
            stack.extend(
                (f"{prefix}{dot}{name}", child, depth + 1)
                for name, child in reversed(list(children))
                if child is not None
            )
    return found


def _capped(array: np.ndarray | None, limit: int) -> np.ndarray | None:
    """At most `limit` elements of `array`, flattened, as the record keeps them (record.Renumber)."""
    if array is None or array.size <= limit:
        return array
    return np.array(array.ravel()[:limit], copy=True)


def _grad_copy(tensor: Tensor, limit: int) -> np.ndarray | None:
    grad = tensor._grad
    if grad is None:
        return None
    data = grad._data
    return np.array(data, copy=True) if data.size <= limit else np.array(data.ravel()[:limit], copy=True)


def _capped_tensor(tensor: Tensor, label: Any, limit: int) -> TensorInfo:
    info = tensor_info(tensor, label)
    return settle(info, value=_capped(info.value, limit), grad=_capped(info.grad, limit))


def _capped_node(node: Node, maker: Tensor | None, limit: int) -> NodeInfo:
    info = node_info(node, maker)
    return settle(info, saved={key: _capped(value, limit) for key, value in info.saved.items()})


def _capped_step(step: Any, before: Any, after: Any, limit: int) -> StepInfo:
    info = step_info(step, before, after)
    return settle(
        info,
        grad_in=_capped(info.grad_in, limit),
        grads_out=tuple(_capped(g, limit) for g in info.grads_out),
    )


def capped_snapshot(tensors: list[Tensor], labels: Any, limit: int) -> GraphSnapshot:
    """sandbox.snapshot.snapshot, with every array cut to `limit` elements as soon as it is copied.

    The record keeps only that much of each array anyway; copying a whole graph first would hold a
    second copy of every tensor the run made, once per recorded backward call.
    """
    chosen, nodes, maker = collect_graph(tensors)
    infos = {
        key: _capped_tensor(t, labels.get(key, (None, None, None)), limit)
        for key, t in sorted(chosen.items())
    }
    node_infos = {node_id(n): _capped_node(n, maker.get(n), limit) for n in nodes}
    return GraphSnapshot(infos, node_infos)


def written_tensor(node: Node) -> Tensor | None:
    """The tensor whose `.grad` a step of `node` may write: a leaf's (AccumulateGrad), or a non-leaf's
    that called retain_grad()."""
    return node.variable if isinstance(node, AccumulateGrad) else node.retained_tensor()


class StepLog:
    """The steps of one backward call in plain data, each with the `.grad` it wrote before and after.

    The one place a step's ledger is read: the sandbox's recorder and graph.trace_backward both log
    through it, and the figures show what it wrote instead of working `.grad` out again (a call of
    `autograd.grad()` runs the same steps and writes nothing).
    """

    def __init__(self, watched: Any, limit: int) -> None:
        self.limit = limit
        self.grads_before = {t._id: _grad_copy(t, limit) for t in watched}
        self.current = dict(self.grads_before)
        self.steps: list[StepInfo] = []

    def record(self, step: Any) -> None:
        """Log a step once the engine has handled it (an AccumulateGrad's `.grad` already updated)."""
        tensor = written_tensor(step.node)
        if tensor is None:
            self.steps.append(_capped_step(step, None, None, self.limit))
            return
        before = self.current.get(tensor._id)
        after = _grad_copy(tensor, self.limit)
        self.current[tensor._id] = after
        self.steps.append(_capped_step(step, before, after, self.limit))


class _Backward:
    """A backward call being recorded."""

    def __init__(
        self,
        line: int | None,
        root: Tensor,
        gradient: np.ndarray | None,
        retain_graph: bool,
        graph: GraphSnapshot,
        watched: list[Tensor],
        detailed: bool,
        limit: int,
    ) -> None:
        self.line = line
        self.root = root
        self.gradient = gradient
        self.retain_graph = retain_graph
        self.graph = graph
        self.watched = watched  # leaves (and retained non-leaves) whose .grad the call may change
        self.limit = limit
        self.log = StepLog(watched, limit)
        self.grads_before = self.log.grads_before
        self.steps = self.log.steps
        self.detailed = detailed

    def event(self, error: str | None = None) -> BackwardCall:
        return BackwardCall(
            line=self.line,
            root=self.root._id,
            gradient=self.gradient,
            retain_graph=self.retain_graph,
            steps=tuple(self.steps),
            graph=self.graph,
            grads_before=self.grads_before,
            grads_after={t._id: _grad_copy(t, self.limit) for t in self.watched},
            error=error,
        )


class _Labels:
    """What `sandbox.snapshot` reads for each tensor id: (label, creation line, text of that line)."""

    def __init__(self, labels: dict[int, str], lines: dict[int, int | None], source_lines: list[str]) -> None:
        self.labels = labels
        self.lines = lines
        self.source_lines = source_lines

    def get(self, tensor_id: int, default: Any = None) -> tuple[str | None, int | None, str | None]:
        line = self.lines.get(tensor_id)
        source = self.source_lines
        text = source[line - 1].strip() if line is not None and 0 < line <= len(source) else None
        return (self.labels.get(tensor_id), line, text)


class Recorder:
    """Installed with `engine._trace.recording(recorder)` for the length of one run."""

    def __init__(self, state: RunState, module_class: type | None) -> None:
        self.state = state
        self.module_class = module_class
        # The engine's hooks are process-wide: only the run's own thread is recorded.
        self.thread = threading.get_ident()
        limits = state.limits
        self.limits = limits
        self.events: list[Any] = []  # events, with TensorCreated as (line, tensor id) tuples
        self.labels: dict[int, str] = {}
        self.lines: dict[int, int | None] = {}
        self.name_counts: dict[str, int] = {}
        self.kept: list[Tensor] = []  # strong references, for the final snapshot
        self.kept_bytes = 0
        self.live_bytes = 0
        self.buffers: dict[int, tuple[weakref.ref, int]] = {}
        # Tensors that have had a `.grad` (leaves a backward reached, optimizer parameters), by id: a
        # WeakSet would compare tensors with ==, which is elementwise.
        self.grad_owners: dict[int, weakref.ref] = {}
        # Live graph nodes made by the run, by id: (node, the tensor it made), both weakly.
        self.nodes: dict[int, tuple[weakref.ref, weakref.ref]] = {}
        self.created = 0
        self.backward: _Backward | None = None
        self.backward_calls = 0
        self.gradient_given: bool | None = None

    # -- engine hooks ---------------------------------------------------------------------------------

    def tensor_created(self, tensor: Tensor) -> None:
        if threading.get_ident() != self.thread:
            return
        state, limits = self.state, self.limits
        data = tensor._data
        size = span(data.shape)
        if size > limits.max_tensor_elements:
            state.abort("limit_tensor_elements", "max_tensor_elements", limits.max_tensor_elements, size=size)
        self._track_memory(data)
        node = tensor.grad_fn
        if node is not None and id(node) not in self.nodes:
            self._track_node(node, tensor)
        self.created += 1
        if self.created & 63 == 0:
            state.checkpoint()
        if len(self.events) < limits.record_max_events:
            self.events.append((state.line, tensor._id))  # TensorCreated, built at the end
            self.lines[tensor._id] = state.line
        if (
            len(self.kept) < limits.record_max_tensors
            and self.kept_bytes + data.nbytes <= limits.record_max_tensor_bytes
        ):
            self.kept.append(tensor)
            self.kept_bytes += data.nbytes

    def _track_memory(self, data: np.ndarray) -> None:
        """Count the buffer under `data` once, for as long as it lives (views share their base's)."""
        root = data
        while isinstance(root.base, np.ndarray):
            root = root.base
        key = id(root)
        if key in self.buffers:
            return
        nbytes = root.nbytes
        if not nbytes:
            return
        self.buffers[key] = (weakref.ref(root, lambda _: self._buffer_released(key)), nbytes)
        self.live_bytes += nbytes
        if self.live_bytes > self.limits.max_tensor_bytes:
            self.state.abort("limit_tensor_memory", "max_tensor_bytes", self.limits.max_tensor_bytes)
        if nbytes >= _BIG_BYTES:
            self.state.check_memory()

    def _buffer_released(self, key: int) -> None:
        entry = self.buffers.pop(key, None)
        if entry is not None:
            self.live_bytes -= entry[1]

    def _track_node(self, node: Node, tensor: Tensor) -> None:
        """Count a new live graph node, and remember which tensor it made (while both live)."""
        key = id(node)
        self.nodes[key] = (weakref.ref(node, lambda _: self.nodes.pop(key, None)), weakref.ref(tensor))
        if len(self.nodes) > self.limits.max_graph_nodes:
            self.state.abort("limit_graph", "max_graph_nodes", self.limits.max_graph_nodes)

    def _maker(self, node: Node) -> Tensor | None:
        entry = self.nodes.get(id(node))
        return entry[1]() if entry is not None and entry[0]() is node else None

    def backward_started(self, roots: list[Tensor], seeds: list[np.ndarray], retain_graph: bool) -> None:
        if threading.get_ident() != self.thread:
            return
        self._flush_loops()
        root = roots[0] if roots else None
        if root is None:
            return
        gradient_given = self.gradient_given if self.gradient_given is not None else root._data.size != 1
        limit = self.limits.record_array_elements
        gradient = _capped(np.array(seeds[0], copy=True), limit) if gradient_given and seeds else None
        self.backward = self._start_backward(root, gradient, retain_graph, roots)

    def _start_backward(
        self, root: Tensor, gradient: np.ndarray | None, retain_graph: bool, roots: list[Tensor]
    ) -> _Backward:
        detailed = self.backward_calls < self.limits.record_max_backward_details
        limit = self.limits.record_array_elements
        self.backward_calls += 1
        nodes = reachable_nodes(t.grad_fn for t in roots)
        watched: dict[int, Tensor] = {t._id: t for t in roots if t.grad_fn is None and t._requires_grad}
        for node in nodes:
            tensor = written_tensor(node)
            if tensor is not None:
                watched[tensor._id] = tensor
        self._owns_grads(watched.values())
        labels = self._labels()
        if detailed:
            makers = [maker for node in nodes if (maker := self._maker(node)) is not None]
            graph = capped_snapshot([*roots, *makers], labels, limit)
        else:  # just the root and the leaves: enough for a per-epoch ledger (loss, weights, labels)
            shown = {t._id: t for t in (*roots, *watched.values())}
            graph = GraphSnapshot(
                {key: _capped_tensor(t, labels.get(key), limit) for key, t in shown.items()}, {}
            )
        return _Backward(
            self.state.line, root, gradient, retain_graph, graph, list(watched.values()), detailed, limit
        )

    def backward_step(self, step: Any) -> None:
        call = self.backward
        if call is None or threading.get_ident() != self.thread:
            return
        self.state.tick()
        if call.detailed:
            call.log.record(step)

    def backward_finished(self) -> None:
        if threading.get_ident() != self.thread:
            return
        call, self.backward = self.backward, None
        if call is not None:
            self._append(call.event())

    def grads_zeroed(self, tensors: list[Tensor], how: str) -> None:
        if threading.get_ident() != self.thread:
            return
        if how == "zero_":
            # `t.zero_()` reports every zeroed tensor: keep the ones that are some tensor's `.grad`.
            owners = [self._grad_owner(t) for t in tensors]
            tensors = [owner for owner, t in zip(owners, tensors) if owner is not t]
            if not tensors:
                return
        self._flush_loops()
        self._append(GradsZeroed(self.state.line, tuple(t._id for t in tensors), how))

    def optimizer_stepped(self, optimizer: Any) -> None:
        if threading.get_ident() != self.thread:
            return
        self._flush_loops()
        params = [
            p
            for group in getattr(optimizer, "param_groups", ())
            for p in group.get("params", ())
            if isinstance(p, Tensor)
        ]
        self._owns_grads(params)
        self._append(OptimizerStep(self.state.line, tuple(p._id for p in params)))

    # -- what the interpreter tells the recorder -------------------------------------------------------

    def bind(self, name: str, value: Any) -> None:
        """`name` now refers to `value`: label a tensor on its first binding, a model's parameters."""
        if isinstance(value, Tensor):
            if value._id not in self.labels:
                count = self.name_counts.get(name, 0) + 1
                self.name_counts[name] = count
                self.labels[value._id] = subscripted(name, count)
            return
        for parameter_name, parameter in self._parameters(value):
            current = self.labels.get(parameter._id)
            if current is None or current.startswith("self."):
                self.labels[parameter._id] = f"{name}.{parameter_name}"

    def call_backward(self, method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run `tensor.backward(...)`, recording the call even when it fails before the first step."""
        tensor = method.__self__
        self.gradient_given = bool(args) or kwargs.get("gradient") is not None
        before = len(self.events)
        try:
            return method(*args, **kwargs)
        except Exception as error:
            self._backward_failed(tensor, before, error, args[0] if args else kwargs.get("gradient"))
            raise
        finally:
            self.gradient_given = None
            self.backward = None

    def _backward_failed(self, tensor: Tensor, before: int, error: Exception, gradient: Any) -> None:
        message = f"{type(error).__name__}: {error}"
        if len(self.events) > before and isinstance(self.events[-1], BackwardCall):
            self.events[-1] = replace(self.events[-1], error=message)
            return
        if self.backward is not None:  # started, then failed inside a step
            self._append(self.backward.event(message))
            return
        self._flush_loops()
        limit = self.limits.record_array_elements
        seed = _capped(np.array(gradient._data, copy=True), limit) if isinstance(gradient, Tensor) else None
        call = self._start_backward(tensor, seed, False, [tensor])
        self._append(call.event(message))

    # -- helpers --------------------------------------------------------------------------------------

    def _parameters(self, value: Any) -> list[tuple[str, Tensor]]:
        """A module's named parameters, in named_parameters() order."""
        if self.module_class is None or not isinstance(value, self.module_class):
            return []
        return named_parameters(value)

    def _append(self, event: Any) -> None:
        if len(self.events) < self.limits.record_max_events:
            self.events.append(event)

    def _grad_owner(self, tensor: Tensor) -> Tensor:
        """The tensor whose `.grad` is `tensor` (or `tensor` itself)."""
        for reference in list(self.grad_owners.values()):
            candidate = reference()
            if candidate is not None and candidate._grad is tensor:
                return candidate
        return tensor

    def _owns_grads(self, tensors: Any) -> None:
        for tensor in tensors:
            self.grad_owners[id(tensor)] = weakref.ref(tensor)

    def _flush_loops(self) -> None:
        for entry in self.state.loops:
            if entry[3] != entry[2]:
                entry[3] = entry[2]
                self._append(LoopIteration(entry[1], entry[0], entry[2]))

    def _labels(self) -> _Labels:
        return _Labels(self.labels, self.lines, self.state.lines)

    def final_snapshot(self, variables: dict[str, Any]) -> tuple[GraphSnapshot, dict[str, int]]:
        """Every kept tensor and every tensor the program still names, and the names."""
        names: dict[str, int] = {}
        named: list[Tensor] = []
        for name, value in variables.items():
            if isinstance(value, Tensor):
                names[name] = value._id
                named.append(value)
                continue
            for parameter_name, parameter in self._parameters(value):
                names[f"{name}.{parameter_name}"] = parameter._id
                named.append(parameter)
        return capped_snapshot([*self.kept, *named], self._labels(), self.limits.record_array_elements), names
