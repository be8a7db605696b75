"""Shape family: views, copies, dtype conversion, joining and splitting (view, reshape, cat, split, ...).

Rows first (`view_op` rows make views, `copy_op` rows own fresh memory; engine.ops._layout), then the
torch-level functions declared with `@public`. Each function checks its arguments with torch's messages
and picks the nodes torch records: `reshape` is a `view` when the strides allow it and a clone plus
`_unsafe_view` otherwise.

Every VJP here is a one-liner over `g` and the context `c`; the engine unbroadcasts results, so
`expand`'s VJP is simply `g`.
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from functools import cache
from typing import Any

import numpy as np

from engine import _dtype, _grad_mode
from engine._dispatch import _edge, apply
from engine._dtype import legacy_type_name as _legacy_type
from engine._dtype import scalar_type_name as _scalar_name
from engine._optable import Ctx, OpSpec, lookup, register
from engine._tensor import Tensor, _normalize_dim
from engine.autograd.graph import Node
from engine.ops._args import _as_operand, broadcast_shape, result_type
from engine.ops._declare import public
from engine.ops._inplace import check_leaf
from engine.ops._layout import (
    ViewOf,
    _is_row_major,
    _with_strides,
    copy_keeping_layout,
    copy_op,
    element_strides,
    reshape_view,
    row_major,
    strided,
    view_op,
)
from engine.ops._vjp import _same

# == op-table rows ===========================================================================================

# -- VJP helpers -----------------------------------------------------------------------------------

def _placed(g: np.ndarray, shape: tuple[int, ...], where: tuple) -> np.ndarray:
    """Zeros of `shape` with `g` written at `where` (the gradient of taking a piece)."""
    out = np.zeros(shape, dtype=g.dtype)
    out[where] = g
    return out


def _along(dim: int, index: Any) -> tuple:
    return (slice(None),) * dim + (index,)


def _reshaped_back(g: np.ndarray, c: Ctx) -> np.ndarray:
    return g.reshape(c.shapes[0])


# -- views -----------------------------------------------------------------------------------------

VIEW_NEEDS_COPY = (
    "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
    "two contiguous subspaces). Use .reshape(...) instead."
)


def _viewed(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    viewed = reshape_view(a, shape)
    if viewed is None:
        raise RuntimeError(VIEW_NEEDS_COPY)
    return viewed


@view_op("view", "ViewBackward0", _reshaped_back, "view(a, shape)")
def _view(a, shape):
    return _viewed(a, shape)


@view_op("reshape_alias", "ReshapeAliasBackward0", _reshaped_back, "reshape(a, shape)")
def _reshape_alias(a, shape):
    return _viewed(a, shape)


@view_op("alias", "AliasBackward0", _same, "a")
def _alias(a):
    return a.view()


def _swapped(a: np.ndarray, dim0: int, dim1: int) -> np.ndarray:
    return np.swapaxes(a, dim0, dim1) if a.ndim else a.view()


@view_op("transpose", "TransposeBackward0", lambda g, c: _swapped(g, c.attrs["dim0"], c.attrs["dim1"]),
         "transpose(a, i, j)")
def _transpose(a, dim0, dim1):
    return _swapped(a, dim0, dim1)


@view_op("t", "TBackward0", lambda g, c: g.T, "aᵀ")
def _t(a):
    return a.T


@view_op("permute", "PermuteBackward0", lambda g, c: np.transpose(g, np.argsort(c.attrs["dims"])),
         "permute(a, dims)")
def _permute(a, dims):
    return np.transpose(a, dims)


@view_op("unsqueeze", "UnsqueezeBackward0", lambda g, c: np.squeeze(g, axis=c.attrs["dim"]),
         "unsqueeze(a, dim)")
def _unsqueeze(a, dim):
    return _unsqueezed(a, dim)


def _unsqueezed(a: np.ndarray, dim: int) -> np.ndarray:
    shape = (*a.shape[:dim], 1, *a.shape[dim:])
    if _is_row_major(a):
        return a.reshape(shape)
    # torch gives the new dimension the stride that steps over the dimension it is placed before.
    strides = element_strides(a)
    new_stride = a.shape[dim] * strides[dim] if dim < a.ndim else 1
    return _with_strides(a, shape, (*strides[:dim], new_stride, *strides[dim:]))


@view_op("squeeze", "SqueezeBackward0", _reshaped_back, "squeeze(a)")
def _squeeze(a):
    return np.squeeze(a)


def _squeeze_dims(a: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    return np.squeeze(a, axis=tuple(d for d in dims if a.shape[d] == 1)) if a.ndim else a.view()


@view_op("squeeze_dim", "SqueezeBackward1", _reshaped_back, "squeeze(a, dim)")
def _squeeze_dim(a, dim):
    return _squeeze_dims(a, (dim,))


@view_op("squeeze_dims", "SqueezeBackward2", _reshaped_back, "squeeze(a, dims)")
def _squeeze_dims_op(a, dims):
    return _squeeze_dims(a, dims)


@view_op("expand", "ExpandBackward0", _same, "expand(a, shape)", local="1 (summed over new dims)")
def _expand(a, shape):
    # Read-only, as numpy's broadcasts are: many elements share one memory location.
    expanded = np.broadcast_to(a, shape)
    leading = len(shape) - a.ndim
    strides = (0,) * leading + tuple(
        stride if size == wanted else 0
        for stride, size, wanted in zip(element_strides(a), a.shape, shape[leading:], strict=True)
    )
    # numpy zeroes the stride of a size-1 dimension even where it stays 1; torch keeps it.
    if element_strides(expanded) == strides:
        return expanded
    return strided(a, tuple(shape), strides, writeable=False)


@view_op("select", "SelectBackward0",
         lambda g, c: _placed(g, c.shapes[0], _along(c.attrs["dim"], c.attrs["index"])), "a[..., i]")
def _select(a, dim, index):
    return _selected(a, dim, index)


def _selected(a: np.ndarray, dim: int, index: int) -> np.ndarray:
    # The trailing Ellipsis keeps a 0-d result a view instead of a numpy scalar.
    return a[(*_along(dim, index), Ellipsis)]


def _slice_vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
    a = c.attrs
    return _placed(g, c.shapes[0], _along(a["dim"], slice(a["start"], a["stop"], a["step"])))


@view_op("slice", "SliceBackward0", _slice_vjp, "a[..., start:stop:step]")
def _slice(a, dim, start, stop, step):
    return a[_along(dim, slice(start, stop, step))]


@view_op("split", "SplitBackward0", _slice_vjp, "split(a)[k]")
def _split(a, dim, start, stop, step=1):
    return a[_along(dim, slice(start, stop, step))]


@view_op("split_with_sizes", "SplitWithSizesBackward0", _slice_vjp, "split(a, sizes)[k]")
def _split_with_sizes(a, dim, start, stop, step=1):
    return a[_along(dim, slice(start, stop, step))]


@view_op("unbind", "UnbindBackward0",
         lambda g, c: _placed(g, c.shapes[0], _along(c.attrs["dim"], c.attrs["index"])), "unbind(a)[k]")
def _unbind(a, dim, index):
    return _selected(a, dim, index)


# -- copies ----------------------------------------------------------------------------------------

@copy_op("unsafe_view", "UnsafeViewBackward0", (_reshaped_back,), "reshape(copy of a)", ("1",))
def _unsafe_view(a, shape):
    return np.reshape(a, shape)


@copy_op("clone", "CloneBackward0", (_same,), "copy of a", ("1",))
def _clone(a, contiguous=False):
    return copy_keeping_layout(a, contiguous)


@copy_op("to_dtype", "ToCopyBackward0", (_same,), "a converted to dtype", ("1",))
def _to_dtype(a, dtype):
    return copy_keeping_layout(a, contiguous=False, dtype=dtype)


@copy_op("squeeze_all_inplace", "SqueezeBackward3", (_reshaped_back,), "squeeze_(a)", ("1",))
def _squeeze_all_inplace(a):
    return np.squeeze(a)


@copy_op("squeeze_inplace", "SqueezeBackward4", (_reshaped_back,), "squeeze_(a, dim)", ("1",))
def _squeeze_inplace(a, dim):
    return _squeeze_dims(a, (dim,))


@copy_op("squeeze_dims_inplace", "SqueezeBackward5", (_reshaped_back,), "squeeze_(a, dims)", ("1",))
def _squeeze_dims_inplace(a, dims):
    return _squeeze_dims(a, dims)


@copy_op("unsqueeze_inplace", "UnsqueezeBackward1", (lambda g, c: np.squeeze(g, axis=c.attrs["dim"]),),
         "unsqueeze_(a, dim)", ("1",))
def _unsqueeze_inplace(a, dim):
    return _unsqueezed(a, dim)


@copy_op("where", "WhereBackward0",
         (lambda g, c: np.where(c.attrs["condition"], g, 0),
          lambda g, c: np.where(c.attrs["condition"], 0, g)),
         "where(cond, x, y)", ("1 where cond", "1 where not cond"))
def _where(x, y, condition, dtype):
    return np.where(condition, x, y).astype(dtype, copy=False)


# -- joining: one entry per number of inputs, made on first use ------------------------------------

@cache
def _cat_piece_vjp(index: int):
    def vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
        start, stop = c.attrs["bounds"][index]
        if start is None:  # a skipped legacy empty 1-D input
            return np.zeros((0,), dtype=g.dtype)
        return g[_along(c.attrs["dim"], slice(start, stop))]

    return vjp


@cache
def _stack_piece_vjp(index: int):
    return lambda g, c: np.take(g, index, axis=c.attrs["dim"])


def _cat_forward(*arrays, dim, bounds, dtype):
    kept = [a for a, b in zip(arrays, bounds, strict=True) if b[0] is not None]
    return row_major(np.concatenate(kept, axis=dim, dtype=dtype))


def _stack_forward(*arrays, dim, dtype):
    return row_major(np.stack(arrays, axis=dim, dtype=dtype))


@cache
def variadic(kind: str, count: int) -> str:
    """The table entry for `cat` or `stack` over `count` tensors (one VJP per input)."""
    name = f"{kind}[{count}]"
    if kind == "cat":
        vjps = tuple(_cat_piece_vjp(i) for i in range(count))
        register(OpSpec(name, "CatBackward0", _cat_forward, vjps, ((),) * count, "cat(a₁, …, aₙ)",
                        ("its slice of g",) * count))
    else:
        vjps = tuple(_stack_piece_vjp(i) for i in range(count))
        register(OpSpec(name, "StackBackward0", _stack_forward, vjps, ((),) * count, "stack(a₁, …, aₙ)",
                        ("its slice of g",) * count))
    return name



# The two-input forms, declared up front so the op-table checks see them.
variadic("cat", 2)
variadic("stack", 2)


# == functions and methods (published by @public) ===========================================================

T_NOT_2D_WARNING = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will "
    "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
    "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor. (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)"
)
T_0D_WARNING = (
    "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4321.)"
)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


# -- shape arguments -------------------------------------------------------------------------------

def _shape_arg(args: tuple, function: str, argument: str) -> tuple[int, ...]:
    """Sizes given as `f(2, 3)` or `f((2, 3))`, with torch's message for a non-integer."""
    if len(args) == 1 and isinstance(args[0], list | tuple):
        args = tuple(args[0])
    for position, value in enumerate(args):
        if not _is_int(value) and not _is_int_scalar_tensor(value):
            raise TypeError(
                f"{function}(): argument '{argument}' (position 1) must be tuple of ints, but found element "
                f"of type {type(value).__name__} at pos {position}"
            )
    return tuple(operator.index(v) for v in args)


