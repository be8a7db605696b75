"""torch.nn.functional: activations, linear, dropout and the loss functions.

Each function checks its arguments the way torch does (same error types and texts), then records the
nodes torch records: `linear` is an AddmmBackward0 fed by TBackward0, `mse_loss` one MseLossBackward0,
`cross_entropy` an NllLossBackward0 on a LogSoftmaxBackward0, and so on.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import engine
from engine import _random
from engine._dispatch import apply as _apply
from engine._dtype import scalar_type_name as _scalar_type_name
from engine._tensor import Tensor
from engine.ops import nn as _nn_rows  # noqa: F401 - registers the nn op-table rows
from engine.ops._args import broadcast_shape as _broadcast_shape
from engine.ops._args import result_type as _result_type
from engine.ops.linalg import check_mm_shapes as _check_mm_shapes

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "l1_loss",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

REDUCTIONS = ("none", "mean", "sum")

def _scalar_name(tensor: Tensor) -> str:
    return _scalar_type_name(tensor._data.dtype)


def _check_tensor(value: Any, function: str, argument: str, position: int) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{function}(): argument '{argument}' (position {position}) must be Tensor, "
            f"not {type(value).__name__}"
        )


def _check_loss_tensors(function: str, input: Any, target: Any) -> None:
    _check_tensor(input, function, "input", 1)
    _check_tensor(target, function, "target", 2)


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


# -- activations --------------------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else engine.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    return engine.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return engine.tanh(input)


def _implicit_softmax_dim(function: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {function} has been deprecated. Change the call to include dim=X "
        "as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.ndim, _stacklevel)
    return engine.softmax(input, dim) if dtype is None else engine.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.ndim, _stacklevel)
    return engine.log_softmax(input, dim) if dtype is None else engine.log_softmax(input, dim, dtype=dtype)


# -- linear -------------------------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, recorded as torch records it for each input rank."""
    _check_tensor(input, "linear", "input", 1)
    _check_tensor(weight, "linear", "weight", 2)
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and {weight.ndim}D"
        )
    if bias is None:
        return engine.matmul(input, weight.t())
    if input.ndim == 2:
        return _addmm(bias, input, weight.t())
    if not input.is_contiguous():
        # torch can only fold a contiguous input into a matrix without copying; otherwise it adds the bias.
        return engine.add(engine.matmul(input, weight.t()), bias)
    # Any other rank is folded into a matrix, multiplied, and unfolded again.
    rows = input.view(-1, input.shape[-1])
    product = _addmm(bias, rows, weight.t())
    return product.view(*input.shape[:-1], product.shape[-1])


def _addmm(input: Tensor, mat1: Tensor, mat2: Tensor) -> Tensor:
    """input + mat1 @ mat2 as one AddmmBackward0 node, with torch's argument checks."""
    for name, matrix in (("mat1", mat1), ("mat2", mat2)):
        if matrix.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {matrix.ndim}-D tensor")
    _check_mm_shapes(mat1, mat2)
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_scalar_name(mat1)} and {_scalar_name(mat2)}"
        )
    if input.dtype != mat2.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_scalar_name(input)} and {_scalar_name(mat2)}"
        )
    _check_expandable(input, (mat1.shape[0], mat2.shape[1]))
    return _apply("addmm", input, mat1, mat2)


def _check_expandable(tensor: Tensor, target: tuple[int, ...]) -> None:
    """torch's errors for `tensor.expand(target)`."""
    shape = tuple(tensor.shape)
    if len(shape) > len(target):
        raise RuntimeError(
            f"expand(torch.{_scalar_name(tensor)}Tensor{{{list(shape)}}}, size={list(target)}): the "
            f"number of sizes provided ({len(target)}) must be greater or equal to the number of dimensions "
            "in the tensor "
            f"({len(shape)})"
        )
    offset = len(target) - len(shape)
    for index, size in enumerate(shape):
        wanted = target[offset + index]
        if size != wanted and size != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({wanted}) must match the existing size ({size}) at "
                f"non-singleton dimension {offset + index}.  Target sizes: {list(target)}.  Tensor sizes: "
                f"{list(shape)}"
            )


# -- dropout ------------------------------------------------------------------------------------------


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the survivors by 1/(1 - p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    dtype = input._data.dtype
    if p == 1:
        mask = np.zeros(input._data.shape, dtype=dtype)
    else:
        keep = 1.0 - p
        drawn = _random.default_generator.bernoulli(input._data.shape, keep, dtype)
        mask = drawn / np.asarray(keep, dtype=dtype)
    mask_tensor = Tensor._from_array(mask.astype(dtype, copy=False))
    return input.mul_(mask_tensor) if inplace else engine.mul(input, mask_tensor)


# -- regression losses --------------------------------------------------------------------------------


def _warn_target_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). This "
            "will likely lead to incorrect results due to broadcasting. Please ensure they have the same "
            "size.",
            UserWarning,
            stacklevel=4,  # the caller of mse_loss / l1_loss
        )


def _pointwise_loss_operands(function: str, input: Tensor, target: Tensor,
                             reduction: str) -> tuple[Tensor, Tensor]:
    """The checks mse_loss and l1_loss share, in torch's order, then both operands broadcast.

    A shape mismatch only warns (before a bad reduction is refused); the operands are then expanded to
    their common shape, with ExpandBackward0 on the ones that grow.
    """
    _check_loss_tensors(function, input, target)
    _warn_target_size(input, target)
    _check_reduction(reduction)
    shape = _broadcast_shape(tuple(input.shape), tuple(target.shape))
    expanded = [t if tuple(t.shape) == shape else t.expand(*shape) for t in (input, target)]
    return expanded[0], expanded[1]


