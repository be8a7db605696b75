"""Shape, view, indexing and joining functions (torch.reshape, torch.cat, tensor[i] ...) and their methods.

Each function checks its arguments with torch's messages and then runs op-table entries through
`apply`, choosing the same nodes torch records: `reshape` is a `view` when the strides allow it and a
clone plus `_unsafe_view` otherwise, `x[0, 1:3]` is a select followed by a slice, and `matmul` folds or
batches its operands exactly as torch decides to.
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import _dtype, _grad_mode
from engine._dispatch import _edge, apply
from engine._dtype import legacy_type_name as _legacy_type
from engine._dtype import scalar_type_name as _scalar_name
from engine._functions import _as_operand, broadcast_shape, mm, mv, result_type
from engine._ops_shape import (
    ViewOf,
    axis_order,
    element_strides,
    replay,
    reshape_view,
    variadic,
)
from engine._optable import lookup
from engine._tensor import LEAF_INPLACE, Tensor, _normalize_dim
from engine.autograd.graph import Node

__all__ = [
    "batched_matmul", "bmm", "broadcast_to", "cat", "chunk", "clone", "concat", "concatenate", "flatten",
    "narrow", "permute", "reshape", "split", "squeeze", "stack", "swapaxes", "swapdims", "t", "transpose",
    "unbind", "unsqueeze", "where",
]

VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
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
SEQUENCE_INDEX_WARNING = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch "
    "2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, "
    "x[torch.tensor(seq)], which will result either in an error or a different result (Triggered internally "
    "at /__w/pytorch/pytorch/torch/csrc/autograd/python_variable_indexing.cpp:349.)"
)
ZERO_DIM_INDEX = (
    "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert "
    "a 0-dim tensor to a number"
)
OVERLAPPING_WRITE = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
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

def view(input: Tensor, *shape: Any) -> Tensor:
    return apply("view", input, shape=infer_shape(_view_shape_arg(shape), input._data.size))


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, tuple(other.shape))


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """A view when the strides allow one (ViewBackward0 / ReshapeAliasBackward0), else a copy."""
    target = infer_shape(_shape_arg(shape, "reshape", "shape"), input._data.size)
    if input._data.flags.c_contiguous:
        return apply("view", input, shape=target)
    if reshape_view(input._data, target) is not None:
        return apply("reshape_alias", input, shape=target)
    return apply("unsafe_view", apply("clone", input, contiguous=True), shape=target)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, tuple(other.shape))


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


def t(input: Tensor) -> Tensor:
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply("t", input)


def _reversed_dims(input: Tensor) -> Tensor:
    """`x.T`: a permute reversing the dimensions (torch warns unless the tensor is a matrix)."""
    if input.ndim == 0:
        warnings.warn(T_0D_WARNING, UserWarning, stacklevel=2)
    elif input.ndim != 2:
        warnings.warn(T_NOT_2D_WARNING, UserWarning, stacklevel=2)
    return apply("permute", input, dims=tuple(reversed(range(input.ndim))))


def _matrix_transpose(input: Tensor) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D tensor."
        )
    return transpose(input, -2, -1)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return apply("transpose", input, dim0=_normalize_dim(dim0, input.ndim),
                 dim1=_normalize_dim(dim1, input.ndim))


swapaxes = swapdims = transpose


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


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return apply("unsqueeze", input, dim=_normalize_dim(dim, input.ndim + 1))


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """squeeze() is SqueezeBackward0, squeeze(dim) SqueezeBackward1, squeeze(dims) SqueezeBackward2."""
    if dim is None:
        return apply("squeeze", input)
    if isinstance(dim, list | tuple):
        return apply("squeeze_dims", input, dims=tuple(_normalize_dim(d, input.ndim) for d in dim))
    return apply("squeeze_dim", input, dim=_normalize_dim(dim, input.ndim))


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


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, tuple(other.shape))


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    return expand(input, size)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    axis = _normalize_dim(dim, input.ndim)
    size = input.shape[axis]
    begin = start + size if start < 0 else start
    if begin + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return apply("slice", input, dim=axis, start=begin, stop=begin + length, step=1)


# -- copies and dtype conversion -------------------------------------------------------------------

def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    return input if input._data.flags.c_contiguous else apply("clone", input, contiguous=True)


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

def _check_inplace_allowed(root: Tensor, through_view: bool) -> None:
    if _grad_mode._enabled and root._requires_grad and root.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE if through_view else LEAF_INPLACE)


# The in-place op, and the view op that re-derives the reshaped tensor from its base.
_IN_PLACE_AS_VIEW = {"squeeze_all_inplace": "squeeze", "squeeze_inplace": "squeeze_dim",
                     "squeeze_dims_inplace": "squeeze_dims", "unsqueeze_inplace": "unsqueeze"}


def _reshape_in_place(tensor: Tensor, name: str, **attrs: Any) -> Tensor:
    """squeeze_/unsqueeze_: the tensor itself takes the new shape and a new grad_fn."""
    view_of: ViewOf | None = tensor._view_of
    _check_inplace_allowed(tensor if view_of is None else view_of.base, through_view=view_of is not None)
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


def squeeze_(input: Tensor, dim: Any = None) -> Tensor:
    """In place: squeeze_() is SqueezeBackward3, squeeze_(dim) SqueezeBackward4, squeeze_(dims) ...5."""
    if dim is None:
        return _reshape_in_place(input, "squeeze_all_inplace")
    if isinstance(dim, list | tuple):
        dims = tuple(_normalize_dim(d, input.ndim) for d in dim)
        return _reshape_in_place(input, "squeeze_dims_inplace", dims=dims)
    return _reshape_in_place(input, "squeeze_inplace", dim=_normalize_dim(dim, input.ndim))


def unsqueeze_(input: Tensor, dim: int) -> Tensor:
    return _reshape_in_place(input, "unsqueeze_inplace", dim=_normalize_dim(dim, input.ndim + 1))


# -- indexing: turning an index into view ops plus one advanced index ------------------------------

@dataclass
class _IndexPlan:
    """What `tensor[index]` does: basic view ops in order, then (maybe) one advanced index."""

    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    shape: list[int] = field(default_factory=list)
    # (dimension of the viewed tensor, int64 index array or bool mask)
    advanced: list[tuple[int, np.ndarray]] = field(default_factory=list)


def _index_items(index: Any) -> tuple[tuple, bool]:
    """The index as a tuple of items, and whether it was a single non-tuple item."""
    if isinstance(index, tuple):
        return index, False
    if isinstance(index, list) and len(index) < 32 and any(_makes_tuple(item) for item in index):
        warnings.warn(SEQUENCE_INDEX_WARNING, UserWarning, stacklevel=3)
        return tuple(index), False
    return (index,), True


def _makes_tuple(item: Any) -> bool:
    return item is None or item is Ellipsis or isinstance(item, slice | list | tuple | Tensor | np.ndarray)


def _index_array(item: Any) -> np.ndarray | int | bool:
    """A tensor/list index as numpy: int64 indices or a bool mask; 0-d tensors act as Python scalars."""
    if isinstance(item, Tensor):
        array = item._data
        if array.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    else:
        array = np.asarray(item)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"new(): invalid data type '{type(np.ravel(array)[0].item()).__name__}'")
        if array.dtype.kind == "f":
            array = array.astype(np.int64)
    if array.dtype == np.uint8 or array.dtype == np.bool_:
        array = array.astype(np.bool_)
        return bool(array) if array.ndim == 0 and isinstance(item, Tensor) else array
    array = array.astype(np.int64)
    return int(array) if array.ndim == 0 and isinstance(item, Tensor) else array


def _normalized_item(item: Any) -> Any:
    if item is None or item is Ellipsis or isinstance(item, slice | bool | np.bool_):
        return item
    if _is_int(item):
        return operator.index(item)
    if isinstance(item, Tensor | list | tuple | np.ndarray):
        return _index_array(item)
    if isinstance(item, str):
        raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
        f"(got {type(item).__name__})"
    )


def _dims_consumed(item: Any) -> int:
    if item is None or item is Ellipsis or isinstance(item, bool | np.bool_):
        return 0
    if isinstance(item, np.ndarray):
        return item.ndim if item.dtype == np.bool_ else 1
    return 1


def _slice_bounds(item: slice, size: int) -> tuple[int, int, int]:
    if item.step is not None and operator.index(item.step) <= 0:
        if operator.index(item.step) == 0:
            raise ValueError("slice step cannot be zero")
        raise ValueError("step must be greater than zero")
    numbers_ = (None if v is None else operator.index(v) for v in (item.start, item.stop, item.step))
    return slice(*numbers_).indices(size)


def _is_whole(item: slice, size: int) -> bool:
    """torch skips a slice that keeps everything (judged on the numbers as written)."""
    start = 0 if item.start is None else operator.index(item.start)
    stop = None if item.stop is None else operator.index(item.stop)
    step = 1 if item.step is None else operator.index(item.step)
    return start == 0 and step == 1 and (stop is None or stop >= size)


def _plan(shape: tuple[int, ...], raw_items: tuple, skip_whole_slices: bool) -> _IndexPlan:
    items = [_normalized_item(item) for item in raw_items]
    if sum(item is Ellipsis for item in items) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    specified = sum(_dims_consumed(item) for item in items)
    if specified > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    plan = _IndexPlan(shape=list(shape))
    dim = 0
    for position, item in enumerate(items):
        if item is Ellipsis:
            dim += len(shape) - specified
        elif item is None:
            _plan_unsqueeze(plan, dim)
            dim += 1
        elif isinstance(item, bool | np.bool_):
            _plan_unsqueeze(plan, dim)
            plan.advanced.append((dim, np.array([bool(item)])))
            dim += 1
        elif isinstance(item, int):
            _plan_select(plan, dim, item, position)
        elif isinstance(item, slice):
            dim = _plan_slice(plan, dim, item, skip_whole_slices)
        else:
            plan.advanced.append((dim, item))
            dim += _dims_consumed(item)
    return plan


def _plan_unsqueeze(plan: _IndexPlan, dim: int) -> None:
    plan.steps.append(("unsqueeze", {"dim": dim}))
    plan.shape.insert(dim, 1)


def _plan_select(plan: _IndexPlan, dim: int, index: int, position: int) -> None:
    size = plan.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {position} with size {size}")
    plan.steps.append(("select", {"dim": dim, "index": index % size}))
    del plan.shape[dim]


def _plan_slice(plan: _IndexPlan, dim: int, item: slice, skip_whole: bool) -> int:
    size = plan.shape[dim]
    start, stop, step = _slice_bounds(item, size)
    if not (skip_whole and _is_whole(item, size)):
        plan.steps.append(("slice", {"dim": dim, "start": start, "stop": stop, "step": step}))
        plan.shape[dim] = len(range(start, stop, step))
    return dim + 1


def _index_columns(shape: tuple[int, ...], advanced: list[tuple[int, np.ndarray]]) -> list:
    """The advanced part as (dimension, int64 picks) columns, with torch's mask and broadcast errors."""
    columns: list[tuple[int, np.ndarray]] = []
    for dim, array in advanced:
        if array.dtype != np.bool_:
            columns.append((dim, array))
            continue
        for offset, size in enumerate(array.shape):
            if shape[dim + offset] != size:
                raise IndexError(
                    f"The shape of the mask {list(array.shape)} at index {offset} does not match the shape "
                    f"of the indexed tensor {list(shape)} at index {dim + offset}"
                )
        columns.extend((dim + offset, picks) for offset, picks in enumerate(np.nonzero(array)))
    try:
        np.broadcast_shapes(*(array.shape for _, array in columns))
    except ValueError:
        listed = ", ".join(str(list(array.shape)) for _, array in columns)
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes {listed}"
        ) from None
    return columns