def _is_int_scalar_tensor(value: Any) -> bool:
    return isinstance(value, Tensor) and value.ndim == 0 and value._data.dtype.kind in "iu"


def _view_shape_arg(args: tuple) -> tuple[int, ...]:
    if len(args) == 1 and isinstance(args[0], _dtype.dtype):
        raise NotImplementedError("view(dtype) is not supported")
    sequence = len(args) == 1 and isinstance(args[0], list | tuple)
    values = tuple(args[0]) if sequence else args
    if not args or not all(_is_int(v) for v in values):
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(
            f"view() received an invalid combination of arguments - got ({got}), but expected one of:\n"
            " * (torch.dtype dtype)\n * (tuple of ints size)\n"
        )
    return tuple(operator.index(v) for v in values)


def infer_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """Fill in a -1 in `shape` for a tensor of `numel` elements, with torch's errors."""
    inferred = None
    known = 1
    for index, size in enumerate(shape):
        if size == -1:
            if inferred is not None:
                raise RuntimeError("only one dimension can be inferred")
            inferred = index
        elif size >= 0:
            known *= size
        else:
            raise RuntimeError(f"invalid shape dimension {size} at index {index} of shape {list(shape)}")
    if inferred is None:
        if known == numel:
            return shape
    elif known > 0 and numel % known == 0:
        return shape[:inferred] + (numel // known,) + shape[inferred + 1:]
    elif known == 0 and numel == 0:
        raise RuntimeError(
            f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified dimension "
            "size -1 can be any value and is ambiguous"
        )
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")


# -- views -----------------------------------------------------------------------------------------

@public(function=False)
def view(input: Tensor, *shape: Any) -> Tensor:
    return apply("view", input, shape=infer_shape(_view_shape_arg(shape), input._data.size))


@public(function=False)
def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, tuple(other.shape))


