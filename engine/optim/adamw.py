"""optim.AdamW: Adam with the weight decay applied to the parameters directly (decoupled)."""

from __future__ import annotations

from typing import Any

from engine._tensor import Tensor
from engine.optim.adam import Adam


class AdamW(Adam):
    """Adam whose weight decay shrinks the parameters, p ← p·(1 − lr·λ), before the Adam step.

    Only the default weight decay (1e-2 instead of 0) and the decoupling differ from Adam; the other
    keyword options (maximize, foreach, ...) are Adam's.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False,
                 **options: Any) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True, **options
        )
