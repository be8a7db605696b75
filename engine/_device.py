"""torch.device and the device idiom of modern scripts, on an engine that only has a CPU.

`device = "cuda" if torch.cuda.is_available() else "cpu"` followed by `.to(device)` is in the first
lines of most tutorials, so the engine answers those questions as a CPU-only torch build does: the CPU
works, every other device fails with the error that build raises, at the moment it raises it.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from engine import _dtype
from engine._names import TorchNamed
from engine._tensor import Tensor

# The device types torch's parser knows, in the order its error message lists them.
_KNOWN_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
    "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip
_DEVICE_STRING = re.compile(r"([a-z_]+)(?::(\d+))?")
NO_ACCELERATOR = "Cannot access accelerator device when none is available."
# A CPU-only build names the backend it was not compiled with; mps has its own wording.
_NOT_COMPILED = {"cuda": "CUDA", "xpu": "XPU", "hip": "HIP", "hpu": "HPU", "mtia": "MTIA"}


class device(metaclass=TorchNamed):  # noqa: N801 - the public name is torch's
    """torch.device: a type ("cpu", "cuda", ...) and an optional index."""

    __slots__ = ("type", "index")
    _torch_name = "torch.device"

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002 - torch's name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError(NO_ACCELERATOR)
        if not isinstance(type, str):
            raise TypeError(_invalid_arguments(type))
        self.type, parsed_index = _parse(type)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.index = parsed_index if index is None else index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # torch compares devices with devices only: device("cpu") == "cpu" is False.
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (self.type, self.index))


def _parse(text: str) -> tuple[str, int | None]:
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        if text.split(":")[0] in _KNOWN_TYPES:
            raise RuntimeError(f"Invalid device string: '{text}'")
        raise RuntimeError(_unknown_type(text))
    kind, index = match.groups()
    if kind not in _KNOWN_TYPES:
        raise RuntimeError(_unknown_type(text))
    return kind, None if index is None else int(index)


def _unknown_type(text: str) -> str:
    return f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start of device string: {text}"


def _invalid_arguments(value: Any) -> str:
    return (
        f"device() received an invalid combination of arguments - got ({type(value).__name__}), but expected "
        "one of:\n * (torch.device device)\n      didn't match because some of the arguments have invalid "
        f"types: (!{type(value).__name__}!)\n * (str type, int index = -1)\n"
    )


CPU = device("cpu")


def as_device(value: Any) -> device:
    """A device argument (string, torch.device or index) as a torch.device, without checking it exists."""
    return value if isinstance(value, device) else device(value)


def check_usable(value: Any) -> device:
    """The device, if this CPU-only engine can put a tensor there; else the error a CPU-only torch raises."""
    target = as_device(value)
    if target.type == "cpu":
        return target
    if target.type in _NOT_COMPILED:
        raise AssertionError(f"Torch not compiled with {_NOT_COMPILED[target.type]} enabled")
    if target.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    raise RuntimeError(f"The engine has no {target.type} device: only the CPU")


# -- the default device -------------------------------------------------------------------------------

_default = [CPU]


def set_default_device(value: Any) -> None:
    """torch.set_default_device: accepted as given; a missing device fails when a tensor is made on it."""
    _default[0] = CPU if value is None else as_device(value)


def get_default_device() -> device:
    return _default[0]


def check_factory_device(value: Any = None) -> None:
    """Creation functions: the explicit `device=` or, without one, the default device must be usable."""
    check_usable(_default[0] if value is None else value)


# -- torch.cuda and torch.accelerator on a machine without them ------------------------------------------


def _cuda_missing(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("Torch not compiled with CUDA enabled")


def _nothing(*args: Any, **kwargs: Any) -> None:
    """What torch.cuda.manual_seed and friends do without CUDA: nothing, silently."""


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _zero(*args: Any, **kwargs: Any) -> int:
    return 0


# -- Tensor methods -----------------------------------------------------------------------------------


def _split_to_arguments(args: tuple, dtype: Any, device_arg: Any) -> tuple[Any, Any]:
    """Tensor.to's overloads: to(dtype), to(device, dtype), to(other tensor), with keywords mixed in."""
    for arg in args:
        if isinstance(arg, _dtype.dtype):
            dtype = arg
        elif isinstance(arg, Tensor):
            dtype, device_arg = arg.dtype, CPU
        elif isinstance(arg, bool):  # to(device, dtype, non_blocking) passes a bool positionally
            continue
        elif arg is not None:
            device_arg = arg
    return dtype, device_arg


def tensor_to(self: Tensor, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False,
              non_blocking: bool = False, memory_format: Any = None) -> Tensor:
    """Tensor.to: the same tensor when nothing changes, else a ToCopyBackward0 copy (as torch does)."""
    from engine._dispatch import apply

    dtype, target = _split_to_arguments(args, dtype, device)
    if target is not None:
        check_usable(target)
    if dtype is None and not copy:
        return self
    numpy_dtype = self._data.dtype if dtype is None else dtype.numpy
    if numpy_dtype == self._data.dtype and not copy:
        return self
    return apply("to_dtype", self, dtype=np.dtype(numpy_dtype))


def tensor_cpu(self: Tensor, memory_format: Any = None) -> Tensor:
    return self


def tensor_cuda(self: Tensor, device: Any = None, non_blocking: bool = False, memory_format: Any = None):
    if isinstance(device, int) and not isinstance(device, bool):
        raise RuntimeError(NO_ACCELERATOR)
    raise AssertionError("Torch not compiled with CUDA enabled")


def bind_tensor_methods() -> None:
    """Install the device-aware Tensor methods (engine/__init__ calls this after the op modules)."""
    Tensor.to = tensor_to
    Tensor.cpu = tensor_cpu
    Tensor.cuda = tensor_cuda
    Tensor.device = property(lambda self: CPU)
    Tensor.get_device = lambda self: -1