@public()
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """A view when the strides allow one (ViewBackward0 / ReshapeAliasBackward0), else a copy."""
    target = infer_shape(_shape_arg(shape, "reshape", "shape"), input._data.size)
    if input._data.flags.c_contiguous:
        return apply("view", input, shape=target)
    if reshape_view(input._data, target) is not None:
        return apply("reshape_alias", input, shape=target)
    return apply("unsafe_view", apply("clone", input, contiguous=True), shape=target)


@public(function=False)
def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, tuple(other.shape))


@public()
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if input.ndim == 0:
        return reshape(input, (1,))
    start = _normalize_dim(start_dim, input.ndim)
    end = _normalize_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input.shape
    return reshape(input, (*shape[:start], math.prod(shape[start:end + 1]), *shape[end + 1:]))


@public()
def t(input: Tensor) -> Tensor:
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply("t", input)


@public(name="T", function=False, prop=True)
def _reversed_dims(input: Tensor) -> Tensor:
    """`x.T`: a permute reversing the dimensions (torch warns unless the tensor is a matrix)."""
    if input.ndim == 0:
        warnings.warn(T_0D_WARNING, UserWarning, stacklevel=2)
    elif input.ndim != 2:
        warnings.warn(T_NOT_2D_WARNING, UserWarning, stacklevel=2)
    return apply("permute", input, dims=tuple(reversed(range(input.ndim))))


