"""Edits of a program's text that the Playground's toggles make, done on the syntax tree.

Each toggle (a leaf's `requires_grad`, "detach here" on an intermediate tensor, "run under no_grad" on a
statement) rewrites the learner's code, so the picture always comes from PyTorch they can read. The
source is parsed with `ast` to find statements and expressions by line; the new text is spliced into the
old one so comments and formatting elsewhere stay untouched. Nothing here runs the code.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

INDENT = "    "

# Torch factories that accept `requires_grad=`: a leaf made by one of them is toggled through the keyword.
FACTORIES = frozenset({
    "tensor", "randn", "rand", "ones", "zeros", "full", "empty", "arange", "linspace", "eye",
    "randn_like", "rand_like", "ones_like", "zeros_like", "full_like", "empty_like",
})
_SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉"


class CodeEditError(ValueError):
    """An edit that cannot be made; `message_id` and `params` name the explanation in the text catalogue."""

    def __init__(self, message_id: str, **params: object) -> None:
        super().__init__(f"{message_id}: {params}")
        self.message_id = message_id
        self.params = params


def base_name(label: str) -> str:
    """The variable behind a run label: `y₂` (second binding of y) -> `y`."""
    return label.rstrip(_SUBSCRIPT_DIGITS)


@dataclass(frozen=True)
class _Located:
    stmt: ast.stmt
    body: list[ast.stmt]           # the statement list that holds stmt
    parents: tuple[ast.AST, ...]   # enclosing nodes, outermost first


class ParsedSource:
    """A parsed program with helpers to splice text by (line, UTF-8 column) positions."""

    def __init__(self, text: str) -> None:
        try:
            self.tree = ast.parse(text)
        except SyntaxError as error:
            raise CodeEditError("edit_syntax", line=error.lineno or 0) from error
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.alias = torch_alias(self.tree)

    def offset(self, line: int, col: int) -> int:
        """Character offset of ast position (line, byte column)."""
        start = sum(len(text) for text in self.lines[: line - 1])
        if line - 1 >= len(self.lines):
            return start
        prefix = self.lines[line - 1].encode("utf-8")[:col]
        return start + len(prefix.decode("utf-8", errors="ignore"))

    def segment(self, node: ast.AST) -> str:
        return self.text[self._start(node):self._end(node)]

    def _start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)

    def _end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)

    def replace(self, node: ast.AST, text: str) -> str:
        return self.text[: self._start(node)] + text + self.text[self._end(node):]

    def line_start(self, line: int) -> int:
        return sum(len(text) for text in self.lines[: line - 1])

    def indent_of(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[: len(text) - len(text.lstrip(" \t"))]

    def walk_statements(self) -> Iterator[_Located]:
        yield from _walk(self.tree, ())

    def statement_at(self, line: int) -> _Located:
        """The innermost statement starting on `line`."""
        found = [located for located in self.walk_statements() if located.stmt.lineno == line]
        if not found:
            raise CodeEditError("edit_no_statement", line=line)
        return found[-1]


def _bodies(node: ast.AST) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def _walk(node: ast.AST, parents: tuple[ast.AST, ...]) -> Iterator[_Located]:
    for body in _bodies(node):
        for stmt in body:
            yield _Located(stmt, body, parents)
            yield from _walk(stmt, (*parents, stmt))


def torch_alias(tree: ast.Module) -> str:
    """The name the program uses for torch (`import torch`, `import engine as torch`); "torch" by default."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("torch", "engine"):
                    return alias.asname or alias.name
    return "torch"


