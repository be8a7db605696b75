"""Op table entries: elementwise arithmetic, unary math, reductions, matrix products.

Each VJP receives the incoming gradient `g` and the context `c` (saved values and attributes) and returns
the gradient for one input before unbroadcasting. The formula strings are what the graph shows.
"""

from __future__ import annotations

import numpy as np

from engine._optable import op


def _same(g: np.ndarray, c) -> np.ndarray:
    return g


def _negated(g: np.ndarray, c) -> np.ndarray:
    return -g


def _scaled(g: np.ndarray, alpha) -> np.ndarray:
    # g * 1 would copy g only to give the same numbers back.
    return g if alpha == 1 else g * alpha


def _fresh(temp, g: np.ndarray) -> bool:
    """Whether `temp`, a temporary the VJP just made, can take a result shaped like `g` in place.

    On large tensors each temporary is another pass over memory (and often fresh pages from the OS),
    so the VJPs below reuse their own temporaries. Only arrays made inside the VJP are ever written:
    the incoming gradient and the saved values may be shared.
    """
    return type(temp) is np.ndarray and temp.shape == g.shape and temp.dtype == g.dtype


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
    count = max(int(np.prod(c.shapes[0])), 1)
    return np.broadcast_to(g / np.asarray(count, dtype=g.dtype), c.shapes[0])


@op("mean", "MeanBackward0", vjps=(_mean_vjp,), formula="mean(a)", local=("1/n",))
def _mean(a, dtype=None):
    return np.asarray(a.mean(dtype=dtype), dtype=dtype or a.dtype)


def _mean_dim_vjp(g, c):
    shape = c.shapes[0]
    count = max(int(np.prod([shape[d] for d in c.attrs["dim"]])), 1)
    return _expand_back(g / np.asarray(count, dtype=g.dtype), c)


@op("mean_dim", "MeanBackward1", vjps=(_mean_dim_vjp,), formula="mean(a) over dim", local=("1/n",))
def _mean_dim(a, dim, keepdim=False, dtype=None):
    return np.asarray(a.mean(axis=dim, keepdims=keepdim, dtype=dtype), dtype=dtype or a.dtype)


# -- matrix products -----------------------------------------------------------------------------------

@op("mm", "MmBackward0", vjps=(lambda g, c: g @ c.other.T, lambda g, c: c.self.T @ g),
    saves=(("other",), ("self",)), formula="A @ B", local=("g @ Bᵀ", "Aᵀ @ g"))
def _mm(a, b):
    return a @ b


@op("mv", "MvBackward0", vjps=(lambda g, c: np.outer(g, c.other), lambda g, c: c.self.T @ g),
    saves=(("other",), ("self",)), formula="A @ v", local=("g ⊗ v", "Aᵀ @ g"))
def _mv(a, v):
    return a @ v


@op("dot", "DotBackward0", vjps=(lambda g, c: g * c.other, lambda g, c: g * c.self),
    saves=(("other",), ("self",)), formula="a · b (dot)", local=("b", "a"))
def _dot(a, b):
    return np.asarray(np.dot(a, b))


@op("bmm", "BmmBackward0", vjps=(lambda g, c: g @ np.swapaxes(c.other, -1, -2),
                                  lambda g, c: np.swapaxes(c.self, -1, -2) @ g),
    saves=(("other",), ("self",)), formula="A @ B (batched)", local=("g @ Bᵀ", "Aᵀ @ g"))
def _bmm(a, b):
    return a @ b