@public(name="mT", function=False, prop=True)
def _matrix_transpose(input: Tensor) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D tensor."
        )
    return transpose(input, -2, -1)


@public("swapaxes", "swapdims")
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return apply("transpose", input, dim0=_normalize_dim(dim0, input.ndim),
                 dim1=_normalize_dim(dim1, input.ndim))


@public()
def permute(input: Tensor, *dims: Any) -> Tensor:
    order = _shape_arg(dims, "permute", "dims")
    if len(order) != input.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to len(dims) = "
            f"{len(order)}"
        )
    normalized = tuple(_normalize_dim(d, input.ndim) for d in order)
    if len(set(normalized)) != len(normalized):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply("permute", input, dims=normalized)


@public()
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return apply("unsqueeze", input, dim=_normalize_dim(dim, input.ndim + 1))


@public()
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """squeeze() is SqueezeBackward0, squeeze(dim) SqueezeBackward1, squeeze(dims) SqueezeBackward2."""
    if dim is None:
        return apply("squeeze", input)
    if isinstance(dim, list | tuple):
        return apply("squeeze_dims", input, dims=tuple(_normalize_dim(d, input.ndim) for d in dim))
    return apply("squeeze_dim", input, dim=_normalize_dim(dim, input.ndim))


@public(function=False)
def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to `sizes` without copying; -1 keeps a dimension's size."""
    requested = _shape_arg(sizes, "expand", "size")
    shape = input.shape
    if len(requested) < len(shape):
        raise RuntimeError(
            f"expand({_legacy_type(input._data.dtype)}{{{list(shape)}}}, size={list(requested)}): the number "
            f"of sizes provided ({len(requested)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shape)})"
        )
    leading = len(requested) - len(shape)
    target = []
    for index, size in enumerate(requested):
        if index < leading:
            if size < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({size}) isn't allowed in a leading, non-existing "
                    f"dimension {index}"
                )
            target.append(size)
            continue
        existing = shape[index - leading]
        if size == -1:
            size = existing
        elif existing != 1 and size != existing:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size ({existing}) at "
                f"non-singleton dimension {index}.  Target sizes: {list(requested)}.  Tensor sizes: "
                f"{list(shape)}"
            )
        target.append(size)
    return apply("expand", input, shape=tuple(target))


