"""max/min, clamp, softmax, more math, comparisons, logical ops and the in-place ops.

Functions are defined once as torch-level functions (`torch.max`, `torch.clamp`, ...) and bound as
Tensor methods and operators at the bottom, as in `engine._functions`. Differentiable results come from
op-table entries (`engine._ops_reduce`); comparisons and logical ops give bool tensors and record nothing.

In-place ops (`add_`, `+=`, `clamp_`, ...) compute the out-of-place result and write it into the
tensor's own array, so views and `.detach()` aliases see the change; the shared version counter goes up
and, when the op is recorded, the tensor's history is rebased onto the new node (torch's semantics).
"""

from __future__ import annotations

import builtins
import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from engine import (
    _creation,
    _dtype,
    _grad_mode,
    _ops_reduce,  # noqa: F401 - registers op-table entries
    _trace,
)
from engine._dispatch import apply
from engine._dtype import cpp_type_name
from engine._dtype import scalar_type_name as _scalar_name
from engine._functions import (
    _as_operand,
    _require_tensor,
    _unary,
    add,
    broadcast_shape,
    div,
    exp,
    mul,
    neg,
    pow,
    reciprocal,
    relu,
    result_type,
    sigmoid,
    sqrt,
    sub,
    tanh,
)
from engine._functions import abs as _abs
from engine._functions import log as _log
from engine._functions_shape import (
    OVERLAPPING_WRITE,
    VIEW_OF_LEAF_INPLACE,
    _take_history,
    rebase_on_base,
)
from engine._tensor import LEAF_INPLACE, Tensor, _normalize_dim
from engine.autograd.graph import SavedValue

__all__ = [
    "all", "allclose", "amax", "amin", "any", "argmax", "argmin", "bitwise_and", "bitwise_not", "bitwise_or",
    "bitwise_xor", "ceil", "clamp", "clamp_max", "clamp_min", "clip", "cos", "eq", "equal", "expm1", "floor",
    "frac", "ge", "greater", "greater_equal", "gt", "isfinite", "isinf", "isnan", "le", "less", "less_equal",
    "log10", "log1p", "log2", "log_softmax", "logical_and", "logical_not", "logical_or", "logical_xor", "lt",
    "max", "maximum", "min", "minimum", "ne", "nonzero", "norm", "not_equal", "prod", "return_types", "round",
    "sign", "sin", "softmax", "std", "tan", "trunc", "var",
]

DOF_WARNING = (
    "{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
    "(input numel divided by output numel). (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)"
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


# -- max / min ------------------------------------------------------------------------------------------

class _ReturnType(tuple):
    """A (values, indices) pair printed and accessed like torch's `torch.return_types.max`."""

    __slots__ = ()
    n_fields = 2
    n_sequence_fields = 2

    def __new__(cls, values: Tensor, indices: Tensor) -> _ReturnType:
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{type(self).__name__}(\nvalues={self[0]!r},\nindices={self[1]!r})"

    __str__ = __repr__


def _return_type(name: str) -> type[_ReturnType]:
    cls = type(name, (_ReturnType,), {"__slots__": ()})
    cls.__module__ = "torch.return_types"
    return cls


class return_types:  # noqa: N801 - torch.return_types
    """The named tuples max/min(dim) return."""

    max = _return_type("max")
    min = _return_type("min")


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Tensor | None = None) -> Any:  # noqa: A001
    """torch.max: the maximum (MaxBackward1), along `dim` with indices (MaxBackward0), or elementwise."""
    return _extreme("max", input, dim, keepdim, other)


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Tensor | None = None) -> Any:  # noqa: A001
    """torch.min: the minimum (MinBackward1), along `dim` with indices (MinBackward0), or elementwise."""
    return _extreme("min", input, dim, keepdim, other)