def _picked_shape(shape: tuple[int, ...], columns: list) -> tuple[int, ...]:
    """The shape tensor[columns] has (it does not depend on the picked values)."""
    indexed = {dim for dim, _ in columns}
    probe_shape = tuple(max(size, 1) if d in indexed else size for d, size in enumerate(shape))
    probe = np.broadcast_to(np.zeros((), np.bool_), probe_shape)
    return probe[_numpy_index(shape, [(dim, np.zeros_like(array)) for dim, array in columns])].shape


def _numpy_index(shape: tuple[int, ...], columns: list) -> tuple:
    index: list[Any] = [slice(None)] * len(shape)
    for dim, array in columns:
        index[dim] = array
    return tuple(index)


def _checked_index(shape: tuple[int, ...], columns: list) -> tuple:
    """The numpy index for the columns, after torch's bounds check."""
    if math.prod(_picked_shape(shape, columns)):
        _check_bounds(shape, columns)
    else:
        # torch checks bounds element by element, so an empty result never fails; numpy would.
        columns = [(dim, np.zeros_like(array)) for dim, array in columns]
    return _numpy_index(shape, columns)


def _check_bounds(shape: tuple[int, ...], columns: list[tuple[int, np.ndarray]]) -> None:
    """torch's error for the first picked element (in order) that lies outside its dimension."""
    arrays = np.broadcast_arrays(*(array for _, array in columns))
    outside = np.stack([((picks < -shape[dim]) | (picks >= shape[dim])).reshape(-1)
                        for (dim, _), picks in zip(columns, arrays)])
    if not outside.any():
        return
    element = int(np.flatnonzero(outside.any(axis=0))[0])
    position = int(np.flatnonzero(outside[:, element])[0])
    size = shape[columns[position][0]]
    if size == 0:
        raise IndexError("index is out of bounds for dimension with size 0")
    # torch numbers the dimension among the index tensors, not among the tensor's dimensions.
    value = arrays[position].reshape(-1)[element]
    raise IndexError(f"index {value} is out of bounds for dimension {position} with size {size}")