@public(function=False)
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, tuple(other.shape))


@public()
def broadcast_to(input: Tensor, size: Any) -> Tensor:
    return expand(input, size)


@public()
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    axis = _normalize_dim(dim, input.ndim)
    size = input.shape[axis]
    begin = start + size if start < 0 else start
    if begin + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return apply("slice", input, dim=axis, start=begin, stop=begin + length, step=1)


# -- copies and dtype conversion -------------------------------------------------------------------

@public(function=False)
def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    return input if input._data.flags.c_contiguous else apply("clone", input, contiguous=True)


@public()
def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    return apply("clone", input, contiguous=False)


def _converted(input: Tensor, dtype: _dtype.dtype | None, copy: bool = False) -> Tensor:
    """Like torch: the same tensor when nothing changes, else a ToCopyBackward0 copy."""
    if dtype is None or (dtype.numpy == input._data.dtype and not copy):
        return input
    return apply("to_dtype", input, dtype=dtype.numpy)


def _device_is_cpu(device: Any) -> bool:
    if str(device).split(":")[0] == "cpu":
        return True
    if isinstance(device, str) and device.startswith("cuda"):
        raise AssertionError("Torch not compiled with CUDA enabled")
    raise RuntimeError("Cannot access accelerator device when none is available.")


@public(function=False)
def to(input: Tensor, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False,
       non_blocking: bool = False, memory_format: Any = None) -> Tensor:
    target = dtype
    for arg in (*args, device):
        if isinstance(arg, _dtype.dtype):
            target = arg
        elif isinstance(arg, Tensor):
            target = arg.dtype
        elif arg is not None:
            _device_is_cpu(arg)
    return _converted(input, target, copy)


_TYPE_NAMES = {_legacy_type(d.numpy): d for d in _dtype.ALL}


@public(name="type", function=False)
def type_(input: Tensor, dtype: Any = None, non_blocking: bool = False) -> Tensor | str:
    """`x.type()` names the legacy type; `x.type(torch.float64)` / `x.type('torch.DoubleTensor')` converts."""
    if dtype is None:
        return _legacy_type(input._data.dtype)
    if isinstance(dtype, str):
        if dtype not in _TYPE_NAMES:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _TYPE_NAMES[dtype]
    return _converted(input, dtype)


def _conversion(target: _dtype.dtype):
    def convert(self: Tensor, memory_format: Any = None) -> Tensor:
        return _converted(self, target)

    convert.__name__ = target.name
    return convert


# -- in-place shape changes ------------------------------------------------------------------------

# The in-place op, and the view op that re-derives the reshaped tensor from its base.
_IN_PLACE_AS_VIEW = {"squeeze_all_inplace": "squeeze", "squeeze_inplace": "squeeze_dim",
                     "squeeze_dims_inplace": "squeeze_dims", "unsqueeze_inplace": "unsqueeze"}