def _is_alias_call(node: ast.AST, alias: str, names: frozenset[str] | set[str]) -> bool:
    """`alias.name(...)` for a name in `names`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == alias
        and node.func.attr in names
    )


def _assigns_name(stmt: ast.stmt, name: str) -> bool:
    return isinstance(stmt, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == name for target in stmt.targets
    )


def _assignment(source: ParsedSource, line: int, name: str) -> ast.Assign:
    stmt = source.statement_at(line).stmt
    if not (_assigns_name(stmt, name) and len(stmt.targets) == 1):
        raise CodeEditError("edit_not_assignment", line=line, name=name)
    return stmt


def _check_own_lines(source: ParsedSource, located: _Located) -> None:
    """The statement must be alone on its lines, or indenting it would move its neighbours too."""
    stmt = located.stmt
    before = source.lines[stmt.lineno - 1].encode("utf-8")[: stmt.col_offset].decode("utf-8", "ignore")
    after = source.lines[stmt.end_lineno - 1].encode("utf-8")[stmt.end_col_offset:].decode("utf-8", "ignore")
    if before.strip() or (after.strip() and not after.strip().startswith("#")):
        raise CodeEditError("edit_shared_line", line=stmt.lineno)
    for node in ast.walk(stmt):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.lineno != node.end_lineno:
            raise CodeEditError("edit_multiline_string", line=stmt.lineno)


# --- detach here -------------------------------------------------------------------------------------

def _detach_receiver(value: ast.expr) -> ast.expr | None:
    """`X` when `value` is `X.detach()`, else None."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "detach"
        and not value.args
        and not value.keywords
    ):
        return value.func.value
    return None


def is_detached(source: str, line: int, name: str) -> bool:
    """Whether the assignment to `name` on `line` ends in `.detach()`."""
    parsed = ParsedSource(source)
    return _detach_receiver(_assignment(parsed, line, name).value) is not None


def set_detached(source: str, line: int, name: str, detached: bool) -> str:
    """Add or remove `.detach()` on the value assigned to `name` on `line`.

    Args:
        source: the program.
        line: the line of the assignment (as the run record gives it).
        name: the variable assigned there (a label's base name).
        detached: True wraps the value as `(value).detach()`, False unwraps it.

    Returns:
        The edited program (unchanged when it already is as asked).
    """
    parsed = ParsedSource(source)
    value = _assignment(parsed, line, name).value
    receiver = _detach_receiver(value)
    if detached == (receiver is not None):
        return source
    if receiver is not None:
        return parsed.replace(value, parsed.segment(receiver))
    text = parsed.segment(value)
    if not isinstance(value, ast.Name | ast.Attribute | ast.Call | ast.Subscript):
        text = f"({text})"
    return parsed.replace(value, f"{text}.detach()")


# --- requires_grad -----------------------------------------------------------------------------------

def _setter_value(stmt: ast.stmt, name: str) -> bool | None:
    """True/False when `stmt` is `name.requires_grad_(...)` or `name.requires_grad = ...`, else None."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "requires_grad_" and _is_name(func.value, name):
            argument = call.args[0] if call.args else next(
                (kw.value for kw in call.keywords if kw.arg == "requires_grad"), None
            )
            return True if argument is None else _truthy(argument)
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        is_flag = isinstance(target, ast.Attribute) and target.attr == "requires_grad"
        if is_flag and _is_name(target.value, name):
            return _truthy(stmt.value)
    return None


def _is_name(node: ast.AST, dotted: str) -> bool:
    """Whether `node` is the (possibly dotted) name `dotted`, e.g. `model.weight`."""
    parts = dotted.split(".")
    for part in reversed(parts[1:]):
        if not (isinstance(node, ast.Attribute) and node.attr == part):
            return False
        node = node.value
    return isinstance(node, ast.Name) and node.id == parts[0]


def _truthy(node: ast.expr) -> bool:
    return not (isinstance(node, ast.Constant) and not node.value)


def _setter_text(name: str, value: bool) -> str:
    return f"{name}.requires_grad_()" if value else f"{name}.requires_grad_(False)"


def _later_setters(located: _Located, name: str) -> list[ast.stmt]:
    """Statements after `located` in its block that set `name`'s flag, up to the next rebinding of `name`."""
    body = located.body
    found = []
    for stmt in body[body.index(located.stmt) + 1:]:
        if "." not in name and _assigns_name(stmt, name):
            break
        if _setter_value(stmt, name) is not None:
            found.append(stmt)
    return found


def _factory_call(stmt: ast.stmt, name: str, alias: str) -> ast.Call | None:
    if _assigns_name(stmt, name) and _is_alias_call(stmt.value, alias, FACTORIES):
        return stmt.value
    return None


