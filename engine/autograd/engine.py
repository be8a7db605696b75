"""The backward engine, written as a generator of steps.

`backward_steps` walks the graph from the roots in torch's order and yields one `Step` per node it
executes. It never touches `.grad`: `Tensor.backward` and `autograd.grad` consume the same steps and
decide what to do with them, and the visualisation replays them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from engine._dtype import legacy_type_name
from engine._optable import unbroadcast
from engine.autograd.graph import Node, SavedValue

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
    "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
    "or if you need to access saved tensors after calling backward."
)


@dataclass(frozen=True)
class Step:
    """One executed node: the gradient that reached it and the gradients it sends on."""

    node: Node
    grad_in: np.ndarray
    grads_out: tuple[np.ndarray | None, ...]


_new = object.__new__


def _step(node: Node, grad_in: np.ndarray, grads_out: tuple[np.ndarray | None, ...]) -> Step:
    """Step(node, grad_in, grads_out), made the fast way.

    A frozen dataclass's __init__ sets each field through object.__setattr__, which costs more than
    the rest of a step on a small tensor. The fields go straight into the new instance's __dict__.
    """
    step = _new(Step)
    fields = step.__dict__
    fields["node"] = node
    fields["grad_in"] = grad_in
    fields["grads_out"] = grads_out
    return step


def _dependencies(roots: Sequence[Node]) -> dict[Node, int]:
    """How many edges lead into each node reachable from the roots."""
    counts: dict[Node, int] = {root: 0 for root in roots}
    stack = list(roots)
    seen = set(roots)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            counts[child] = counts.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return counts


def _check_saved(node: Node) -> None:
    if node._freed:
        raise RuntimeError(SECOND_BACKWARD)
    for saved in node._saved.values():
        counter = saved.counter
        if counter is not None and counter[0] != saved.version:
            raise RuntimeError(_modified_message(node, saved))


def _modified_message(node: Node, saved: SavedValue) -> str:
    tensor = saved.tensor
    # A saved output may be gone while a view of it (sharing its counter) was written: describe it from
    # the saved array then.
    array = tensor._data if tensor is not None else saved.array
    kind = f"[{legacy_type_name(array.dtype)} [{', '.join(str(d) for d in array.shape)}]]"
    producer = node if saved.is_output else tensor.grad_fn
    origin = ""
    if producer is not None:
        short_name = producer.name().removesuffix("Backward0").removesuffix("Backward1")
        origin = f", which is output 0 of {short_name},"
    return (
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"{kind}{origin} is at version {saved.counter[0]}; expected version {saved.version} instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def _outgoing(node: Node, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
    ctx = node.context()
    vjps = node.spec.vjps
    shapes = node.input_shapes
    grads = []
    for index, (child, _) in enumerate(node.next_functions):
        vjp = vjps[index]
        if child is None or vjp is None:
            grads.append(None)
            continue
        contribution = vjp(grad, ctx)
        if type(contribution) is not np.ndarray:
            contribution = np.asarray(contribution)
        if contribution.shape != shapes[index]:
            contribution = unbroadcast(contribution, shapes[index])
        dtype = child.dtype
        if dtype is not None and contribution.dtype is not dtype and contribution.dtype != dtype:
            contribution = contribution.astype(dtype)
        grads.append(contribution)
    return tuple(grads)


def backward_steps(
    roots: Sequence[Node], grad_roots: Sequence[np.ndarray], retain_graph: bool
) -> Iterator[Step]:
    """Yield the steps of one backward pass from `roots` seeded with `grad_roots`."""
    pending = _dependencies(roots)
    buffers: dict[Node, np.ndarray] = {}
    # Buffers holding a sum this generator made and has not yielded yet: only those may be added to
    # in place. Every other gradient may be shared (a step already yielded it, or a VJP passed its
    # incoming gradient straight through), so adding to it would change what someone else holds.
    private: set[Node] = set()
    for root, grad in zip(roots, grad_roots, strict=True):
        _add_to_buffer(buffers, private, root, grad)
    ready = [_entry(root) for root in dict.fromkeys(roots) if pending[root] == 0]
    heapq.heapify(ready)
    heappop, heappush = heapq.heappop, heapq.heappush
    while ready:
        node = heappop(ready)[-1]
        grad_in = buffers.pop(node)
        if private:
            private.discard(node)
        if node.spec is None:  # AccumulateGrad: the consumer does the accumulating
            grads_out = ()
        else:
            _check_saved(node)
            grads_out = _outgoing(node, grad_in)
            if not retain_graph:
                node.free_saved()
        yield _step(node, grad_in, grads_out)
        for (child, _), grad in zip(node.next_functions, grads_out):
            if child is None:
                continue
            if grad is not None:
                if child in buffers:
                    _add_to_buffer(buffers, private, child, grad)
                else:
                    buffers[child] = grad
            left = pending[child] - 1
            pending[child] = left
            if left == 0 and child in buffers:
                heappush(ready, _entry(child))


def _entry(node: Node) -> tuple[int, int, Node]:
    # Like torch's ready queue: AccumulateGrad runs as soon as it is ready, otherwise the most recently
    # created node first. Sequence numbers are unique, so the node itself is never compared.
    return (0 if node.spec is None else 1, -node.sequence_nr, node)


def _add_to_buffer(buffers: dict[Node, np.ndarray], private: set[Node], node: Node, grad: np.ndarray) -> None:
    held = buffers.get(node)
    if held is None:
        buffers[node] = grad
    elif node in private and held.shape == grad.shape and held.dtype == grad.dtype:
        np.add(held, grad, out=held)
    else:
        total = held + grad
        buffers[node] = total
        if type(total) is np.ndarray:  # 0-d sums come back as numpy scalars, which have no memory to reuse
            private.add(node)