def _reshape_in_place(tensor: Tensor, name: str, **attrs: Any) -> Tensor:
    """squeeze_/unsqueeze_: the tensor itself takes the new shape and a new grad_fn."""
    view_of: ViewOf | None = tensor._view_of
    check_leaf(tensor if view_of is None else view_of.base, through_view=view_of is not None)
    spec = lookup(name)
    old_shape = tensor._data.shape
    tensor._data = spec.forward(tensor._data, **attrs)
    tensor._version_counter[0] += 1
    if view_of is not None:
        steps = (*view_of.steps, (_IN_PLACE_AS_VIEW[name], attrs))
        tensor._view_of = ViewOf(view_of.base, steps, tensor._version_counter[0], view_of.made_in_no_grad)
    if _grad_mode._enabled and tensor._requires_grad:
        tensor.grad_fn = Node(spec, (_edge(tensor),), attrs, (old_shape,))
    return tensor


@public(function=False)
def squeeze_(input: Tensor, dim: Any = None) -> Tensor:
    """In place: squeeze_() is SqueezeBackward3, squeeze_(dim) SqueezeBackward4, squeeze_(dims) ...5."""
    if dim is None:
        return _reshape_in_place(input, "squeeze_all_inplace")
    if isinstance(dim, list | tuple):
        dims = tuple(_normalize_dim(d, input.ndim) for d in dim)
        return _reshape_in_place(input, "squeeze_dims_inplace", dims=dims)
    return _reshape_in_place(input, "squeeze_inplace", dim=_normalize_dim(dim, input.ndim))


@public(function=False)
def unsqueeze_(input: Tensor, dim: int) -> Tensor:
    return _reshape_in_place(input, "unsqueeze_inplace", dim=_normalize_dim(dim, input.ndim + 1))


# -- joining and splitting -------------------------------------------------------------------------

def _tensor_list(tensors: Any, function: str) -> list[Tensor]:
    if not isinstance(tensors, list | tuple):
        raise TypeError(
            f"{function}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(
                f"expected Tensor as element {position} in argument 0, but got {type(tensor).__name__}"
            )
    return list(tensors)


def _skipped_by_cat(tensor: Tensor) -> bool:
    # torch's legacy rule: 1-D empty tensors are ignored by cat whatever the other shapes are.
    return tuple(tensor.shape) == (0,)


@public("concat", "concatenate", method=False)
def cat(tensors: Any, dim: int = 0, *, out: Any = None) -> Tensor:
    """torch.cat: one CatBackward0 with an edge per input."""
    parts = _tensor_list(tensors, "cat")
    if not parts:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for position, tensor in enumerate(parts):
        if tensor.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {position}) cannot be concatenated")
    kept = [not _skipped_by_cat(t) for t in parts]
    if not any(kept):
        kept = [True] * len(parts)
    reference = parts[kept.index(True)]
    axis = _normalize_dim(dim, reference.ndim)
    _check_cat_shapes(parts, kept, reference, axis)
    bounds, offset = [], 0
    for tensor, keep in zip(parts, kept, strict=True):
        if keep:
            bounds.append((offset, offset + tensor.shape[axis]))
            offset += tensor.shape[axis]
        else:
            bounds.append((None, None))
    return apply(variadic("cat", len(parts)), *parts, dim=axis, bounds=tuple(bounds),
                 dtype=result_type(*parts))


def _check_cat_shapes(parts: list[Tensor], kept: list[bool], reference: Tensor, axis: int) -> None:
    for position, (tensor, keep) in enumerate(zip(parts, kept, strict=True)):
        if not keep:
            continue
        if tensor.ndim != reference.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {reference.ndim} and {tensor.ndim}"
            )
        for d in range(reference.ndim):
            if d != axis and tensor.shape[d] != reference.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size "
                    f"{reference.shape[d]} but got size {tensor.shape[d]} for tensor number {position} "
                    "in the list."
                )


@public(method=False)
def stack(tensors: Any, dim: int = 0, *, out: Any = None) -> Tensor:
    """torch.stack: one StackBackward0 with an edge per input."""
    parts = _tensor_list(tensors, "stack")
    if not parts:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = parts[0]
    for position, tensor in enumerate(parts):
        if tensor.shape != first.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first.shape)} at entry 0 and "
                f"{list(tensor.shape)} at entry {position}"
            )
    axis = _normalize_dim(dim, first.ndim + 1)
    return apply(variadic("stack", len(parts)), *parts, dim=axis, dtype=result_type(*parts))


