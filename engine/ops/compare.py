"""Comparison family: comparisons, logical and bitwise ops, truth tests (eq, lt, logical_and, any, ...).

These give bool (or integer) tensors and record nothing, so the family has no op-table rows; its
functions are declared with `@public` like every other family's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine._dtype import scalar_type_name as _scalar_name
from engine._tensor import Tensor
from engine.ops._args import _dim_tuple, _is_float, _require_tensor, _result, broadcast_shape, result_type
from engine.ops._declare import public

# -- comparisons ----------------------------------------------------------------------------------------

def _comparison(name: str, compare: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def function(input: Tensor, other: Any) -> Tensor:
        _require_tensor(input, name)
        return _compare(compare, input, other)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.{name}: a bool tensor, never part of the graph."
    return function


def _compare(compare: Callable[[np.ndarray, np.ndarray], np.ndarray], input: Tensor, other: Any) -> Tensor:
    dtype = result_type(input, other)
    if isinstance(other, Tensor):
        broadcast_shape(input._data.shape, other._data.shape)
        right = other._data.astype(dtype, copy=False)
    else:
        right = np.asarray(other, dtype=dtype)
    return _result(compare(input._data.astype(dtype, copy=False), right))


eq = public()(_comparison("eq", np.equal))
ne = public("not_equal")(_comparison("ne", np.not_equal))
lt = public("less")(_comparison("lt", np.less))
le = public("less_equal")(_comparison("le", np.less_equal))
gt = public("greater")(_comparison("gt", np.greater))
ge = public("greater_equal")(_comparison("ge", np.greater_equal))


def _comparison_operator(compare: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def compare_operator(self: Tensor, other: Any) -> Any:
        # Anything that is not a tensor or a number lets Python decide (`x == None` is False).
        if not isinstance(other, Tensor | int | float | bool | np.number):
            return NotImplemented
        return _compare(compare, self, other)

    return compare_operator


_OPERATORS = (("__eq__", np.equal), ("__ne__", np.not_equal), ("__lt__", np.less), ("__le__", np.less_equal),
              ("__gt__", np.greater), ("__ge__", np.greater_equal))
for _dunder, _numpy_compare in _OPERATORS:
    public(name=_dunder, function=False)(_comparison_operator(_numpy_compare))


@public(name="__contains__", function=False)
def _contains(self: Tensor, element: Any) -> bool:
    """`element in tensor`: whether any entry equals it."""
    if not isinstance(element, Tensor | int | float | bool):
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
            f"{type(element)}."
        )
    return bool(np.any(_compare(np.equal, self, element)._data))


# -- logical and bitwise --------------------------------------------------------------------------------

@public(inplace=True)
def logical_not(input: Tensor) -> Tensor:
    _require_tensor(input, "logical_not")
    return _result(np.logical_not(input._data))


def _logical(name: str, combine: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def function(input: Tensor, other: Tensor) -> Tensor:
        _require_tensor(input, name)
        if not isinstance(other, Tensor):
            raise TypeError(
                f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
            )
        broadcast_shape(input._data.shape, other._data.shape)
        return _result(combine(input._data, other._data))

    function.__name__ = function.__qualname__ = name
    return function


logical_and = public()(_logical("logical_and", np.logical_and))
logical_or = public()(_logical("logical_or", np.logical_or))
logical_xor = public()(_logical("logical_xor", np.logical_xor))


@public(operators=("__invert__",))
def bitwise_not(input: Tensor) -> Tensor:
    """`~x`: logical not for bool tensors, two's complement not for integers."""
    _require_tensor(input, "bitwise_not")
    if _is_float(input):
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _result(np.invert(input._data))


def _bitwise(name: str, combine: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def function(input: Any, other: Any) -> Tensor:
        if not isinstance(input, Tensor):
            input, other = other, input
        dtype = result_type(input, other)
        if dtype.kind == "f":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_scalar_name(dtype)}'")
        if isinstance(other, Tensor):
            broadcast_shape(input._data.shape, other._data.shape)
        left = input._data.astype(dtype, copy=False)
        if isinstance(other, Tensor):
            right = other._data.astype(dtype, copy=False)
        else:
            right = np.asarray(other, dtype=dtype)
        return _result(combine(left, right))

    function.__name__ = function.__qualname__ = name
    return function


bitwise_and = public(inplace=True, operator="and")(_bitwise("bitwise_and", np.bitwise_and))
bitwise_or = public(inplace=True, operator="or")(_bitwise("bitwise_or", np.bitwise_or))
bitwise_xor = public(inplace=True, operator="xor")(_bitwise("bitwise_xor", np.bitwise_xor))


@public()
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    """Whether any entry (along `dim`) is non-zero."""
    return _truth("any", np.any, input, dim, keepdim)


@public()
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    """Whether every entry (along `dim`) is non-zero."""
    return _truth("all", np.all, input, dim, keepdim)


def _truth(name: str, reduce: Callable[..., Any], input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    _require_tensor(input, name)
    dims = _dim_tuple(dim, input.ndim)
    return _result(np.asarray(reduce(input._data, axis=dims, keepdims=keepdim and dim is not None)))


@public()
def isnan(input: Tensor) -> Tensor:
    _require_tensor(input, "isnan")
    return _result(np.isnan(input._data))


@public()
def isinf(input: Tensor) -> Tensor:
    _require_tensor(input, "isinf")
    return _result(np.isinf(input._data))


@public()
def isfinite(input: Tensor) -> Tensor:
    _require_tensor(input, "isfinite")
    return _result(np.isfinite(input._data))


@public()
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """|input − other| ≤ atol + rtol·|other| everywhere (a Python bool)."""
    _require_tensor(input, "allclose")
    _require_tensor(other, "allclose")
    broadcast_shape(input._data.shape, other._data.shape)
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@public()
def equal(input: Tensor, other: Tensor) -> bool:
    """Same shape and the same values (a Python bool)."""
    _require_tensor(input, "equal")
    _require_tensor(other, "equal")
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))