def _keyword_edit(parsed: ParsedSource, call: ast.Call, value: bool) -> tuple[int, int, str]:
    """(start, end, text) that sets or removes `requires_grad=` in `call`."""
    keyword = next((kw for kw in call.keywords if kw.arg == "requires_grad"), None)
    if keyword is not None and value:
        start, end = parsed._start(keyword.value), parsed._end(keyword.value)
        return start, end, "True"
    if keyword is not None:
        # Remove ", requires_grad=..." together with the comma that introduced it.
        start, end = parsed._start(keyword), parsed._end(keyword)
        head = parsed.text[:start].rstrip()
        if head.endswith(","):
            start = len(head) - 1
        elif parsed.text[end:].lstrip().startswith(","):
            end = end + parsed.text[end:].index(",") + 1
        return start, end, ""
    if not value:
        return 0, 0, ""
    close = parsed._end(call) - 1  # the call's ")"
    head = parsed.text[:close].rstrip()
    opened = head.endswith("(")
    separator = "" if opened else (" " if head.endswith(",") else ", ")
    return len(head), len(head), f"{separator}requires_grad=True"


def set_requires_grad(source: str, line: int, name: str, value: bool) -> str:
    """Make the leaf `name` created on `line` require (or not require) gradients.

    A leaf made by a torch factory gets or loses its `requires_grad=True` keyword; any other leaf gets a
    `name.requires_grad_(...)` statement right after the line that makes it. Later statements that set the
    same tensor's flag (before `name` is rebound) are rewritten too, so the toggle wins.

    Args:
        source: the program.
        line: the line where the leaf is created.
        name: the leaf's variable (or dotted attribute such as `model.weight`).
        value: the flag wanted.

    Returns:
        The edited program.
    """
    parsed = ParsedSource(source)
    located = parsed.statement_at(line)
    edits: list[tuple[int, int, str]] = []
    call = _factory_call(located.stmt, name, parsed.alias)
    if call is not None:
        edits.append(_keyword_edit(parsed, call, value))
    setters = _later_setters(located, name)
    edits.extend(
        (parsed._start(stmt), parsed._end(stmt), _setter_text(name, value))
        for stmt in setters
        if _setter_value(stmt, name) != value
    )
    if call is None and not setters:
        end_line = located.stmt.end_lineno
        position = parsed.line_start(end_line + 1)
        newline = "" if parsed.text[:position].endswith("\n") or not parsed.text else "\n"
        indent = parsed.indent_of(located.stmt.lineno)
        edits.append((position, position, f"{newline}{indent}{_setter_text(name, value)}\n"))
    return _apply(parsed.text, edits)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


# --- run under no_grad -------------------------------------------------------------------------------

def _is_no_grad_with(node: ast.AST, alias: str) -> bool:
    return (
        isinstance(node, ast.With)
        and len(node.items) == 1
        and (
            _is_alias_call(node.items[0].context_expr, alias, {"no_grad"})
            or (
                isinstance(node.items[0].context_expr, ast.Call)
                and isinstance(node.items[0].context_expr.func, ast.Name)
                and node.items[0].context_expr.func.id == "no_grad"
            )
        )
    )


def is_under_no_grad(source: str, line: int) -> bool:
    """Whether the statement starting on `line` sits inside a `with torch.no_grad():` block."""
    parsed = ParsedSource(source)
    located = parsed.statement_at(line)
    return any(_is_no_grad_with(parent, parsed.alias) for parent in located.parents)


def _shift_lines(text: str, add: str = "", remove: int = 0) -> str:
    """Indent every non-blank line by `add`, or dedent it by up to `remove` leading spaces/tabs."""
    shifted = []
    for line in text.splitlines(keepends=True):
        if not line.strip():
            shifted.append(line)
        elif add:
            shifted.append(add + line)
        else:
            stripped = len(line) - len(line.lstrip(" \t"))
            shifted.append(line[min(remove, stripped):])
    return "".join(shifted)


def _full_lines(parsed: ParsedSource, first: int, last: int) -> str:
    text = "".join(parsed.lines[first - 1:last])
    return text if text.endswith("\n") else text + "\n"


def _replace_lines(parsed: ParsedSource, first: int, last: int, text: str) -> str:
    start = parsed.line_start(first)
    end = parsed.line_start(last + 1)
    tail = parsed.text[end:]
    if not parsed.text[:end].endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return parsed.text[:start] + text + tail


