"""The Playground's form builder: pick an operation and its operands, get one line of PyTorch.

For learners who would rather not type: the line is built from a template, checked, and put into the
program where the learner chooses (by default just before the first `backward()`, where a new
computation still becomes part of the graph), to be read and edited like any other.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

from explorer.codeedit import CodeEditError, ParsedSource, append_line, is_dotted_name


@dataclass(frozen=True)
class FormOp:
    """One operation the form offers."""

    id: str
    template: str        # uses {a}, {b}, {target}, {torch}
    operands: int        # how many operands the template takes
    makes_tensor: bool   # True: the line is `target = ...`; False: a statement on its own


OPS: tuple[FormOp, ...] = (
    FormOp("tensor", "{torch}.tensor([{a}], requires_grad=True)", 1, True),
    FormOp("add", "{a} + {b}", 2, True),
    FormOp("sub", "{a} - {b}", 2, True),
    FormOp("mul", "{a} * {b}", 2, True),
    FormOp("div", "{a} / {b}", 2, True),
    FormOp("pow", "{a} ** {b}", 2, True),
    FormOp("matmul", "{a} @ {b}", 2, True),
    FormOp("sum", "{a}.sum()", 1, True),
    FormOp("mean", "{a}.mean()", 1, True),
    FormOp("exp", "{torch}.exp({a})", 1, True),
    FormOp("log", "{torch}.log({a})", 1, True),
    FormOp("relu", "{torch}.relu({a})", 1, True),
    FormOp("sigmoid", "{torch}.sigmoid({a})", 1, True),
    FormOp("tanh", "{torch}.tanh({a})", 1, True),
    FormOp("detach", "{a}.detach()", 1, True),
    FormOp("backward", "{a}.backward()", 1, False),
    FormOp("print", "print({a})", 1, False),
    FormOp("print_grad", "print({a}.grad)", 1, False),
    FormOp("zero_grad", "{a}.grad.zero_()", 1, False),
)
OPS_BY_ID = {op.id: op for op in OPS}

_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def is_number(text: str) -> bool:
    """Whether `text` is a plain number literal such as 2, -0.5 or 1e-3."""
    return bool(_NUMBER.match(text.strip()))


def _number_list(text: str) -> str:
    items = [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    if not items or not all(is_number(item) for item in items):
        raise CodeEditError("form_bad_numbers", text=text)
    return ", ".join(items)


def _operand(text: str) -> str:
    text = text.strip()
    if is_number(text) or (is_dotted_name(text) and not keyword.iskeyword(text)):
        return text
    raise CodeEditError("form_bad_operand", text=text)


def _target(text: str) -> str:
    text = text.strip()
    if not text.isidentifier() or keyword.iskeyword(text) or text in ("torch", "print"):
        raise CodeEditError("form_bad_target", text=text)
    return text


def build_line(op_id: str, operands: list[str], target: str | None = None, torch_name: str = "torch") -> str:
    """One line of PyTorch for the chosen operation.

    Args:
        op_id: an id from OPS.
        operands: one or two operands: tensor names (`x`, `model.weight`) or numbers; for "tensor", the
            comma-separated values.
        target: the variable to assign, for operations that make a tensor.
        torch_name: what the program calls torch.

    Returns:
        The line, without a newline.

    Raises:
        CodeEditError: an unknown op, a bad operand or target; `message_id` says which.
    """
    op = OPS_BY_ID.get(op_id)
    if op is None:
        raise CodeEditError("form_unknown_op", op=op_id)
    if len(operands) < op.operands:
        raise CodeEditError("form_missing_operand")
    values = operands[: op.operands]
    if op.id == "tensor":
        fields = {"a": _number_list(values[0])}
    else:
        fields = dict(zip("ab", (_operand(value) for value in values)))
        if not op.makes_tensor and is_number(fields["a"]):
            raise CodeEditError("form_bad_operand", text=fields["a"])
    expression = op.template.format(torch=torch_name, **fields)
    line = f"{_target(target or '')} = {expression}" if op.makes_tensor else expression
    ast.parse(line)  # the pieces are validated; this guards the templates themselves
    return line


AT_END = 0  # the insert position "after the last line"


def insert_positions(source: str) -> list[int]:
    """Where a line can go: before the first line of any statement, or AT_END; [AT_END] when the code
    does not parse."""
    try:
        parsed = ParsedSource(source)
    except CodeEditError:
        return [AT_END]
    return sorted({located.stmt.lineno for located in parsed.walk_statements()}) + [AT_END]


def default_position(source: str) -> int:
    """Before the first statement that calls backward(); AT_END when there is none."""
    try:
        parsed = ParsedSource(source)
    except CodeEditError:
        return AT_END
    compound = (ast.With, ast.For, ast.While, ast.If, ast.Try, ast.FunctionDef, ast.ClassDef, ast.Match)
    for located in sorted(parsed.walk_statements(), key=lambda found: found.stmt.lineno):
        if isinstance(located.stmt, compound):
            continue
        if any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr == "backward" for node in ast.walk(located.stmt)):
            return located.stmt.lineno
    return AT_END


def insert_line(source: str, line: str, before: int) -> str:
    """The program with `line` put before line `before` (indented like it), or at the end for AT_END.

    Raises:
        CodeEditError: "edit_no_statement" when no statement starts on `before`.
    """
    if before == AT_END:
        return append_line(source, line)
    if before not in insert_positions(source):
        raise CodeEditError("edit_no_statement", line=before)
    parsed = ParsedSource(source)
    start = parsed.line_start(before)
    return source[:start] + parsed.indent_of(before) + line.rstrip("\n") + "\n" + source[start:]