def _extreme(name: str, input: Tensor, dim: Any, keepdim: bool, other: Tensor | None) -> Any:
    _require_tensor(input, name)
    if other is not None:
        dim = other
    if isinstance(dim, Tensor):
        return (maximum if name == "max" else minimum)(input, dim)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool, )")
        if input._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                "reduction dim with the 'dim' argument."
            )
        return apply(name, input)
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got (Tensor, {type(dim).__name__})"
        )
    return _extreme_along(name, input, operator.index(dim), keepdim)


def _non_empty_dim(name: str, input: Tensor, dim: int) -> int:
    axis = _normalize_dim(dim, input.ndim)
    if input.ndim and input._data.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    return axis


def _arg_extreme(name: str, data: np.ndarray, axis: int, keepdim: bool) -> np.ndarray:
    if data.ndim == 0:
        return np.zeros((), dtype=np.int64)
    pick = np.argmax if name == "max" else np.argmin
    return pick(data, axis=axis, keepdims=keepdim).astype(np.int64)


def _extreme_along(name: str, input: Tensor, dim: int, keepdim: bool) -> _ReturnType:
    axis = _non_empty_dim(name, input, dim)
    indices_array = _arg_extreme(name, input._data, axis, keepdim)
    values = apply(f"{name}_dim", input, dim=axis, keepdim=keepdim)
    indices = _result(indices_array)
    if values.grad_fn is not None:
        # torch's MaxBackward0 saves its `indices` output; the VJP scatters the gradient there.
        values.grad_fn._saved["indices"] = SavedValue(indices._data, indices, is_output=True)
    return getattr(return_types, name)(values, indices)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the maximum, of the flattened tensor when `dim` is None."""
    return _arg("max", input, dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the minimum, of the flattened tensor when `dim` is None."""
    return _arg("min", input, dim, keepdim)


