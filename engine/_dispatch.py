"""Running an op from the table: forward, then (when grad mode asks for it) a grad_fn node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from engine import _grad_mode, _trace
from engine._optable import TABLE, input_name, lookup
from engine.autograd.graph import Node, SavedValue

if TYPE_CHECKING:
    from engine._tensor import Tensor


def _edge(tensor: Tensor | None) -> tuple[Node | None, int]:
    if tensor is None or not tensor._requires_grad:
        return (None, 0)
    if tensor.grad_fn is not None:
        return (tensor.grad_fn, 0)
    return (tensor._accumulate_grad_node(), 0)


def _save(node: Node, names: set[str], inputs: tuple, wrapped: tuple[bool, ...], result: Tensor) -> None:
    for index, tensor in enumerate(inputs):
        name = input_name(index)
        if name in names:
            owner = None if wrapped[index] else tensor
            node._saved[name] = SavedValue(tensor._data, owner, is_output=False)
    if "result" in names:
        node._saved["result"] = SavedValue(result._data, result, is_output=True)


def apply(name: str, *inputs: Tensor, wrapped: tuple[bool, ...] = (), **attrs: Any) -> Tensor:
    """Run op `name` on `inputs`; record a node if grad mode is on and any input requires grad.

    `wrapped` marks inputs that stand for Python numbers (torch's wrapped scalars): they take part in
    the op and in `next_functions` as `(None, 0)`, but have no version counter of their own.
    """
    spec = TABLE.get(name) or lookup(name)
    data = spec.forward(*[t._data for t in inputs], **attrs)
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    result = _tensor_class()._from_array(data)
    link_view = spec.extra.get("view")
    if link_view is not None:
        # A view shares its input's memory and version counter (engine._ops_shape).
        link_view(result, inputs[0], attrs)
    if _grad_mode._enabled and data.dtype.kind == "f" and any(t._requires_grad for t in inputs):
        edges = tuple([_edge(t) for t in inputs])
        node = Node(spec, edges, attrs, tuple(t._data.shape for t in inputs))
        node.dtype = data.dtype
        needed = {saved for edge, saves in zip(edges, spec.saves, strict=True) if edge[0] is not None
                  for saved in saves}
        _save(node, needed, inputs, wrapped or (False,) * len(inputs), result)
        result._requires_grad = True
        result.grad_fn = node
    if _trace._recorder is not None:
        _trace._recorder.tensor_created(result)
    return result


def _tensor_class() -> type:
    # Imported on first use: the tensor module itself imports this one.
    global _TENSOR
    if _TENSOR is None:
        from engine._tensor import Tensor

        _TENSOR = Tensor
    return _TENSOR


_TENSOR: type | None = None
