"""torch.autograd: backward() and grad(), both consumers of the step generator."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from engine import _grad_mode, _trace
from engine._tensor import Tensor as _Tensor
from engine.autograd.engine import Step, backward_steps
from engine.autograd.graph import AccumulateGrad, Node
from engine.autograd.graph import accumulator as _accumulator

__all__ = ["AccumulateGrad", "Node", "Step", "backward", "backward_steps", "grad", "graph_roots", "plan"]

NO_GRAD_FN = "element {index} of tensors does not require grad and does not have a grad_fn"
IMPLICIT_SCALAR = "grad can be implicitly created only for scalar outputs"


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _root_node(tensor: Any, index: int) -> Node:
    if not tensor._requires_grad:
        raise RuntimeError(NO_GRAD_FN.format(index=index))
    return _grad_target(tensor)


def _root_gradient(tensor: Any, gradient: Any, index: int) -> np.ndarray:
    if gradient is None:
        if tensor._data.size != 1:
            raise RuntimeError(IMPLICIT_SCALAR)
        return np.ones_like(tensor._data)
    if not isinstance(gradient, _Tensor):
        raise TypeError(
            f"gradients can be either Tensors or None, but got {type(gradient).__name__}"
        )
    if gradient.shape != tensor.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{index}] has a shape of {gradient.shape} and output[{index}] "
            f"has a shape of {tensor.shape}."
        )
    return gradient._data.astype(tensor._data.dtype, copy=False)


def plan(tensors: Any, grad_tensors: Any = None) -> tuple[list[Node], list[np.ndarray]]:
    """The root nodes and seed gradients of a backward call, with torch's errors for bad arguments."""
    outputs = _as_list(tensors)
    gradients = _as_list(grad_tensors) or [None] * len(outputs)
    if len(gradients) != len(outputs):
        raise RuntimeError(
            f"grad_tensors should have the same length as tensors, got {len(gradients)} and {len(outputs)}"
        )
    roots = [_root_node(t, i) for i, t in enumerate(outputs)]
    seeds = [_root_gradient(t, g, i) for i, (t, g) in enumerate(zip(outputs, gradients, strict=True))]
    return roots, seeds


def _accumulate(tensor: Any, grad: np.ndarray) -> None:
    if tensor._grad is None:
        tensor._grad = _Tensor._from_array(np.array(grad, dtype=tensor._data.dtype, copy=True))
    else:
        # `.grad += g` in place, like torch: a tensor aliasing `.grad` sees the new sum too.
        tensor._grad._data += grad
        tensor._grad._version_counter[0] += 1


def traced_steps(roots: Sequence[Node], seeds: Sequence[np.ndarray], retain_graph: bool,
                 outputs: Sequence[Any] = ()) -> Iterator[Step]:
    """`backward_steps`, reported to an installed recorder (the sandbox) as they happen."""
    recorder = _trace.active()
    if recorder is None:
        return backward_steps(roots, seeds, retain_graph)
    return _reported(recorder, backward_steps(roots, seeds, retain_graph), outputs, seeds, retain_graph)


def _reported(recorder: Any, steps: Iterator[Step], outputs: Sequence[Any], seeds: Sequence[np.ndarray],
              retain_graph: bool) -> Iterator[Step]:
    recorder.backward_started(list(outputs), list(seeds), retain_graph)
    try:
        for step in steps:
            yield step
            recorder.backward_step(step)
    finally:
        recorder.backward_finished()


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate d(tensors)/d(leaf) into every reachable leaf's `.grad`."""
    if create_graph:
        raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
    outputs = _as_list(tensors)
    roots, seeds = plan(outputs, grad_tensors)
    only = {id(t) for t in _as_list(inputs)} or None
    with _grad_mode.no_grad():
        for step in traced_steps(roots, seeds, bool(retain_graph), outputs):
            node = step.node
            if node.spec is None:  # AccumulateGrad
                if only is None or id(node.variable) in only:
                    _accumulate(node.variable, step.grad_in)
            elif node._retained is not None:
                retained = node._retained()
                if retained is not None and (only is None or id(retained) in only):
                    _accumulate(retained, step.grad_in)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None,
         materialize_grads: bool = False) -> tuple:
    """Return d(outputs)/d(inputs) without touching any `.grad`."""
    if create_graph:
        raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
    targets = _as_list(inputs)
    for target in targets:
        if not target._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    wanted = {_grad_target(t): i for i, t in enumerate(targets)}
    results: list[np.ndarray | None] = [None] * len(targets)
    outputs_list = _as_list(outputs)
    roots, seeds = plan(outputs_list, grad_outputs)
    with _grad_mode.no_grad():
        for step in traced_steps(roots, seeds, bool(retain_graph), outputs_list):
            index = wanted.get(step.node)
            if index is not None:
                results[index] = step.grad_in
    answers = []
    for index, (target, value) in enumerate(zip(targets, results, strict=True)):
        if value is None:
            if not allow_unused and not materialize_grads:
                raise RuntimeError(
                    f"The differentiated Tensor at index {index} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
            answers.append(_Tensor._from_array(np.zeros_like(target._data)) if materialize_grads else None)
        else:
            answers.append(_Tensor._from_array(np.array(value, copy=True)))
    return tuple(answers)


def _grad_target(tensor: Any) -> Node:
    return tensor.grad_fn if tensor.grad_fn is not None else _accumulator(tensor)


def graph_roots(tensor: Any) -> Node | None:
    """The node a backward from `tensor` starts at (its grad_fn, or its AccumulateGrad for a leaf)."""
    if not tensor._requires_grad:
        return None
    return _grad_target(tensor)


# Tensor.backward lives here, not in engine._tensor: the tensor module sits below autograd (autograd's
# nodes and backward() take tensors), so it cannot import this package without a cycle.
def _tensor_backward(self: _Tensor, gradient: Any = None, retain_graph: bool | None = None,
                     create_graph: bool = False, inputs: Any = None) -> None:
    backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)


_tensor_backward.__name__ = "backward"
_tensor_backward.__qualname__ = "Tensor.backward"
_Tensor.backward = _tensor_backward