def _check_single_item(tensor: Tensor, item: Any) -> None:
    """torch's fast paths for `t[i]` and `t[a:b]` on a 0-d tensor have their own messages."""
    if tensor.ndim != 0:
        return
    if _is_int(item):
        if operator.index(item) == 0:
            raise IndexError(ZERO_DIM_INDEX)
        raise IndexError(f"index {operator.index(item)} is out of bounds for dimension 0 with size 0")
    if isinstance(item, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")


def getitem(self: Tensor, index: Any) -> Tensor:
    """tensor[index]: select/slice/unsqueeze views in index order, then IndexBackward0 for tensor indices."""
    if type(index) is int and self._data.ndim:
        # The most common index (and what iteration does) goes straight to the select.
        size = self._data.shape[0]
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {size}")
        return apply("select", self, dim=0, index=index % size)
    items, single = _index_items(index)
    if single:
        _check_single_item(self, items[0])
        if isinstance(items[0], slice):
            # A lone slice always records a SliceBackward0, even when it keeps everything.
            start, stop, step = _slice_bounds(items[0], self.shape[0])
            return apply("slice", self, dim=0, start=start, stop=stop, step=step)
    plan = _plan(tuple(self.shape), items, skip_whole_slices=True)
    result = self
    for name, attrs in plan.steps:
        result = apply(name, result, **attrs)
    if plan.advanced:
        shape = tuple(result.shape)
        return apply("index", result, indices=_checked_index(shape, _index_columns(shape, plan.advanced)))
    return apply("alias", self) if result is self else result


# -- indexing: writing -----------------------------------------------------------------------------

def _value_tensor(value: Any, target: Tensor) -> tuple[Tensor, bool]:
    """The value to write as a tensor, and whether it came from a Python number."""
    if isinstance(value, Tensor):
        return value, False
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        return Tensor._from_array(np.asarray(value, dtype=target._data.dtype)), True
    kind = type(value)
    # torch prints the C type name, which for numpy's types carries the module.
    name = f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__
    raise TypeError(f"can't assign a {name} to a {_legacy_type(target._data.dtype)}")


def _leading_ones_removed(shape: tuple[int, ...]) -> tuple[int, ...]:
    first = next((i for i, size in enumerate(shape) if size != 1), len(shape))
    return tuple(shape[first:])


def _prepare_copy(region: np.ndarray, source: Tensor) -> tuple[str, Tensor, dict[str, Any]]:
    """How torch's setitem copies `source` into a basic-indexed region: copy_, fill_, or view+expand+copy_."""
    if tuple(source.shape) == region.shape:
        return "copy", source, {}
    if source.ndim == 0:
        return "fill_tensor", source, {}
    stripped = view(source, _leading_ones_removed(tuple(source.shape)))
    if tuple(stripped.shape) != region.shape:
        stripped = expand(stripped, region.shape)
    return "copy", stripped, {}


def _prepare_index_put(region: np.ndarray, plan: _IndexPlan, source: Tensor, from_number: bool,
                       target: Tensor) -> tuple[str, Tensor, dict[str, Any]]:
    columns = _index_columns(region.shape, plan.advanced)
    picked_shape = _picked_shape(region.shape, columns)
    shape = tuple(source.shape)
    values = source if _leading_ones_removed(shape) == shape else view(source, _leading_ones_removed(shape))
    if not from_number and values._data.dtype != target._data.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{_scalar_name(target._data.dtype)} for the destination and {_scalar_name(values._data.dtype)} "
            "for the source."
        )
    if not _broadcasts_to(tuple(values.shape), picked_shape):
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to indexing "
            f"result of shape {list(picked_shape)}"
        )
    return "index_put", values, {"indices": _checked_index(region.shape, columns)}


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    if len(shape) > len(target):
        return False
    return all(size in (1, wanted) for size, wanted in zip(reversed(shape), reversed(target)))