def _arg(name: str, input: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    _require_tensor(input, f"arg{name}")
    data = input._data
    if dim is None:
        if data.size == 0:
            raise IndexError(f"arg{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        index = _arg_extreme(name, data.reshape(-1), 0, False)
        return _result(index.reshape((1,) * data.ndim) if keepdim else index)
    axis = _non_empty_dim(f"arg{name}", input, dim)
    return _result(_arg_extreme(name, data, axis, keepdim))


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The maximum over `dim` (every dim by default); ties share the gradient."""
    return _amax_amin("amax", input, dim, keepdim)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The minimum over `dim` (every dim by default); ties share the gradient."""
    return _amax_amin("amin", input, dim, keepdim)


def _amax_amin(name: str, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    _require_tensor(input, name)
    dims = _dim_tuple(dim, input.ndim)
    if dims is None and input._data.size == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
            "dim with the 'dim' argument."
        )
    for axis in dims or ():
        _non_empty_dim(name, input, axis)
    return apply(name, input, dim=dims, keepdim=keepdim)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise maximum (MaximumBackward0); equal entries split the gradient."""
    return _elementwise_extreme("maximum", input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise minimum (MinimumBackward0); equal entries split the gradient."""
    return _elementwise_extreme("minimum", input, other)


def _elementwise_extreme(name: str, input: Tensor, other: Tensor) -> Tensor:
    _require_tensor(input, name)
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return _promoted(name, input, other)


def _promoted(name: str, *operands: Tensor, **attrs: Any) -> Tensor:
    """Apply `name` to tensors broadcast together and promoted to their common dtype."""
    dtype = result_type(*operands)
    shape: tuple[int, ...] = ()
    for operand in operands:
        shape = broadcast_shape(shape, operand._data.shape)
    return apply(name, *(_as_operand(o, dtype)[0] for o in operands), **attrs)


# -- clamp ----------------------------------------------------------------------------------------------

def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - torch's names
    """Limit every entry to [min, max]; entries on a bound still get the gradient."""
    _require_tensor(input, "clamp")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_by_tensors(input, min, max)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dtype = result_type(input, *(bound for bound in (min, max) if bound is not None))
    operand, _ = _as_operand(input, dtype)
    return apply("clamp", operand, min=min, max=max)


clip = clamp


def _clamp_by_tensors(input: Tensor, low: Any, high: Any) -> Tensor:
    for bound in (low, high):
        if bound is not None and not isinstance(bound, Tensor):
            kinds = ", ".join(type(b).__name__ for b in (low, high))
            raise TypeError(f"clamp() received an invalid combination of arguments - got ({kinds})")
    present = [bound for bound in (low, high) if bound is not None]
    placeholder = Tensor._from_array(np.zeros((), dtype=result_type(input, *present)))
    return _promoted("clamp_tensor", input, low if low is not None else placeholder,
                     high if high is not None else placeholder,
                     has_min=low is not None, has_max=high is not None)


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """max(input, min): ClampMinBackward0 for a number, ClampMinBackward1 for a tensor."""
    _require_tensor(input, "clamp_min")
    if isinstance(min, Tensor):
        return _promoted("clamp_min_tensor", input, min)
    operand, _ = _as_operand(input, result_type(input, min))
    return apply("clamp_min", operand, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """min(input, max): ClampMaxBackward0 for a number, ClampMaxBackward1 for a tensor."""
    _require_tensor(input, "clamp_max")
    if isinstance(max, Tensor):
        return _promoted("clamp_max_tensor", input, max)
    operand, _ = _as_operand(input, result_type(input, max))
    return apply("clamp_max", operand, max=max)


# -- softmax --------------------------------------------------------------------------------------------

def softmax(input: Tensor, dim: int | None = None, dtype: _dtype.dtype | None = None) -> Tensor:
    """exp(x) / Σ exp(x) along `dim`, computed after subtracting the maximum (no overflow)."""
    return _softmax_like("softmax", input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, dtype: _dtype.dtype | None = None) -> Tensor:
    """x − log Σ exp(x) along `dim`, computed after subtracting the maximum (no overflow)."""
    return _softmax_like("log_softmax", input, dim, dtype)


def _softmax_like(name: str, input: Tensor, dim: int | None, dtype: _dtype.dtype | None) -> Tensor:
    _require_tensor(input, name)
    if dim is None:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    axis = _normalize_dim(dim, input.ndim)
    if dtype is not None:
        input = _cast_to(input, dtype.numpy)
    elif not _is_float(input):
        last = axis == builtins.max(input.ndim - 1, 0)
        kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_scalar_name(input._data.dtype)}'")
    return apply(name, input, dim=axis)


def _cast_to(input: Tensor, dtype: np.dtype) -> Tensor:
    """An explicit `dtype=` argument: torch records the conversion as ToCopyBackward0."""
    if input._data.dtype == dtype:
        return input
    if not input._requires_grad:
        return Tensor._from_array(input._data.astype(dtype))
    return apply("to_dtype", input, dtype=dtype)


# -- more unary math ------------------------------------------------------------------------------------

def sin(input: Tensor) -> Tensor:
    return _unary("sin", input)


def cos(input: Tensor) -> Tensor:
    return _unary("cos", input)


def tan(input: Tensor) -> Tensor:
    return _unary("tan", input)


def log1p(input: Tensor) -> Tensor:
    return _unary("log1p", input)


def expm1(input: Tensor) -> Tensor:
    return _unary("expm1", input)


def log2(input: Tensor) -> Tensor:
    return _unary("log2", input)


def log10(input: Tensor) -> Tensor:
    return _unary("log10", input)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 (SignBackward0, whose gradient is zero)."""
    _require_tensor(input, "sign")
    if input._data.dtype == np.bool_:
        return _result(input._data.copy())
    return apply("sign", input)


def _integer_copy(name: str, input: Tensor) -> Tensor | None:
    """Rounding an integer tensor gives a copy in torch (no float conversion); None for floats."""
    _require_tensor(input, name)
    if input._data.dtype.kind in "biu":
        return _result(input._data.copy())
    return None


def _rounding(name: str, input: Tensor) -> Tensor:
    copied = _integer_copy(name, input)
    return copied if copied is not None else apply(name, input)


def floor(input: Tensor) -> Tensor:
    return _rounding("floor", input)


def ceil(input: Tensor) -> Tensor:
    return _rounding("ceil", input)


def trunc(input: Tensor) -> Tensor:
    return _rounding("trunc", input)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001 - torch.round
    """Round half to even (RoundBackward0), or to `decimals` places (RoundBackward1)."""
    if decimals:
        copied = _integer_copy("round", input)
        return copied if copied is not None else apply("round_decimals", input, decimals=decimals)
    return _rounding("round", input)


def frac(input: Tensor) -> Tensor:
    return _unary("frac", input, float_only=False)


# -- products, spread, norms ----------------------------------------------------------------------------

def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Product of all entries (ProdBackward0) or along one dim (ProdBackward1)."""
    _require_tensor(input, "prod")
    # torch multiplies in the requested dtype without recording a cast (unlike softmax's dtype).
    target = dtype.numpy if dtype is not None else None
    if target is None and not _is_float(input):
        target = np.dtype(np.int64)
    if dim is None:
        return apply("prod", input, dtype=target)
    axis = _normalize_dim(dim, input.ndim)
    return apply("prod_dim", input, dim=axis, keepdim=keepdim, dtype=target)


def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Variance with Bessel's correction by default (VarBackward0)."""
    return _spread("var", input, dim, unbiased, keepdim, correction)


def std(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Standard deviation with Bessel's correction by default (StdBackward0)."""
    return _spread("std", input, dim, unbiased, keepdim, correction)


def _spread(name: str, input: Tensor, dim: Any, unbiased: bool | None, keepdim: bool,
            correction: float | None) -> Tensor:
    _require_tensor(input, name)
    if isinstance(dim, bool):
        # torch's `var(unbiased)` overload: x.var(False).
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both unbiased and "
                        "correction")
    if correction is None:
        correction = 0 if unbiased is False else 1
    if not _is_float(input):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _dim_tuple(dim, input.ndim)
    count = input._data.size if dims is None else int(np.prod([input._data.shape[d] for d in dims]))
    if count - correction <= 0:
        warnings.warn(DOF_WARNING.format(name=name), UserWarning, stacklevel=3)
    return apply(name, input, dim=dims, correction=correction, keepdim=keepdim)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The vector p-norm over `dim` (all entries by default), recorded as LinalgVectorNormBackward0."""
    _require_tensor(input, "norm")
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str) or p == 0:
        raise NotImplementedError(f"norm with p={p!r} is not supported")
    if dtype is not None:
        input = _cast_to(input, dtype.numpy)
    if not _is_float(input):
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{_scalar_name(input._data.dtype)}"
        )
    dims = _dim_tuple(dim, input.ndim)
    return apply("vector_norm", input, ord=p, dim=dims, keepdim=keepdim)


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


eq = _comparison("eq", np.equal)
ne = _comparison("ne", np.not_equal)
lt = _comparison("lt", np.less)
le = _comparison("le", np.less_equal)
gt = _comparison("gt", np.greater)
ge = _comparison("ge", np.greater_equal)
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _comparison_operator(compare: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def compare_operator(self: Tensor, other: Any) -> Any:
        # Anything that is not a tensor or a number lets Python decide (`x == None` is False).
        if not isinstance(other, Tensor | int | float | bool | np.number):
            return NotImplemented
        return _compare(compare, self, other)

    return compare_operator


def _contains(self: Tensor, element: Any) -> bool:
    """`element in tensor`: whether any entry equals it."""
    if not isinstance(element, Tensor | int | float | bool):
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
            f"{type(element)}."
        )
    return bool(np.any(_compare(np.equal, self, element)._data))


# -- logical and bitwise --------------------------------------------------------------------------------

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


logical_and = _logical("logical_and", np.logical_and)
logical_or = _logical("logical_or", np.logical_or)
logical_xor = _logical("logical_xor", np.logical_xor)


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


bitwise_and = _bitwise("bitwise_and", np.bitwise_and)
bitwise_or = _bitwise("bitwise_or", np.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    """Whether any entry (along `dim`) is non-zero."""
    return _truth("any", np.any, input, dim, keepdim)


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    """Whether every entry (along `dim`) is non-zero."""
    return _truth("all", np.all, input, dim, keepdim)


def _truth(name: str, reduce: Callable[..., Any], input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    _require_tensor(input, name)
    dims = _dim_tuple(dim, input.ndim)
    return _result(np.asarray(reduce(input._data, axis=dims, keepdims=keepdim and dim is not None)))


def isnan(input: Tensor) -> Tensor:
    _require_tensor(input, "isnan")
    return _result(np.isnan(input._data))


def isinf(input: Tensor) -> Tensor:
    _require_tensor(input, "isinf")
    return _result(np.isinf(input._data))


def isfinite(input: Tensor) -> Tensor:
    _require_tensor(input, "isfinite")
    return _result(np.isfinite(input._data))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """|input − other| ≤ atol + rtol·|other| everywhere (a Python bool)."""
    _require_tensor(input, "allclose")
    _require_tensor(other, "allclose")
    broadcast_shape(input._data.shape, other._data.shape)
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input: Tensor, other: Tensor) -> bool:
    """Same shape and the same values (a Python bool)."""
    _require_tensor(input, "equal")
    _require_tensor(other, "equal")
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero entries: one row per entry, or one tensor per dim with `as_tuple`."""
    _require_tensor(input, "nonzero")
    data = input._data if input.ndim else input._data.reshape(1)
    positions = np.nonzero(data)
    if as_tuple:
        return tuple(_result(p.astype(np.int64)) for p in positions)
    rows = np.stack(positions, axis=1) if positions else np.zeros((0, 0))
    return _result(rows.astype(np.int64).reshape(-1, input.ndim))


# -- in-place ops ---------------------------------------------------------------------------------------

def _can_cast(source: np.dtype, target: np.dtype) -> bool:
    # torch refuses to write floats into integers, and anything but bool into bool.
    if source.kind == "f" and target.kind in "biu":
        return False
    return not (source.kind != "b" and target.kind == "b")


def _check_leaf(root: Tensor, through_view: bool) -> None:
    if _grad_mode._enabled and root._requires_grad and root.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE if through_view else LEAF_INPLACE)


def _stand_in(tensor: Tensor) -> Tensor:
    """A copy of the tensor's current values with its autograd identity.

    The op records this copy as its input, so values it saves for backward are the ones from before the
    write (what torch keeps for `self` of an in-place op) and are not invalidated by the version bump.
    """
    twin = Tensor._from_array(tensor._data.copy(order="K"))
    twin._requires_grad = tensor._requires_grad
    twin.grad_fn = tensor.grad_fn
    twin._accumulator = tensor._accumulator
    return twin


def _in_place(tensor: Tensor, compute: Callable[..., Tensor], *others: Any, check_cast: bool = True,
              cpp_target_name: bool = False) -> Tensor:
    """Run `compute(tensor, *others)` out of place, then write the result into `tensor` itself."""
    view = tensor._view_of
    _check_leaf(tensor if view is None else view.base, through_view=view is not None)
    recording = _grad_mode._enabled and builtins.any(
        isinstance(t, Tensor) and t._requires_grad for t in (tensor, *others))
    source = _stand_in(tensor) if recording else tensor
    with _trace.recording(None):
        # The out-of-place result is an intermediate the user never sees.
        result = compute(source, *others)
    _check_fits(tensor, result, check_cast, cpp_target_name)
    if not tensor._data.flags.writeable:
        raise RuntimeError(OVERLAPPING_WRITE)
    np.copyto(tensor._data, result._data, casting="unsafe")
    tensor._version_counter[0] += 1
    if result.grad_fn is not None:
        _repoint_saved_result(result, tensor)
        if view is None:
            _take_history(tensor, result.grad_fn)
        else:
            rebase_on_base(view.base, tensor, view.steps, result.grad_fn)
    return tensor


def _check_fits(tensor: Tensor, result: Tensor, check_cast: bool,
                cpp_target_name: bool) -> None:
    if result._data.shape != tensor._data.shape:
        raise RuntimeError(
            f"output with shape {list(tensor._data.shape)} doesn't match the broadcast shape "
            f"{list(result._data.shape)}"
        )
    source, target = result._data.dtype, tensor._data.dtype
    if check_cast and not _can_cast(source, target):
        target_name = cpp_type_name(target) if cpp_target_name else _scalar_name(target)
        raise RuntimeError(
            f"result type {_scalar_name(source)} can't be cast to the desired output type {target_name}"
        )


def _repoint_saved_result(result: Tensor, tensor: Tensor) -> None:
    # The op's output is the written tensor itself: a saved result is checked against its version.
    for key, saved in result.grad_fn._saved.items():
        if saved.tensor is result:
            result.grad_fn._saved[key] = SavedValue(tensor._data, tensor, is_output=True)


def _in_place_method(function: Callable[..., Tensor], **options: Any) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return _in_place(self, lambda source, *others: function(source, *others, **kwargs), *args, **options)

    method.__name__ = f"{function.__name__}_"
    return method


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every entry to `value` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        return _in_place(self, lambda source, v: apply("fill_tensor", source, v), value, check_cast=False)
    return _in_place(self, lambda source: apply("fill", source, value=value), check_cast=False)


def zero_(self: Tensor) -> Tensor:
    """Set every entry to zero; `w.grad.zero_()` is how a lesson empties a gradient."""
    _in_place(self, lambda source: apply("zero", source), check_cast=False)
    _trace.grads_zeroed([self], "zero_")
    return self


def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy `src` (broadcast to this shape, cast to this dtype) into this tensor."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    shape = broadcast_shape(self._data.shape, src._data.shape)
    if shape != self._data.shape:
        raise RuntimeError(
            f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(shape)}"
        )
    return _in_place(self, lambda source, s: apply("copy", source, s), src, check_cast=False)


