"""How a sandboxed run fails: the plain-data error in the run record, and the exceptions that stop a run.

`SandboxError` is what the app shows. Its `kind` is one of `ERROR_KINDS`:

- `SyntaxError`: the source does not parse (line and 1-based column from Python's parser);
- `NotSupportedError`: valid Python outside the sandbox's language subset (found before anything runs);
- `SecurityError`: a refused import, name, attribute or value (an escape attempt, or simply something the
  sandbox does not expose);
- `LimitExceeded`: a resource limit (`params["limit_name"]` names the `Limits` field, `params["limit"]`
  its value);
- otherwise the name of the Python exception class the engine or the program raised (`RuntimeError`,
  `TypeError`, ...), with the engine's torch-identical message, never translated.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.messages import LANGUAGES, render

SANDBOX_KINDS = ("SyntaxError", "NotSupportedError", "SecurityError", "LimitExceeded")

# Python exception classes a run can end with; anything more specific is reported as its nearest listed base.
PYTHON_KINDS = (
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "Exception",
    "IndexError",
    "KeyError",
    "LookupError",
    "NameError",
    "NotImplementedError",
    "OverflowError",
    "RuntimeError",
    "StopIteration",
    "TypeError",
    "UnboundLocalError",
    "ValueError",
    "ZeroDivisionError",
)

ERROR_KINDS = SANDBOX_KINDS + PYTHON_KINDS


@dataclass(frozen=True)
class SandboxError:
    """Why a run stopped: kind, English message, source position and (for our own messages) the id."""

    kind: str
    message: str
    line: int | None
    col: int | None = None
    message_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    # The message rendered in each language where it was made (a worker renders both before sending,
    # so the server never formats a program's values).
    texts: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The message in `lang`; engine and Python messages stay as raised."""
        if self.message_id is None:
            return self.message
        if lang in self.texts:
            return self.texts[lang]
        return render(self.message_id, self.params, lang)

    def rendered(self) -> SandboxError:
        """This error with its message already rendered in every language."""
        if self.message_id is None:
            return self
        texts = {lang: render(self.message_id, self.params, lang) for lang in LANGUAGES}
        return replace(self, texts=texts)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.kind}: {self.message}" if self.message else f"{where}{self.kind}"


class SandboxAbort(BaseException):  # noqa: N818 - not an error of the program, the sandbox stopping it
    """Stops a run. A BaseException so neither the program's `except` nor engine code can swallow it."""

    kind = "SecurityError"

    def __init__(
        self, message_id: str, line: int | None = None, col: int | None = None, **params: Any
    ) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params
        self.line = line
        self.col = col

    @property
    def message(self) -> str:
        return render(self.message_id, self.params)

    def __str__(self) -> str:
        return self.message

    def to_error(self) -> SandboxError:
        return SandboxError(self.kind, self.message, self.line, self.col, self.message_id, dict(self.params))


class SecurityViolation(SandboxAbort):
    """Something the sandbox refuses to give the program."""

    kind = "SecurityError"


class NotSupported(SandboxAbort):
    """Valid Python outside the supported subset."""

    kind = "NotSupportedError"


class LimitExceeded(SandboxAbort):
    """A resource limit was reached; `params["limit_name"]` names the Limits field."""

    kind = "LimitExceeded"


def python_kind(exc_type: type[BaseException]) -> str:
    """The nearest class in PYTHON_KINDS for a Python exception type."""
    for cls in exc_type.__mro__:
        if cls.__module__ == "builtins" and cls.__name__ in PYTHON_KINDS:
            return cls.__name__
    return "Exception"


def is_builtin_exception(cls: Any) -> bool:
    return (
        isinstance(cls, type)
        and issubclass(cls, BaseException)
        and getattr(builtins, cls.__name__, None) is cls
    )
