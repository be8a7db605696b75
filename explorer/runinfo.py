"""What the pages read off a run record: what can be toggled, backward calls, inspector rows.

A run record is plain data (sandbox's RunRecord); these functions only look at it and at the
program's text, so they are tested without Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine._printing import tensor_repr
from explorer.codeedit import (
    CodeEditError,
    assigned_names,
    base_name,
    is_detached,
    is_under_no_grad,
    line_text,
    statement_lines,
)

MAX_TOGGLES = 40   # per group; a long program lists its first ones


@dataclass(frozen=True)
class LeafToggle:
    """A leaf tensor whose requires_grad can be switched."""

    label: str
    name: str
    line: int
    requires_grad: bool

    @property
    def key(self) -> str:
        return f"{self.line}:{self.name}"


@dataclass(frozen=True)
class DetachToggle:
    """An assignment whose value can be detached."""

    name: str
    line: int
    detached: bool

    @property
    def key(self) -> str:
        return f"{self.line}:{self.name}"


@dataclass(frozen=True)
class StatementToggle:
    """A statement that can run under no_grad."""

    line: int
    text: str
    under_no_grad: bool


def _is_float(info: Any) -> bool:
    return "float" in info.dtype or "half" in info.dtype or "double" in info.dtype


def leaf_toggles(record: Any) -> list[LeafToggle]:
    """Named floating-point leaves, one per (line, variable), in line order; the latest flag wins."""
    found: dict[tuple[int, str], LeafToggle] = {}
    for info in record.graph.tensors.values():
        if not (info.is_leaf and info.label and info.line and _is_float(info)):
            continue
        name = base_name(info.label)
        found[(info.line, name)] = LeafToggle(info.label, name, info.line, bool(info.requires_grad))
    return [found[key] for key in sorted(found)]


def detach_toggles(record: Any, source: str) -> list[DetachToggle]:
    """Assignments that made a tensor with a grad_fn (or that already end in `.detach()`)."""
    found: dict[tuple[int, str], DetachToggle] = {}
    for info in record.graph.tensors.values():
        if not (info.label and info.line):
            continue
        name = base_name(info.label)
        if name not in assigned_names(source, info.line):
            continue
        try:
            detached = is_detached(source, info.line, name)
        except CodeEditError:
            continue
        if info.grad_fn is not None or detached:
            found[(info.line, name)] = DetachToggle(name, info.line, detached)
    return [found[key] for key in sorted(found)]


def statement_toggles(record: Any, source: str) -> list[StatementToggle]:
    """Statements that made a tensor or already run under no_grad (imports are left out)."""
    tensor_lines = {info.line for info in record.graph.tensors.values() if info.line}
    toggles = []
    for line in statement_lines(source):
        text = line_text(source, line)
        if text.startswith(("import ", "from ")):
            continue
        under = is_under_no_grad(source, line)
        if line in tensor_lines or under:
            toggles.append(StatementToggle(line, text, under))
    return toggles


def backward_calls(record: Any) -> list[Any]:
    """The BackwardCall events of a run, in order."""
    return [event for event in record.events if type(event).__name__ == "BackwardCall"]


def value_text(array: np.ndarray | None) -> str:
    """A value as torch prints a tensor holding it."""
    if array is None:
        return "None"
    return tensor_repr(np.asarray(array))


@dataclass(frozen=True)
class InspectorRow:
    """One line of the inspector: a catalogue key for the field name, and the value as text."""

    field: str
    value: str


def _flag(value: Any) -> str:
    return "None" if value is None else str(value)


def inspector_rows(data: dict[str, Any], record: Any, source: str) -> list[InspectorRow]:
    """What the inspector shows for a graph node (its attributes, with full values from the record).

    Args:
        data: the node's attributes in the graph (graph NODE_FIELDS).
        record: the run record the graph was built from.
        source: the program, for the line that made the node.

    Returns:
        Rows in a fixed order; fields a node does not have are left out.
    """
    rows = [InspectorRow("pg.field.kind", data.get("kind", "")), InspectorRow("pg.field.name", data["label"])]
    info = record.graph.tensors.get(data.get("tensor")) if data.get("tensor") is not None else None
    if info is not None:
        rows.append(InspectorRow("pg.field.value", value_text(info.value)))
        rows.append(InspectorRow("pg.field.grad", value_text(info.grad)))
    elif data.get("value") is not None:
        rows.append(InspectorRow("pg.field.value", str(data["value"])))
    if data.get("shape") is not None:
        size = ", ".join(map(str, data["shape"]))
        rows.append(InspectorRow("pg.field.shape", f"torch.Size([{size}])"))
    if data.get("dtype"):
        rows.append(InspectorRow("pg.field.dtype", str(data["dtype"])))
    rows.append(InspectorRow("pg.field.requires_grad", _flag(data.get("requires_grad"))))
    rows.append(InspectorRow("pg.field.is_leaf", _flag(data.get("is_leaf"))))
    grad_fn = data.get("grad_fn")
    rows.append(InspectorRow("pg.field.grad_fn", f"<{grad_fn}>" if grad_fn else "None"))
    if data.get("formula"):
        rows.append(InspectorRow("pg.field.formula", data["formula"]))
    node = record.graph.nodes.get(data.get("fn")) if data.get("fn") is not None else None
    if node is not None and node.saved:
        saved = "\n".join(f"_saved_{name} = {value_text(value)}" for name, value in node.saved.items())
        rows.append(InspectorRow("pg.field.saved", saved))
    if data.get("no_grad"):
        rows.append(InspectorRow("pg.field.no_grad", "True"))
    if data.get("detached"):
        rows.append(InspectorRow("pg.field.detached", "True"))
    line = data.get("line")
    if line:
        rows.append(InspectorRow("pg.field.line", f"{line}: {line_text(source, line)}"))
    return rows


def node_choice_label(data: dict[str, Any]) -> str:
    """How a node is named in the inspector's picker: its label, the variable, the line."""
    parts = [data["label"]]
    variable = data.get("variable")
    if variable and variable != data["label"]:
        parts.append(f"({variable})")
    if data.get("line"):
        parts.append(f"· {data['line']}")
    return " ".join(parts)