def set_no_grad(source: str, line: int, enabled: bool) -> str:
    """Wrap the statement on `line` in `with torch.no_grad():`, or take it out of such a block.

    Taking a statement out of a block with several statements splits the block, so the others stay
    under no_grad.

    Args:
        source: the program.
        line: the first line of the statement.
        enabled: True to run the statement under no_grad, False to run it with grad mode on.

    Returns:
        The edited program (unchanged when it already is as asked).
    """
    parsed = ParsedSource(source)
    located = parsed.statement_at(line)
    block = next(
        (parent for parent in reversed(located.parents) if _is_no_grad_with(parent, parsed.alias)), None
    )
    if enabled == (block is not None):
        return source
    if enabled:
        _check_own_lines(parsed, located)
        return _wrap(parsed, located.stmt)
    return _unwrap(parsed, block, located)


def _wrap(parsed: ParsedSource, stmt: ast.stmt) -> str:
    indent = parsed.indent_of(stmt.lineno)
    body = _full_lines(parsed, stmt.lineno, stmt.end_lineno)
    text = f"{indent}with {parsed.alias}.no_grad():\n" + _shift_lines(body, add=INDENT)
    return _replace_lines(parsed, stmt.lineno, stmt.end_lineno, text)


def _unwrap(parsed: ParsedSource, block: ast.With, located: _Located) -> str:
    # The direct child of the with-block that holds the statement moves out; its siblings stay inside.
    child = next(
        stmt for stmt in block.body
        if stmt is located.stmt or stmt in located.parents
    )
    index = block.body.index(child)
    header_indent = parsed.indent_of(block.lineno)
    if block.body[0].lineno == block.lineno:  # `with torch.no_grad(): x = 1` on one line
        if len(block.body) > 1:
            raise CodeEditError("edit_shared_line", line=block.lineno)
        text = header_indent + parsed.segment(child) + "\n"
        return _replace_lines(parsed, block.lineno, block.end_lineno, text)
    _check_own_lines(parsed, _Located(child, block.body, ()))
    body_indent = parsed.indent_of(block.body[0].lineno)
    depth = len(body_indent) - len(header_indent)
    header = f"{header_indent}with {parsed.alias}.no_grad():\n"
    pieces = []
    if index > 0:
        pieces.append(header + _full_lines(parsed, block.body[0].lineno, child.lineno - 1))
    pieces.append(_shift_lines(_full_lines(parsed, child.lineno, child.end_lineno), remove=depth))
    if index < len(block.body) - 1:
        pieces.append(header + _full_lines(parsed, child.end_lineno + 1, block.end_lineno))
    return _replace_lines(parsed, block.lineno, block.end_lineno, "".join(pieces))


# --- listing what can be toggled ---------------------------------------------------------------------

def statement_lines(source: str) -> list[int]:
    """First lines of the simple statements (no compound blocks), in order; [] if the code does not parse."""
    try:
        parsed = ParsedSource(source)
    except CodeEditError:
        return []
    compound = (ast.With, ast.For, ast.While, ast.If, ast.Try, ast.FunctionDef, ast.ClassDef, ast.Match)
    return sorted({
        located.stmt.lineno
        for located in parsed.walk_statements()
        if not isinstance(located.stmt, compound)
    })


def line_text(source: str, line: int) -> str:
    """The stripped text of `line` (1-based), or "" when out of range."""
    lines = source.splitlines()
    return lines[line - 1].strip() if 1 <= line <= len(lines) else ""


def assigned_names(source: str, line: int) -> list[str]:
    """Names a plain assignment on `line` binds (`y = ...` -> ["y"]); [] for anything else."""
    try:
        stmt = ParsedSource(source).statement_at(line).stmt
    except CodeEditError:
        return []
    if not isinstance(stmt, ast.Assign):
        return []
    return [target.id for target in stmt.targets if isinstance(target, ast.Name)]


# --- showing and appending ---------------------------------------------------------------------------

def diff(old: str, new: str) -> str:
    """A unified diff of two versions of the program, for showing what a toggle changed."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))
    # The ---/+++ file header names no files here, only "before" and "after": it is left out.
    return "\n".join(lines[2:])


def changed_lines(old: str, new: str) -> list[int]:
    """1-based lines of `new` that differ from `old`."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    changed: list[int] = []
    for tag, _, _, first, last in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed.extend(range(first + 1, last + 1))
    return changed


