"""optim.RMSprop: steps scaled by a running root-mean-square of the gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine._tensor import Tensor, write_in_place
from engine.optim.optimizer import (
    Optimizer,
    add_scaled,
    as_float,
    check_non_negative,
    fused_multiply_add,
    lerp,
    parameters_with_grads,
    scalar,
    step_counter,
)


class RMSprop(Optimizer):
    """p ← p − lr·g / (√v + eps), v the running mean of g² (centred: minus the squared mean of g)."""

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        lr = as_float(lr)
        for label, value in (("learning rate", lr), ("epsilon value", eps), ("momentum value", momentum),
                             ("weight_decay value", weight_decay), ("alpha value", alpha)):
            check_non_negative(label, value)
        defaults = {
            "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
            "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _state_for(self, param: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = self.state[param]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = Tensor._from_array(np.zeros_like(param._data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = Tensor._from_array(np.zeros_like(param._data))
            if group["centered"]:
                state["grad_avg"] = Tensor._from_array(np.zeros_like(param._data))
        return state

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = as_float(group["lr"]), group["alpha"], group["eps"]
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        for param, grad in parameters_with_grads(group):
            if group["maximize"]:
                grad = -grad
            state = self._state_for(param, group)
            write_in_place(state["step"], state["step"]._data + np.float32(1))
            if weight_decay != 0:
                grad = add_scaled(grad, param._data, weight_decay)
            square_avg = state["square_avg"]
            decayed = square_avg._data * scalar(alpha, grad)
            write_in_place(square_avg, fused_multiply_add(scalar(1 - alpha, grad) * grad, grad, decayed))
            if group["centered"]:
                grad_avg = state["grad_avg"]
                write_in_place(grad_avg, lerp(grad_avg._data, grad, 1 - alpha))
                mean = grad_avg._data
                variance = fused_multiply_add(scalar(-1, grad) * mean, mean, square_avg._data)
                avg = np.sqrt(variance) + scalar(eps, grad)
            else:
                avg = np.sqrt(square_avg._data) + scalar(eps, grad)
            if momentum > 0:
                buffer = state["momentum_buffer"]
                write_in_place(buffer, buffer._data * scalar(momentum, grad) + grad / avg)
                write_in_place(param, add_scaled(param._data, buffer._data, -lr))
            else:
                write_in_place(param, param._data + scalar(-lr, grad) * grad / avg)
