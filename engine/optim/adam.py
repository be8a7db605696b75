"""optim.Adam: adaptive moment estimation, with optional AMSGrad and (decoupled) weight decay."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine._tensor import Tensor, write_in_place
from engine.optim.optimizer import (
    Optimizer,
    add_scaled,
    as_float,
    fused_multiply_add,
    lerp,
    parameters_with_grads,
    scalar,
)


class Adam(Optimizer):
    """p ← p − lr·m̂ / (√v̂ + eps), with bias-corrected running means m of g and v of g²."""

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        lr = as_float(lr)
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _state_for(self, param: Tensor, amsgrad: bool) -> dict[str, Any]:
        state = self.state[param]
        if not state:
            # `step` is a float32 tensor in torch, and its float32 value feeds the bias corrections.
            state["step"] = Tensor._from_array(np.zeros((), dtype=np.float32))
            state["exp_avg"] = Tensor._from_array(np.zeros_like(param._data))
            state["exp_avg_sq"] = Tensor._from_array(np.zeros_like(param._data))
            if amsgrad:
                state["max_exp_avg_sq"] = Tensor._from_array(np.zeros_like(param._data))
        return state

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps = as_float(group["lr"]), group["eps"]
        beta1, beta2 = (as_float(beta) for beta in group["betas"])
        weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
        for param, grad in parameters_with_grads(group):
            if group["maximize"]:
                grad = -grad
            state = self._state_for(param, amsgrad)
            step_tensor = state["step"]
            write_in_place(step_tensor, step_tensor._data + np.float32(1))
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    write_in_place(param, param._data * scalar(1 - lr * weight_decay, param._data))
                else:
                    grad = add_scaled(grad, param._data, weight_decay)
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            write_in_place(exp_avg, lerp(exp_avg._data, grad, 1 - beta1))
            decayed = exp_avg_sq._data * scalar(beta2, grad)
            write_in_place(exp_avg_sq, fused_multiply_add(scalar(1 - beta2, grad) * grad, grad, decayed))
            step = float(step_tensor._data)
            step_size = lr / (1 - beta1**step)
            bias_correction2_sqrt = math.sqrt(1 - beta2**step)
            second_moment = exp_avg_sq._data
            if amsgrad:
                maximum = state["max_exp_avg_sq"]
                write_in_place(maximum, np.maximum(maximum._data, exp_avg_sq._data))
                second_moment = maximum._data
            denominator = np.sqrt(second_moment) / scalar(bias_correction2_sqrt, grad) + scalar(eps, grad)
            update = scalar(-step_size, grad) * exp_avg._data / denominator
            write_in_place(param, param._data + update)