@public(method=False)
def where(condition: Tensor, input: Any = None, other: Any = None) -> Tensor | tuple[Tensor, ...]:
    """torch.where(cond, x, y) (WhereBackward0; x or y may be Python numbers), or where(cond) = nonzero."""
    if input is None and other is None:
        picks = np.nonzero(condition._data)
        return tuple(Tensor._from_array(i.astype(np.int64))._trace_created() for i in picks)
    if condition._data.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{_scalar_name(condition._data.dtype)}"
        )
    shapes = [tuple(v.shape) for v in (input, other) if isinstance(v, Tensor)]
    shape = tuple(condition.shape)
    for operand_shape in shapes:
        shape = broadcast_shape(shape, operand_shape)
    dtype = result_type(input, other)
    # Tensors go in as they are: torch promotes inside the op, without ToCopyBackward0 nodes.
    x, x_wrapped = (input, False) if isinstance(input, Tensor) else _as_operand(input, dtype)
    y, y_wrapped = (other, False) if isinstance(other, Tensor) else _as_operand(other, dtype)
    return apply("where", x, y, wrapped=(x_wrapped, y_wrapped), condition=condition._data, dtype=dtype)


def _pieces(input: Tensor, dim: int, sizes: list[int], name: str) -> tuple[Tensor, ...]:
    pieces, start = [], 0
    for size in sizes:
        pieces.append(apply(name, input, dim=dim, start=start, stop=start + size, step=1))
        start += size
    return tuple(pieces)


@public()
def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of a fixed size (SplitBackward0) or of the given sizes (SplitWithSizesBackward0)."""
    axis = _normalize_dim(dim, tensor.ndim)
    size = tensor.shape[axis]
    if isinstance(split_size_or_sections, list | tuple):
        sizes = [operator.index(s) for s in split_size_or_sections]
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                f"dimension {axis}), but got split_sizes={sizes}"
            )
        return _pieces(tensor, axis, sizes, "split_with_sizes")
    step = operator.index(split_size_or_sections)
    if step == 0 and size != 0:
        raise RuntimeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
        )
    count = max(math.ceil(size / step), 1) if step else 1
    sizes = [min(step, size - i * step) for i in range(count)]
    return _pieces(tensor, axis, sizes, "split")


@public()
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    axis = _normalize_dim(dim, input.ndim)
    size = input.shape[axis]
    if size == 0:
        return _pieces(input, axis, [0] * chunks, "split")
    return split(input, math.ceil(size / chunks), axis)


@public()
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    axis = _normalize_dim(dim, input.ndim)
    return tuple(apply("unbind", input, dim=axis, index=i) for i in range(input.shape[axis]))


# -- Tensor methods --------------------------------------------------------------------------------

@public(name="stride", function=False)
def _stride(self: Tensor, dim: int | None = None) -> tuple[int, ...] | int:
    strides = element_strides(self._data)
    return strides if dim is None else strides[_normalize_dim(dim, self.ndim)]


@public(name="__iter__", function=False)
def _iterate(self: Tensor) -> Any:
    """Iterating a tensor walks its first dimension through unbind, as torch does."""
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(unbind(self, 0))


@public(name="where", function=False)
def _where_method(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    """`x.where(cond, y)` is `torch.where(cond, x, y)`."""
    return where(condition, self, other)


@public(function=False)
def is_contiguous(self: Tensor, memory_format: Any = None) -> bool:
    return bool(self._data.flags.c_contiguous)


@public(function=False)
def _is_view(self: Tensor) -> bool:
    return self._view_of is not None


@public(name="_base", function=False, prop=True)
def _base_of(self: Tensor) -> Tensor | None:
    return self._view_of.base if self._view_of is not None else None


for _name, _target in (("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
                       ("long", _dtype.int64), ("int", _dtype.int32), ("short", _dtype.int16),
                       ("char", _dtype.int8), ("byte", _dtype.uint8), ("bool", _dtype.bool)):
    public(name=_name, function=False)(_conversion(_target))
