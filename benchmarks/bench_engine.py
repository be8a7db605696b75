"""Engine speed against torch's eager CPU mode, side by side in one process.

Targets (from the engine issue): per-op overhead on tensors of at most 1,000 elements no slower than torch;
backward through a 1,000-op chain no slower than torch; forward + backward on 1e6-element elementwise ops
at most 1.5x torch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

import engine
from benchmarks._harness import Result, measure

SMALL = 1_000
LARGE = 1_000_000
CHAIN = 1_000


def _small_ops(lib, x, y) -> Callable[[], object]:
    def run() -> object:
        a = x * y
        b = a + x
        c = b.exp()
        d = c.sum()
        return d

    return run


def _chain_backward(lib) -> Callable[[], object]:
    def run() -> object:
        x = lib.ones(10, requires_grad=True)
        y = x
        for _ in range(CHAIN):
            y = y * 1.0001
        y.sum().backward()
        return x.grad

    return run


def _large_fwd_bwd(lib, data: np.ndarray) -> Callable[[], object]:
    x = lib.tensor(data, requires_grad=True)

    def run() -> object:
        x.grad = None
        y = (x * x + x).tanh().exp()
        y.sum().backward()
        return x.grad

    return run


def _pair(name: str, make: Callable, target: str, number: int, repeat: int = 7) -> Result:
    ours = measure(make(engine), repeat=repeat, number=number)
    theirs = measure(make(torch), repeat=repeat, number=number)
    return Result(name, ours, theirs, "torch 2.13 eager CPU", target)


def run() -> list[Result]:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    small = rng.standard_normal(SMALL).astype(np.float32)
    large = rng.standard_normal(LARGE).astype(np.float32)

    def small_ops(lib):
        x = lib.tensor(small, requires_grad=True)
        y = lib.tensor(small)
        return _small_ops(lib, x, y)

    return [
        _pair("4 ops on 1,000 elements, requires_grad (per op x4)", small_ops, "<= 1.0x", number=200),
        _pair("backward through a 1,000-op chain", _chain_backward, "<= 1.0x", number=3),
        _pair("fwd+bwd, 1e6-element elementwise ops", lambda lib: _large_fwd_bwd(lib, large), "<= 1.5x", number=1),
    ]
