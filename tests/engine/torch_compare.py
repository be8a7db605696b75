"""What the engine tests share for comparing an engine run with a torch run.

A comparison looks at what a lesson can observe: values, the grad_fn graph (node names and input
numbers), version counters, and the exact exception a call raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import engine


def graph(node: Any) -> tuple | None:
    """A grad_fn graph as nested (name, ((child, input_nr), ...)) tuples, comparable across libraries."""
    if node is None:
        return None
    return (node.name(), tuple((graph(child), index) for child, index in node.next_functions))


def version(tensor: Any) -> int:
    return tensor._version


def f32(*values: Any) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def raised(call: Callable[[], Any]) -> tuple[type, str] | None:
    """(exception type, message) of the call, or None when it succeeds."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the exception itself is what is compared
        return type(error), str(error)
    return None


def failure(call: Callable[[], Any]) -> tuple[type, str]:
    """(exception type, message) of a call that must fail."""
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


def same_error(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    """Both calls fail, with the same exception type and message."""
    assert failure(ours) == failure(theirs)


def same_outcome(scenario: Callable[[Any], Any]) -> tuple:
    """Run `scenario(lib)` under both libraries; results (or errors) must be identical."""
    outcomes = []
    for lib in (engine, torch):
        try:
            outcomes.append(("ok", scenario(lib)))
        except Exception as error:  # noqa: BLE001
            outcomes.append((type(error), str(error)))
    assert outcomes[0] == outcomes[1]
    return outcomes[0]
