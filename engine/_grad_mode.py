"""Grad mode: whether operations are recorded (torch.no_grad and friends)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

_enabled = True


def is_grad_enabled() -> bool:
    return _enabled


def _set(mode: bool) -> None:
    global _enabled
    _enabled = mode


def _run_in_mode(func: Callable, mode: bool) -> Callable:
    """`func` wrapped so that each call runs with grad mode `mode`, restoring the caller's afterwards."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = _enabled
        _set(mode)
        try:
            return func(*args, **kwargs)
        finally:
            _set(previous)

    return wrapper


class _GradModeContext:
    """A context manager that is also a decorator, usable with or without parentheses."""

    _mode: bool

    def __new__(cls, func: Callable | None = None):
        instance = super().__new__(cls)
        if func is None:
            return instance
        instance.__init__()
        return instance(func)

    def __init__(self, func: Callable | None = None) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        self._previous.append(_enabled)
        _set(self._mode)

    def __exit__(self, *exc: object) -> None:
        _set(self._previous.pop())

    def __call__(self, func: Callable) -> Callable:
        return _run_in_mode(func, self._mode)


class no_grad(_GradModeContext):  # noqa: N801
    """Operations inside are not recorded; their results are leaves with requires_grad=False."""

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801
    """Re-enables recording inside a no_grad block."""

    _mode = True


class set_grad_enabled:  # noqa: N801
    """Sets grad mode at once; as a context manager, restores the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        self._previous = _enabled
        _set(bool(mode))

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        _set(self._previous)

    def __call__(self, func: Callable) -> Callable:
        # Used as a decorator, the mode set by __init__ applies to the calls, not to the code around them.
        mode = _enabled
        _set(self._previous)
        return _run_in_mode(func, mode)
