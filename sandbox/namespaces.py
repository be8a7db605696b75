"""The modules a program may import: read-only views of the engine's public surface, and a safe `math`.

`import torch` binds a `Namespace`, not the engine module: it holds the names `sandbox/surface.py`
allows for it, and nothing else (no helpers, no numpy). The views are built once per process and
cannot be modified by a program.
"""

from __future__ import annotations

import importlib
import math
import threading
import types
from collections.abc import Callable
from typing import Any

from engine._dtype import dtype as _dtype_class
from sandbox.surface import ALLOWED_NAMES

# Import path as the program writes it -> the engine module behind it.
ENGINE_MODULES = {
    "torch": "engine",
    "torch.nn": "engine.nn",
    "torch.nn.functional": "engine.nn.functional",
    "torch.nn.init": "engine.nn.init",
    "torch.nn.utils": "engine.nn.utils",
    "torch.optim": "engine.optim",
    "torch.optim.lr_scheduler": "engine.optim.lr_scheduler",
    "torch.autograd": "engine.autograd",
    "torch.cuda": "engine.cuda",
    "torch.accelerator": "engine.accelerator",
    "torch.utils": "engine.utils",
    "torch.utils.data": "engine.utils.data",
}

MATH_CONSTANTS = ("pi", "e", "tau", "inf", "nan")
MATH_FUNCTIONS = (
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "ceil",
    "copysign",
    "cos",
    "cosh",
    "degrees",
    "dist",
    "erf",
    "erfc",
    "exp",
    "expm1",
    "fabs",
    "floor",
    "fmod",
    "frexp",
    "gamma",
    "gcd",
    "hypot",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "isqrt",
    "ldexp",
    "lgamma",
    "log",
    "log10",
    "log1p",
    "log2",
    "modf",
    "pow",
    "radians",
    "remainder",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
)


class Namespace:
    """A read-only module view: attribute access goes through the sandbox policy to `members`."""

    __slots__ = ("name", "members", "source")

    def __init__(self, name: str, members: dict[str, Any], source: Any = None) -> None:
        self.name = name
        self.members = members
        self.source = source  # the engine module, to tell "hidden" from "does not exist"

    def lookup(self, attribute: str) -> Any:
        try:
            return self.members[attribute]
        except KeyError:
            if self.source is not None and hasattr(self.source, attribute):
                from sandbox.errors import SecurityViolation

                raise SecurityViolation("module_member_hidden", module=self.name, name=attribute) from None
            raise AttributeError(f"module '{self.name}' has no attribute '{attribute}'") from None

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


def _from_engine(value: Any) -> bool:
    # Engine classes that print as torch's carry torch's module names (torch.utils.data.dataset).
    module = getattr(value, "__module__", None) or ""
    return module.partition(".")[0] in ("engine", "torch")


def _exposable(value: Any) -> bool:
    if isinstance(value, types.ModuleType):
        return False
    if isinstance(value, bool | int | float | _dtype_class):
        return True
    return callable(value) and _from_engine(value)


def _engine_members(path: str, module: types.ModuleType) -> dict[str, Any]:
    """The allowed names of one module (submodules are attached by the caller); a name that is not an
    engine function, class or constant is left out even if it is listed."""
    members = {}
    for name in sorted(ALLOWED_NAMES.get(path, ())):
        value = getattr(module, name, None)
        if _exposable(value):
            members[name] = value
    return members


def _import_engine(path: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(ENGINE_MODULES[path])
    except ImportError:
        return None


def _build_engine_namespaces() -> dict[str, Namespace]:
    modules = {path: module for path in ENGINE_MODULES if (module := _import_engine(path)) is not None}
    spaces = {
        path: Namespace(path, _engine_members(path, module), module) for path, module in modules.items()
    }
    # Submodules become members of their parent (torch.nn, torch.nn.functional, torch.optim.lr_scheduler).
    for path, space in spaces.items():
        parent, _, child = path.rpartition(".")
        if parent in spaces and child in ALLOWED_NAMES.get(parent, ()):
            spaces[parent].members[child] = space
    return spaces


def build_math(guarded: dict[str, Callable[..., Any]]) -> Namespace:
    """The safe `math` subset; functions whose result can grow without bound come from `guarded`."""
    members: dict[str, Any] = {
        name: getattr(math, name) for name in MATH_CONSTANTS + MATH_FUNCTIONS if hasattr(math, name)
    }
    members.update(guarded)
    return Namespace("math", members, math)


_lock = threading.Lock()
_engine_spaces: dict[str, Namespace] | None = None


def engine_namespaces() -> dict[str, Namespace]:
    """The torch views, built on first use (the nn and optim packages load lazily)."""
    global _engine_spaces
    with _lock:
        if _engine_spaces is None:
            _engine_spaces = _build_engine_namespaces()
        return _engine_spaces


_exposed_c_functions: frozenset[int] | None = None


def exposed_c_functions() -> frozenset[int]:
    """ids of the C functions the namespaces hand out (math.sqrt ...), which the value policy accepts."""
    global _exposed_c_functions
    if _exposed_c_functions is None:
        spaces = [*engine_namespaces().values(), build_math({})]
        _exposed_c_functions = frozenset(
            id(value)
            for space in spaces
            for value in space.members.values()
            if isinstance(value, types.BuiltinFunctionType)
        )
    return _exposed_c_functions
