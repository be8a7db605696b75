"""Hooks through which a recorder (the sandbox) watches what the engine does.

When no recorder is installed every hook is a single attribute check, so plain engine use pays nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_recorder: Any = None


def active() -> Any:
    """The installed recorder, or None."""
    return _recorder


@contextmanager
def recording(recorder: Any) -> Iterator[Any]:
    """Install `recorder` for the duration of the block (nesting restores the outer one)."""
    global _recorder
    outer, _recorder = _recorder, recorder
    try:
        yield recorder
    finally:
        _recorder = outer


def tensor_created(tensor: Any) -> None:
    if _recorder is not None:
        _recorder.tensor_created(tensor)


def grads_zeroed(tensors: list[Any], how: str) -> None:
    if _recorder is not None:
        _recorder.grads_zeroed(tensors, how)


def optimizer_stepped(optimizer: Any) -> None:
    if _recorder is not None:
        _recorder.optimizer_stepped(optimizer)
