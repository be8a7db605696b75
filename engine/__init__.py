"""A numpy re-implementation of PyTorch's autograd, importable as `torch`.

`import engine as torch` gives the names PyTorch lessons use, with torch's grad_fn names, printing,
gradients and error messages.
"""

from __future__ import annotations

import importlib
import math as _math

from engine import (
    _conversion,  # noqa: E402,F401 - float(t) warns as torch does
    _device,
    accelerator,
    autograd,  # noqa: E402
    backends,
    cuda,
)
from engine._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_default_dtype,
    linspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    set_default_dtype,
    tensor,
    zeros,
    zeros_like,
)
from engine._device import device, get_default_device, set_default_device  # noqa: E402
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
from engine._dtype import from_numpy as _dtype_of
from engine._grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from engine._legacy import (  # noqa: E402
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from engine._printing import set_printoptions
from engine._random import Generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from engine._tensor import Tensor
from engine.ops import *  # noqa: F403 - every torch-level function the op families declare
from engine.ops._args import result_type as _promoted_type

# After the op modules, which bind their own Tensor.to: the device-aware one replaces it.
_device.bind_tensor_methods()

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan


# Reproducibility recipes switch this on; every engine algorithm is deterministic already.
_deterministic = [False]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    _deterministic[0] = bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic[0]


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def __getattr__(name: str):
    # nn and optim import the core, so they load on first use (torch.nn, torch.optim).
    if name in ("nn", "optim", "utils"):
        return importlib.import_module(f"engine.{name}")
    raise AttributeError(f"module 'torch' has no attribute '{name}'")
