"""Op table entries: max/min, clamp, softmax, more unary math, products, spread, norms and the nodes
in-place writes record (fills, copies, random fills, and CopySlices for an op on a view).

As in `_ops_math`, each VJP gets the incoming gradient `g` and the context `c` and returns the gradient
for one input before the engine unbroadcasts it. Reductions over dimensions keep `dim` as a sorted tuple
of non-negative ints (a single int for the ops torch only defines over one dimension).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from engine import _random
from engine._ops_shape import empty_in_order, replay
from engine._optable import Ctx, OpSpec, lookup, op, register, unbroadcast


def _zero(g: np.ndarray, c) -> np.ndarray:
    return np.zeros_like(g)


def _same(g: np.ndarray, c) -> np.ndarray:
    return g


def _restore_dims(g: np.ndarray, c, dims: tuple[int, ...] | None) -> np.ndarray:
    """A reduced array reshaped so it broadcasts against the input again (torch's keepdim shape)."""
    if dims is None:
        return g.reshape((1,) * len(c.shapes[0]))
    if not c.attrs.get("keepdim", False):
        g = np.expand_dims(g, dims)
    return g


def _dims_of(c) -> tuple[int, ...] | None:
    dim = c.attrs.get("dim")
    if dim is None:
        return None
    return (dim,) if isinstance(dim, int) else dim


def _quiet(function):
    """numpy floating-point warnings off: torch computes inf/nan silently."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper


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


def _larger(a, b):
    """torch's maximum: NaN wins from either side, and equal values keep `a` (-0.0 stays -0.0)."""
    picked = np.where(a < b, b, a)
    return np.where(np.isnan(b), b, picked) if picked.dtype.kind == "f" else picked


def _smaller(a, b):
    """torch's minimum: NaN wins from either side, and equal values keep `a`."""
    picked = np.where(a > b, b, a)
    return np.where(np.isnan(b), b, picked) if picked.dtype.kind == "f" else picked


def _split_ties(g, a, b):
    return np.where(a == b, g / 2, g)


@op("maximum", "MaximumBackward0",
    vjps=(lambda g, c: _split_ties(g, c.self, c.other) * ~(c.self < c.other),
          lambda g, c: _split_ties(g, c.self, c.other) * ~(c.self > c.other)),
    saves=(("self", "other"), ("self", "other")), formula="max(a, b)",
    local=("1 if a > b, ½ if a = b", "1 if b > a, ½ if a = b"))
def _maximum(a, b):
    return _larger(a, b)


@op("minimum", "MinimumBackward0",
    vjps=(lambda g, c: _split_ties(g, c.self, c.other) * ~(c.self > c.other),
          lambda g, c: _split_ties(g, c.self, c.other) * ~(c.self < c.other)),
    saves=(("self", "other"), ("self", "other")), formula="min(a, b)",
    local=("1 if a < b, ½ if a = b", "1 if b < a, ½ if a = b"))
def _minimum(a, b):
    return _smaller(a, b)


# -- clamp ---------------------------------------------------------------------------------------------

def _bound(value, dtype):
    return None if value is None else np.asarray(value, dtype=dtype)


def _clip(a, low, high):
    # max first, then min: with low > high every entry becomes `high`, as in torch.
    if low is not None:
        a = _larger(a, low)
    if high is not None:
        a = _smaller(a, high)
    return a


def _inside(x, low, high):
    inside = np.ones(x.shape, dtype=bool)
    if low is not None:
        inside = inside & (x >= low)
    if high is not None:
        inside = inside & (x <= high)
    return inside


@op("clamp", "ClampBackward1",
    vjps=(lambda g, c: g * _inside(c.self, c.attrs["min"], c.attrs["max"]),), saves=(("self",),),
    formula="clamp(a, min, max)", local=("1 if min ≤ a ≤ max, else 0",))
def _clamp(a, min=None, max=None):  # noqa: A002 - torch's argument names
    return _clip(a, _bound(min, a.dtype), _bound(max, a.dtype))


@op("clamp_min", "ClampMinBackward0", vjps=(lambda g, c: g * (c.self >= c.attrs["min"]),),
    saves=(("self",),), formula="max(a, min)", local=("1 if a ≥ min, else 0",))
def _clamp_min(a, min):  # noqa: A002
    return _larger(a, np.asarray(min, dtype=a.dtype))


@op("clamp_max", "ClampMaxBackward0", vjps=(lambda g, c: g * (c.self <= c.attrs["max"]),),
    saves=(("self",),), formula="min(a, max)", local=("1 if a ≤ max, else 0",))
def _clamp_max(a, max):  # noqa: A002
    return _smaller(a, np.asarray(max, dtype=a.dtype))


def _tensor_bounds(c):
    low = c.other if c.attrs["has_min"] else None
    high = c.third if c.attrs["has_max"] else None
    return low, high


def _clamp_tensor_self(g, c):
    return g * _inside(c.self, *_tensor_bounds(c))


def _clamp_tensor_min(g, c):
    low, high = _tensor_bounds(c)
    below = c.self < low
    return g * (below if high is None else below & (low < high))


def _clamp_tensor_max(g, c):
    low, high = _tensor_bounds(c)
    above = c.self > high
    return g * (above if low is None else above | (low > high))


@op("clamp_tensor", "ClampBackward0", vjps=(_clamp_tensor_self, _clamp_tensor_min, _clamp_tensor_max),
    saves=(("self", "other", "third"),) * 3, formula="clamp(a, lo, hi)",
    local=("1 if lo ≤ a ≤ hi", "1 if a < lo < hi", "1 if a > hi or lo > hi"))
def _clamp_tensor(a, low, high, has_min, has_max):
    return _clip(a, low if has_min else None, high if has_max else None)


@op("clamp_min_tensor", "ClampMinBackward1",
    vjps=(lambda g, c: g * (c.self >= c.other), lambda g, c: g * (c.self < c.other)),
    saves=(("self", "other"),) * 2, formula="max(a, lo)", local=("1 if a ≥ lo", "1 if a < lo"))
def _clamp_min_tensor(a, low):
    return _larger(a, low)


@op("clamp_max_tensor", "ClampMaxBackward1",
    vjps=(lambda g, c: g * (c.self <= c.other), lambda g, c: g * (c.self > c.other)),
    saves=(("self", "other"),) * 2, formula="min(a, hi)", local=("1 if a ≤ hi", "1 if a > hi"))
def _clamp_max_tensor(a, high):
    return _smaller(a, high)


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


# -- more unary math -----------------------------------------------------------------------------------

@op("sin", "SinBackward0", vjps=(lambda g, c: g * np.cos(c.self),), saves=(("self",),),
    formula="sin(a)", local=("cos(a)",))
def _sin(a):
    return np.sin(a)


@op("cos", "CosBackward0", vjps=(lambda g, c: -g * np.sin(c.self),), saves=(("self",),),
    formula="cos(a)", local=("−sin(a)",))
def _cos(a):
    return np.cos(a)


@op("tan", "TanBackward0", vjps=(lambda g, c: g * (1 + c.result * c.result),), saves=(("result",),),
    formula="tan(a)", local=("1 + tan²(a)",))
def _tan(a):
    return np.tan(a)


@op("log1p", "Log1PBackward0", vjps=(_quiet(lambda g, c: g / (c.self + 1)),), saves=(("self",),),
    formula="ln(1 + a)", local=("1/(1 + a)",))
@_quiet
def _log1p(a):
    return np.log1p(a)


@op("expm1", "Expm1Backward0", vjps=(lambda g, c: g * (c.result + 1),), saves=(("result",),),
    formula="exp(a) − 1", local=("exp(a)",))
@_quiet
def _expm1(a):
    return np.expm1(a)


@op("log2", "Log2Backward0", vjps=(_quiet(lambda g, c: g / (c.self * np.asarray(math.log(2), g.dtype))),),
    saves=(("self",),), formula="log₂(a)", local=("1/(a·ln 2)",))
@_quiet
def _log2(a):
    return np.log2(a)


@op("log10", "Log10Backward0",
    vjps=(_quiet(lambda g, c: g / (c.self * np.asarray(math.log(10), g.dtype))),),
    saves=(("self",),), formula="log₁₀(a)", local=("1/(a·ln 10)",))
@_quiet
def _log10(a):
    return np.log10(a)


# Piecewise-constant functions: torch records them with a gradient of zero everywhere.

@op("sign", "SignBackward0", vjps=(_zero,), formula="sign(a)", local=("0",))
def _sign(a):
    # torch gives 0 for NaN where numpy keeps NaN.
    return np.where(np.isnan(a), np.zeros((), a.dtype), np.sign(a)) if a.dtype.kind == "f" else np.sign(a)


@op("floor", "FloorBackward0", vjps=(_zero,), formula="⌊a⌋", local=("0",))
def _floor(a):
    return np.floor(a)


@op("ceil", "CeilBackward0", vjps=(_zero,), formula="⌈a⌉", local=("0",))
def _ceil(a):
    return np.ceil(a)


@op("trunc", "TruncBackward0", vjps=(_zero,), formula="trunc(a)", local=("0",))
def _trunc(a):
    return np.trunc(a)


@op("round", "RoundBackward0", vjps=(_zero,), formula="round(a)", local=("0",))
def _round(a):
    # numpy's rint, like torch, rounds halves to even.
    return np.rint(a)


@op("round_decimals", "RoundBackward1", vjps=(_zero,), formula="round(a, decimals)", local=("0",))
@_quiet
def _round_decimals(a, decimals):
    # Scale, round half to even, scale back, in the tensor's own precision as torch does.
    scale = np.asarray(10.0 ** abs(decimals), dtype=a.dtype)
    if decimals >= 0:
        return np.rint(a * scale) / scale
    return np.rint(a / scale) * scale


@op("frac", "FracBackward0", vjps=(_same,), formula="a − trunc(a)", local=("1",))
def _frac(a):
    return a - np.trunc(a)


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
    return max(_reduced_count(shape, dims) - correction, 0)


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


# -- in-place writes -----------------------------------------------------------------------------------
# What a fill or copy leaves behind depends only on its arguments, so the gradient to the old value of
# the tensor is zero; torch still records a node for each. `tensor[index] = value` uses `copy` and
# `fill_tensor` too (engine._functions_shape).

@op("fill", "FillBackward2", vjps=(_zero,), formula="fill(v)", local=("0",))
def _fill(a, value):
    return np.full_like(a, value)


@op("fill_tensor", "FillBackward3", vjps=(_zero, _same), formula="fill(v)", local=("0", "Σ g"))
def _fill_tensor(a, value):
    return np.full_like(a, value)


@op("copy", "torch::autograd::CopyBackwards", vjps=(_zero, _same), formula="copy(src)", local=("0", "1"))
def _copy(a, src):
    return np.array(np.broadcast_to(src, a.shape), dtype=a.dtype)


@op("zero", "ZeroBackward0", vjps=(_zero,), formula="0", local=("0",))
def _zero_forward(a):
    return np.zeros_like(a)


def _inner_context(c) -> Ctx:
    """The context of the op written into the view: its own saved values, attributes and shapes."""
    return Ctx(c.values, c.attrs["inner_attrs"], c.attrs["inner_shapes"])


def _region_of_grad(g: np.ndarray, c) -> tuple[np.ndarray, np.ndarray]:
    """A copy of the base's gradient, laid out like the base, and the written view's region of it."""
    grad = empty_in_order(g.shape, c.attrs["base_order"], g.dtype)
    grad[...] = g
    return grad, replay(grad, c.attrs["steps"])


def _view_write_base_vjp(g, c):
    # Outside the view the old base passes the gradient straight through; inside it the op's own VJP
    # for its first input (the view's old value) decides.
    grad, region = _region_of_grad(g, c)
    inner_vjp = lookup(c.attrs["inner"]).vjps[0]
    inside = np.array(region, copy=True)
    region[...] = 0 if inner_vjp is None else unbroadcast(inner_vjp(inside, _inner_context(c)), region.shape)
    return grad


def _view_write_operand_vjp(index: int):
    def vjp(g, c):
        _, region = _region_of_grad(g, c)
        inner_vjp = lookup(c.attrs["inner"]).vjps[index]
        return np.zeros(c.shapes[index], g.dtype) if inner_vjp is None else inner_vjp(
            np.array(region, copy=True), _inner_context(c))

    return vjp


# torch's CopySlices: an in-place op on a view, recorded on the view's base. Its inputs are the base and
# the op's other operands (up to two, for clamp_ with tensor bounds); its VJPs delegate to the op's.
def _view_write_forward(base, *operands, inner, inner_attrs, steps, **layout):
    written = np.array(base, copy=True)
    region = replay(written, steps)
    region[...] = lookup(inner).forward(np.array(region, copy=True), *operands, **inner_attrs)
    return written


register(OpSpec(
    "view_write", "torch::autograd::CopySlices", _view_write_forward,
    (_view_write_base_vjp, _view_write_operand_vjp(1), _view_write_operand_vjp(2)), ((), (), ()),
    "base with a view of it changed in place", ("the op's derivative inside the view, 1 outside",
                                                 "the op's derivative", "the op's derivative"),
))


@op("uniform", "UniformBackward0", vjps=(_zero,), formula="U(low, high)", local=("0",))
def _uniform(a, low=0.0, high=1.0, generator=None):
    # Filled in the tensor's memory order, the order torch draws in (it differs for transposed tensors).
    return _random.init_uniform_(np.empty_like(a), low, high, generator)


@op("normal", "NormalBackward0", vjps=(_zero,), formula="N(mean, std²)", local=("0",))
def _normal(a, mean=0.0, std=1.0, generator=None):
    return _random.init_normal_(np.empty_like(a), mean, std, generator)
