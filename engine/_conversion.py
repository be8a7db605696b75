"""float(t) on a tensor that requires grad: torch's one-time warning, then the value."""

from __future__ import annotations

import warnings

from engine._tensor import Tensor

SCALAR_GRAD_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)"
)
# torch warns once per process (TORCH_WARN_ONCE), not once per call site.
_warned = [False]
_plain_float = Tensor.__float__


def _float(self: Tensor) -> float:
    value = _plain_float(self)
    if self._requires_grad and not _warned[0]:
        _warned[0] = True
        warnings.warn(SCALAR_GRAD_WARNING, UserWarning, stacklevel=2)
    return value


Tensor.__float__ = _float
