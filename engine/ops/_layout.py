"""Views and memory layout: how a view remembers its base, and numpy arrays laid out as torch lays them.

An op declared with `view_op` makes a view: `engine._dispatch.run` calls `extra["view"](result, input,
attrs)` right after the forward, and the hook links the result to its input the way torch links a view to
its base: the two share memory (the forward returns a numpy view) and one version counter, and the result
remembers its root base plus the chain of view forwards that re-derives it from that base (`ViewOf`).
`__setitem__` and the in-place ops use that chain to find the region they write and to give the base a
`CopySlices` node, as torch does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from engine import _grad_mode
from engine._dispatch import _edge
from engine._optable import OpSpec, lookup, register
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