def _write(region: np.ndarray, inner: str, values: Tensor, attrs: dict[str, Any]) -> None:
    if any(stride == 0 and size > 1 for stride, size in zip(region.strides, region.shape)):
        raise RuntimeError(OVERLAPPING_WRITE)
    if inner == "index_put":
        region[attrs["indices"]] = values._data
    else:
        region[...] = values._data


def _take_history(tensor: Tensor, node: Node) -> None:
    """`node` becomes the tensor's grad_fn; a retain_grad() follows it, as in torch."""
    previous = tensor.grad_fn
    tensor.grad_fn = node
    tensor._requires_grad = True
    if tensor._retains_grad and previous is not None:
        previous._retained = None
        node._retained = weakref.ref(tensor)


def rebase_on_base(base: Tensor, target: Tensor, steps: tuple, inner: Node) -> None:
    """Record an in-place op (node `inner`) that wrote the view `steps` of `base`.

    The base gets CopySlices around `inner`: the old base history for everything outside the view,
    `inner`'s other inputs (and its saved values) for the written part. `target`, when it is itself a
    view of `base`, now derives from the rewritten base (AsStridedBackward0), as torch regenerates it.
    """
    order = axis_order(base._data)
    attrs = {"inner": inner.spec.name, "inner_attrs": inner.attrs, "inner_shapes": inner.input_shapes,
             "steps": steps, "base_order": order}
    node = Node(lookup("view_write"), (_edge(base), *inner.next_functions[1:]), attrs,
                (tuple(base.shape), *inner.input_shapes[1:]))
    node._saved, inner._saved = inner._saved, {}
    _take_history(base, node)
    if target is not base:
        target.grad_fn = Node(lookup("as_strided"), ((node, 0),),
                              {"steps": target._view_of.steps, "base_order": order}, (tuple(base.shape),))
        target._requires_grad = True


