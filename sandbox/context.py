"""Everything one run shares: limits and counters, guards, policy, builtins, globals, recorder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.guards import Guards
from sandbox.namespaces import Namespace
from sandbox.policy import Policy
from sandbox.state import RunState


@dataclass(eq=False)
class RunContext:
    """The objects the compiled program's closures capture."""

    state: RunState
    guards: Guards
    policy: Policy
    builtins: dict[str, Any]
    globals: dict[str, Any]
    recorder: Any
    namespaces: dict[str, Namespace]
    call_guards: dict[Any, Any] = field(default_factory=dict)  # engine callable -> size check
    intercepts: dict[Any, Any] = field(default_factory=dict)  # engine callable -> recording wrapper
    labelled: tuple[type, ...] = ()  # types whose binding gives labels
    module_class: type | None = None  # engine nn.Module
    base_classes: tuple[type, ...] = ()  # engine classes a program's class may derive from
