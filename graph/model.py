"""The graph of a run as a networkx DiGraph, in two views.

* autograd view: what PyTorch really builds. grad_fn nodes with torch's names, `AccumulateGrad` for
  leaves, the leaf tensors, the root; `(None, 0)` inputs as constants; optionally the saved tensors
  (each its own node, never merged into a leaf that happens to be the same tensor) and attributes.
* tensor view: values as nodes and ops between them, the way micrograd's `draw_dot` draws them.

Edges point the way data flowed forward (input -> consumer), as torchviz draws them; gradients travel
against the arrows. Every node carries the same attribute keys (see `NODE_FIELDS`), so a figure or an
export never has to ask which kind of node it holds.

The graph holds no words of any language: a node's `label` is its own name (a variable, a torch node
name) or None, and each `caption` line says what it is (`("value", "[1., 2.]")`). The figures turn a
missing name and the line kinds into words of the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

import networkx as nx
import numpy as np

from sandbox.snapshot import GraphSnapshot, NodeInfo, TensorInfo, snapshot

AUTOGRAD = "autograd"
TENSOR_VIEW = "tensor"
VIEWS = (AUTOGRAD, TENSOR_VIEW)


class Kind:
    """Node kinds; the figure gives each its own shape and colour."""

    GRAD_FN = "grad_fn"
    ACCUMULATE = "accumulate"
    LEAF = "leaf"
    ROOT = "root"
    TENSOR = "tensor"
    CONSTANT = "constant"
    SAVED = "saved"
    OP = "op"
    COLLAPSED = "collapsed"

    ALL = (GRAD_FN, ACCUMULATE, LEAF, ROOT, TENSOR, CONSTANT, SAVED, OP, COLLAPSED)
    TENSORS = (LEAF, ROOT, TENSOR)


class Style:
    """Edge styles; the figure draws one trace per style."""

    FLOW = "flow"  # an op's input -> the op
    VARIABLE = "variable"  # leaf tensor -> its AccumulateGrad
    OUTPUT = "output"  # grad_fn / op -> the tensor it made
    CONSTANT = "constant"  # an input that does not require grad -> the op
    SAVED = "saved"  # a tensor saved for backward -> its grad_fn
    DETACH = "detach"  # source tensor -> tensor made by source.detach()

    ALL = (FLOW, VARIABLE, OUTPUT, CONSTANT, SAVED, DETACH)


# Every node has all of these keys (None / False / empty when they do not apply):
#   kind, label (the node's own name, or None when it has none: a constant, an unnamed tensor),
#   caption (lines shown under it, each a (CaptionLine kind, language-neutral text) pair), line and
#   source (from the run record), shape, dtype, value and grad (short previews), requires_grad,
#   is_leaf, grad_fn (node name), no_grad (made under no_grad), detached (made by detach()), muted
#   (does not require grad), retains_grad, is_parameter, tensor (TensorInfo id), fn (NodeInfo id),
#   formula and local (op-table texts), attrs, saved (name -> shape text), inputs (graph ids feeding
#   each next_functions slot, in order), members (what a collapsed node stands for), variable (name
#   of the tensor the node is or made).
NODE_FIELDS = (
    "kind", "label", "caption", "line", "source", "shape", "dtype", "value", "grad", "requires_grad",
    "is_leaf", "grad_fn", "no_grad", "detached", "muted", "retains_grad", "is_parameter", "tensor", "fn",
    "formula", "local", "attrs", "saved", "inputs", "members", "variable",
)

DETACH_LABEL = "detach()"


class CaptionLine:
    """What a caption line shows; a figure may put a word of the reader's language before the text."""

    SHAPE = "shape"  # `[2, 3]`
    VALUE = "value"  # the tensor's values (the tensor view's `data`)
    GRAD = "grad"  # its `.grad`
    ATTRS = "attrs"  # `dim=0`: a node's attributes
    FORMULA = "formula"  # `a · b`: the op-table formula

    ALL = (SHAPE, VALUE, GRAD, ATTRS, FORMULA)


Caption = tuple[tuple[str, str], ...]
_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")
# Names the op table's local-derivative texts use for the inputs, and the saved value each one is.
_LOCAL_SYMBOLS = {"a": "self", "b": "other"}


