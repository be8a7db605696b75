"""torch.nn.init: fill a tensor in place (without recording a graph) and return it.

The random fills draw from the engine's torch-identical generator, so after the same `manual_seed`
they give torch's numbers.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from engine import _random
from engine._tensor import Tensor
from engine._tensor import write_in_place as _write_in_place

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def _writable(tensor: Tensor) -> np.ndarray:
    if not tensor._data.flags.writeable:
        tensor._data = tensor._data.copy()
    return tensor._data


def _filled(tensor: Tensor) -> Tensor:
    """Mark an in-place write: the version counter moves, like every in-place op in torch."""
    tensor._version_counter[0] += 1
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    _write_in_place(tensor, val)
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: object = None) -> Tensor:
    _random.init_uniform_(_writable(tensor), a, b)
    return _filled(tensor)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: object = None) -> Tensor:
    _random.init_normal_(_writable(tensor), mean, std)
    return _filled(tensor)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended scale of the weights feeding `nonlinearity`."""
    return _random.calculate_gain(nonlinearity, param)


def _is_empty(tensor: Tensor) -> bool:
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: object = None,
) -> Tensor:
    """He initialisation: U(−b, b) with b = gain·√(3 / fan)."""
    if _is_empty(tensor):
        return tensor
    bound = math.sqrt(3.0) * _random.kaiming_std(tuple(tensor.shape), a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: object = None,
) -> Tensor:
    """He initialisation: N(0, std²) with std = gain / √fan."""
    if _is_empty(tensor):
        return tensor
    return normal_(tensor, 0.0, _random.kaiming_std(tuple(tensor.shape), a, mode, nonlinearity))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: object = None) -> Tensor:
    """Glorot initialisation: U(−b, b) with b = gain·√(6 / (fan_in + fan_out))."""
    bound = math.sqrt(3.0) * _random.xavier_std(tuple(tensor.shape), gain)
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: object = None) -> Tensor:
    """Glorot initialisation: N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    return normal_(tensor, 0.0, _random.xavier_std(tuple(tensor.shape), gain))
