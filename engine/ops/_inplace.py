"""In-place writes: `x.add_(y)`, `x += y`, `x.sin_()`, and what they record.

An in-place op computes the out-of-place result and writes it into the tensor's own array, so views and
`.detach()` aliases see the change; the shared version counter goes up and, when the op is recorded, the
tensor's history is rebased onto the new node. A write through a view gives the view's base a CopySlices
node ("view_write") and re-derives the view from it (AsStridedBackward0), as torch does.

The families never call this module per op: `engine.ops` hands `in_place_method` to the declaration
binder, which makes `<name>_` for every op declared with `inplace=True`.
"""

from __future__ import annotations

import builtins
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from engine import _grad_mode, _trace
from engine._dispatch import _edge
from engine._dtype import cpp_type_name
from engine._dtype import scalar_type_name as _scalar_name
from engine._optable import Ctx, OpSpec, lookup, register, unbroadcast
from engine._tensor import LEAF_INPLACE, Tensor
from engine.autograd.graph import Node, SavedValue
from engine.ops._layout import axis_order, empty_in_order, replay, view_op

VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."


OVERLAPPING_WRITE = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)


# -- in-place ops ---------------------------------------------------------------------------------------

def _can_cast(source: np.dtype, target: np.dtype) -> bool:
    # torch refuses to write floats into integers, and anything but bool into bool.
    if source.kind == "f" and target.kind in "biu":
        return False
    return not (source.kind != "b" and target.kind == "b")


def check_leaf(root: Tensor, through_view: bool) -> None:
    if _grad_mode._enabled and root._requires_grad and root.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE if through_view else LEAF_INPLACE)


def _stand_in(tensor: Tensor) -> Tensor:
    """A copy of the tensor's current values with its autograd identity.

    The op records this copy as its input, so values it saves for backward are the ones from before the
    write (what torch keeps for `self` of an in-place op) and are not invalidated by the version bump.
    """
    twin = Tensor._from_array(tensor._data.copy(order="K"))
    twin._requires_grad = tensor._requires_grad
    twin.grad_fn = tensor.grad_fn
    twin._accumulator = tensor._accumulator
    return twin


def in_place(tensor: Tensor, compute: Callable[..., Tensor], *others: Any, check_cast: bool = True,
              cpp_target_name: bool = False) -> Tensor:
    """Run `compute(tensor, *others)` out of place, then write the result into `tensor` itself."""
    view = tensor._view_of
    check_leaf(tensor if view is None else view.base, through_view=view is not None)
    recording = _grad_mode._enabled and builtins.any(
        isinstance(t, Tensor) and t._requires_grad for t in (tensor, *others))
    source = _stand_in(tensor) if recording else tensor
    with _trace.recording(None):
        # The out-of-place result is an intermediate the user never sees.
        result = compute(source, *others)
    _check_fits(tensor, result, check_cast, cpp_target_name)
    if not tensor._data.flags.writeable:
        raise RuntimeError(OVERLAPPING_WRITE)
    np.copyto(tensor._data, result._data, casting="unsafe")
    tensor._version_counter[0] += 1
    if result.grad_fn is not None:
        _repoint_saved_result(result, tensor)
        if view is None:
            take_history(tensor, result.grad_fn)
        else:
            rebase_on_base(view.base, tensor, view.steps, result.grad_fn)
    return tensor


def _check_fits(tensor: Tensor, result: Tensor, check_cast: bool,
                cpp_target_name: bool) -> None:
    if result._data.shape != tensor._data.shape:
        raise RuntimeError(
            f"output with shape {list(tensor._data.shape)} doesn't match the broadcast shape "
            f"{list(result._data.shape)}"
        )
    source, target = result._data.dtype, tensor._data.dtype
    if check_cast and not _can_cast(source, target):
        target_name = cpp_type_name(target) if cpp_target_name else _scalar_name(target)
        raise RuntimeError(
            f"result type {_scalar_name(source)} can't be cast to the desired output type {target_name}"
        )


def _repoint_saved_result(result: Tensor, tensor: Tensor) -> None:
    # The op's output is the written tensor itself: a saved result is checked against its version.
    for key, saved in result.grad_fn._saved.items():
        if saved.tensor is result:
            result.grad_fn._saved[key] = SavedValue(tensor._data, tensor, is_output=True)


def in_place_method(function: Callable[..., Tensor], **options: Any) -> Callable[..., Tensor]:
    """`Tensor.<name>_` for an out-of-place function: its result written back into the tensor."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return in_place(self, lambda source, *others: function(source, *others, **kwargs), *args, **options)

    method.__name__ = f"{function.__name__}_"
    return method


def take_history(tensor: Tensor, node: Node) -> None:
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
    take_history(base, node)
    if target is not base:
        target.grad_fn = Node(lookup("as_strided"), ((node, 0),),
                              {"steps": target._view_of.steps, "base_order": order}, (tuple(base.shape),))
        target._requires_grad = True


def _inner_context(c) -> Ctx:
    """The context of the op written into the view: its own saved values, attributes and shapes."""
    return Ctx(c.values, c.attrs["inner_attrs"], c.attrs["inner_shapes"])


def _region_of_grad(g: np.ndarray, c) -> tuple[np.ndarray, np.ndarray]:
    """A copy of the base's gradient, laid out like the base, and the written view's region of it."""
    grad = empty_in_order(g.shape, c.attrs["base_order"], g.dtype)
    grad[...] = g
    return grad, replay(grad, c.attrs["steps"])


def _view_write_base_vjp(g, c):
    # Outside the view the old base passes the gradient straight through; inside it the op's own VJP
    # for its first input (the view's old value) decides.
    grad, region = _region_of_grad(g, c)
    inner_vjp = lookup(c.attrs["inner"]).vjps[0]
    inside = np.array(region, copy=True)
    region[...] = 0 if inner_vjp is None else unbroadcast(inner_vjp(inside, _inner_context(c)), region.shape)
    return grad


def _view_write_operand_vjp(index: int):
    def vjp(g, c):
        _, region = _region_of_grad(g, c)
        inner_vjp = lookup(c.attrs["inner"]).vjps[index]
        return np.zeros(c.shapes[index], g.dtype) if inner_vjp is None else inner_vjp(
            np.array(region, copy=True), _inner_context(c))

    return vjp


# torch's CopySlices: an in-place op on a view, recorded on the view's base. Its inputs are the base and
# the op's other operands (up to two, for clamp_ with tensor bounds); its VJPs delegate to the op's.
def _view_write_forward(base, *operands, inner, inner_attrs, steps, **layout):
    written = np.array(base, copy=True)
    region = replay(written, steps)
    region[...] = lookup(inner).forward(np.array(region, copy=True), *operands, **inner_attrs)
    return written


register(OpSpec(
    "view_write", "torch::autograd::CopySlices", _view_write_forward,
    (_view_write_base_vjp, _view_write_operand_vjp(1), _view_write_operand_vjp(2)), ((), (), ()),
    "base with a view of it changed in place", ("the op's derivative inside the view, 1 outside",
                                                 "the op's derivative", "the op's derivative"),
))


def _as_strided_vjp(g: np.ndarray, c: Ctx) -> np.ndarray:
    out = empty_in_order(c.shapes[0], c.attrs["base_order"], g.dtype)
    out[...] = 0
    replay(out, c.attrs["steps"])[...] = g
    return out


@view_op("as_strided", "AsStridedBackward0", _as_strided_vjp, "view of the written base")
def _as_strided(a, steps, base_order):
    return replay(a, steps)
