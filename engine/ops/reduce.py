"""Reduction family: sum, mean, max/min, amax/amin, softmax, prod, var/std, norm.

Rows first, then the torch-level functions declared with `@public`. Reductions over dimensions keep `dim`
as a sorted tuple of non-negative ints (a single int for the ops torch only defines over one dimension).
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
from typing import Any

import numpy as np

from engine import _dtype
from engine._dispatch import apply, run
from engine._dtype import scalar_type_name as _scalar_name
from engine._optable import TABLE, op
from engine._tensor import Tensor, _normalize_dim
from engine.autograd.graph import SavedValue
from engine.ops._args import _dim_tuple, _is_float, _require_tensor, _result
from engine.ops._declare import public
from engine.ops._vjp import _dims_of, _quiet, _restore_dims
from engine.ops.binary import maximum, minimum

# == op-table rows ===========================================================================================

# -- reductions ----------------------------------------------------------------------------------------

def _expand_back(g: np.ndarray, c, dims_key: str = "dim") -> np.ndarray:
    """Broadcast a reduced gradient back over the input shape."""
    shape = c.shapes[0]
    dims = c.attrs.get(dims_key)
    if dims is not None and not c.attrs.get("keepdim", False):
        g = np.expand_dims(g, tuple(sorted(dims)))
    return np.broadcast_to(g, shape)


@op("sum", "SumBackward0", vjps=(lambda g, c: np.broadcast_to(g, c.shapes[0]),), formula="Σ a", local=("1",))
def _sum(a, dtype=None):
    # add.reduce is what ndarray.sum calls, minus a layer of Python argument handling. It returns a
    # numpy scalar; apply makes that a 0-d array.
    return np.add.reduce(a, None, dtype)


@op("sum_dim", "SumBackward1", vjps=(_expand_back,), formula="Σ a over dim", local=("1",))
def _sum_dim(a, dim, keepdim=False, dtype=None):
    return np.asarray(a.sum(axis=dim, keepdims=keepdim, dtype=dtype))


def _mean_vjp(g, c):
    count = builtins.max(int(np.prod(c.shapes[0])), 1)
    return np.broadcast_to(g / np.asarray(count, dtype=g.dtype), c.shapes[0])


@op("mean", "MeanBackward0", vjps=(_mean_vjp,), formula="mean(a)", local=("1/n",))
def _mean(a, dtype=None):
    return np.asarray(a.mean(dtype=dtype), dtype=dtype or a.dtype)


def _mean_dim_vjp(g, c):
    shape = c.shapes[0]
    count = builtins.max(int(np.prod([shape[d] for d in c.attrs["dim"]])), 1)
    return _expand_back(g / np.asarray(count, dtype=g.dtype), c)


@op("mean_dim", "MeanBackward1", vjps=(_mean_dim_vjp,), formula="mean(a) over dim", local=("1/n",))
def _mean_dim(a, dim, keepdim=False, dtype=None):
    return np.asarray(a.mean(axis=dim, keepdims=keepdim, dtype=dtype), dtype=dtype or a.dtype)


# -- max / min ----------------------------------------------------------------------------------------

@_quiet
def _evenly_distribute(g, c):
    # Ties share the gradient equally; a NaN maximum sends it to the NaN entries.
    result = c.result
    mask = np.isnan(c.self) if np.isnan(result) else c.self == result
    return g * mask / np.asarray(mask.sum(), dtype=g.dtype)


@op("max", "MaxBackward1", vjps=(_evenly_distribute,), saves=(("self", "result"),),
    formula="max(a)", local=("1/k at the k maxima, else 0",))
def _max(a):
    return np.asarray(a.max())


@op("min", "MinBackward1", vjps=(_evenly_distribute,), saves=(("self", "result"),),
    formula="min(a)", local=("1/k at the k minima, else 0",))
def _min(a):
    return np.asarray(a.min())


def _scatter_to_indices(g, c):
    """The gradient goes to the one position each value was selected from."""
    shape = c.shapes[0]
    if len(shape) == 0:
        return g
    dim = c.attrs["dim"]
    indices = c.indices
    if not c.attrs["keepdim"]:
        g = np.expand_dims(g, dim)
        indices = np.expand_dims(indices, dim)
    grad = np.zeros(shape, dtype=g.dtype)
    np.put_along_axis(grad, indices, g, axis=dim)
    return grad


def _select_along(reduce, a, dim, keepdim):
    if a.ndim == 0:
        return a.copy()
    return reduce(a, axis=dim, keepdims=keepdim)


@op("max_dim", "MaxBackward0", vjps=(_scatter_to_indices,), saves=(("indices",),),
    formula="max(a) over dim", local=("1 at the argmax, else 0",))
def _max_dim(a, dim, keepdim=False):
    return _select_along(np.max, a, dim, keepdim)


@op("min_dim", "MinBackward0", vjps=(_scatter_to_indices,), saves=(("indices",),),
    formula="min(a) over dim", local=("1 at the argmin, else 0",))
def _min_dim(a, dim, keepdim=False):
    return _select_along(np.min, a, dim, keepdim)


@_quiet
def _scale_by_count(g, c):
    # amax/amin split the gradient between ties, counted per reduced slice.
    dims = _dims_of(c)
    mask = c.self == _restore_dims(c.result, c, dims)
    count = mask.sum(axis=dims, keepdims=True)
    return _restore_dims(g, c, dims) / count.astype(g.dtype) * mask


@op("amax", "AmaxBackward0", vjps=(_scale_by_count,), saves=(("self", "result"),),
    formula="amax(a)", local=("1/k at the k maxima, else 0",))
def _amax(a, dim=None, keepdim=False):
    return np.asarray(np.max(a, axis=dim, keepdims=keepdim))


@op("amin", "AminBackward0", vjps=(_scale_by_count,), saves=(("self", "result"),),
    formula="amin(a)", local=("1/k at the k minima, else 0",))
def _amin(a, dim=None, keepdim=False):
    return np.asarray(np.min(a, axis=dim, keepdims=keepdim))


# -- softmax -------------------------------------------------------------------------------------------

@_quiet
def _softmax_forward(a, dim):
    if a.ndim == 0 or a.size == 0:
        return np.ones_like(a)
    shifted = np.exp(a - np.max(a, axis=dim, keepdims=True))
    return shifted / shifted.sum(axis=dim, keepdims=True)


@_quiet
def _log_softmax_forward(a, dim):
    if a.ndim == 0 or a.size == 0:
        return np.zeros_like(a)
    shifted = a - np.max(a, axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def _reduce_dim(c) -> int | None:
    return c.attrs["dim"] if len(c.shapes[0]) else None


@op("softmax", "SoftmaxBackward0",
    vjps=(lambda g, c: c.result * (g - (g * c.result).sum(axis=_reduce_dim(c), keepdims=True)),),
    saves=(("result",),), formula="softmax(a)", local=("s ⊙ (g − Σ g·s)",))
def _softmax(a, dim):
    return _softmax_forward(a, dim)


@op("log_softmax", "LogSoftmaxBackward0",
    vjps=(lambda g, c: g - np.exp(c.result) * g.sum(axis=_reduce_dim(c), keepdims=True),),
    saves=(("result",),), formula="log_softmax(a)", local=("g − softmax(a)·Σ g",))
def _log_softmax(a, dim):
    return _log_softmax_forward(a, dim)


# -- products ------------------------------------------------------------------------------------------

def _exclusive_cumprod(a: np.ndarray, axis: int) -> np.ndarray:
    """Products of the entries strictly before each position along `axis`."""
    moved = np.moveaxis(a, axis, -1)
    before = np.concatenate([np.ones_like(moved[..., :1]), np.cumprod(moved[..., :-1], axis=-1)], axis=-1)
    return np.moveaxis(before, -1, axis)


@_quiet
def _product_of_others(a: np.ndarray, result: np.ndarray, axis: int) -> np.ndarray:
    """d(prod)/d(a_i): result / a_i where a_i ≠ 0, otherwise the product of the other entries."""
    if a.shape[axis] == 0:
        return np.zeros_like(a)
    after = np.flip(_exclusive_cumprod(np.flip(a, axis), axis), axis)
    others = _exclusive_cumprod(a, axis) * after
    return np.where(a != 0, result / np.where(a != 0, a, 1), others)


def _prod_vjp(g, c):
    if len(c.shapes[0]) == 0:
        return g
    flat = c.self.reshape(-1)
    return (g * _product_of_others(flat, c.result, 0)).reshape(c.shapes[0])


@op("prod", "ProdBackward0", vjps=(_prod_vjp,), saves=(("self", "result"),),
    formula="∏ a", local=("∏ of the other entries",))
def _prod(a, dtype=None):
    return np.asarray(a.astype(dtype or a.dtype, copy=False).prod(dtype=dtype))


def _prod_dim_vjp(g, c):
    if len(c.shapes[0]) == 0:
        return g
    dim = c.attrs["dim"]
    result = _restore_dims(c.result, c, (dim,))
    return _restore_dims(g, c, (dim,)) * _product_of_others(c.self, result, dim)


@op("prod_dim", "ProdBackward1", vjps=(_prod_dim_vjp,), saves=(("self", "result"),),
    formula="∏ a over dim", local=("∏ of the other entries",))
def _prod_dim(a, dim, keepdim=False, dtype=None):
    a = a.astype(dtype or a.dtype, copy=False)
    if a.ndim == 0:
        return a.copy()
    return np.asarray(a.prod(axis=dim, keepdims=keepdim, dtype=dtype))


# -- spread --------------------------------------------------------------------------------------------

def _reduced_count(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> int:
    if dims is None:
        return int(np.prod(shape, dtype=np.int64))
    return int(np.prod([shape[d] for d in dims], dtype=np.int64))


def _degrees_of_freedom(shape: tuple[int, ...], dims: tuple[int, ...] | None, correction: float) -> float:
    return builtins.max(_reduced_count(shape, dims) - correction, 0)


@_quiet
def _variance(a, dim=None, correction=1, keepdim=False):
    # Accumulated in double like torch's CPU kernels. With no degrees of freedom left torch divides by
    # zero: inf, or nan for a zero sum.
    wide = a.astype(np.float64)
    centered = wide - wide.mean(axis=dim, keepdims=True)
    total = (centered * centered).sum(axis=dim, keepdims=keepdim)
    return np.asarray(total / _degrees_of_freedom(a.shape, dim, correction), dtype=a.dtype)


@_quiet
def _var_vjp(g, c):
    dims = _dims_of(c)
    divisor = np.asarray(_degrees_of_freedom(c.shapes[0], dims, c.attrs["correction"]), dtype=g.dtype)
    centered = c.self - c.self.mean(axis=dims, keepdims=True)
    return _restore_dims(g, c, dims) * (np.asarray(2, g.dtype) / divisor * centered)


@op("var", "VarBackward0", vjps=(_var_vjp,), saves=(("self",),),
    formula="var(a)", local=("2(a − mean)/(N − correction)",))
def _var(a, dim=None, correction=1, keepdim=False):
    return _variance(a, dim, correction, keepdim)


@_quiet
def _std_vjp(g, c):
    doubled = np.asarray(2, dtype=g.dtype) * c.result
    scaled = np.where(c.result == 0, np.zeros((), g.dtype), g / doubled)
    return _var_vjp(scaled, c)


@op("std", "StdBackward0", vjps=(_std_vjp,), saves=(("self", "result"),),
    formula="std(a)", local=("(a − mean)/((N − correction)·std)",))
@_quiet
def _std(a, dim=None, correction=1, keepdim=False):
    wide = _variance(a.astype(np.float64), dim, correction, keepdim)
    return np.sqrt(wide).astype(a.dtype)


# -- vector norm ---------------------------------------------------------------------------------------

@_quiet
def _vector_norm(a, ord, dim=None, keepdim=False):  # noqa: A002 - torch's argument name
    # Accumulated in double like torch's CPU kernels: squares of tiny float32 values would underflow.
    return _vector_norm_double(a.astype(np.float64), ord, dim, keepdim).astype(a.dtype)


def _vector_norm_double(a, ord, dim, keepdim):  # noqa: A002
    magnitude = np.abs(a)
    if ord == math.inf:
        return np.asarray(magnitude.max(axis=dim, keepdims=keepdim, initial=0))
    if ord == -math.inf:
        return np.asarray(magnitude.min(axis=dim, keepdims=keepdim))
    if ord == 1:
        return np.asarray(magnitude.sum(axis=dim, keepdims=keepdim))
    if ord == 2:
        return np.asarray(np.sqrt((magnitude * magnitude).sum(axis=dim, keepdims=keepdim)))
    power = np.asarray(ord, dtype=a.dtype)
    return np.asarray((magnitude ** power).sum(axis=dim, keepdims=keepdim) ** (1 / power))


@_quiet
def _vector_norm_vjp(g, c):
    ord = c.attrs["ord"]  # noqa: A001
    dims = _dims_of(c)
    x = c.self
    g = _restore_dims(g, c, dims)
    norm = _restore_dims(c.result, c, dims)
    zero = np.zeros((), dtype=g.dtype)
    if ord == 1:
        return g * np.sign(x)
    if ord == 2:
        return np.where(norm == 0, zero, g * x / norm)
    if abs(ord) == math.inf:
        mask = np.abs(x) == norm
        count = mask.sum(axis=dims, keepdims=True).astype(g.dtype)
        return g * np.sign(x) * mask / count
    power = np.asarray(ord, dtype=g.dtype)
    local = np.sign(x) * np.abs(x) ** (power - 1) / norm ** (power - 1)
    return np.where((x == 0) | (norm == 0), zero, g * local)


@op("vector_norm", "LinalgVectorNormBackward0", vjps=(_vector_norm_vjp,), saves=(("self", "result"),),
    formula="‖a‖ₚ", local=("sign(a)·|a|ᵖ⁻¹ / ‖a‖ₚᵖ⁻¹",))
def _vector_norm_op(a, ord, dim=None, keepdim=False):  # noqa: A002
    return _vector_norm(a, ord, dim, keepdim)


# == functions and methods (published by @public) ===========================================================

# -- reductions -----------------------------------------------------------------------------------------

def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(_normalize_dim(d, ndim) for d in dims))


def _reduction_dtype(input: Tensor, dtype: Any) -> Any:
    if dtype is not None:
        return dtype.numpy
    return np.int64 if input._data.dtype.kind in "biu" else None


@public()
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    if not isinstance(input, Tensor):
        _require_tensor(input, "sum")
    target = _reduction_dtype(input, dtype)
    if dim is None:
        return run(TABLE["sum"], (input,), (), {"dtype": target})
    return apply("sum_dim", input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=target)


@public()
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    _require_tensor(input, "mean")
    target = dtype.numpy if dtype is not None else None
    if (target or input._data.dtype).kind not in "fc":
        name = _dtype.from_numpy(input._data.dtype).name.capitalize().replace("Int64", "Long").replace(
            "Float32", "Float")
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {name}"
        )
    if dim is None:
        return apply("mean", input, dtype=target)
    return apply("mean_dim", input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=target)


DOF_WARNING = (
    "{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
    "(input numel divided by output numel). (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)"
)


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


@public(method=False)
class return_types:  # noqa: N801 - torch.return_types
    """The named tuples max/min(dim) return."""

    max = _return_type("max")
    min = _return_type("min")


@public()
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Tensor | None = None) -> Any:  # noqa: A001
    """torch.max: the maximum (MaxBackward1), along `dim` with indices (MaxBackward0), or elementwise."""
    return _extreme("max", input, dim, keepdim, other)


@public()
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


@public()
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the maximum, of the flattened tensor when `dim` is None."""
    return _arg("max", input, dim, keepdim)


@public()
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


@public()
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The maximum over `dim` (every dim by default); ties share the gradient."""
    return _amax_amin("amax", input, dim, keepdim)


@public()
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


# -- softmax --------------------------------------------------------------------------------------------

@public()
def softmax(input: Tensor, dim: int | None = None, dtype: _dtype.dtype | None = None) -> Tensor:
    """exp(x) / Σ exp(x) along `dim`, computed after subtracting the maximum (no overflow)."""
    return _softmax_like("softmax", input, dim, dtype)


@public()
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


# -- products, spread, norms ----------------------------------------------------------------------------

@public()
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


@public()
def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Variance with Bessel's correction by default (VarBackward0)."""
    return _spread("var", input, dim, unbiased, keepdim, correction)


@public()
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


@public(numpy_names=False)
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
