"""Linear-algebra family: mm, mv, dot, bmm and matmul, which picks the node torch records per rank pair.

Rows first, then the torch-level functions declared with `@public`.
"""

from __future__ import annotations

import math

import numpy as np

from engine._dispatch import apply
from engine._dtype import cpp_type_name
from engine._dtype import scalar_type_name as _scalar_name
from engine._optable import op
from engine._tensor import Tensor
from engine.ops._args import _require_tensor, broadcast_shape
from engine.ops._declare import public
from engine.ops._layout import element_strides
from engine.ops.shape import _reshape_in_place, contiguous, expand, reshape, squeeze, t, transpose, unsqueeze

# == op-table rows ===========================================================================================

# -- matrix products -----------------------------------------------------------------------------------

@op("mm", "MmBackward0", vjps=(lambda g, c: g @ c.other.T, lambda g, c: c.self.T @ g),
    saves=(("other",), ("self",)), formula="A @ B", local=("g @ Bᵀ", "Aᵀ @ g"))
def _mm(a, b):
    return a @ b


@op("mv", "MvBackward0", vjps=(lambda g, c: np.outer(g, c.other), lambda g, c: c.self.T @ g),
    saves=(("other",), ("self",)), formula="A @ v", local=("g ⊗ v", "Aᵀ @ g"))
def _mv(a, v):
    return a @ v


@op("dot", "DotBackward0", vjps=(lambda g, c: g * c.other, lambda g, c: g * c.self),
    saves=(("other",), ("self",)), formula="a · b (dot)", local=("b", "a"))
def _dot(a, b):
    return np.asarray(np.dot(a, b))


@op("bmm", "BmmBackward0", vjps=(lambda g, c: g @ np.swapaxes(c.other, -1, -2),
                                  lambda g, c: np.swapaxes(c.self, -1, -2) @ g),
    saves=(("other",), ("self",)), formula="A @ B (batched)", local=("g @ Bᵀ", "Aᵀ @ g"))
def _bmm(a, b):
    return a @ b


# == functions and methods (published by @public) ===========================================================

# -- matrix products ------------------------------------------------------------------------------------

def _dtype_check_pair(a: Tensor, b: Tensor, what: str) -> None:
    if a._data.dtype != b._data.dtype:
        left = cpp_type_name(a._data.dtype)
        right = cpp_type_name(b._data.dtype)
        raise RuntimeError(f"expected {what} to have the same dtype, but got: {left} != {right}")


def check_mm_shapes(mat1: Tensor, mat2: Tensor) -> None:
    """torch's error when two matrices cannot be multiplied (used by mm and addmm)."""
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})"
        )


@public()
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    check_mm_shapes(input, mat2)
    _dtype_check_pair(input, mat2, "m1 and m2")
    return apply("mm", input, mat2)


@public()
def mv(input: Tensor, vec: Tensor) -> Tensor:
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {vec.ndim}, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    return apply("mv", input, vec)


@public()
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors"
        )
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] to "
            "have the same number of elements, "
            f"but got {input.shape[0]} and {tensor.shape[0]} elements respectively"
        )
    _dtype_check_pair(input, tensor, "both vectors")
    return apply("dot", input, tensor)


@public(operator="matmul")
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """torch.matmul, dispatched to the node torch records for each pair of ranks."""
    _require_tensor(input, "matmul")
    _require_tensor(other, "matmul")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and {other.ndim}D"
        )
    if input.ndim == 1 and other.ndim == 1:
        return dot(input, other)
    if input.ndim == 2 and other.ndim == 1:
        return mv(input, other)
    if input.ndim == 2 and other.ndim == 2:
        return mm(input, other)
    return batched_matmul(input, other)


# -- batched matrix products -----------------------------------------------------------------------

def _check_bmm(a: Tensor, b: Tensor) -> None:
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected scalar type {_scalar_name(a._data.dtype)} but found {_scalar_name(b._data.dtype)}"
        )


@public()
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    _check_bmm(input, mat2)
    return apply("bmm", input, mat2)


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """torch folds the batch dims of the larger operand into rows (one mm/mv) instead of using bmm."""
    a_larger = a.ndim >= b.ndim
    big, small = (a, b) if a_larger else (b, a)
    if not (big.ndim >= 3 and small.ndim <= 2):
        return False
    if small._requires_grad:
        return True
    if a.ndim == 2:
        return False
    if big._data.size == 0:
        return True
    shape, strides = list(big.shape), list(element_strides(big._data))
    if not a_larger:  # the larger operand is used transposed
        shape[-2:], strides[-2:] = shape[-1:-3:-1], strides[-1:-3:-1]
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _folded_matmul(a: Tensor, b: Tensor) -> Tensor:
    transposed = b.ndim > a.ndim
    left = transpose(b, -2, -1) if transposed else a
    right = (a if a.ndim == 1 else t(a)) if transposed else b
    out_shape = (*left.shape[:-1], right.shape[-1]) if right.ndim == 2 else tuple(left.shape[:-1])
    rows = reshape(left, (-1, left.shape[-1]))
    product = mm(rows, right) if right.ndim == 2 else mv(rows, right)
    result = apply("unsafe_view", product, shape=out_shape)
    return contiguous(transpose(result, -2, -1)) if transposed and right.ndim == 2 else result


def _bmm_matmul(a: Tensor, b: Tensor) -> Tensor:
    n = a.shape[-2] if a.ndim > 1 else 1
    m2, p = (b.shape[-2], b.shape[-1]) if b.ndim > 1 else (b.shape[0], 1)
    batch = broadcast_shape(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    count = math.prod(batch)
    left = a if a.ndim > 1 else unsqueeze(a, 0)
    right = b if b.ndim > 1 else unsqueeze(b, -1)
    left = reshape(expand(left, (*batch, n, a.shape[-1])), (count, n, a.shape[-1]))
    right = reshape(expand(right, (*batch, m2, p)), (count, m2, p))
    result = bmm(left, right)
    if b.ndim == 1:
        result = squeeze(result, -1)
    out_shape = (*batch, *((n,) if a.ndim > 1 else ()), *((p,) if b.ndim > 1 else ()))
    return apply("unsafe_view", result, shape=out_shape)


@public(method=False)
def batched_matmul(a: Tensor, b: Tensor) -> Tensor:
    """matmul for the rank pairs beyond dot/mv/mm, recording the nodes torch records."""
    if a.ndim == 1 and b.ndim == 2:
        return _reshape_in_place(mm(unsqueeze(a, 0), b), "squeeze_inplace", dim=0)
    if a.ndim == 3 and b.ndim == 3:
        # A batch of one that needs a gradient is squeezed so the product folds into one mm.
        if a.shape[0] == 1 and b.shape[0] != 1 and a._requires_grad:
            return batched_matmul(squeeze(a, 0), b)
        if b.shape[0] == 1 and a.shape[0] != 1 and b._requires_grad:
            return batched_matmul(a, squeeze(b, 0))
    if _should_fold(a, b):
        return _folded_matmul(a, b)
    return _bmm_matmul(a, b)
