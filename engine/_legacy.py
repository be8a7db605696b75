"""The legacy constructors: torch.Tensor([...]), torch.FloatTensor(2, 3), torch.LongTensor([...]).

Old tutorials and micrograd's tests build tensors this way. The data is always converted to the
constructor's dtype (torch.Tensor's is the default float dtype); integer arguments are a shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine import _creation, _device, _dtype
from engine._names import TensorType, TorchNamed
from engine._tensor import Tensor

_SIGNATURES = (
    " * (*, torch.device device = None)\n"
    "      didn't match because some of the keywords were incorrect: {keyword}\n"
    " * (torch.Storage storage)\n * (Tensor other)\n * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n"
)


def _bad_keyword(args: tuple, kwargs: dict[str, Any]) -> TypeError:
    keyword = next(k for k in kwargs if k != "device")
    got = ", ".join([type(a).__name__ for a in args] + [f"{k}={_kind(v)}" for k, v in kwargs.items()])
    return TypeError(
        f"new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        + _SIGNATURES.format(keyword=keyword)
    )


def _kind(value: Any) -> str:
    return "torch.dtype" if isinstance(value, _dtype.dtype) else type(value).__name__


def _is_size(args: tuple) -> bool:
    return all(isinstance(a, int | np.integer) and not isinstance(a, bool) for a in args)


def legacy_new(dtype: _dtype.dtype | None, *args: Any, **kwargs: Any) -> Tensor:
    """What `torch.<Type>Tensor(*args)` returns (dtype None: torch.Tensor, the default float dtype)."""
    if any(k != "device" for k in kwargs):
        raise _bad_keyword(args, kwargs)
    _device.check_factory_device(kwargs.get("device"))
    target = dtype or _creation.get_default_dtype()
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0] if dtype is None or args[0].dtype is dtype else args[0].to(dtype)
    if len(args) == 1 and isinstance(args[0], _dtype.Size):
        args = tuple(args[0])
    if not args:
        return _creation.zeros(0, dtype=target)
    if _is_size(args):
        # torch leaves the memory uninitialised; zeros are one of the values it may show.
        return _creation.zeros(*args, dtype=target)
    if len(args) != 1:
        raise TypeError("new(): data must be a sequence (got multiple arguments)")
    data = args[0]
    if not isinstance(data, list | tuple | np.ndarray):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    return _creation.tensor(data).to(target)


class LegacyType(TorchNamed):
    """torch.FloatTensor and friends: call one to make a tensor; isinstance checks the dtype."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Tensor:
        return legacy_new(cls._dtype, *args, **kwargs)

    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, Tensor) and value.dtype is cls._dtype


def _legacy_type(dtype: _dtype.dtype) -> LegacyType:
    name = _dtype.legacy_type_name(dtype.numpy)
    return LegacyType(name.removeprefix("torch."), (), {"_dtype": dtype, "_torch_name": name})


FloatTensor = _legacy_type(_dtype.float32)
DoubleTensor = _legacy_type(_dtype.float64)
HalfTensor = _legacy_type(_dtype.float16)
LongTensor = _legacy_type(_dtype.int64)
IntTensor = _legacy_type(_dtype.int32)
ShortTensor = _legacy_type(_dtype.int16)
CharTensor = _legacy_type(_dtype.int8)
ByteTensor = _legacy_type(_dtype.uint8)
BoolTensor = _legacy_type(_dtype.bool)

TensorType.legacy_new = lambda *args, **kwargs: legacy_new(None, *args, **kwargs)
