"""optim.SGD: stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine._tensor import Tensor, write_in_place
from engine.optim.optimizer import (
    Optimizer,
    add_scaled,
    as_float,
    parameters_with_grads,
    scalar,
)


class SGD(Optimizer):
    """p ← p − lr·g, where g may include weight decay and a momentum buffer (torch's formulation)."""

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        lr = as_float(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, momentum, dampening = as_float(group["lr"]), group["momentum"], group["dampening"]
        weight_decay = as_float(group["weight_decay"])
        for param, grad in parameters_with_grads(group):
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0:
                grad = add_scaled(grad, param._data, weight_decay)
            if momentum != 0:
                grad = self._momentum(param, grad, momentum, dampening, group["nesterov"])
            write_in_place(param, add_scaled(param._data, grad, -lr))

    def _momentum(
        self, param: Tensor, grad: np.ndarray, momentum: float, dampening: float, nesterov: bool
    ) -> np.ndarray:
        """Update the parameter's momentum buffer and return the direction to step along."""
        state = self.state[param]
        buffer = state.get("momentum_buffer")
        if buffer is None:
            buffer = Tensor._from_array(np.array(grad, copy=True))
            state["momentum_buffer"] = buffer
        else:
            decayed = buffer._data * scalar(momentum, buffer._data)
            write_in_place(buffer, add_scaled(decayed, grad, 1 - dampening))
        if nesterov:
            return add_scaled(grad, buffer._data, momentum)
        return buffer._data
