"""Op table entries: views, copies, indexing, joining, and the nodes in-place writes record.

Views. An op whose `OpSpec.extra` has a "view" entry makes a view: `engine._dispatch.apply` calls
`extra["view"](result, input, attrs)` right after the forward, and the hook links the result to its
input the way torch links a view to its base: the two share memory (the forward returns a numpy view)
and one version counter, and the result remembers its root base plus the chain of view forwards that
re-derives it from that base (`ViewOf`). `__setitem__` uses that chain to find the region it writes
and to give the base a `CopySlices` node, as torch does.

Every VJP here is a one-liner over `g` and the context `c`; the engine unbroadcasts results, so
`expand`'s VJP is simply `g`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from engine import _grad_mode
from engine._dispatch import _edge
from engine._optable import Ctx, OpSpec, lookup, register
from engine.autograd.graph import Node

Step = tuple[str, dict[str, Any]]  # (op name, attrs) of one view op


NO_GRAD_VIEW_BASE_WRITTEN = (
    "A view was created in no_grad mode and its base or another view of its base has been modified inplace "
    "with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can "
    "clarify your code by moving both the view and the inplace either both inside the no_grad block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
)


class ViewOf:
    """What makes a tensor a view: its root base and the view forwards that re-derive it from the base.

    `version` is the shared version counter's value when the view's grad_fn was last set. A write to
    the base (or to any view of it) moves the counter on; the next look at the view's grad_fn then
    re-derives it from the base's current history, as torch does. A view made under no_grad is not
    re-derived: torch refuses to guess once its base's history has changed (`base_fn` is the base's
    grad_fn when the view was made).
    """

    __slots__ = ("base", "steps", "version", "made_in_no_grad", "base_fn")

    def __init__(self, base: Any, steps: tuple[Step, ...], version: int,
                 made_in_no_grad: bool = False) -> None:
        self.base = base
        self.steps = steps
        self.version = version
        self.made_in_no_grad = made_in_no_grad
        self.base_fn = base._grad_fn

    def refresh(self, view: Any) -> None:
        current = view._version_counter[0]
        if current == self.version:
            return
        base = self.base
        if self.made_in_no_grad:
            if base._grad_fn is not self.base_fn:
                raise RuntimeError(NO_GRAD_VIEW_BASE_WRITTEN)
            self.version = current
            return
        self.version = current
        if base._requires_grad:
            attrs = {"steps": self.steps, "base_order": axis_order(base._data)}
            view._grad_fn = Node(lookup("as_strided"), (_edge(base),), attrs, (tuple(base.shape),))
            view._requires_grad = True


def replay(array: np.ndarray, steps: tuple[Step, ...]) -> np.ndarray:
    """Apply a view chain to `array` (the base's data, or a gradient laid out like it)."""
    for name, attrs in steps:
        array = lookup(name).forward(array, **attrs)
    return array


def _view_hook(name: str) -> Callable[[Any, Any, dict[str, Any]], None]:
    def link(result: Any, source: Any, attrs: dict[str, Any]) -> None:
        result._version_counter = source._version_counter
        parent = source._view_of
        no_grad = not _grad_mode._enabled
        if parent is None:
            result._view_of = ViewOf(source, ((name, attrs),), source._version_counter[0], no_grad)
        else:
            result._view_of = ViewOf(parent.base, (*parent.steps, (name, attrs)), source._version_counter[0],
                                     no_grad or parent.made_in_no_grad)

    return link


def _declare(name: str, node: str, vjps: tuple, formula: str, local: tuple[str, ...], view: bool = False):
    def declare(forward: Callable[..., np.ndarray]) -> OpSpec:
        extra = {"view": _view_hook(name)} if view else {}
        return register(OpSpec(name, node, forward, vjps, ((),) * len(vjps), formula, local, extra))

    return declare


def view_op(name: str, node: str, vjp, formula: str, local: str = "1"):
    """Declare a one-input op whose result is a view of its input."""
    return _declare(name, node, (vjp,), formula, (local,), view=True)


def copy_op(name: str, node: str, vjps: tuple, formula: str, local: tuple[str, ...]):
    """Declare an op whose result owns fresh memory."""
    return _declare(name, node, vjps, formula, local)


# -- memory layout ---------------------------------------------------------------------------------

def is_dense(array: np.ndarray) -> bool:
    """Whether the elements fill one block of memory without gaps or overlap (any dimension order)."""
    dims = sorted((abs(s), n) for s, n in zip(array.strides, array.shape, strict=True) if n != 1)
    expected = array.itemsize
    for stride, size in dims:
        if stride != expected:
            return False
        expected *= size
    return True


def axis_order(array: np.ndarray) -> tuple[int, ...]:
    """The dimensions from outermost to innermost in memory (row-major for ties)."""
    return tuple(sorted(range(array.ndim), key=lambda d: (-abs(array.strides[d]), d)))


def empty_in_order(shape: tuple[int, ...], order: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A fresh array of `shape` whose memory runs through the dimensions in `order`."""
    physical = np.empty(tuple(shape[d] for d in order), dtype=dtype)
    return physical.transpose(np.argsort(order))


def preserved_strides(array: np.ndarray) -> tuple[int, ...]:
    """The strides torch gives a copy made with preserve_format (clone, .to(dtype)).

    A dense tensor keeps its strides exactly. Otherwise the copy is dense with the dimensions in the
    order of their strides, innermost first; a dimension of stride 0 cannot be ordered and keeps its
    row-major place.
    """
    strides, shape = element_strides(array), array.shape
    if is_dense(array):
        return strides
    order = list(range(array.ndim - 1, -1, -1))  # innermost first
    for i in range(1, len(order)):
        moving = i
        for j in range(i - 1, -1, -1):
            verdict = _outer_first(strides, shape, order[j], order[moving])
            if verdict > 0:
                order[j], order[moving] = order[moving], order[j]
                moving = j
            elif verdict < 0:
                break
    result, step = [0] * array.ndim, 1
    for d in order:
        result[d] = step
        if shape[d] > 1:
            step *= shape[d]
    return tuple(result)


def _outer_first(strides: tuple[int, ...], shape: tuple[int, ...], inner: int, outer: int) -> int:
    """1 when `inner` (now placed further in) should move outwards past `outer`, -1 to stop, 0 unsure."""
    if strides[inner] == 0 or strides[outer] == 0:
        return 0
    if strides[inner] != strides[outer]:
        return 1 if strides[inner] > strides[outer] else -1
    return 1 if shape[inner] > shape[outer] else 0


def copy_keeping_layout(array: np.ndarray, contiguous: bool, dtype: np.dtype | None = None) -> np.ndarray:
    """torch's copy with contiguous_format (row-major) or preserve_format (see `preserved_strides`)."""
    dtype = np.dtype(dtype or array.dtype)
    strides = _contiguous_strides(array.shape) if contiguous else preserved_strides(array)
    if strides == _contiguous_strides(array.shape):
        return np.array(array, dtype=dtype, order="C", copy=True)
    out = strided(np.empty(max(array.size, 1), dtype=dtype), array.shape, strides)
    out[...] = array
    return out


# Strides are kept exactly as torch sets them (also for size-1 dimensions, where numpy is free to
# differ) because torch's own choices read them: matmul decides whether to fold on raw strides.

def element_strides(array: np.ndarray) -> tuple[int, ...]:
    return tuple(stride // array.itemsize for stride in array.strides)


def strided(array: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...],
            writeable: bool = True) -> np.ndarray:
    """A view of `array`'s memory with the given shape and element strides."""
    return np.lib.stride_tricks.as_strided(array, shape, tuple(s * array.itemsize for s in strides),
                                           writeable=writeable and array.flags.writeable)


def _view_strides(shape: tuple[int, ...], strides: tuple[int, ...],
                  new_shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """Strides that show the same elements with `new_shape`, or None when a copy is needed.

    Dimensions that are contiguous with each other form chunks; each chunk must map onto whole
    dimensions of the new shape, which get strides counted from the chunk's innermost stride.
    """
    if not shape:
        return (1,) * len(new_shape)
    if math.prod(shape) == 0:
        return strides if shape == new_shape else _contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base_stride = strides[-1]
    chunk_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        chunk_numel *= shape[d]
        chunk_ends = d == 0 or (shape[d - 1] != 1 and strides[d - 1] != chunk_numel * base_stride)
        if not chunk_ends:
            continue
        while view_d >= 0 and (view_numel < chunk_numel or new_shape[view_d] == 1):
            new_strides[view_d] = view_numel * base_stride
            view_numel *= new_shape[view_d]
            view_d -= 1
        if view_numel != chunk_numel:
            return None
        if d > 0:
            base_stride = strides[d - 1]
            chunk_numel = view_numel = 1
    return tuple(new_strides) if view_d == -1 else None


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def _is_row_major(array: np.ndarray) -> bool:
    """Contiguous with exactly row-major strides, size-1 dimensions included."""
    return array.flags.c_contiguous and element_strides(array) == _contiguous_strides(array.shape)


def row_major(array: np.ndarray) -> np.ndarray:
    """`array` with row-major strides (numpy leaves an empty array's strides at 0; torch does not)."""
    if array.size == 0:
        return np.empty(array.shape, array.dtype)
    return array if _is_row_major(array) else np.array(array, order="C", copy=True)


def reshape_view(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """`array` seen with a new shape without copying, or None when its strides do not allow it."""
    if _is_row_major(array):
        # numpy then gives the row-major strides torch gives.
        return array.reshape(shape)
    strides = _view_strides(array.shape, element_strides(array), tuple(shape))
    if strides is None:
        return None
    return _with_strides(array, tuple(shape), strides)


def _with_strides(array: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    # numpy's own no-copy reshape is much faster than as_strided and usually agrees.
    try:
        viewed = np.reshape(array, shape, copy=False)
    except ValueError:
        return strided(array, shape, strides)
    return viewed if element_strides(viewed) == strides else strided(array, shape, strides)


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


def _same(g: np.ndarray, c: Ctx) -> np.ndarray:
    return g


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


def _as_strided_vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
    out = empty_in_order(c.shapes[0], c.attrs["base_order"], g.dtype)
    out[...] = 0
    replay(out, c.attrs["steps"])[...] = g
    return out


@view_op("as_strided", "AsStridedBackward0", _as_strided_vjp, "view of the written base")
def _as_strided(a, steps, base_order):
    return replay(a, steps)


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


def _index_vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
    out = np.zeros(c.shapes[0], dtype=g.dtype)
    np.add.at(out, c.attrs["indices"], g)
    return out


@copy_op("index", "IndexBackward0", (_index_vjp,), "a[indices]", ("1 at each picked element (summed)",))
def _index(a, indices):
    return row_major(a[indices])


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


# -- in-place writes --------------------------------------------------------------------------------
# `tensor[index] = value` runs torch's `copy_` / `fill_` (declared with the other in-place ops in
# engine/_ops_reduce.py) or `index_put_` on the indexed region. When that region is a view of a base,
# the base records CopySlices ("view_write", engine/_ops_reduce.py) around the op's node.

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


# The two-input forms, declared up front so the op-table checks see them.
variadic("cat", 2)
variadic("stack", 2)
