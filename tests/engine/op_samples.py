"""One sample call per op-table entry, written once and run under both torch and the engine.

`call(lib, *tensors)` must end in the op itself, so its result's grad_fn is that op's node. Inputs keep
away from kinks (relu at 0, abs at 0, clamp bounds, ties in max) so finite differences are meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Sample:
    call: Callable[..., Any]
    inputs: tuple[Any, ...]
    differentiable: tuple[int, ...] = (0,)


_rng = np.random.default_rng(1234)


def _values(*shape: int, low: float = -2.0, high: float = 2.0, away_from: float | None = 0.0) -> np.ndarray:
    values = _rng.uniform(low, high, size=shape)
    if away_from is not None:
        close = np.abs(values - away_from) < 0.2
        values[close] += 0.5 * np.sign(values[close] - away_from + 1e-9)
    return values


def _positive(*shape: int) -> np.ndarray:
    return _rng.uniform(0.5, 2.0, size=shape)


A = _values(2, 3)
B = _values(2, 3)
ROW = _values(3)
P = _positive(2, 3)

SAMPLES: dict[str, Sample] = {
    "add": Sample(lambda lib, a, b: a.add(b, alpha=2), (A, ROW), (0, 1)),
    "sub": Sample(lambda lib, a, b: a - b, (A, ROW), (0, 1)),
    "rsub_scalar": Sample(lambda lib, a: 2 - a, (A,)),
    "mul": Sample(lambda lib, a, b: a * b, (A, B), (0, 1)),
    "div": Sample(lambda lib, a, b: a / b, (A, P), (0, 1)),
    "reciprocal": Sample(lambda lib, a: a.reciprocal(), (P,)),
    "neg": Sample(lambda lib, a: -a, (A,)),
    "pow_scalar": Sample(lambda lib, a: a**3, (A,)),
    "pow": Sample(lambda lib, a, b: a**b, (P, A), (0, 1)),
    "rpow_scalar": Sample(lambda lib, a: 2.5**a, (A,)),
    "exp": Sample(lambda lib, a: a.exp(), (A,)),
    "log": Sample(lambda lib, a: a.log(), (P,)),
    "sqrt": Sample(lambda lib, a: a.sqrt(), (P,)),
    "abs": Sample(lambda lib, a: a.abs(), (A,)),
    "relu": Sample(lambda lib, a: a.relu(), (A,)),
    "sigmoid": Sample(lambda lib, a: a.sigmoid(), (A,)),
    "tanh": Sample(lambda lib, a: a.tanh(), (A,)),
    "sum": Sample(lambda lib, a: a.sum(), (A,)),
    "sum_dim": Sample(lambda lib, a: a.sum(dim=1, keepdim=True), (A,)),
    "mean": Sample(lambda lib, a: a.mean(), (A,)),
    "mean_dim": Sample(lambda lib, a: a.mean(0), (A,)),
    "mm": Sample(lambda lib, a, b: a.mm(b), (A, _values(3, 4)), (0, 1)),
    "mv": Sample(lambda lib, a, b: a.mv(b), (A, ROW), (0, 1)),
    "dot": Sample(lambda lib, a, b: a.dot(b), (ROW, _values(3)), (0, 1)),
    "bmm": Sample(lambda lib, a, b: a.bmm(b), (_values(2, 2, 3), _values(2, 3, 2)), (0, 1)),
}


def _seeded(lib, tensor):
    # Random fills compare against torch (and against themselves under finite differences) from one seed.
    lib.manual_seed(0)
    return tensor


def _row_scaled_in_place(tensor, factor):
    # An in-place op on a view (the first row) is recorded on the base as CopySlices.
    tensor[0].mul_(factor)
    return tensor


# max/min, clamp, softmax, more math, products, spread, norms and the in-place fills (engine/_ops_reduce.py).
LOW = A - 0.5 * np.sign(A)  # every entry of A lies outside [LOW, HIGH] or well inside it, never on a bound
HIGH = _values(2, 3, low=0.5, high=1.5, away_from=None)
SAMPLES.update(
    {
        "max": Sample(lambda lib, a: a.max(), (A,)),
        "min": Sample(lambda lib, a: a.min(), (A,)),
        "max_dim": Sample(lambda lib, a: a.max(1).values, (A,)),
        "min_dim": Sample(lambda lib, a: a.min(0, keepdim=True)[0], (A,)),
        "amax": Sample(lambda lib, a: a.amax(1), (A,)),
        "amin": Sample(lambda lib, a: a.amin((0, 1), keepdim=True), (A,)),
        "maximum": Sample(lambda lib, a, b: lib.maximum(a, b), (A, B), (0, 1)),
        "minimum": Sample(lambda lib, a, b: lib.minimum(a, b), (A, ROW), (0, 1)),
        "clamp": Sample(lambda lib, a: a.clamp(0, 1), (P - 0.25,)),
        "clamp_min": Sample(lambda lib, a: a.clamp_min(0), (A,)),
        "clamp_max": Sample(lambda lib, a: a.clamp_max(0), (A,)),
        "clamp_tensor": Sample(lambda lib, a, lo, hi: a.clamp(lo, hi), (A, LOW, HIGH), (0, 1, 2)),
        "clamp_min_tensor": Sample(lambda lib, a, lo: a.clamp_min(lo), (A, B), (0, 1)),
        "clamp_max_tensor": Sample(lambda lib, a, hi: a.clamp_max(hi), (A, B), (0, 1)),
        "softmax": Sample(lambda lib, a: a.softmax(1), (A,)),
        "log_softmax": Sample(lambda lib, a: a.log_softmax(0), (A,)),
        "sin": Sample(lambda lib, a: a.sin(), (A,)),
        "cos": Sample(lambda lib, a: a.cos(), (A,)),
        "tan": Sample(lambda lib, a: (a * 0.5).tan(), (A,)),
        "sinh": Sample(lambda lib, a: lib.sinh(a), (A,)),
        "log1p": Sample(lambda lib, a: a.log1p(), (P,)),
        "expm1": Sample(lambda lib, a: a.expm1(), (A,)),
        "log2": Sample(lambda lib, a: a.log2(), (P,)),
        "log10": Sample(lambda lib, a: a.log10(), (P,)),
        "sign": Sample(lambda lib, a: a.sign(), (A,)),
        "floor": Sample(lambda lib, a: a.floor(), (A,)),
        "ceil": Sample(lambda lib, a: a.ceil(), (A,)),
        "trunc": Sample(lambda lib, a: a.trunc(), (A,)),
        "round": Sample(lambda lib, a: a.round(), (A,)),
        "round_decimals": Sample(lambda lib, a: a.round(decimals=1), (A,)),
        "frac": Sample(lambda lib, a: a.frac(), (A,)),
        "prod": Sample(lambda lib, a: a.prod(), (A,)),
        "prod_dim": Sample(lambda lib, a: a.prod(1, keepdim=True), (A,)),
        "var": Sample(lambda lib, a: a.var(1), (A,)),
        "std": Sample(lambda lib, a: a.std(), (A,)),
        "vector_norm": Sample(lambda lib, a: a.norm(p=3, dim=0), (A,)),
        "fill": Sample(lambda lib, a: (a * 1).fill_(2.0), (A,)),
        "zero": Sample(lambda lib, a: (a * 1).zero_(), (A,)),
        "fill_tensor": Sample(lambda lib, a, v: (a * 1).fill_(v), (A, np.array(1.5)), (0, 1)),
        "copy": Sample(lambda lib, a, src: (a * 1).copy_(src), (A, ROW), (0, 1)),
        "view_write": Sample(lambda lib, a, b: _row_scaled_in_place(a * 1, b), (A, ROW), (0, 1)),
        "uniform": Sample(lambda lib, a: _seeded(lib, a * 1).uniform_(-1, 1), (A,)),
        "normal": Sample(lambda lib, a: _seeded(lib, a * 1).normal_(0.5, 2.0), (A,)),
    }
)

_PROBABILITIES = _rng.uniform(0.1, 0.9, size=(2, 3))
_LABELS = _rng.uniform(0.1, 0.9, size=(2, 3))
_DISTRIBUTION = _LABELS / _LABELS.sum(axis=1, keepdims=True)

# nn.functional
SAMPLES.update(
    {
        "addmm": Sample(
            lambda lib, b, x, w: lib.nn.functional.linear(x, w, b), (_values(4), A, _values(4, 3)), (0, 1, 2)
        ),
        "mse_loss": Sample(lambda lib, a, b: lib.nn.functional.mse_loss(a, b), (A, B), (0, 1)),
        "binary_cross_entropy": Sample(
            lambda lib, p, y: lib.nn.functional.binary_cross_entropy(p, y), (_PROBABILITIES, _LABELS), (0, 1)
        ),
        "binary_cross_entropy_with_logits": Sample(
            lambda lib, x, y: lib.nn.functional.binary_cross_entropy_with_logits(x, y), (A, _LABELS), (0, 1)
        ),
        "nll_loss": Sample(lambda lib, x, t: lib.nn.functional.nll_loss(x, t), (A, np.array([0, 2])), (0,)),
        "div_scalar_nn": Sample(
            lambda lib, x, p: lib.nn.functional.cross_entropy(x, p), (A, _DISTRIBUTION), (0,)
        ),
    }
)


def _put(tensor, index, value):
    tensor[index] = value
    return tensor


def _written_view(tensor):
    # Writing into a view regenerates it from its base: AsStridedBackward0.
    row = tensor[1]
    row[0] = 5.0
    return row


# Views, copies, indexing and joining (engine/_ops_shape.py).
X234 = _values(2, 3, 4)
SAMPLES.update(
    {
        "view": Sample(lambda lib, a: a.view(6, 4), (X234,)),
        "reshape_alias": Sample(lambda lib, a: a.transpose(0, 1).reshape(3, 2, 2, 2), (X234,)),
        "unsafe_view": Sample(lambda lib, a: a.transpose(0, 1).reshape(-1), (X234,)),
        "alias": Sample(lambda lib, a: a[...], (X234,)),
        "transpose": Sample(lambda lib, a: a.transpose(0, 2), (X234,)),
        "t": Sample(lambda lib, a: a.t(), (A,)),
        "permute": Sample(lambda lib, a: a.permute(2, 0, 1), (X234,)),
        "unsqueeze": Sample(lambda lib, a: a.unsqueeze(1), (A,)),
        "squeeze": Sample(lambda lib, a: a.unsqueeze(1).squeeze(), (A,)),
        "squeeze_dim": Sample(lambda lib, a: a.unsqueeze(1).squeeze(1), (A,)),
        "squeeze_dims": Sample(lambda lib, a: a.unsqueeze(1).squeeze((0, 1)), (A,)),
        "squeeze_all_inplace": Sample(lambda lib, a: (a.unsqueeze(1) * 1).squeeze_(), (A,)),
        "squeeze_inplace": Sample(lambda lib, a: (a.unsqueeze(1) * 1).squeeze_(1), (A,)),
        "squeeze_dims_inplace": Sample(lambda lib, a: (a.unsqueeze(1) * 1).squeeze_((1,)), (A,)),
        "unsqueeze_inplace": Sample(lambda lib, a: (a * 1).unsqueeze_(0), (A,)),
        "expand": Sample(lambda lib, a: a[:, :1].expand(4, 2, 3), (A,)),
        "select": Sample(lambda lib, a: a[:, 1], (X234,)),
        "slice": Sample(lambda lib, a: a[:, 1::2], (X234,)),
        "split": Sample(lambda lib, a: a.split(3, 2)[1], (X234,)),
        "split_with_sizes": Sample(lambda lib, a: a.split([1, 3], 2)[1], (X234,)),
        "unbind": Sample(lambda lib, a: a.unbind(1)[2], (X234,)),
        "as_strided": Sample(lambda lib, a: _written_view(a * 1), (X234,)),
        "clone": Sample(lambda lib, a: a.clone(), (A,)),
        "to_dtype": Sample(lambda lib, a: a.to(a.dtype, copy=True), (A,)),
        "index": Sample(lambda lib, a: a[[1, 0, 1], 1:], (A,)),
        "index_put": Sample(lambda lib, a, b: _put(a * 1, [0, 1], b), (A, ROW), (0, 1)),
        "where": Sample(lambda lib, a, b: lib.where(a > 0, a, b), (A, B), (0, 1)),
        "cat[2]": Sample(lambda lib, a, b: lib.cat([a, b], 1), (A, B), (0, 1)),
        "stack[2]": Sample(lambda lib, a, b: lib.stack([a, b], 1), (A, B), (0, 1)),
    }
)
