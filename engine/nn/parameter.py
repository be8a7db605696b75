"""nn.Parameter: a leaf tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from engine._tensor import Tensor

PARAMETER_DTYPE_MESSAGE = "Only Tensors of floating point and complex dtype can require gradients"


class Parameter(Tensor):
    """A Tensor that is a module weight: always a leaf, printed with a `Parameter containing:` header.

    It shares its data and version counter with the tensor it wraps, as torch's does; operations on it
    return plain Tensors.
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            parameter = cls._from_array(np.empty((0,), dtype=np.float32))
        elif isinstance(data, Tensor):
            parameter = cls._from_array(data._data, data._version_counter)
        else:
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
        if requires_grad:
            parameter._set_requires_grad(True, PARAMETER_DTYPE_MESSAGE)
        return parameter._trace_created()

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        # Everything happens in __new__; this only stops Tensor.__init__ from refusing the call.
        pass

    @classmethod
    def _from_numpy(cls, array: np.ndarray, requires_grad: bool = True) -> Parameter:
        """A parameter owning `array` (how modules make their initial weights)."""
        parameter = cls._from_array(array)
        parameter._requires_grad = requires_grad
        return parameter._trace_created()

    def _print_kwargs(self) -> dict[str, Any]:
        return {"requires_grad": self._requires_grad, "grad_fn": None, "parameter": True}

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        twin = Parameter._from_numpy(self._data.copy(), self._requires_grad)
        if self._grad is not None:
            twin._grad = copy.deepcopy(self._grad, memo)
        memo[id(self)] = twin
        return twin

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (Parameter._from_numpy, (self._data.copy(), self._requires_grad))
