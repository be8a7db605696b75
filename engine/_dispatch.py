"""Running an op from the table: forward, then (when grad mode asks for it) a grad_fn node.

This is the hottest code in the engine (every op on a tensor passes through `apply`), so it reads the
tensors' slots directly instead of their properties and caches, per op, which values a node saves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine import _grad_mode, _trace
from engine._optable import TABLE, OpSpec, input_name, lookup
from engine._tensor import Tensor
from engine.autograd.graph import Node, SavedValue, accumulator

_new_tensor = Tensor._from_array
_NO_EDGE = (None, 0)
RESULT = -1
# What a node saves, per op: ((saved name, input index or RESULT), ...) in the order torch lists them,
# indexed by a bit mask of the inputs that lead somewhere (bit i set: input i has an edge). Only those
# inputs' VJPs ever run, so only their values are kept.
_SAVE_PLANS: dict[str, list[tuple[tuple[str, int], ...]]] = {}


def _edge(tensor: Tensor | None) -> tuple[Node | None, int]:
    if tensor is None or not tensor._requires_grad:
        return _NO_EDGE
    # Only a view's grad_fn can go stale (its base written in place); the property re-derives it.
    grad_fn = tensor._grad_fn if tensor._view_of is None else tensor.grad_fn
    if grad_fn is not None:
        return (grad_fn, 0)
    return (tensor._accumulator or accumulator(tensor), 0)


def _save_plans(spec: OpSpec) -> list[tuple[tuple[str, int], ...]]:
    count = len(spec.saves)
    plans = []
    for mask in range(1 << count):
        needed = {name for index, saves in enumerate(spec.saves) if mask >> index & 1 for name in saves}
        plan = tuple((input_name(index), index) for index in range(count) if input_name(index) in needed)
        plans.append(plan + (("result", RESULT),) if "result" in needed else plan)
    _SAVE_PLANS[spec.name] = plans
    return plans


def apply(name: str, *inputs: Tensor, wrapped: tuple[bool, ...] = (), **attrs: Any) -> Tensor:
    """Run op `name` on `inputs`; record a node if grad mode is on and any input requires grad.

    `wrapped` marks inputs that stand for Python numbers (torch's wrapped scalars): they take part in
    the op and in `next_functions` as `(None, 0)`, but have no version counter of their own.
    """
    return run(TABLE.get(name) or lookup(name), inputs, wrapped, attrs)


def run(spec: OpSpec, inputs: tuple, wrapped: tuple[bool, ...], attrs: dict[str, Any]) -> Tensor:
    """`apply` with the op already looked up and the arguments already packed (the operators' fast path)."""
    count = len(inputs)
    forward = spec.forward
    if count == 2:
        data = forward(inputs[0]._data, inputs[1]._data, **attrs) if attrs else \
            forward(inputs[0]._data, inputs[1]._data)
    elif count == 1:
        data = forward(inputs[0]._data, **attrs) if attrs else forward(inputs[0]._data)
    else:
        data = forward(*[t._data for t in inputs], **attrs)
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    result = _new_tensor(data)
    link_view = spec.extra.get("view") if spec.extra else None
    if link_view is not None:
        # A view shares its input's memory and version counter (engine.ops._layout).
        link_view(result, inputs[0], attrs)
    if _grad_mode._enabled and data.dtype.kind == "f":
        for tensor in inputs:
            if tensor._requires_grad:
                _record(spec, inputs, wrapped, attrs, result)
                break
    if _trace._recorder is not None:
        _trace._recorder.tensor_created(result)
    return result


def _record(spec: OpSpec, inputs: tuple, wrapped: tuple[bool, ...], attrs: dict[str, Any],
            result: Tensor) -> None:
    """Make `result` the output of a new grad_fn node for `spec` applied to `inputs`."""
    if len(inputs) == 2:
        first, second = inputs
        edges = (_edge(first) if first._requires_grad else _NO_EDGE,
                 _edge(second) if second._requires_grad else _NO_EDGE)
        live = (edges[0] is not _NO_EDGE) + 2 * (edges[1] is not _NO_EDGE)
        shapes = (first._data.shape, second._data.shape)
    elif len(inputs) == 1:
        edges = (_edge(inputs[0]),)
        live = edges[0] is not _NO_EDGE
        shapes = (inputs[0]._data.shape,)
    else:
        edges = tuple([_edge(t) for t in inputs])
        live = sum(1 << index for index, edge in enumerate(edges) if edge is not _NO_EDGE)
        shapes = tuple([t._data.shape for t in inputs])
    plan = (_SAVE_PLANS.get(spec.name) or _save_plans(spec))[live]
    saved = None
    if plan:
        saved = {}
        for name, index in plan:
            if index == RESULT:
                saved[name] = SavedValue(result._data, result, True)
            else:
                tensor = inputs[index]
                # A wrapped Python number has no version counter to check.
                owner = None if wrapped and wrapped[index] else tensor
                saved[name] = SavedValue(tensor._data, owner, False)
    node = Node(spec, edges, attrs, shapes, result._data.dtype, saved)
    result._requires_grad = True
    if result._view_of is None:
        result._grad_fn = node
    else:
        result.grad_fn = node
