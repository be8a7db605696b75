"""Indexing family: `tensor[index]`, `tensor[index] = value` and nonzero.

An index becomes select/slice/unsqueeze views in index order, then (maybe) one advanced index
(IndexBackward0); a write records copy_/fill_/index_put_ on the indexed region, and CopySlices on the
base when that region is a view.
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import _grad_mode
from engine._dispatch import _edge, apply
from engine._dtype import legacy_type_name as _legacy_type
from engine._dtype import scalar_type_name as _scalar_name
from engine._optable import Ctx, lookup
from engine._tensor import Tensor
from engine.autograd.graph import Node
from engine.ops._args import _require_tensor, _result
from engine.ops._declare import public
from engine.ops._inplace import OVERLAPPING_WRITE, check_leaf, rebase_on_base, take_history
from engine.ops._layout import ViewOf, copy_op, replay, row_major
from engine.ops.shape import _is_int, expand, view

# == op-table rows ===========================================================================================

def _index_vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
    out = np.zeros(c.shapes[0], dtype=g.dtype)
    np.add.at(out, c.attrs["indices"], g)
    return out


@copy_op("index", "IndexBackward0", (_index_vjp,), "a[indices]", ("1 at each picked element (summed)",))
def _index(a, indices):
    return row_major(a[indices])


# -- in-place writes --------------------------------------------------------------------------------
# `tensor[index] = value` runs torch's `copy_` / `fill_` (declared with the other in-place ops in
# engine/ops/fill.py) or `index_put_` on the indexed region. When that region is a view of a base,
# the base records CopySlices ("view_write", engine/ops/_inplace.py) around the op's node.

def _index_put_self_vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
    out = np.array(g, copy=True)
    out[c.attrs["indices"]] = 0
    return out


@copy_op("index_put", "IndexPutBackward0", (_index_put_self_vjp, lambda g, c: g[c.attrs["indices"]]),
         "a[indices] = v", ("0 at written elements, else 1", "1"))
def _index_put(a, values, indices):
    out = np.array(a, copy=True)
    out[indices] = values
    return out


# == functions and methods (published by @public) ===========================================================

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
    return item is None or item is Ellipsis or isinstance(
        item, slice | list | tuple | range | Tensor | np.ndarray
    )


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
    if isinstance(item, Tensor | list | tuple | range | np.ndarray):
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


@public(name="__getitem__", function=False)
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


def _record_write(root: Tensor, target: Tensor, steps: tuple, inner: str, values: Tensor,
                  attrs: dict[str, Any], region_shape: tuple[int, ...]) -> None:
    """The nodes torch records for tensor[index] = value: the op itself, or CopySlices on the base."""
    node = Node(lookup(inner), (_edge(root), _edge(values)), attrs, (region_shape, tuple(values.shape)))
    if steps:
        rebase_on_base(root, target, steps, node)
    else:
        take_history(root, node)


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


@public(name="__setitem__", function=False)
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
    check_leaf(root, through_view=bool(steps))
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


@public()
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero entries: one row per entry, or one tensor per dim with `as_tuple`."""
    _require_tensor(input, "nonzero")
    data = input._data if input.ndim else input._data.reshape(1)
    positions = np.nonzero(data)
    if as_tuple:
        return tuple(_result(p.astype(np.int64)) for p in positions)
    rows = np.stack(positions, axis=1) if positions else np.zeros((0, 0))
    return _result(rows.astype(np.int64).reshape(-1, input.ndim))