def mse_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
) -> Tensor:
    """Mean (or sum) of squared differences, one MseLossBackward0 node."""
    input, target = _pointwise_loss_operands("mse_loss", input, target, reduction)
    if _result_type(input, target).kind not in "f":
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{_scalar_name(input)}'")
    return _apply("mse_loss", input, target, reduction=reduction)


def l1_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
) -> Tensor:
    """Mean (or sum) of absolute differences; torch composes it from sub, abs and mean/sum."""
    input, target = _pointwise_loss_operands("l1_loss", input, target, reduction)
    loss = engine.abs(engine.sub(input, target))
    if reduction == "mean":
        return engine.mean(loss)
    if reduction == "sum":
        return engine.sum(loss)
    return loss


# -- classification losses ----------------------------------------------------------------------------


def _check_class_target(input: Tensor, target: Tensor) -> None:
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_scalar_name(target)}")
    if input.ndim >= 2:
        batch = target.shape[0] if target.ndim else 0
        if batch != input.shape[0]:
            raise ValueError(
                f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({batch})."
            )
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")


def _check_targets_in_range(target: np.ndarray, classes: int, ignore_index: int) -> None:
    for value in target.reshape(-1).tolist():
        if value != ignore_index and not 0 <= value < classes:
            raise IndexError(f"Target {value} is out of bounds.")


def _class_weight(weight: Tensor | None, classes: int) -> np.ndarray | None:
    if weight is None:
        return None
    if weight.numel() != classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {classes} classes or no classes but got weight "
            f"tensor of shape: {list(weight.shape)}"
        )
    return weight._data.reshape(-1)


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of the target classes, one NllLossBackward0 node."""
    _check_loss_tensors("nll_loss", input, target)
    _check_reduction(reduction)
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim > 2:
        raise NotImplementedError("nll_loss over inputs with more than 2 dimensions is not supported")
    _check_class_target(input, target)
    classes = input.shape[-1]
    weights = _class_weight(weight, classes)
    _check_targets_in_range(target._data, classes, ignore_index)
    return _apply(
        "nll_loss", input, target=target._data, weight=weights, reduction=reduction, ignore_index=ignore_index
    )


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """log_softmax over the class dimension, then the negative log likelihood of the targets.

    A target with the input's shape holds class probabilities; any other target holds class indices.
    """
    _check_loss_tensors("cross_entropy", input, target)
    _check_reduction(reduction)
    if label_smoothing != 0.0:
        raise NotImplementedError("cross_entropy with label_smoothing is not supported")
    class_dim = 1 if input.ndim >= 2 else 0
    if target.shape == input.shape:
        return _cross_entropy_with_probabilities(input, target, weight, reduction, class_dim)
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    _check_class_target(input, target)
    return nll_loss(
        log_softmax(input, class_dim), target, weight, ignore_index=ignore_index, reduction=reduction
    )


def _cross_entropy_with_probabilities(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: str, class_dim: int
) -> Tensor:
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, got {_scalar_name(target)}"
        )
    weighted = engine.mul(log_softmax(input, class_dim), target)
    if weight is not None:
        weighted = engine.mul(weighted, weight)
    if reduction == "none":
        return engine.neg(engine.sum(weighted, class_dim))
    total = engine.neg(engine.sum(weighted))
    if reduction == "sum":
        return total
    return _apply("div_scalar_nn", total, other=input.numel() // input.shape[class_dim])


def _check_same_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )


def _check_between_zero_and_one(tensor: Tensor, name: str) -> None:
    values = tensor._data
    if not np.all((values >= 0) & (values <= 1)):
        raise RuntimeError(f"all elements of {name} should be between 0 and 1")


def _expanded_weight(weight: Tensor | None, shape: tuple[int, ...]) -> np.ndarray | None:
    if weight is None:
        return None
    try:
        return np.broadcast_to(weight._data, shape)
    except ValueError:
        mismatch = _first_mismatch(tuple(weight.shape), shape)
        raise RuntimeError(
            f"Attempting to broadcast a dimension of length {weight.shape[mismatch]} at "
            f"{mismatch - weight.ndim}! Mismatching argument at index 1 had {weight.shape}; but expected "
            f"shape should be broadcastable to {list(shape)}"
        ) from None


def _first_mismatch(small: tuple[int, ...], big: tuple[int, ...]) -> int:
    offset = len(big) - len(small)
    for index in reversed(range(len(small))):
        target = big[offset + index] if offset + index >= 0 else 1
        if small[index] not in (1, target):
            return index
    return 0


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """−[y·ln p + (1 − y)·ln(1 − p)] for probabilities p, one BinaryCrossEntropyBackward0 node."""
    _check_loss_tensors("binary_cross_entropy", input, target)
    _check_reduction(reduction)
    _check_same_size(input, target)
    weights = _expanded_weight(weight, tuple(input.shape))
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {_scalar_name(target)} but expected {_scalar_name(input)}")
    _check_between_zero_and_one(input, "input")
    _check_between_zero_and_one(target, "target")
    return _apply("binary_cross_entropy", input, target, weight=weights, reduction=reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross entropy of σ(input), computed stably; one BinaryCrossEntropyWithLogitsBackward0 node."""
    _check_loss_tensors("binary_cross_entropy_with_logits", input, target)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            f"result type {_scalar_name(input)} can't be cast to the desired output type "
            f"{_scalar_name(target)}"
        )
    shape = tuple(input.shape)
    if pos_weight is not None:
        _broadcast_shape(tuple(pos_weight.shape), shape)
    if weight is not None:
        _broadcast_shape(shape, tuple(weight.shape))
    return _apply(
        "binary_cross_entropy_with_logits",
        input,
        target,
        weight=None if weight is None else weight._data,
        pos_weight=None if pos_weight is None else pos_weight._data,
        reduction=reduction,
    )
