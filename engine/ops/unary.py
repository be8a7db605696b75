"""Unary family: elementwise math of one tensor (exp, log, sin, relu, floor, ...).

Rows first (forward, VJPs, torch node name, formula), then the torch-level functions built on them, each
declared with `@public` so `torch.X`, `Tensor.X` and, with `inplace=True`, `Tensor.X_` are derived.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from engine._dispatch import apply
from engine._optable import op
from engine._tensor import Tensor
from engine.ops._args import _require_tensor, _result, _unary
from engine.ops._declare import public
from engine.ops._vjp import _fresh, _negated, _quiet, _same, _zero

# == op-table rows ===========================================================================================

def _reciprocal_vjp(g, c):
    r = c.result
    out = -g
    if not (_fresh(out, g) and r.dtype == out.dtype):
        return out * r * r
    np.multiply(out, r, out=out)
    return np.multiply(out, r, out=out)


_reciprocal = op("reciprocal", "ReciprocalBackward0", vjps=(_reciprocal_vjp,),
                 saves=(("result",),), formula="1 / a", local=("−1/a²",))(np.reciprocal)


_neg = op("neg", "NegBackward0", vjps=(_negated,), formula="−a", local=("−1",))(np.negative)


# -- unary math -----------------------------------------------------------------------------------------

_exp = op("exp", "ExpBackward0", vjps=(lambda g, c: g * c.result,), saves=(("result",),),
          formula="exp(a)", local=("exp(a)",))(np.exp)


@op("log", "LogBackward0", vjps=(lambda g, c: g / c.self,), saves=(("self",),),
    formula="ln(a)", local=("1/a",))
def _log(a):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(a)


def _sqrt_vjp(g, c):
    twice = 2 * c.result
    return np.divide(g, twice, out=twice) if _fresh(twice, g) else g / twice


@op("sqrt", "SqrtBackward0", vjps=(_sqrt_vjp,), saves=(("result",),),
    formula="√a", local=("1/(2√a)",))
def _sqrt(a):
    with np.errstate(invalid="ignore"):
        return np.sqrt(a)


def _abs_vjp(g, c):
    sign = np.sign(c.self)
    return np.multiply(g, sign, out=sign) if _fresh(sign, g) else g * sign


_abs = op("abs", "AbsBackward0", vjps=(_abs_vjp,), saves=(("self",),),
          formula="|a|", local=("sign(a)",))(np.abs)


@op("relu", "ReluBackward0", vjps=(lambda g, c: g * (c.result > 0),), saves=(("result",),),
    formula="max(a, 0)", local=("1 if a > 0 else 0",))
def _relu(a):
    return np.maximum(a, np.zeros((), dtype=a.dtype))


def _sigmoid_vjp(g, c):
    r = c.result
    out = g * r
    return np.multiply(out, 1 - r, out=out) if _fresh(out, g) else out * (1 - r)


@op("sigmoid", "SigmoidBackward0", vjps=(_sigmoid_vjp,), saves=(("result",),),
    formula="σ(a)", local=("σ(a)·(1 − σ(a))",))
def _sigmoid(a):
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-a))).astype(a.dtype, copy=False)


def _tanh_vjp(g, c):
    # g · (1 − r²) with one temporary instead of three.
    square = c.result * c.result
    if not _fresh(square, g):
        return g * (1 - square)
    np.subtract(1, square, out=square)
    return np.multiply(g, square, out=square)


_tanh = op("tanh", "TanhBackward0", vjps=(_tanh_vjp,), saves=(("result",),),
           formula="tanh(a)", local=("1 − tanh²(a)",))(np.tanh)


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


# Like torch, sinh saves its input (cosh(a) is not a function of the result alone).
@op("sinh", "SinhBackward0", vjps=(_quiet(lambda g, c: g * np.cosh(c.self)),), saves=(("self",),),
    formula="sinh(a)", local=("cosh(a)",))
@_quiet
def _sinh(a):
    return np.sinh(a)


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
    scale = np.asarray(10.0 ** builtins.abs(decimals), dtype=a.dtype)
    if decimals >= 0:
        return np.rint(a * scale) / scale
    return np.rint(a / scale) * scale


@op("frac", "FracBackward0", vjps=(_same,), formula="a − trunc(a)", local=("1",))
def _frac(a):
    return a - np.trunc(a)


# == functions and methods (published by @public) ===========================================================

@public(inplace=True)
def reciprocal(input: Tensor) -> Tensor:
    return _unary("reciprocal", input)


@public("negative", inplace=True, operators=("__neg__",))
def neg(input: Tensor) -> Tensor:
    _require_tensor(input, "neg")
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return apply("neg", input)


@public(inplace=True)
def exp(input: Tensor) -> Tensor:
    return _unary("exp", input)


@public(inplace=True)
def log(input: Tensor) -> Tensor:
    return _unary("log", input)


@public(inplace=True)
def sqrt(input: Tensor) -> Tensor:
    return _unary("sqrt", input)


@public(inplace=True, operators=("__abs__",))
def abs(input: Tensor) -> Tensor:  # noqa: A001 - torch.abs
    return _unary("abs", input, float_only=False)


@public(inplace=True)
def relu(input: Tensor) -> Tensor:
    return _unary("relu", input, float_only=False)


@public(inplace=True)
def sigmoid(input: Tensor) -> Tensor:
    return _unary("sigmoid", input)


@public(inplace=True)
def tanh(input: Tensor) -> Tensor:
    return _unary("tanh", input)


# -- more unary math ------------------------------------------------------------------------------------

@public(inplace=True)
def sin(input: Tensor) -> Tensor:
    return _unary("sin", input)


@public(inplace=True)
def cos(input: Tensor) -> Tensor:
    return _unary("cos", input)


@public(inplace=True)
def tan(input: Tensor) -> Tensor:
    return _unary("tan", input)


@public(inplace=True)
def sinh(input: Tensor) -> Tensor:
    return _unary("sinh", input)


@public(inplace=True)
def log1p(input: Tensor) -> Tensor:
    return _unary("log1p", input)


@public(inplace=True)
def expm1(input: Tensor) -> Tensor:
    return _unary("expm1", input)


@public()
def log2(input: Tensor) -> Tensor:
    return _unary("log2", input)


@public()
def log10(input: Tensor) -> Tensor:
    return _unary("log10", input)


@public(inplace=True)
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


@public(inplace=True)
def floor(input: Tensor) -> Tensor:
    return _rounding("floor", input)


@public(inplace=True)
def ceil(input: Tensor) -> Tensor:
    return _rounding("ceil", input)


@public(inplace=True)
def trunc(input: Tensor) -> Tensor:
    return _rounding("trunc", input)


@public(inplace=True)
def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001 - torch.round
    """Round half to even (RoundBackward0), or to `decimals` places (RoundBackward1)."""
    if decimals:
        copied = _integer_copy("round", input)
        return copied if copied is not None else apply("round_decimals", input, decimals=decimals)
    return _rounding("round", input)


@public(inplace=True)
def frac(input: Tensor) -> Tensor:
    return _unary("frac", input, float_only=False)


@public(name="__pos__", function=False)
def _positive(self: Tensor) -> Tensor:
    return self
