"""A numpy re-implementation of PyTorch's autograd, importable as `torch`.

`import engine as torch` gives the names PyTorch lessons use, with torch's grad_fn names, printing,
gradients and error messages.
"""

from __future__ import annotations

import importlib
import math as _math

from engine import autograd
from engine._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from engine._dtype import (
    Size,
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from engine._grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from engine._random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from engine._tensor import Tensor
from engine.ops import *  # noqa: F403 - every torch-level function the op families declare

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
FloatTensor = Tensor


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def __getattr__(name: str):
    # nn and optim import the core, so they load on first use (torch.nn, torch.optim).
    if name in ("nn", "optim"):
        return importlib.import_module(f"engine.{name}")
    raise AttributeError(f"module 'torch' has no attribute '{name}'")
