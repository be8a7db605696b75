"""optim.Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far."""

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
    parameters_with_grads,
    scalar,
    step_counter,
)


class Adagrad(Optimizer):
    """p ← p − clr·g / (√(Σg²) + eps), with clr = lr / (1 + (step − 1)·lr_decay)."""

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        lr = as_float(lr)
        checks = (("learning rate", lr), ("lr_decay value", lr_decay), ("weight_decay value", weight_decay),
                  ("initial_accumulator_value value", initial_accumulator_value), ("epsilon value", eps))
        for label, value in checks:
            check_non_negative(label, value)
        defaults = {
            "lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable, "fused": fused,
        }
        super().__init__(params, defaults)
        # Adagrad makes its state when it is built, not at the first step.
        for group in self.param_groups:
            for param in group["params"]:
                self.state[param]["step"] = step_counter()
                self.state[param]["sum"] = Tensor._from_array(
                    np.full_like(param._data, group["initial_accumulator_value"])
                )

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = as_float(group["lr"]), group["lr_decay"], group["eps"]
        weight_decay = group["weight_decay"]
        for param, grad in parameters_with_grads(group):
            if group["maximize"]:
                grad = -grad
            state = self.state[param]
            write_in_place(state["step"], state["step"]._data + np.float32(1))
            if weight_decay != 0:
                grad = add_scaled(grad, param._data, weight_decay)
            step = float(state["step"]._data)
            clr = lr / (1 + (step - 1) * lr_decay)
            total = state["sum"]
            write_in_place(total, fused_multiply_add(scalar(1, grad) * grad, grad, total._data))
            std = np.sqrt(total._data) + scalar(eps, grad)
            write_in_place(param, param._data + scalar(-clr, grad) * grad / std)
