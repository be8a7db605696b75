"""Plain-data copies of live tensors and their backward graph.

The sandbox, the graph builder and the figures work on these frozen records rather than on live
tensors, so a run can be cached, compared and replayed after the program that made it has finished.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine._tensor import Tensor
from engine.autograd.engine import Step
from engine.autograd.graph import AccumulateGrad, Node

Label = tuple[str | None, int | None, str | None]  # (variable label, source line, source text)


@dataclass(frozen=True)
class TensorInfo:
    """One tensor as it was when the snapshot was taken."""

    id: int
    label: str | None
    line: int | None
    source: str | None
    shape: tuple[int, ...]
    dtype: str
    value: np.ndarray
    grad: np.ndarray | None
    requires_grad: bool
    is_leaf: bool
    retains_grad: bool
    is_parameter: bool
    grad_fn: int | None
    made_in_no_grad: bool
    detached_from: int | None


@dataclass(frozen=True)
class NodeInfo:
    """One backward node (a grad_fn or an AccumulateGrad)."""

    id: int
    name: str
    next: tuple[tuple[int | None, int], ...]
    tensor: int | None
    formula: str
    local: tuple[str, ...]
    saved: dict[str, np.ndarray] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StepInfo:
    """One step of a backward pass, in plain data."""

    node: int
    grad_in: np.ndarray
    grads_out: tuple[np.ndarray | None, ...]
    grad_before: np.ndarray | None = None
    grad_after: np.ndarray | None = None


@dataclass(frozen=True)
class GraphSnapshot:
    """Tensors and nodes by id; node ids are `Node.sequence_nr` (AccumulateGrad: negative tensor id)."""

    tensors: dict[int, TensorInfo]
    nodes: dict[int, NodeInfo]


def node_id(node: Node) -> int:
    """A stable id for a node within one run."""
    if isinstance(node, AccumulateGrad):
        return -node.variable._id
    return node.sequence_nr


def _copy(array: np.ndarray | None) -> np.ndarray | None:
    return None if array is None else np.array(array, copy=True)


def tensor_info(tensor: Tensor, label: Label = (None, None, None)) -> TensorInfo:
    grad = tensor._grad
    source = tensor._detached_from
    return TensorInfo(
        id=tensor._id,
        label=label[0],
        line=label[1],
        source=label[2],
        shape=tuple(tensor._data.shape),
        dtype=repr(tensor.dtype),
        value=np.array(tensor._data, copy=True),
        grad=None if grad is None else np.array(grad._data, copy=True),
        requires_grad=tensor._requires_grad,
        is_leaf=tensor.grad_fn is None,
        retains_grad=tensor._retains_grad,
        is_parameter=type(tensor).__name__ == "Parameter",
        grad_fn=None if tensor.grad_fn is None else node_id(tensor.grad_fn),
        made_in_no_grad=tensor._made_in_no_grad,
        detached_from=None if source is None else source._id,
    )


def _attr_text(value: Any) -> str:
    if isinstance(value, np.dtype):
        return repr(value.name)
    return repr(value)


def node_info(node: Node, tensor: Tensor | None) -> NodeInfo:
    if isinstance(node, AccumulateGrad):
        return NodeInfo(node_id(node), "AccumulateGrad", (), node.variable._id, "grad += g", ())
    return NodeInfo(
        id=node_id(node),
        name=node.name().removeprefix("torch::autograd::"),
        next=tuple(
            (None if child is None else node_id(child), index) for child, index in node.next_functions
        ),
        tensor=None if tensor is None else tensor._id,
        formula=node.spec.formula,
        local=node.spec.local,
        saved={key: np.array(value, copy=True) for key, value in node.saved.items()},
        attrs={key: _attr_text(value) for key, value in node.attrs.items()},
    )


def reachable_nodes(roots: Iterable[Node]) -> list[Node]:
    """Every node reachable from `roots` through next_functions, in discovery order."""
    seen: dict[Node, None] = {}
    stack = [root for root in roots if root is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen[node] = None
        stack.extend(child for child, _ in reversed(node.next_functions) if child is not None)
    return list(seen)


def collect_graph(tensors: Iterable[Tensor]) -> tuple[dict[int, Tensor], list[Node], dict[Node, Tensor]]:
    """`tensors`, the detach sources they name and the leaves their graphs reach (by id); the reachable
    nodes; and, for each grad_fn among them, the tensor it made."""
    chosen: dict[int, Tensor] = {}
    pending = list(tensors)
    while pending:
        tensor = pending.pop()
        if tensor._id in chosen:
            continue
        chosen[tensor._id] = tensor
        if tensor._detached_from is not None:
            pending.append(tensor._detached_from)
    nodes = reachable_nodes(t.grad_fn for t in chosen.values())
    for node in nodes:
        if isinstance(node, AccumulateGrad) and node.variable._id not in chosen:
            chosen[node.variable._id] = node.variable
    maker = {t.grad_fn: t for t in chosen.values() if t.grad_fn is not None}
    return chosen, nodes, maker


def snapshot(tensors: Iterable[Tensor], labels: Mapping[int, Label] | None = None) -> GraphSnapshot:
    """Copy `tensors`, the detach sources they name, and every node their grad_fns reach."""
    labels = labels or {}
    chosen, nodes, maker = collect_graph(tensors)
    tensor_infos = {
        tid: tensor_info(t, labels.get(tid, (None, None, None))) for tid, t in sorted(chosen.items())
    }
    node_infos = {node_id(n): node_info(n, maker.get(n)) for n in nodes}
    return GraphSnapshot(tensor_infos, node_infos)


def step_info(
    step: Step, grad_before: np.ndarray | None = None, grad_after: np.ndarray | None = None
) -> StepInfo:
    return StepInfo(
        node=node_id(step.node),
        grad_in=np.array(step.grad_in, copy=True),
        grads_out=tuple(_copy(g) for g in step.grads_out),
        grad_before=_copy(grad_before),
        grad_after=_copy(grad_after),
    )
