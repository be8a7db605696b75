"""The Backward page's program: the shared program's forward part, then the backward() call(s) chosen.

The page lets the learner pick which tensor to call backward() on, with which gradient, once or twice and
with or without retain_graph. All of that becomes a few lines of PyTorch appended to the forward part of
the program (everything before its own first backward()), so what is replayed is exactly what those
lines do.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer.codeedit import torch_alias
from explorer.state import nested_literal, parse_numbers

MAX_DEFAULT_GRADIENT = 64   # roots with more elements start with an empty gradient box


@dataclass(frozen=True)
class RootChoice:
    """A tensor backward() can be called on."""

    expression: str                  # what goes before `.backward(...)`: "z", "z.mean()"
    shape: tuple[int, ...] | None    # None when the expression is not a variable of the forward part
    gradient: str                    # the default gradient text ("" for none)

    @property
    def numel(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    @property
    def is_scalar(self) -> bool:
        return self.shape is None or self.numel == 1


class GradientInputError(ValueError):
    """The gradient text does not fit the root; `message_id` and `params` explain why."""

    def __init__(self, message_id: str, **params: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params


def _calls_backward(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
            if child.func.attr == "backward":
                return True
            if child.func.attr == "grad" and isinstance(child.func.value, ast.Attribute) \
                    and child.func.value.attr == "autograd":
                return True
    return False


def forward_part(source: str) -> str:
    """The program up to its first top-level statement that runs backward() (or autograd.grad)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    for stmt in tree.body:
        if _calls_backward(stmt):
            first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            return "".join(source.splitlines(keepends=True)[: first - 1])
    return source


def program_backward_calls(source: str) -> list[tuple[str, str | None]]:
    """(receiver, gradient argument) of each `.backward(...)` call written in the program, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if is_call and node.func.attr == "backward":
            receiver = ast.get_source_segment(source, node.func.value)
            gradient = node.args[0] if node.args else next(
                (kw.value for kw in node.keywords if kw.arg == "gradient"), None
            )
            if receiver:
                text = ast.get_source_segment(source, gradient) if gradient is not None else None
                found.append((receiver, text))
    return sorted(found, key=lambda item: source.find(item[0] + ".backward"))


def _numbers_text(array: Any) -> str:
    # Seven significant digits: what a float32 holds, so 0.1 reads "0.1", not 0.10000000149011612.
    return ", ".join(f"{float(value):.7g}" for value in np.asarray(array).reshape(-1))


def _defined(expression: str, names: Any) -> bool:
    """Whether every variable `expression` uses exists after the forward part (e.g. `z` in `z.mean()`)."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return used <= set(names)


def root_choices(forward_record: Any, source: str) -> list[RootChoice]:
    """The tensors of the forward part that have a grad_fn, the program's own backward() root first.

    Args:
        forward_record: the run record of `forward_part(source)`.
        source: the whole program.

    Returns:
        Choices; the first is the default.
    """
    tensors = forward_record.graph.tensors
    named = {name: tensors[tid] for name, tid in forward_record.names.items() if tid in tensors}
    choices: dict[str, RootChoice] = {}
    for receiver, gradient in program_backward_calls(source):
        info = named.get(receiver)
        if info is not None and info.grad_fn is None or not _defined(receiver, forward_record.names):
            continue
        # A gradient held in a variable is shown as its numbers; an expression cannot be (nothing is
        # evaluated outside the sandbox), so the learner types one.
        default = _numbers_text(named[gradient].value) if gradient in named else ""
        shape = None if info is None else tuple(info.shape)
        choices.setdefault(receiver, RootChoice(receiver, shape, default))
    for name, info in named.items():
        if info.grad_fn is not None and name not in choices:
            choices[name] = RootChoice(name, tuple(info.shape), _ones_text(tuple(info.shape)))
    return list(choices.values())


def _ones_text(shape: tuple[int, ...]) -> str:
    """A starting gradient of ones for a small non-scalar root ("" for a scalar or a large one)."""
    size = int(np.prod(shape)) if shape else 1
    return ", ".join(["1"] * size) if 1 < size <= MAX_DEFAULT_GRADIENT else ""


def gradient_literal(text: str, choice: RootChoice, torch_name: str = "torch") -> str | None:
    """The `gradient=` argument for the typed numbers, or None when none was typed.

    Raises:
        GradientInputError: not numbers, or not as many as the root has elements.
    """
    if not text.strip():
        return None
    try:
        values = parse_numbers(text)
    except ValueError as error:
        raise GradientInputError("bad_numbers", text=text) from error
    if choice.shape is not None and len(values) != choice.numel:
        raise GradientInputError("bw.gradient.count", n=choice.numel, m=len(values))
    shape = choice.shape if choice.shape is not None else (len(values),)
    if len(values) == 1 and not shape:
        return f"{torch_name}.tensor({nested_literal(values, ())})"
    return f"{torch_name}.tensor({nested_literal(values, tuple(shape))})"


def backward_lines(choice: RootChoice, gradient: str | None, retain_graph: bool, twice: bool) -> list[str]:
    """The backward() call(s) to append."""
    arguments = [gradient] if gradient else []
    if retain_graph:
        arguments.append("retain_graph=True")
    call = f"{choice.expression}.backward({', '.join(arguments)})"
    return [call, call] if twice else [call]


def backward_program(source: str, choice: RootChoice, gradient_text: str, retain_graph: bool,
                     twice: bool) -> tuple[str, list[str]]:
    """The program the Backward page runs, and the lines it appended to the forward part.

    Raises:
        GradientInputError: when the gradient text does not fit.
    """
    forward = forward_part(source)
    try:
        alias = torch_alias(ast.parse(forward))
    except SyntaxError:
        alias = "torch"
    gradient = gradient_literal(gradient_text, choice, alias)
    lines = backward_lines(choice, gradient, retain_graph, twice)
    body = forward if forward.endswith("\n") or not forward else forward + "\n"
    return body + "\n" + "\n".join(lines) + "\n", lines


LedgerRow = tuple[str, np.ndarray | None, np.ndarray | None]


def leaf_ledger(call: Any, grads_now: dict[int, np.ndarray]) -> list[LedgerRow]:
    """(leaf label, .grad before the call, .grad now) for each leaf the call writes to."""
    rows = []
    for tensor_id, before in sorted(call.grads_before.items()):
        info = call.graph.tensors.get(tensor_id)
        label = info.label if info is not None and info.label else f"#{tensor_id}"
        rows.append((label, before, grads_now.get(tensor_id, before)))
    return rows


def grads_by_tensor(grads: dict[Any, np.ndarray]) -> dict[int, np.ndarray]:
    """A step's `.grad`s keyed by graph node (`t:<tensor id>`) -> keyed by tensor id."""
    return {int(node.split(":", 1)[1]): value for node, value in grads.items()
            if isinstance(node, str) and node.startswith("t:")}