def uniform_(self: Tensor, low: float = 0.0, high: float = 1.0, *, generator: Any = None,
             **bounds: float) -> Tensor:
    """Fill with samples from U[low, high) (torch also accepts the keywords `from` and `to`)."""
    low, high = bounds.pop("from", low), bounds.pop("to", high)
    if bounds:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(bounds))}'")
    if not _is_float(self):
        raise NotImplementedError(
            f"\"check_uniform_bounds\" not implemented for '{_scalar_name(self._data.dtype)}'")
    if low > high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    attrs = {"low": low, "high": high, **({"generator": generator} if generator is not None else {})}
    return _in_place(self, lambda source: apply("uniform", source, **attrs))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std²)."""
    if not _is_float(self):
        raise NotImplementedError(
            f"\"normal_kernel_cpu\" not implemented for '{_scalar_name(self._data.dtype)}'")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    attrs = {"mean": mean, "std": std, **({"generator": generator} if generator is not None else {})}
    return _in_place(self, lambda source: apply("normal", source, **attrs))


# -- new_* constructors ---------------------------------------------------------------------------------

def new_tensor(self: Tensor, data: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_ones(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_empty(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _creation.empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


# -- Tensor methods and operators -----------------------------------------------------------------------

def _reflected(function: Callable[[Any, Any], Tensor]) -> Callable[[Tensor, Any], Tensor]:
    def reflected(self: Tensor, other: Any) -> Tensor:
        return function(other, self)

    return reflected


_OUT_OF_PLACE = {
    "max": max, "min": min, "argmax": argmax, "argmin": argmin, "amax": amax, "amin": amin,
    "maximum": maximum, "minimum": minimum, "clamp": clamp, "clip": clamp, "clamp_min": clamp_min,
    "clamp_max": clamp_max, "softmax": softmax, "log_softmax": log_softmax, "sin": sin, "cos": cos,
    "tan": tan, "log1p": log1p, "expm1": expm1, "log2": log2, "log10": log10, "sign": sign, "floor": floor,
    "ceil": ceil, "trunc": trunc, "round": round, "frac": frac, "prod": prod, "var": var, "std": std,
    "norm": norm, "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "not_equal": ne, "less": lt,
    "less_equal": le, "greater": gt, "greater_equal": ge, "logical_not": logical_not,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "bitwise_not": bitwise_not, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
    "bitwise_xor": bitwise_xor, "any": any, "all": all, "isnan": isnan, "isinf": isinf,
    "isfinite": isfinite, "allclose": allclose, "equal": equal, "nonzero": nonzero,
    "new_tensor": new_tensor, "new_zeros": new_zeros, "new_ones": new_ones, "new_full": new_full,
    "new_empty": new_empty,
}

# Every in-place op is its out-of-place function written back into the tensor.
_IN_PLACE = {
    "add_": add, "sub_": sub, "subtract_": sub, "mul_": mul, "multiply_": mul, "div_": div, "divide_": div,
    "true_divide_": div, "pow_": pow, "exp_": exp, "log_": _log, "sqrt_": sqrt, "abs_": _abs, "neg_": neg,
    "negative_": neg, "relu_": relu, "sigmoid_": sigmoid, "tanh_": tanh, "reciprocal_": reciprocal,
    "sin_": sin, "cos_": cos, "tan_": tan, "log1p_": log1p, "expm1_": expm1, "sign_": sign, "floor_": floor,
    "ceil_": ceil, "trunc_": trunc, "round_": round, "frac_": frac, "clamp_min_": clamp_min,
    "clamp_max_": clamp_max, "logical_not_": logical_not, "bitwise_and_": bitwise_and,
    "bitwise_or_": bitwise_or, "bitwise_xor_": bitwise_xor,
}
_IN_PLACE_OPERATORS = {
    "__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_", "__ipow__": "pow_",
    "__iand__": "bitwise_and_", "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_",
}


def _bind_methods() -> None:
    for name, function in _OUT_OF_PLACE.items():
        setattr(Tensor, name, function)
    for name, function in _IN_PLACE.items():
        setattr(Tensor, name, _in_place_method(function))
    # torch names the integer target the C way in clamp_'s cast error ("long int").
    Tensor.clamp_ = Tensor.clip_ = _in_place_method(clamp, cpp_target_name=True)
    for dunder, method in _IN_PLACE_OPERATORS.items():
        setattr(Tensor, dunder, getattr(Tensor, method))
    for name, function in {"fill_": fill_, "zero_": zero_, "copy_": copy_, "uniform_": uniform_,
                           "normal_": normal_}.items():
        setattr(Tensor, name, function)
    comparisons = {"__eq__": np.equal, "__ne__": np.not_equal, "__lt__": np.less, "__le__": np.less_equal,
                   "__gt__": np.greater, "__ge__": np.greater_equal}
    for name, compare in comparisons.items():
        setattr(Tensor, name, _comparison_operator(compare))
    Tensor.__contains__ = _contains
    Tensor.__invert__ = bitwise_not
    Tensor.__and__, Tensor.__rand__ = bitwise_and, _reflected(bitwise_and)
    Tensor.__or__, Tensor.__ror__ = bitwise_or, _reflected(bitwise_or)
    Tensor.__xor__, Tensor.__rxor__ = bitwise_xor, _reflected(bitwise_xor)


_bind_methods()
