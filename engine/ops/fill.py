"""Fill family: fill_, zero_, copy_, the random fills uniform_/normal_, and the new_* constructors.

What a fill or copy leaves behind depends only on its arguments, so the gradient to the old value of the
tensor is zero; torch still records a node for each. `tensor[index] = value` uses `copy` and
`fill_tensor` too (engine.ops.index).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine import _creation, _random, _trace
from engine._dispatch import apply
from engine._dtype import scalar_type_name as _scalar_name
from engine._optable import op
from engine._tensor import Tensor
from engine.ops._args import _is_float, broadcast_shape
from engine.ops._declare import public
from engine.ops._inplace import in_place
from engine.ops._vjp import _same, _zero

# == op-table rows ===========================================================================================

# -- in-place writes -----------------------------------------------------------------------------------
# What a fill or copy leaves behind depends only on its arguments, so the gradient to the old value of
# the tensor is zero; torch still records a node for each. `tensor[index] = value` uses `copy` and
# `fill_tensor` too (engine.ops.index).

@op("fill", "FillBackward2", vjps=(_zero,), formula="fill(v)", local=("0",))
def _fill(a, value):
    return np.full_like(a, value)


@op("fill_tensor", "FillBackward3", vjps=(_zero, _same), formula="fill(v)", local=("0", "Σ g"))
def _fill_tensor(a, value):
    return np.full_like(a, value)


@op("copy", "torch::autograd::CopyBackwards", vjps=(_zero, _same), formula="copy(src)", local=("0", "1"))
def _copy(a, src):
    return np.array(np.broadcast_to(src, a.shape), dtype=a.dtype)


@op("zero", "ZeroBackward0", vjps=(_zero,), formula="0", local=("0",))
def _zero_forward(a):
    return np.zeros_like(a)


@op("uniform", "UniformBackward0", vjps=(_zero,), formula="U(low, high)", local=("0",))
def _uniform(a, low=0.0, high=1.0, generator=None):
    # Filled in the tensor's memory order, the order torch draws in (it differs for transposed tensors).
    return _random.init_uniform_(np.empty_like(a), low, high, generator)


@op("normal", "NormalBackward0", vjps=(_zero,), formula="N(mean, std²)", local=("0",))
def _normal(a, mean=0.0, std=1.0, generator=None):
    return _random.init_normal_(np.empty_like(a), mean, std, generator)


# == functions and methods (published by @public) ===========================================================

@public(function=False)
def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every entry to `value` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        return in_place(self, lambda source, v: apply("fill_tensor", source, v), value, check_cast=False)
    return in_place(self, lambda source: apply("fill", source, value=value), check_cast=False)


@public(function=False)
def zero_(self: Tensor) -> Tensor:
    """Set every entry to zero; `w.grad.zero_()` is how a lesson empties a gradient."""
    in_place(self, lambda source: apply("zero", source), check_cast=False)
    _trace.grads_zeroed([self], "zero_")
    return self


@public(function=False)
def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy `src` (broadcast to this shape, cast to this dtype) into this tensor."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    shape = broadcast_shape(self._data.shape, src._data.shape)
    if shape != self._data.shape:
        raise RuntimeError(
            f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(shape)}"
        )
    return in_place(self, lambda source, s: apply("copy", source, s), src, check_cast=False)


@public(function=False)
def uniform_(self: Tensor, low: float = 0.0, high: float = 1.0, *, generator: Any = None,
             **bounds: float) -> Tensor:
    """Fill with samples from U[low, high) (torch also accepts the keywords `from` and `to`)."""
    low, high = bounds.pop("from", low), bounds.pop("to", high)
    if bounds:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(bounds))}'")
    if not _is_float(self):
        raise NotImplementedError(
            f"\"check_uniform_bounds\" not implemented for '{_scalar_name(self._data.dtype)}'")
    if low > high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    attrs = {"low": low, "high": high, **({"generator": generator} if generator is not None else {})}
    return in_place(self, lambda source: apply("uniform", source, **attrs))


@public(function=False)
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std²)."""
    if not _is_float(self):
        raise NotImplementedError(
            f"\"normal_kernel_cpu\" not implemented for '{_scalar_name(self._data.dtype)}'")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    attrs = {"mean": mean, "std": std, **({"generator": generator} if generator is not None else {})}
    return in_place(self, lambda source: apply("normal", source, **attrs))


# -- new_* constructors ---------------------------------------------------------------------------------

@public(function=False)
def new_tensor(self: Tensor, data: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


@public(function=False)
def new_zeros(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


@public(function=False)
def new_ones(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


@public(function=False)
def new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


@public(function=False)
def new_empty(self: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _creation.empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)