def _record_write(root: Tensor, target: Tensor, steps: tuple, inner: str, values: Tensor,
                  attrs: dict[str, Any], region_shape: tuple[int, ...]) -> None:
    """The nodes torch records for tensor[index] = value: the op itself, or CopySlices on the base."""
    node = Node(lookup(inner), (_edge(root), _edge(values)), attrs, (region_shape, tuple(values.shape)))
    if steps:
        rebase_on_base(root, target, steps, node)
    else:
        _take_history(root, node)


def _no_grad_view_message(plan: _IndexPlan) -> str:
    """torch's refusal to track a write into a view made under no_grad (naming the last view step)."""
    advice = (
        "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code "
        "by moving both the view and the inplace either both inside the no_grad block (if you don't want the "
        "inplace to be tracked) or both outside (if you want the inplace to be tracked)."
    )
    if plan.steps:
        op = lookup(plan.steps[-1][0]).node.removesuffix("Backward0")
        return (f"Output 0 of {op} is a view of a view which was created in no_grad mode and is being "
                f"modified inplace with grad mode enabled. {advice}")
    return ("A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
            f"{advice}")


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """tensor[index] = value, recording what torch records (CopySlices, IndexPutBackward0, ...)."""
    source, from_number = _value_tensor(value, self)
    items, single = _index_items(index)
    if single:
        _check_single_item(self, items[0])
    plan = _plan(tuple(self.shape), items, skip_whole_slices=True)
    view_of: ViewOf | None = self._view_of
    root = self if view_of is None else view_of.base
    steps = (view_of.steps if view_of is not None else ()) + tuple(plan.steps)
    _check_inplace_allowed(root, through_view=bool(steps))
    region = replay(root._data, steps)
    if plan.advanced:
        inner, values, attrs = _prepare_index_put(region, plan, source, from_number, self)
    else:
        inner, values, attrs = _prepare_copy(region, source)
    tracked = _grad_mode._enabled and (root._requires_grad or values._requires_grad)
    if tracked and view_of is not None and view_of.made_in_no_grad:
        raise RuntimeError(_no_grad_view_message(plan))
    _write(region, inner, values, attrs)
    root._version_counter[0] += 1
    if tracked:
        _record_write(root, self, steps, inner, values, attrs, region.shape)


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


