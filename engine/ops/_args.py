"""Argument handling the families share: torch's type promotion, wrapped numbers, broadcast checks.

Every differentiable result is made by `engine._dispatch.run`/`apply` from an op-table row; these helpers
only turn Python arguments into the tensors a row takes.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from engine import _dtype
from engine._dispatch import run
from engine._optable import TABLE
from engine._tensor import Tensor, _normalize_dim
from engine.autograd.graph import accumulator
from engine.ops._declare import public

Scalar = int | float | bool

# -- type promotion (torch.result_type) --------------------------------------------------------------

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_DEFAULT_FOR_CATEGORY = {0: np.dtype(np.bool_), 1: np.dtype(np.int64), 2: np.dtype(np.float32)}


def _category(dtype: np.dtype) -> int:
    return _CATEGORY[dtype.kind]


def _promote_group(dtypes: list[np.dtype]) -> np.dtype | None:
    if not dtypes:
        return None
    result = dtypes[0]
    for dtype in dtypes[1:]:
        # Across categories the higher one wins as it is (float32 with int64 stays float32).
        if _category(dtype) != _category(result):
            result = dtype if _category(dtype) > _category(result) else result
        else:
            result = np.promote_types(result, dtype)
    return result


def result_type(*operands: Tensor | Scalar) -> np.dtype:
    """torch's promotion: dimensioned tensors, then 0-d tensors, then Python numbers, by category
    (as a numpy dtype, which the ops compute in; `torch.result_type` gives the torch dtype)."""
    dimensioned = [o._data.dtype for o in operands if isinstance(o, Tensor) and o._data.ndim > 0]
    zero_dim = [o._data.dtype for o in operands if isinstance(o, Tensor) and o._data.ndim == 0]
    numbers_ = [_python_number_dtype(o) for o in operands if not isinstance(o, Tensor)]
    result = _promote_group(dimensioned)
    for group, use_default in ((zero_dim, False), (numbers_, True)):
        candidate = _promote_group(group)
        if candidate is None:
            continue
        if result is None or _category(candidate) > _category(result):
            result = _DEFAULT_FOR_CATEGORY[_category(candidate)] if use_default else candidate
    return result


@public(name="result_type", method=False)
def torch_result_type(tensor: Tensor | Scalar, other: Tensor | Scalar) -> _dtype.dtype:
    """torch.result_type: the dtype an op on the two operands computes in."""
    return _dtype.from_numpy(result_type(tensor, other))


def _python_number_dtype(value: Any) -> np.dtype:
    if isinstance(value, bool | np.bool_):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(value, numbers.Real):
        return np.dtype(np.float64)
    raise TypeError(f"unsupported operand type: '{type(value).__name__}'")


def _as_operand(value: Any, dtype: np.dtype) -> tuple[Tensor, bool]:
    """A tensor of `dtype` for an operand; Python numbers become wrapped (non-versioned) scalars."""
    if isinstance(value, Tensor):
        if value._data.dtype == dtype:
            return value, False
        return _cast_view(value, dtype), False
    return Tensor._from_array(np.asarray(value, dtype=dtype)), True


def _cast_view(tensor: Tensor, dtype: np.dtype) -> Tensor:
    """The tensor's values in the promoted dtype, standing in for it as an op's input.

    torch records no node for type promotion: the op's edge leads straight to the original tensor and
    the backward engine casts the gradient back to that tensor's dtype. So the stand-in shares the
    original's edge and version counter instead of being the output of a conversion op.
    """
    alias = Tensor._from_array(tensor._data.astype(dtype), tensor._version_counter)
    if tensor._requires_grad:
        alias._requires_grad = True
        if tensor.grad_fn is None:
            alias._accumulator = accumulator(tensor)
        else:
            alias._grad_fn = tensor.grad_fn
    return alias


class _WrappedNumber:
    """A Python number as an op input: just the 0-d array the forward needs.

    The operators' fast path passes this instead of a full Tensor: a wrapped number is never handed to
    the user, never requires grad and has no version counter, so the bookkeeping would be thrown away.
    """

    __slots__ = ("_data",)
    _requires_grad = False

    def __init__(self, data: np.ndarray) -> None:
        self._data = data


def _check_broadcast(a: Any, b: Any) -> None:
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        return
    broadcast_shape(a._data.shape, b._data.shape)


def broadcast_shape(left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast of two shapes, or torch's error naming the first dimension that does not match."""
    result = []
    for offset in range(1, max(len(left), len(right)) + 1):
        a = left[-offset] if offset <= len(left) else 1
        b = right[-offset] if offset <= len(right) else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(
                f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                f"dimension {max(len(left), len(right)) - offset}"
            )
        result.append(max(a, b) if a != 0 and b != 0 else 0)
    return tuple(reversed(result))


def _float_operand(a: Tensor) -> Tensor:
    """Unary float ops on integer tensors compute in the default float dtype, as torch does."""
    if a._data.dtype.kind in "biu":
        return Tensor._from_array(a._data.astype(np.float32))
    return a


def _unary(name: str, a: Tensor, float_only: bool = True) -> Tensor:
    if not isinstance(a, Tensor):
        _require_tensor(a, name)
    if float_only and a._data.dtype.kind in "biu":
        a = _float_operand(a)
    return run(TABLE[name], (a,), (), {})


def _require_tensor(value: Any, name: str) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(value).__name__}"
        )


def _is_float(tensor: Tensor) -> bool:
    return tensor._data.dtype.kind == "f"


def _result(array: np.ndarray) -> Tensor:
    """A tensor no op recorded (indices, masks, comparisons), announced to the recorder."""
    return Tensor._from_array(np.asarray(array))._trace_created()


def _dim_tuple(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """Reduced dims as a sorted tuple (None: every dim), with torch's errors."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if ndim == 0:
        for d in dims:
            _normalize_dim(d, 0)
        return None
    if not dims:
        return None
    normalized = [_normalize_dim(d, ndim) for d in dims]
    for d in normalized:
        if normalized.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(normalized))
