"""Shared helpers: run a program in the sandbox, and (as the oracle) in plain Python with real torch."""

from __future__ import annotations

import contextlib
import io
import re

import sandbox
from sandbox import Limits, RunRecord

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def normalise(text: str) -> str:
    """Output with memory addresses (`<AddBackward0 object at 0x...>`) blanked out."""
    return _ADDRESS.sub("0x?", text)


def run(source: str, **limits: object) -> RunRecord:
    return sandbox.interpret(source, limits=Limits(**limits) if limits else None)


def python_output(source: str) -> tuple[str, str | None]:
    """What CPython prints running `source` (real torch importable), and the exception type it ends with.

    Only tests use this: it is the oracle the sandbox's output is compared with.
    """
    output, error = python_run(source)
    return output, None if error is None else type(error).__name__


def python_run(source: str) -> tuple[str, Exception | None]:
    """What CPython prints running `source`, and the exception it ends with (test oracle only)."""
    buffer = io.StringIO()
    error = None
    with contextlib.redirect_stdout(buffer):
        try:
            exec(compile(source, "<oracle>", "exec"), {"__name__": "__main__"})  # noqa: S102 - test oracle only
        except Exception as exc:  # noqa: BLE001 - the oracle reports whatever the program raised
            error = exc
    return buffer.getvalue(), error