class BackwardLike(Protocol):
    """What `graph_from_backward` needs of a backward call (the sandbox's BackwardCall fits)."""

    root: int
    gradient: np.ndarray | None
    steps: Sequence[Any]
    graph: GraphSnapshot
    grads_before: Mapping[int, np.ndarray | None]


class RecordLike(Protocol):
    """What `graph_from_record` needs of a run record."""

    graph: GraphSnapshot


# -- node ids ---------------------------------------------------------------------------------------

def fn_node(node_id: int) -> str:
    """Graph id of a backward node (grad_fn or AccumulateGrad) in the autograd view."""
    return f"fn:{node_id}"


def tensor_node(tensor_id: int) -> str:
    """Graph id of a tensor in either view."""
    return f"t:{tensor_id}"


def op_node(node_id: int) -> str:
    """Graph id of an op in the tensor view."""
    return f"op:{node_id}"


# -- value text -------------------------------------------------------------------------------------

def _number(value: float) -> str:
    """Four significant digits, with torch's trailing dot on whole numbers (`3.`, `0.3333`, `2048.`)."""
    text = f"{value:.4g}"
    return text + "." if text.lstrip("-").isdigit() else text


def preview(array: np.ndarray | None, limit: int = 6, width: int = 60) -> str | None:
    """A short one-line text of an array's values (None stays None).

    Args:
        array: the values.
        limit: arrays with more elements than this are summarised with `...`.
        width: longer texts are cut with `…`.

    Returns:
        The text, e.g. `[0.3333, 0.3333, 0.3333]`.
    """
    if array is None:
        return None
    values = np.asarray(array)
    text = np.array2string(values, threshold=limit, edgeitems=max(1, limit // 2), separator=", ",
                           max_line_width=10**6, formatter={"float_kind": _number})
    text = re.sub(r"\s*\n\s*", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _caption_preview(array: np.ndarray) -> str:
    return preview(array, limit=4, width=28) or ""


def shape_text(shape: Sequence[int] | None) -> str | None:
    """`[2, 3]`, the way `list(torch.Size)` prints; None when unknown."""
    return None if shape is None else "[" + ", ".join(str(size) for size in shape) + "]"


def short_op_name(node_name: str) -> str:
    """`MulBackward0` -> `Mul`: the op an autograd node records."""
    return _BACKWARD_SUFFIX.sub("", node_name) or node_name


# -- attribute records ------------------------------------------------------------------------------

def _blank(kind: str, label: str | None) -> dict[str, Any]:
    return {
        "kind": kind, "label": label, "caption": (), "line": None, "source": None, "shape": None,
        "dtype": None, "value": None, "grad": None, "requires_grad": False, "is_leaf": None, "grad_fn": None,
        "no_grad": False, "detached": False, "muted": False, "retains_grad": False, "is_parameter": False,
        "tensor": None, "fn": None, "formula": "", "local": (), "attrs": {}, "saved": {}, "inputs": (),
        "members": (), "variable": None,
    }


def _tensor_fields(info: TensorInfo, fn_name: str | None) -> dict[str, Any]:
    """The fields a tensor contributes, whether it is drawn itself or through the node that made it."""
    return {
        "line": info.line, "source": info.source, "shape": info.shape, "dtype": info.dtype,
        "value": preview(info.value), "grad": preview(info.grad), "requires_grad": info.requires_grad,
        "is_leaf": info.is_leaf, "grad_fn": fn_name, "no_grad": info.made_in_no_grad,
        "detached": info.detached_from is not None, "retains_grad": info.retains_grad,
        "is_parameter": info.is_parameter, "tensor": info.id, "variable": info.label,
    }


def _fn_fields(info: NodeInfo) -> dict[str, Any]:
    return {
        "fn": info.id, "formula": info.formula, "local": tuple(info.local), "attrs": dict(info.attrs),
        "saved": {name: shape_text(value.shape) for name, value in info.saved.items()},
        "requires_grad": True, "is_leaf": False, "grad_fn": info.name,
    }


def _shape_caption(shape: Sequence[int] | None) -> Caption:
    return () if shape is None else ((CaptionLine.SHAPE, shape_text(shape) or ""),)


def _attrs_caption(info: NodeInfo) -> Caption:
    return tuple((CaptionLine.ATTRS, f"{key}={value}") for key, value in info.attrs.items())


def _constant_value(info: NodeInfo, slot: int) -> np.ndarray | None:
    """The value of a non-differentiable input when the op saved it (`y * 3` saves the 3 as `other`)."""
    name = ("self", "other")[slot] if slot < 2 else None
    return info.saved.get(name) if name else None


def local_value(info: NodeInfo, slot: int) -> np.ndarray | None:
    """The saved value a local derivative is, when its op-table text is just `a` or `b` (d(a·b)/da = b)."""
    if slot >= len(info.local):
        return None
    name = _LOCAL_SYMBOLS.get(info.local[slot].strip())
    return None if name is None else info.saved.get(name)


# -- which nodes a view holds -----------------------------------------------------------------------

def _start_node(snap: GraphSnapshot, tensor_id: int) -> int | None:
    info = snap.tensors.get(tensor_id)
    if info is None:
        return None
    if info.grad_fn is not None:
        return info.grad_fn
    return -tensor_id if info.requires_grad else None


def reachable_fns(snap: GraphSnapshot, roots: Iterable[int]) -> list[int]:
    """NodeInfo ids reachable from the backward nodes of the `roots` tensors, in snapshot order."""
    seen: set[int] = set()
    stack = [node for node in (_start_node(snap, root) for root in roots) if node is not None]
    while stack:
        node = stack.pop()
        if node in seen or node not in snap.nodes:
            continue
        seen.add(node)
        stack.extend(child for child, _ in snap.nodes[node].next if child is not None)
    return [node for node in snap.nodes if node in seen]


def _consumed(snap: GraphSnapshot, fns: Iterable[int]) -> set[int]:
    """Backward nodes some other node lists as an input (so the tensor they made is not an output)."""
    return {child for fn in fns for child, _ in snap.nodes[fn].next if child is not None}


def _makers(snap: GraphSnapshot) -> dict[int, list[int]]:
    """NodeInfo id -> the tensors whose grad_fn it is (views and multi-output ops can share one)."""
    makers: dict[int, list[int]] = {}
    for info in snap.tensors.values():
        if info.grad_fn is not None:
            makers.setdefault(info.grad_fn, []).append(info.id)
    return makers


def _value_card(attrs: dict[str, Any], value: np.ndarray | None, grad: np.ndarray | None) -> Caption:
    """micrograd's `data | grad` card, kept short: the hover card has the longer previews."""
    lines = (((CaptionLine.VALUE, _caption_preview(value)),) if value is not None
             else _shape_caption(attrs["shape"]))
    if grad is not None:
        lines += ((CaptionLine.GRAD, _caption_preview(grad)),)
    return lines


class _Builder:
    """Shared state and steps of both views."""

    def __init__(self, snap: GraphSnapshot, roots: Sequence[int], reachable_only: bool, view: str) -> None:
        self.snap = snap
        self.roots = [root for root in roots if root in snap.tensors]
        self.fns = reachable_fns(snap, self.roots) if reachable_only else list(snap.nodes)
        self.fn_set = set(self.fns)
        self.consumed = _consumed(snap, self.fns)
        self.makers = _makers(snap)
        self.reachable_only = reachable_only
        self.graph = nx.DiGraph(view=view, roots=[tensor_node(root) for root in self.roots])

    def tensor_kind(self, info: TensorInfo) -> str:
        if info.is_leaf and info.requires_grad:
            return Kind.LEAF
        if info.id in self.roots:
            return Kind.ROOT
        is_output = info.grad_fn in self.fn_set and info.grad_fn not in self.consumed
        if not self.roots and is_output:
            return Kind.ROOT
        return Kind.TENSOR

    def add_tensor(self, tensor_id: int) -> str:
        node = tensor_node(tensor_id)
        if node in self.graph:
            return node
        info = self.snap.tensors[tensor_id]
        fn_name = self.snap.nodes[info.grad_fn].name if info.grad_fn in self.snap.nodes else None
        attrs = _blank(self.tensor_kind(info), info.label)
        attrs.update(_tensor_fields(info, fn_name))
        attrs["muted"] = not info.requires_grad
        attrs["caption"] = self.tensor_caption(attrs, info.value, info.grad)
        self.graph.add_node(node, **attrs)
        return node

    def tensor_caption(self, attrs: dict[str, Any], value: np.ndarray | None,
                       grad: np.ndarray | None) -> Caption:
        return _shape_caption(attrs["shape"])

    def add_constant(self, info: NodeInfo, slot: int) -> str:
        node = f"const:{info.id}:{slot}"
        attrs = _blank(Kind.CONSTANT, None)
        value = _constant_value(info, slot)
        if value is not None:
            attrs.update(value=preview(value), shape=tuple(value.shape),
                         caption=((CaptionLine.VALUE, _caption_preview(value)),))
        attrs["muted"] = True
        self.graph.add_node(node, **attrs)
        return node

    def link(self, source: str, target: str, style: str, slot: int | None = None, label: str = "") -> None:
        """Add an edge; a second edge between the same pair (`x * x`) only adds its input slot."""
        if self.graph.has_edge(source, target):
            data = self.graph.edges[source, target]
            if slot is not None:
                data["slots"] = (*data["slots"], slot)
            return
        self.graph.add_edge(source, target, style=style, slots=() if slot is None else (slot,), label=label)

    def add_cuts(self) -> None:
        """Dashed `detach()` edges from each source to the tensor detached from it."""
        for node, data in list(self.graph.nodes(data=True)):
            info = self.snap.tensors.get(data["tensor"]) if data["kind"] in Kind.TENSORS else None
            if info is None or info.detached_from is None or info.detached_from not in self.snap.tensors:
                continue
            source = self.ensure_tensor(info.detached_from)
            self.link(source, node, Style.DETACH, label=DETACH_LABEL)

    def ensure_tensor(self, tensor_id: int) -> str:
        """A tensor node, linked to the node that made it when that node is drawn."""
        return self.add_tensor(tensor_id)


class _AutogradBuilder(_Builder):
    def __init__(self, snap: GraphSnapshot, roots: Sequence[int], reachable_only: bool,
                 show_saved: bool, show_attrs: bool, show_values: bool = False) -> None:
        super().__init__(snap, roots, reachable_only, AUTOGRAD)
        self.show_saved = show_saved
        self.show_attrs = show_attrs
        self.show_values = show_values

    def tensor_caption(self, attrs: dict[str, Any], value: np.ndarray | None,
                       grad: np.ndarray | None) -> Caption:
        return _value_card(attrs, value, grad) if self.show_values else _shape_caption(attrs["shape"])

    def build(self) -> nx.DiGraph:
        for fn in self.fns:
            self.add_fn(self.snap.nodes[fn])
        for fn in self.fns:
            self.add_inputs(self.snap.nodes[fn])
        for tensor_id in self.shown_tensors():
            self.ensure_tensor(tensor_id)
        self.add_cuts()
        return self.graph

    def add_fn(self, info: NodeInfo) -> None:
        if info.name == "AccumulateGrad":
            attrs = _blank(Kind.ACCUMULATE, "AccumulateGrad")
            variable = self.snap.tensors.get(info.tensor) if info.tensor is not None else None
            if variable is not None:
                attrs.update(_tensor_fields(variable, None))
            # The node belongs to the graph recorded from the leaf, whatever mode the leaf was made in.
            attrs.update(fn=info.id, formula=info.formula, grad_fn="AccumulateGrad", is_leaf=None,
                         no_grad=False, detached=False)
        else:
            attrs = _blank(Kind.GRAD_FN, info.name)
            made = self.makers.get(info.id, [])
            if made:
                attrs.update(_tensor_fields(self.snap.tensors[made[0]], info.name))
            attrs.update(_fn_fields(info))
            if self.show_attrs:
                attrs["caption"] = _attrs_caption(info)
        self.graph.add_node(fn_node(info.id), **attrs)

    def add_inputs(self, info: NodeInfo) -> None:
        node = fn_node(info.id)
        inputs = []
        for slot, (child, _) in enumerate(info.next):
            if child is None or fn_node(child) not in self.graph:
                source = self.add_constant(info, slot)
                self.link(source, node, Style.CONSTANT, slot)
            else:
                source = fn_node(child)
                self.link(source, node, Style.FLOW, slot)
            inputs.append(source)
        self.graph.nodes[node]["inputs"] = tuple(inputs)
        if info.name == "AccumulateGrad" and info.tensor in self.snap.tensors:
            self.link(self.add_tensor(info.tensor), node, Style.VARIABLE)
        if self.show_saved:
            for name, value in info.saved.items():
                self.link(self.add_saved(info, name, value), node, Style.SAVED)

    def add_saved(self, info: NodeInfo, name: str, value: np.ndarray) -> str:
        # Its own id per (node, name): torchviz keys saved tensors by identity and so merges a saved leaf
        # into the leaf's own node; here the leaf and what was saved of it stay two nodes.
        node = f"saved:{info.id}:{name}"
        attrs = _blank(Kind.SAVED, name)
        attrs.update(shape=tuple(value.shape), value=preview(value), caption=_shape_caption(value.shape),
                     dtype=str(value.dtype), fn=info.id)
        self.graph.add_node(node, **attrs)
        return node

    def shown_tensors(self) -> list[int]:
        """Roots, outputs, retained and cut tensors; untracked leaves only when they have a name."""
        shown = []
        for info in self.snap.tensors.values():
            if info.id in self.roots:
                keep = True
            elif info.grad_fn in self.fn_set:
                keep = info.grad_fn not in self.consumed or info.retains_grad or info.made_in_no_grad
            elif info.grad_fn is None and not self.reachable_only:
                keep = (info.label is not None or info.requires_grad or info.made_in_no_grad
                        or info.detached_from is not None)
            else:
                keep = False
            if keep:
                shown.append(info.id)
        return shown

    def ensure_tensor(self, tensor_id: int) -> str:
        node = self.add_tensor(tensor_id)
        info = self.snap.tensors[tensor_id]
        if info.grad_fn is not None and fn_node(info.grad_fn) in self.graph:
            self.link(fn_node(info.grad_fn), node, Style.OUTPUT)
        return node


class _TensorBuilder(_Builder):
    def __init__(self, snap: GraphSnapshot, roots: Sequence[int], reachable_only: bool) -> None:
        super().__init__(snap, roots, reachable_only, TENSOR_VIEW)

    def build(self) -> nx.DiGraph:
        for tensor_id in self.shown_tensors():
            self.add_tensor(tensor_id)
        for fn in self.fns:
            info = self.snap.nodes[fn]
            if info.name != "AccumulateGrad":
                self.add_op(info)
        for fn in self.fns:
            info = self.snap.nodes[fn]
            if info.name != "AccumulateGrad":
                self.add_op_inputs(info)
        self.add_cuts()
        return self.graph

    def tensor_caption(self, attrs: dict[str, Any], value: np.ndarray | None,
                       grad: np.ndarray | None) -> Caption:
        return _value_card(attrs, value, grad)

    def shown_tensors(self) -> list[int]:
        if not self.reachable_only:
            return list(self.snap.tensors)
        variables = {self.snap.nodes[fn].tensor for fn in self.fns}
        return [tid for tid, info in self.snap.tensors.items()
                if tid in self.roots or info.grad_fn in self.fn_set or tid in variables]

    def add_op(self, info: NodeInfo) -> None:
        attrs = _blank(Kind.OP, short_op_name(info.name))
        caption = ((CaptionLine.FORMULA, info.formula),) if info.formula else ()
        attrs.update(_fn_fields(info), caption=caption)
        made = self.makers.get(info.id, [])
        if made:
            attrs.update(line=self.snap.tensors[made[0]].line, source=self.snap.tensors[made[0]].source)
        node = op_node(info.id)
        self.graph.add_node(node, **attrs)
        for output in self.outputs(info):
            self.link(node, output, Style.OUTPUT)

    def outputs(self, info: NodeInfo) -> list[str]:
        made = [tensor_node(tid) for tid in self.makers.get(info.id, []) if tensor_node(tid) in self.graph]
        return made or [self.add_unkept_output(info)]

    def add_unkept_output(self, info: NodeInfo) -> str:
        """The tensor an op made when the snapshot no longer holds it (an unnamed intermediate)."""
        node = f"out:{info.id}"
        if node in self.graph:
            return node
        attrs = _blank(Kind.TENSOR, None)
        attrs.update(requires_grad=True, is_leaf=False, grad_fn=info.name)
        result = info.saved.get("result")
        if result is not None:
            attrs.update(value=preview(result), shape=tuple(result.shape))
        attrs["caption"] = self.tensor_caption(attrs, result, None)
        self.graph.add_node(node, **attrs)
        return node

    def input_tensor(self, child: int) -> str | None:
        info = self.snap.nodes.get(child)
        if info is None:
            return None
        if info.name == "AccumulateGrad":
            return self.add_tensor(info.tensor) if info.tensor in self.snap.tensors else None
        return self.outputs(info)[0] if op_node(child) in self.graph else None

    def add_op_inputs(self, info: NodeInfo) -> None:
        node = op_node(info.id)
        inputs = []
        for slot, (child, _) in enumerate(info.next):
            source = None if child is None else self.input_tensor(child)
            if source is None:
                source = self.add_constant(info, slot)
                self.link(source, node, Style.CONSTANT, slot)
            else:
                self.link(source, node, Style.FLOW, slot)
            inputs.append(source)
        self.graph.nodes[node]["inputs"] = tuple(inputs)


# -- public builders --------------------------------------------------------------------------------

def graph_from_snapshot(snap: GraphSnapshot, view: str = AUTOGRAD, *, roots: Iterable[int] = (),
                        reachable_only: bool = False, show_saved: bool = False,
                        show_attrs: bool = False, show_values: bool = False) -> nx.DiGraph:
    """Build one view of a snapshot.

    Args:
        snap: the plain-data graph (sandbox.snapshot.snapshot, or a run record's `graph`).
        view: "autograd" or "tensor".
        roots: TensorInfo ids drawn as roots; without any, every output (a tensor whose grad_fn no
            other node uses) is a root.
        reachable_only: keep only what a backward from `roots` reaches.
        show_saved: autograd view: add each saved tensor as its own node (torchviz `show_saved`).
        show_attrs: autograd view: list each node's attributes under its name (torchviz `show_attrs`).
        show_values: autograd view: a `data | grad` card on each tensor (the tensor view always has one).

    Returns:
        A DiGraph whose nodes carry every key of NODE_FIELDS and whose edges carry `style`, `slots`
        (input positions in the consumer's next_functions) and `label`. `graph.graph` holds `view` and
        `roots`.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    roots = list(roots)
    if view == AUTOGRAD:
        graph = _AutogradBuilder(snap, roots, reachable_only, show_saved, show_attrs, show_values).build()
    else:
        graph = _TensorBuilder(snap, roots, reachable_only).build()
    if not graph.graph["roots"]:
        # No root was asked for: the outputs are the roots (what an export's reader looks for first).
        graph.graph["roots"] = [node for node, kind in graph.nodes(data="kind") if kind == Kind.ROOT]
    return graph


def _labels_by_id(labels: Mapping[str, Any] | None) -> dict[int, tuple[str, None, None]]:
    from engine._tensor import Tensor

    named: dict[int, tuple[str, None, None]] = {}
    for name, value in (labels or {}).items():
        if isinstance(value, Tensor) and value._id not in named:
            named[value._id] = (name, None, None)
    return named


def graph_from_tensors(*tensors: Any, labels: Mapping[str, Any] | None = None, view: str = AUTOGRAD,
                       show_saved: bool = False, show_attrs: bool = False) -> nx.DiGraph:
    """Build a view of live engine tensors (plain engine use, no sandbox).

    Args:
        tensors: the roots, e.g. a loss.
        labels: variable name -> tensor (e.g. `locals()`); non-tensors are ignored. Named tensors are
            drawn with their names and included even when the roots do not reach them.
        view: "autograd" or "tensor".
        show_saved: see graph_from_snapshot.
        show_attrs: see graph_from_snapshot.

    Returns:
        The graph, with the given tensors as roots.
    """
    from engine._tensor import Tensor

    named = {name: value for name, value in (labels or {}).items() if isinstance(value, Tensor)}
    snap = snapshot([*tensors, *named.values()], _labels_by_id(named))
    return graph_from_snapshot(snap, view, roots=[t._id for t in tensors], show_saved=show_saved,
                               show_attrs=show_attrs)


def graph_from_record(record: RecordLike, view: str = AUTOGRAD, *, show_saved: bool = False,
                      show_attrs: bool = False) -> nx.DiGraph:
    """Build a view of a sandbox run: every tensor of the run, outputs as roots."""
    return graph_from_snapshot(record.graph, view, show_saved=show_saved, show_attrs=show_attrs)


def graph_from_backward(call: BackwardLike, *, show_saved: bool = False,
                        show_attrs: bool = False) -> nx.DiGraph:
    """The autograd view of what one backward call walked, with the call kept for the animation.

    Args:
        call: a BackwardCall of a run record, or a BackwardTrace from `trace_backward`.
        show_saved: see graph_from_snapshot.
        show_attrs: see graph_from_snapshot.

    Returns:
        The graph reachable from the call's root; `graph.graph["backward"]` is `call`.
    """
    # A call graph that lacks its root tensor is still that root's graph: draw all of it.
    has_root = call.root in call.graph.tensors
    graph = graph_from_snapshot(call.graph, AUTOGRAD, roots=[call.root], reachable_only=has_root,
                                show_saved=show_saved, show_attrs=show_attrs)
    graph.graph["backward"] = call
    return graph


def with_saved_values(final: GraphSnapshot, earlier: Iterable[GraphSnapshot]) -> GraphSnapshot:
    """`final` with each node's saved values as an earlier snapshot of the same run held them.

    A backward() frees what its nodes saved, so a run's final graph has lost the values of its
    constants (the 3 of `a * 3`); the graph each backward call saw still has them. Node ids are
    creation numbers, the same in every snapshot of one run.
    """
    saved: dict[int, dict[str, np.ndarray]] = {}
    for snap in earlier:
        for node_id, info in snap.nodes.items():
            if info.saved and node_id in final.nodes and not final.nodes[node_id].saved:
                saved[node_id] = info.saved
    if not saved:
        return final
    nodes = {node_id: replace(info, saved=saved[node_id]) if node_id in saved else info
             for node_id, info in final.nodes.items()}
    return GraphSnapshot(final.tensors, nodes)


def graph_from_call(call: BackwardLike, fallback: GraphSnapshot, view: str = AUTOGRAD, *,
                    show_saved: bool = False, show_attrs: bool = False,
                    show_values: bool = False) -> nx.DiGraph:
    """One backward call's graph: what its root reaches, as that call saw it.

    A run keeps the full graph of only its first few calls; for a later one the run's final graph
    (`fallback`, what the program still holds at the end, as torch does) is walked from the call's
    root instead. The result is empty when neither holds the root.

    Args:
        call: a BackwardCall of a run record.
        fallback: the run record's final `graph`.
        view, show_saved, show_attrs, show_values: see graph_from_snapshot.
    """
    snap = call.graph if call.graph.nodes and call.root in call.graph.tensors else fallback
    if call.root not in snap.tensors:
        return nx.DiGraph(view=view, roots=[])
    return graph_from_snapshot(snap, view, roots=[call.root], reachable_only=True, show_saved=show_saved,
                               show_attrs=show_attrs, show_values=show_values)


# -- queries figures use ----------------------------------------------------------------------------

def no_grad_regions(graph: nx.DiGraph) -> list[list[str]]:
    """Groups of nodes made under no_grad, each drawn as one shaded region.

    Two no_grad nodes share a region when an edge joins them, or when they are tensors made one after
    the other (no tensor of the graph made between them outside no_grad): that is one `with` block,
    even where nothing inside it was recorded as a graph edge.
    """
    order = {node: index for index, node in enumerate(graph.nodes)}
    members = [node for node, data in graph.nodes(data=True) if data.get("no_grad")]
    regions = nx.utils.UnionFind(members)
    for source, target in graph.subgraph(members).edges:
        regions.union(source, target)
    tensors = sorted((data["tensor"], node) for node, data in graph.nodes(data=True)
                     if data["kind"] in Kind.TENSORS and data.get("tensor") is not None)
    for (_, earlier), (_, later) in zip(tensors, tensors[1:]):
        if graph.nodes[earlier].get("no_grad") and graph.nodes[later].get("no_grad"):
            regions.union(earlier, later)
    groups = [sorted(group, key=order.__getitem__) for group in regions.to_sets()]
    return sorted(groups, key=lambda group: order[group[0]])


def slot_edges(graph: nx.DiGraph) -> Iterator[tuple[Hashable, Hashable, dict[str, Any], int | None]]:
    """Every edge once per input slot it feeds: `y = x * x` is two edges into MulBackward0 (slots 0
    and 1), which is why its gradient is 2x. A DiGraph keeps them as one edge with both `slots`; the
    screen and every export draw them apart through this."""
    for source, target, data in graph.edges(data=True):
        for slot in data.get("slots") or (None,):
            yield source, target, data, slot


def lineage(graph: nx.DiGraph, node: str) -> tuple[set[str], set[str]]:
    """(ancestors, descendants) of `node`: what it was computed from and what was computed from it."""
    return nx.ancestors(graph, node), nx.descendants(graph, node)
