"""Binary family: arithmetic of two operands (add, sub, mul, div, pow), maximum/minimum and clamp.

Rows first, then the torch-level functions, declared with `@public` (which also gives the operators:
`__add__`, the reflected `__radd__` and the in-place `__iadd__`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine._dispatch import apply, run
from engine._optable import TABLE, op
from engine._tensor import Tensor
from engine.ops._args import (
    Scalar,
    _as_operand,
    _check_broadcast,
    _float_operand,
    _require_tensor,
    _WrappedNumber,
    broadcast_shape,
    result_type,
)
from engine.ops._declare import public
from engine.ops._vjp import _fresh, _same, _scaled
from engine.ops.unary import reciprocal

# == op-table rows ===========================================================================================

# -- arithmetic ---------------------------------------------------------------------------------------

@op("add", "AddBackward0", vjps=(_same, lambda g, c: _scaled(g, c.attrs["alpha"])),
    formula="a + α·b", local=("1", "α"))
def _add(a, b, alpha=1):
    return a + b * alpha if alpha != 1 else a + b


@op("sub", "SubBackward0", vjps=(_same, lambda g, c: _scaled(-g, c.attrs["alpha"])),
    formula="a − α·b", local=("1", "−α"))
def _sub(a, b, alpha=1):
    return a - b * alpha if alpha != 1 else a - b


@op("rsub_scalar", "RsubBackward1", vjps=(lambda g, c: _scaled(-g, c.attrs["alpha"]),),
    formula="s − α·a", local=("−α",))
def _rsub_scalar(a, other, alpha=1):
    return np.asarray(other - a * alpha if alpha != 1 else other - a, dtype=a.dtype)


# Where a forward is exactly one numpy ufunc, the table holds the ufunc itself: on small tensors a
# Python wrapper around it costs about as much as the arithmetic.
_mul = op("mul", "MulBackward0", vjps=(lambda g, c: g * c.other, lambda g, c: g * c.self),
          saves=(("other",), ("self",)), formula="a · b", local=("b", "a"))(np.multiply)


def _div_other_vjp(g, c):
    # −g · a / b², in the temporary that holds −g.
    a, b = c.self, c.other
    out = -g
    if not (_fresh(out, g) and a.dtype == out.dtype and b.dtype == out.dtype):
        return out * a / (b * b)
    np.multiply(out, a, out=out)
    return np.divide(out, b * b, out=out)


_div = op("div", "DivBackward0", vjps=(lambda g, c: g / c.other, _div_other_vjp),
          saves=(("other",), ("self", "other")), formula="a / b", local=("1/b", "−a/b²"))(np.true_divide)



def _pow_scalar_vjp(g, c):
    exponent = c.attrs["exponent"]
    if exponent == 0:
        return np.zeros_like(g)
    # a¹ is a itself: skip the copy `a ** 1` would make for the most common exponent.
    power = c.self if exponent == 2 else c.self ** (exponent - 1)
    out = g * exponent
    if _fresh(out, g) and power.dtype == out.dtype and power.shape == out.shape:
        return np.multiply(out, power, out=out)
    return out * power


@op("pow_scalar", "PowBackward0", vjps=(_pow_scalar_vjp,), saves=(("self",),),
    formula="aⁿ", local=("n·aⁿ⁻¹",))
def _pow_scalar(a, exponent):
    return np.asarray(a ** exponent, dtype=a.dtype) if a.dtype.kind == "f" else a ** exponent


def _pow_base_vjp(g, c):
    exponent = c.other
    return np.where(exponent == 0, 0.0, g * exponent * c.self ** np.where(exponent == 0, 1, exponent - 1))


@op("pow", "PowBackward1",
    vjps=(_pow_base_vjp, lambda g, c: g * c.result * np.log(np.where(c.self == 0, 1, c.self))),
    saves=(("self", "other"), ("self", "result")), formula="aᵇ", local=("b·aᵇ⁻¹", "aᵇ·ln a"))
def _pow(a, b):
    return a ** b


@op("rpow_scalar", "PowBackward2",
    vjps=(lambda g, c: g * c.result * np.log(np.asarray(c.attrs["base"], dtype=c.result.dtype)),),
    saves=(("result",),), formula="sᵃ", local=("sᵃ·ln s",))
def _rpow_scalar(a, base):
    return np.asarray(np.power(np.asarray(base, dtype=a.dtype), a), dtype=a.dtype)


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


def _binary(name: str, a: Any, b: Any, attrs: dict[str, Any]) -> Tensor:
    # Fast path for the common case: two tensors of one dtype, or a float tensor and a Python number.
    if isinstance(a, Tensor):
        left = a._data
        if isinstance(b, Tensor):
            right = b._data
            if left.dtype is right.dtype or left.dtype == right.dtype:
                try:
                    return run(TABLE[name], (a, b), _NOT_WRAPPED, attrs)
                except ValueError as error:
                    failure = error
                # Shapes that do not broadcast make numpy fail before anything is made; checking them
                # only then keeps the check off the common path. Torch words the error its own way.
                broadcast_shape(left.shape, right.shape)
                raise failure
        elif (type(b) is float or type(b) is int) and left.dtype.kind == "f":
            scalar = _WrappedNumber(np.asarray(b, dtype=left.dtype))
            return run(TABLE[name], (a, scalar), _RIGHT_WRAPPED, attrs)
    elif (type(a) is float or type(a) is int) and isinstance(b, Tensor) and b._data.dtype.kind == "f":
        scalar = _WrappedNumber(np.asarray(a, dtype=b._data.dtype))
        return run(TABLE[name], (scalar, b), _LEFT_WRAPPED, attrs)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(a).__name__}")
    dtype = result_type(a, b)
    _check_broadcast(a, b)
    left, left_wrapped = _as_operand(a, dtype)
    right, right_wrapped = _as_operand(b, dtype)
    return run(TABLE[name], (left, right), (left_wrapped, right_wrapped), attrs)


_NOT_WRAPPED = (False, False)
_RIGHT_WRAPPED = (False, True)
_LEFT_WRAPPED = (True, False)


# == functions and methods (published by @public) ===========================================================

# -- arithmetic ----------------------------------------------------------------------------------------

@public(inplace=True, operator="add")
def add(input: Any, other: Any, *, alpha: Scalar = 1) -> Tensor:
    return _binary("add", input, other, {"alpha": alpha})


@public(method_aliases=("subtract",), inplace=True, operator="sub", reflect=False)
def sub(input: Any, other: Any, *, alpha: Scalar = 1) -> Tensor:
    return _binary("sub", input, other, {"alpha": alpha})


@public(method=False, operators=("__rsub__",))
def rsub(input: Tensor, other: Any, *, alpha: Scalar = 1) -> Tensor:
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    dtype = result_type(input, other)
    operand, _ = _as_operand(input, dtype)
    return apply("rsub_scalar", operand, other=other, alpha=alpha)


@public(method_aliases=("multiply",), inplace=True, operator="mul")
def mul(input: Any, other: Any) -> Tensor:
    return _binary("mul", input, other, {})


@public(method_aliases=("divide", "true_divide"), inplace=True, operator="truediv")
def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    if rounding_mode is not None:
        raise NotImplementedError("div with rounding_mode is not supported")
    if not isinstance(input, Tensor):
        # torch computes `s / x` as `s * x.reciprocal()`.
        return mul(reciprocal(_float_operand(other)), input)
    if (type(other) is float or type(other) is int) and input._data.dtype.kind == "f":
        scalar = _WrappedNumber(np.asarray(other, dtype=input._data.dtype))
        return run(TABLE["div"], (input, scalar), _RIGHT_WRAPPED, {})
    dtype = result_type(input, other)
    if dtype.kind in "biu":
        dtype = np.dtype(np.float32)
    left, left_wrapped = _as_operand(input, dtype)
    right, right_wrapped = _as_operand(other, dtype)
    return apply("div", left, right, wrapped=(left_wrapped, right_wrapped))


@public(inplace=True, operator="pow")
def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001 - torch.pow
    if not isinstance(input, Tensor):
        dtype = result_type(input, exponent)
        operand, _ = _as_operand(exponent, dtype)
        return apply("rpow_scalar", operand, base=input)
    if isinstance(exponent, Tensor):
        return _binary("pow", input, exponent, {})
    dtype = result_type(input, exponent)
    operand, _ = _as_operand(input, dtype)
    return apply("pow_scalar", operand, exponent=exponent)


@public()
def square(input: Tensor) -> Tensor:
    return pow(input, 2)


@public()
def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise maximum (MaximumBackward0); equal entries split the gradient."""
    return _elementwise_extreme("maximum", input, other)


@public()
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

@public("clip", inplace=True, cpp_target_name=True)
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


@public(inplace=True)
def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """max(input, min): ClampMinBackward0 for a number, ClampMinBackward1 for a tensor."""
    _require_tensor(input, "clamp_min")
    if isinstance(min, Tensor):
        return _promoted("clamp_min_tensor", input, min)
    operand, _ = _as_operand(input, result_type(input, min))
    return apply("clamp_min", operand, min=min)


@public(inplace=True)
def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """min(input, max): ClampMaxBackward0 for a number, ClampMaxBackward1 for a tensor."""
    _require_tensor(input, "clamp_max")
    if isinstance(max, Tensor):
        return _promoted("clamp_max_tensor", input, max)
    operand, _ = _as_operand(input, result_type(input, max))
    return apply("clamp_max", operand, max=max)
