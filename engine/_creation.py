"""Tensor creation: torch.tensor, ones, zeros, full, eye, arange, linspace and the random creators."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from engine import _device, _dtype, _printing, _random
from engine._tensor import ONLY_FLOAT_GRAD_FACTORY, Tensor

MAX_ELEMENTS_MESSAGE = "Trying to create tensor with negative dimension {dim}: {shape}"

# The dtype Python floats and float factories get (torch.set_default_dtype); a list so it can change.
_default_float = [_dtype.float32]


def get_default_dtype() -> _dtype.dtype:
    return _default_float[0]


def set_default_dtype(d: _dtype.dtype) -> None:
    if not isinstance(d, _dtype.dtype) or d not in (_dtype.float32, _dtype.float64, _dtype.float16):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float[0] = d
    _printing.set_default_float(d.numpy)


def _default_numpy() -> np.dtype:
    return _default_float[0].numpy


def _numpy_dtype(dtype: Any) -> np.dtype | None:
    if dtype is None:
        return None
    if isinstance(dtype, _dtype.dtype):
        return dtype.numpy
    if dtype is float:
        return np.dtype(np.float64)
    if dtype is int:
        return np.dtype(np.int64)
    if dtype is bool:
        return np.dtype(np.bool_)
    raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")


def _finish(data: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    _device.check_factory_device(device)
    tensor = Tensor._from_array(data)
    if requires_grad:
        if not tensor.dtype.is_floating_point:
            raise RuntimeError(ONLY_FLOAT_GRAD_FACTORY)
        tensor._requires_grad = True
    return tensor._trace_created()


def _infer_nested(data: Any, depth: int = 0) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and torch's inferred dtype of nested Python sequences, with torch's errors."""
    if isinstance(data, Tensor):
        return tuple(data.shape), data._data.dtype
    if isinstance(data, bool | np.bool_):
        return (), np.dtype(np.bool_)
    if isinstance(data, numbers.Integral):
        return (), np.dtype(np.int64)
    if isinstance(data, numbers.Real):
        return (), _default_numpy()
    if isinstance(data, np.ndarray):
        return data.shape, data.dtype
    if not isinstance(data, list | tuple):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if len(data) == 0:
        return (0,), _default_numpy()
    shapes_dtypes = [_infer_nested(item, depth + 1) for item in data]
    first = shapes_dtypes[0][0]
    for shape, _ in shapes_dtypes[1:]:
        if len(shape) != len(first) or shape != first:
            if len(first) and len(shape) and len(shape) == len(first):
                raise ValueError(
                    f"expected sequence of length {first[0]} at dim {depth + 1} (got {shape[0]})"
                )
            raise ValueError(f"expected sequence of length {first[0] if first else 0} at dim {depth + 1} "
                             f"(got {shape[0] if shape else 0})")
    kinds = [dtype for _, dtype in shapes_dtypes]
    result = kinds[0]
    for dtype in kinds[1:]:
        result = _promote_inferred(result, dtype)
    return (len(data), *first), result


def _promote_inferred(a: np.dtype, b: np.dtype) -> np.dtype:
    order = {"b": 0, "u": 1, "i": 1, "f": 2}
    if a == b:
        return a
    if order[a.kind] == order[b.kind]:
        return np.promote_types(a, b)
    return a if order[a.kind] > order[b.kind] else b


