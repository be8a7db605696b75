"""Errors that teach: a short hint (in the learner's language) for the mistakes learners make, and the
one-click fixes that exist for some of them.

Torch's own message is always shown unchanged; the hint goes under it. An error is recognised by what
it carries: the sandbox's own errors by their `message_id`, the engine's by their kind and the opening
words of torch's message (torch's messages are stable: the differential tests hold the engine to them).
The hint texts are in the catalogue (explorer.i18n) under `hint.<id>`, the fix buttons under `fix.<id>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer import codeedit


@dataclass(frozen=True)
class Hint:
    """What to tell the learner about one error, and which fixes to offer."""

    id: str                                   # catalogue key: hint.<id>
    params: dict[str, str] = field(default_factory=dict)
    fixes: tuple[str, ...] = ()               # keys of FIXES, in the order the buttons are shown


@dataclass(frozen=True)
class _Rule:
    id: str
    kind: str
    pattern: re.Pattern[str] | None = None    # matched at the start of torch's message
    message_id: str | None = None             # or: the sandbox's own message id
    fixes: tuple[str, ...] = ()


def _starts(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


RULES = (
    _Rule("backward_twice", "RuntimeError", _starts(r"Trying to backward through the graph a second time"),
          fixes=("retain_graph",)),
    _Rule("non_scalar", "RuntimeError", _starts(r"grad can be implicitly created only for scalar outputs"),
          fixes=("ones_like", "sum")),
    _Rule("leaf_inplace", "RuntimeError",
          _starts(r"a leaf Variable that requires grad is being used in an in-place operation"),
          fixes=("no_grad",)),
    _Rule("saved_modified", "RuntimeError",
          _starts(r"one of the variables needed for gradient computation has been modified by an inplace")),
    _Rule("int_requires_grad", "RuntimeError",
          _starts(r"only Tensors of floating point and complex dtype can require gradients")),
    _Rule("matmul_shapes", "RuntimeError",
          _starts(r"mat1 and mat2 shapes cannot be multiplied "
                  r"\((?P<a>\d+)x(?P<b>\d+) and (?P<c>\d+)x(?P<d>\d+)\)")),
    _Rule("mv_shapes", "RuntimeError",
          _starts(r"size mismatch, got input \(\d+\), mat \((?P<a>\d+)x(?P<b>\d+)\), vec \((?P<c>\d+)\)")),
    _Rule("numpy_requires_grad", "RuntimeError",
          _starts(r"Can't call numpy\(\) on Tensor that requires grad"), fixes=("detach_numpy",)),
    _Rule("numpy_requires_grad", "SecurityError", message_id="numpy_forbidden", fixes=("detach_numpy",)),
)

# fix id -> the code edit: (program, the error's line) -> the fixed program (CodeEditError when it
# cannot be made, e.g. the line no longer holds the call).
FIXES: dict[str, Callable[[str, int], str]] = {
    "retain_graph": codeedit.add_retain_graph,
    "ones_like": codeedit.backward_with_ones,
    "sum": codeedit.backward_of_sum,
    "no_grad": lambda source, line: codeedit.set_no_grad(source, line, True),
    "detach_numpy": codeedit.detach_before_numpy,
}


def hint_for(error: Any) -> Hint | None:
    """The hint for a run's error (a sandbox SandboxError), or None when it is not a known mistake."""
    if error is None:
        return None
    for rule in RULES:
        if error.kind != rule.kind:
            continue
        if rule.message_id is not None:
            if getattr(error, "message_id", None) == rule.message_id:
                return Hint(rule.id, fixes=rule.fixes)
            continue
        match = rule.pattern.match(error.message or "")
        if match:
            params = {key: value for key, value in match.groupdict().items() if value}
            return Hint(rule.id, params, rule.fixes)
    return None


def fixed_source(fix_id: str, source: str, line: int | None) -> str | None:
    """The program with the fix made, or None when it cannot be made here (no line, a changed program)."""
    if line is None or fix_id not in FIXES:
        return None
    try:
        new = FIXES[fix_id](source, line)
    except codeedit.CodeEditError:
        return None
    return new if new != source else None


def available_fixes(hint: Hint, source: str, line: int | None) -> list[tuple[str, str]]:
    """The (fix id, fixed program) pairs that can really be made on this program."""
    pairs = [(fix_id, fixed_source(fix_id, source, line)) for fix_id in hint.fixes]
    return [(fix_id, new) for fix_id, new in pairs if new is not None]


def empty_graph_key(record: Any) -> str:
    """Why a run has no graph to draw, as a catalogue key: the program did not run at all (it does not
    parse, or uses what the sandbox does not support), it stopped with an error before any tensor
    required grad, or it ran and no tensor requires grad."""
    error = getattr(record, "error", None)
    if error is None:
        return "common.empty_graph"
    if error.kind in ("SyntaxError", "NotSupportedError"):
        return "common.did_not_run"
    return "common.stopped_early"
