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