def _to_plain(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, list | tuple):
        return [_to_plain(item) for item in data]
    return data


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """torch.tensor: always copies; infers float32 for floats, int64 for ints, bool for bools."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
    shape, inferred = _infer_nested(data)
    target = _numpy_dtype(dtype) or inferred
    array = np.array(_to_plain(data), dtype=target).reshape(shape)
    return _finish(array, requires_grad, device)


as_tensor = tensor


def from_numpy(array: np.ndarray) -> Tensor:
    return Tensor._from_array(np.asarray(array))._trace_created()


def _shape(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], list | tuple):
        size = tuple(size[0])
    shape = tuple(int(d) for d in size)
    for d in shape:
        if d < 0:
            raise RuntimeError(MAX_ELEMENTS_MESSAGE.format(dim=d, shape=list(shape)))
    return shape


def _filled(size: tuple, value: Any, dtype: Any, requires_grad: bool, default: Any = None,
            device: Any = None) -> Tensor:
    target = _numpy_dtype(dtype) or default or _default_numpy()
    return _finish(np.full(_shape(size), value, dtype=target), requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _filled(size, 1, dtype, requires_grad, device=device)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _filled(size, 0, dtype, requires_grad, device=device)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _filled(size, 0, dtype, requires_grad, device=device)


def full(size: Any, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    _, inferred = _infer_nested(fill_value)
    return _filled((size,), fill_value, dtype, requires_grad, default=inferred, device=device)


def _like(input: Tensor, value: Any, dtype: Any, requires_grad: bool) -> Tensor:
    return _finish(np.full(input._data.shape, value, dtype=_numpy_dtype(dtype) or input._data.dtype),
                   requires_grad)


def ones_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _like(input, 1, dtype, requires_grad)


def zeros_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    return _like(input, 0, dtype, requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(input, fill_value, dtype, requires_grad)


def empty_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(input, 0, dtype, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: Any = None, requires_grad: bool = False,
        device: Any = None) -> Tensor:
    columns = m if m is not None else n
    return _finish(np.eye(n, columns, dtype=_numpy_dtype(dtype) or _default_numpy()), requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, requires_grad: bool = False,
           device: Any = None) -> Tensor:
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    values = (start, end, step)
    is_float = any(isinstance(v, float) or (isinstance(v, Tensor) and v.is_floating_point()) for v in values)
    default = _default_numpy() if is_float else np.int64
    count = int(np.ceil((end - start) / step))
    data = (start + np.arange(count, dtype=np.float64) * step).astype(_numpy_dtype(dtype) or default)
    return _finish(data, requires_grad, device)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, requires_grad: bool = False,
             device: Any = None) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    target = _numpy_dtype(dtype) or _default_numpy()
    if steps == 1:
        return _finish(np.array([start], dtype=target), requires_grad, device)
    index = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    halfway = steps // 2
    # torch fills the first half from `start` and the second half from `end`, so both ends are exact.
    data = np.where(index < halfway, start + step * index, end - step * (steps - 1 - index))
    return _finish(data.astype(target), requires_grad, device)


# -- random creators ------------------------------------------------------------------------------------

def _float_dtype(dtype: Any) -> np.dtype:
    return _numpy_dtype(dtype) or _default_numpy()


def _size_argument(size: tuple, kwargs: dict[str, Any]) -> tuple[int, ...]:
    """The shape of `rand(2, 3)`, `rand((2, 3))` or `rand(size=(2, 3))`."""
    if "size" in kwargs:
        size = (kwargs.pop("size"),)
    if kwargs:
        raise TypeError(f"got an unexpected keyword argument '{next(iter(kwargs))}'")
    return _shape(size)


def rand(*size: Any, generator: Any = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None, **kwargs: Any) -> Tensor:
    gen = generator or _random.default_generator
    return _finish(gen.uniform(_size_argument(size, kwargs), _float_dtype(dtype)), requires_grad, device)


def randn(*size: Any, generator: Any = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None, **kwargs: Any) -> Tensor:
    gen = generator or _random.default_generator
    return _finish(gen.normal(_size_argument(size, kwargs), _float_dtype(dtype)), requires_grad, device)


def rand_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint(low: int, high: int | None = None, size: Any = None, *, generator: Any = None, dtype: Any = None,
            requires_grad: bool = False, device: Any = None) -> Tensor:
    if size is None:
        if high is None or not isinstance(high, tuple | list):
            raise TypeError("randint() missing 1 required positional arguments: \"size\"")
        low, high, size = 0, low, high
    elif high is None:
        raise TypeError("randint() missing 1 required positional arguments: \"high\"")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    gen = generator or _random.default_generator
    target = _numpy_dtype(dtype) or np.dtype(np.int64)
    return _finish(gen.randint(low, high, _shape((size,)), target), requires_grad, device)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, requires_grad: bool = False,
             device: Any = None) -> Tensor:
    gen = generator or _random.default_generator
    return _finish(gen.randperm(n, _numpy_dtype(dtype) or np.dtype(np.int64)), requires_grad, device)


def normal(mean: float = 0.0, std: float = 1.0, size: Any = None, *, generator: Any = None, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:
    if size is None:
        raise NotImplementedError("torch.normal with tensor mean/std is not supported; pass size=")
    gen = generator or _random.default_generator
    return _finish(gen.normal(_shape((size,)), _float_dtype(dtype), mean, std), requires_grad, device)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """torch.multinomial: indices drawn from each row of `input`, read as unnormalised probabilities."""
    gen = generator or _random.default_generator
    return _finish(gen.multinomial(input._data, int(num_samples), bool(replacement)), False)


def _bind_methods() -> None:
    Tensor.multinomial = multinomial
    Tensor.exponential_ = _exponential_


def _exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    from engine._tensor import write_in_place

    gen = generator or _random.default_generator
    write_in_place(self, gen.exponential(self._data.shape, self._data.dtype, lambd))
    return self


_bind_methods()
