"""nn family rows: addmm (nn.Linear's node) and the loss functions.

The functions built on them are torch.nn.functional's, in engine/nn/functional.py (the torch.nn
namespace, not torch's or Tensor's, so they carry no `@public` declarations).

Losses are single nodes in torch (MseLossBackward0, NllLossBackward0, ...), so each is one entry here
with its reduction as an attribute. Index targets and class weights are not differentiable in torch and
never appear in `next_functions`, so they travel as attributes rather than as tensor inputs.
"""

from __future__ import annotations

import numpy as np

from engine._optable import op

# torch clamps log terms of the binary cross entropy at -100 and its gradient denominator at 1e-12.
LOG_FLOOR = -100.0
BCE_EPSILON = 1e-12


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(loss.mean(), dtype=loss.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _reduction_scale(g: np.ndarray, count: int, reduction: str) -> np.ndarray:
    """The incoming gradient spread over the elements a reduction consumed."""
    if reduction == "mean":
        return g / np.asarray(count, dtype=g.dtype)
    return g


def _scalar(value: float, like: np.ndarray) -> np.ndarray:
    return np.asarray(value, dtype=like.dtype)


# -- nn.Linear ----------------------------------------------------------------------------------------


@op(
    "addmm",
    "AddmmBackward0",
    vjps=(lambda g, c: g, lambda g, c: g @ c.third.T, lambda g, c: c.other.T @ g),
    saves=((), ("third",), ("other",)),
    formula="b + A @ B",
    local=("1", "g @ Bᵀ", "Aᵀ @ g"),
)
def _addmm(bias, mat1, mat2):
    return (mat1 @ mat2 + bias).astype(mat1.dtype, copy=False)


# -- regression losses --------------------------------------------------------------------------------


def _mse_vjp(sign: float):
    def vjp(g, c):
        difference = c.self - c.other
        count = difference.size
        norm = 2.0 / count if c.attrs["reduction"] == "mean" else 2.0
        return _scalar(sign * norm, difference) * difference * g

    return vjp


@op(
    "mse_loss",
    "MseLossBackward0",
    vjps=(_mse_vjp(1.0), _mse_vjp(-1.0)),
    saves=(("self", "other"), ("self", "other")),
    formula="mean((x − y)²)",
    local=("2(x − y)/n", "−2(x − y)/n"),
)
def _mse_loss(input, target, reduction="mean"):
    difference = input - target
    return _reduce(difference * difference, reduction)


# -- binary cross entropy -----------------------------------------------------------------------------


def _weighted(values: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    return values if weight is None else values * weight


def _bce_input_vjp(g, c):
    x, y = c.self, c.other
    denominator = np.maximum((1 - x) * x, _scalar(BCE_EPSILON, x))
    grad = _weighted((x - y) / denominator, c.attrs["weight"])
    return _reduction_scale(g, x.size, c.attrs["reduction"]) * grad


def _clamped_log(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(values), _scalar(LOG_FLOOR, values))


def _bce_target_vjp(g, c):
    x = c.self
    grad = _weighted(_clamped_log(1 - x) - _clamped_log(x), c.attrs["weight"])
    return _reduction_scale(g, x.size, c.attrs["reduction"]) * grad


@op(
    "binary_cross_entropy",
    "BinaryCrossEntropyBackward0",
    vjps=(_bce_input_vjp, _bce_target_vjp),
    saves=(("self", "other"), ("self",)),
    formula="−[y·ln p + (1 − y)·ln(1 − p)]",
    local=("(p − y) / (p(1 − p))", "ln(1 − p) − ln p"),
)
def _binary_cross_entropy(input, target, weight=None, reduction="mean"):
    loss = (target - 1) * _clamped_log(1 - input) - target * _clamped_log(input)
    return _reduce(_weighted(loss, weight).astype(input.dtype, copy=False), reduction)


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    # log σ(x) = −(max(−x, 0) + log(1 + e^(−|x|))), stable for large |x|.
    return -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(x.dtype, copy=False)


def _log_weight(target: np.ndarray, pos_weight: np.ndarray | None) -> np.ndarray:
    """The factor on log σ(x) in the loss: 1 + (pos_weight − 1)·y."""
    if pos_weight is None:
        return np.ones_like(target)
    return 1 + (pos_weight - 1) * target


def _bce_logits_input_vjp(g, c):
    x, y = c.self, c.other
    pos_weight = c.attrs["pos_weight"]
    if pos_weight is None:
        grad = _sigmoid(x) - y
    else:
        grad = _log_weight(y, pos_weight) * _sigmoid(x) - pos_weight * y
    return _reduction_scale(g, x.size, c.attrs["reduction"]) * _weighted(grad, c.attrs["weight"])


def _bce_logits_target_vjp(g, c):
    x = c.self
    pos_weight = c.attrs["pos_weight"]
    log_sigmoid = _log_sigmoid(x)
    grad = -(log_sigmoid if pos_weight is None else pos_weight * log_sigmoid) + (log_sigmoid - x)
    return _reduction_scale(g, x.size, c.attrs["reduction"]) * _weighted(grad, c.attrs["weight"])


@op(
    "binary_cross_entropy_with_logits",
    "BinaryCrossEntropyWithLogitsBackward0",
    vjps=(_bce_logits_input_vjp, _bce_logits_target_vjp),
    saves=(("self", "other"), ("self",)),
    formula="−[y·ln σ(x) + (1 − y)·ln(1 − σ(x))]",
    local=("σ(x) − y", "−x"),
)
def _binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction="mean"):
    loss = (1 - target) * input - _log_weight(target, pos_weight) * _log_sigmoid(input)
    return _reduce(_weighted(loss, weight).astype(target.dtype, copy=False), reduction)


# -- negative log likelihood --------------------------------------------------------------------------


def _picked(target: np.ndarray, ignore_index: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and class indices of the targets that count (not `ignore_index`)."""
    flat = target.reshape(-1).astype(np.int64)
    rows = np.nonzero(flat != ignore_index)[0]
    return rows, flat[rows]


def _class_weights(classes: np.ndarray, weight: np.ndarray | None, dtype: np.dtype) -> np.ndarray:
    if weight is None:
        return np.ones(classes.shape, dtype=dtype)
    return weight[classes].astype(dtype, copy=False)


def _as_rows(input: np.ndarray) -> np.ndarray:
    return input.reshape(1, -1) if input.ndim == 1 else input


def _nll_loss_vjp(g, c):
    x = _as_rows(np.zeros(c.shapes[0], dtype=g.dtype))
    target, weight = c.attrs["target"], c.attrs["weight"]
    reduction, ignore_index = c.attrs["reduction"], c.attrs["ignore_index"]
    rows, classes = _picked(target, ignore_index)
    weights = _class_weights(classes, weight, g.dtype)
    if reduction == "none":
        scale = g.reshape(-1)[rows]
    elif reduction == "mean":
        scale = g / weights.sum(dtype=g.dtype)
    else:
        scale = g
    x[rows, classes] = -weights * scale
    return x.reshape(c.shapes[0])


@op("nll_loss", "NllLossBackward0", vjps=(_nll_loss_vjp,), formula="−x[target]", local=("−1 at target",))
def _nll_loss(input, target, weight=None, reduction="mean", ignore_index=-100):
    rows, classes = _picked(target, ignore_index)
    weights = _class_weights(classes, weight, input.dtype)
    picked = -_as_rows(input)[rows, classes] * weights
    if reduction == "none":
        losses = np.zeros(target.size, dtype=input.dtype)
        losses[rows] = picked
        return losses.reshape(target.shape)
    total = picked.sum(dtype=input.dtype)
    if reduction == "sum":
        return np.asarray(total, dtype=input.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(total / weights.sum(dtype=input.dtype), dtype=input.dtype)


# -- division by a number (torch's div.Scalar, which C++ code such as cross_entropy calls) ----------


@op(
    "div_scalar_nn",
    "DivBackward1",
    vjps=(lambda g, c: g / np.asarray(c.attrs["other"], dtype=g.dtype),),
    formula="a / s",
    local=("1/s",),
)
def _div_scalar(a, other):
    return (a / np.asarray(other, dtype=a.dtype)).astype(a.dtype, copy=False)