def append_line(source: str, line: str) -> str:
    """The program with `line` added at the end (on a line of its own)."""
    if source and not source.endswith("\n"):
        source += "\n"
    return source + line.rstrip("\n") + "\n"


_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def is_dotted_name(text: str) -> bool:
    """Whether `text` is a name like `x` or `model.weight` (what labels and the form builder accept)."""
    return bool(_IDENTIFIER.match(text))


# --- fixes for the mistakes learners make (see explorer.errorhints) -------------------------------------

def _method_calls(parsed: ParsedSource, method: str) -> list[ast.Call]:
    """Every `<receiver>.<method>(...)` call of the program, in source order."""
    calls = [node for node in ast.walk(parsed.tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == method]
    return sorted(calls, key=lambda call: (call.lineno, call.col_offset))


def _calls_on(parsed: ParsedSource, method: str, line: int) -> list[ast.Call]:
    calls = [call for call in _method_calls(parsed, method) if call.lineno <= line <= call.end_lineno]
    if not calls:
        raise CodeEditError("edit_no_call", method=method, line=line)
    return calls


def _add_keyword(parsed: ParsedSource, call: ast.Call, text: str) -> tuple[int, int, str]:
    closing = parsed.offset(call.end_lineno, call.end_col_offset) - 1  # the call's `)`
    separator = ", " if call.args or call.keywords else ""
    return closing, closing, separator + text


def add_retain_graph(source: str, line: int) -> str:
    """`retain_graph=True` on the backward() calls that run before the one on `line` fails.

    The graph is freed by the call *before* the failing one, so that is where the keyword goes: every
    earlier backward() without it, or the call on `line` itself when it is the only one (a loop
    that calls the same backward() again).
    """
    parsed = ParsedSource(source)
    calls = [call for call in _method_calls(parsed, "backward")
             if not any(keyword.arg == "retain_graph" for keyword in call.keywords)]
    earlier = [call for call in calls if call.end_lineno < line] or [
        call for call in calls if call.lineno <= line <= call.end_lineno]
    if not earlier:
        raise CodeEditError("edit_no_call", method="backward", line=line)
    return _apply(source, [_add_keyword(parsed, call, "retain_graph=True") for call in earlier])


def _plain_backward(parsed: ParsedSource, line: int) -> ast.Call:
    call = _calls_on(parsed, "backward", line)[0]
    if call.args or any(keyword.arg == "gradient" for keyword in call.keywords):
        raise CodeEditError("edit_has_gradient", line=line)
    return call


def backward_with_ones(source: str, line: int) -> str:
    """`y.backward()` on `line` becomes `y.backward(gradient=torch.ones_like(y))`."""
    parsed = ParsedSource(source)
    call = _plain_backward(parsed, line)
    receiver = parsed.segment(call.func.value)
    return _apply(source, [_add_keyword(parsed, call, f"gradient={parsed.alias}.ones_like({receiver})")])


def backward_of_sum(source: str, line: int) -> str:
    """`y.backward()` on `line` becomes `y.sum().backward()`: one number to differentiate."""
    parsed = ParsedSource(source)
    receiver = _plain_backward(parsed, line).func.value
    text = parsed.segment(receiver)
    if not isinstance(receiver, ast.Name | ast.Attribute | ast.Call | ast.Subscript):
        text = f"({text})"  # `(a * b).sum()`, not `a * b.sum()`
    start, end = parsed.offset(receiver.lineno, receiver.col_offset), parsed.offset(
        receiver.end_lineno, receiver.end_col_offset)
    return _apply(source, [(start, end, f"{text}.sum()")])


def detach_before_numpy(source: str, line: int) -> str:
    """`x.numpy()` on `line` becomes `x.detach().tolist()`: off the graph, and plain Python numbers (the
    sandbox has no numpy)."""
    parsed = ParsedSource(source)
    edits = []
    for call in _calls_on(parsed, "numpy", line):
        receiver_end = parsed.offset(call.func.value.end_lineno, call.func.value.end_col_offset)
        call_end = parsed.offset(call.end_lineno, call.end_col_offset)
        edits.append((receiver_end, call_end, ".detach().tolist()"))
    return _apply(source, edits)