concat = concatenate = cat


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


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    axis = _normalize_dim(dim, input.ndim)
    size = input.shape[axis]
    if size == 0:
        return _pieces(input, axis, [0] * chunks, "split")
    return split(input, math.ceil(size / chunks), axis)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    axis = _normalize_dim(dim, input.ndim)
    return tuple(apply("unbind", input, dim=axis, index=i) for i in range(input.shape[axis]))


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


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    _check_bmm(input, mat2)
    return apply("bmm", input, mat2)


def _element_strides(tensor: Tensor) -> tuple[int, ...]:
    return element_strides(tensor._data)


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
    shape, strides = list(big.shape), list(_element_strides(big))
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


# -- Tensor methods --------------------------------------------------------------------------------

def _stride(self: Tensor, dim: int | None = None) -> tuple[int, ...] | int:
    strides = _element_strides(self)
    return strides if dim is None else strides[_normalize_dim(dim, self.ndim)]


def _iterate(self: Tensor) -> Any:
    """Iterating a tensor walks its first dimension through unbind, as torch does."""
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(unbind(self, 0))


def _bind_methods() -> None:
    methods = {
        "view": view, "view_as": view_as, "reshape": reshape,
        "reshape_as": reshape_as, "flatten": flatten, "t": t, "transpose": transpose, "swapaxes": transpose,
        "swapdims": transpose, "permute": permute, "unsqueeze": unsqueeze, "squeeze": squeeze,
        "squeeze_": squeeze_, "unsqueeze_": unsqueeze_, "expand": expand, "expand_as": expand_as,
        "broadcast_to": broadcast_to, "narrow": narrow, "contiguous": contiguous, "clone": clone, "to": to,
        "type": type_, "chunk": chunk, "split": split, "unbind": unbind, "bmm": bmm,
        "where": lambda self, condition, other: where(condition, self, other),
        "is_contiguous": lambda self, memory_format=None: bool(self._data.flags.c_contiguous),
        "stride": _stride, "_is_view": lambda self: self._view_of is not None,
        "__getitem__": getitem, "__setitem__": setitem, "__iter__": _iterate,
    }
    for name, function in methods.items():
        setattr(Tensor, name, function)
    for name, target in (("float", _dtype.float32), ("double", _dtype.float64), ("half", _dtype.float16),
                         ("long", _dtype.int64), ("int", _dtype.int32), ("short", _dtype.int16),
                         ("char", _dtype.int8), ("byte", _dtype.uint8), ("bool", _dtype.bool)):
        setattr(Tensor, name, _conversion(target))
    Tensor.T = property(_reversed_dims)
    Tensor.mT = property(_matrix_transpose)
    Tensor._base = property(lambda self: self._view_of.base if self._view_of is not None else None)


_bind_methods()
