"""Frames, and the program's functions as real Python callables.

A `def` in the program becomes a genuine Python function whose body is interpreted, so engine code can
call it like any other (`nn.Module.__call__` calling `forward`, `sorted(key=...)`, `no_grad()(f)`), and
a method of a class made with `type(name, bases, namespace)` binds `self` the usual way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.policy import USER_FUNCTION_MARK


class Frame:
    """The variables of one function call (or of the module, or of a class body while it runs)."""

    __slots__ = ("v", "up", "ret", "cell")

    def __init__(self, variables: dict[str, Any], up: Frame | None, cell: ClassCell | None = None) -> None:
        self.v = variables
        self.up = up
        self.ret: Any = None
        self.cell = cell


class ClassFrame(Frame):
    """A class body while it runs: functions defined here close over the enclosing frame instead."""

    __slots__ = ()


class ClassCell:
    """The class a method was defined in, for zero-argument `super()` (Python's `__class__` cell)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: type | None = None


@dataclass(eq=False)
class FunctionSpec:
    """What the compiler knows about a `def` or `lambda`: parameters and the compiled body."""

    name: str
    qualname: str
    positional: tuple[str, ...]  # positional-only and ordinary parameters, in order
    positional_only: int
    vararg: str | None
    keyword_only: tuple[str, ...]
    kwarg: str | None
    body: Callable[[Frame], Any]
    is_lambda: bool

    @property
    def simple(self) -> bool:
        """Only plain positional parameters: calls bind by zipping."""
        return self.vararg is None and self.kwarg is None and not self.keyword_only


def make_function(
    spec: FunctionSpec,
    defaults: tuple[Any, ...],
    kwdefaults: dict[str, Any],
    parent: Frame,
    cell: ClassCell | None,
    call: Callable[..., Any],
) -> Callable[..., Any]:
    """A Python function that runs `spec`'s body through `call` (the interpreter's call_user)."""

    def function(*args: Any, **kwargs: Any) -> Any:
        return call(spec, defaults, kwdefaults, parent, cell, args, kwargs)

    function.__name__ = spec.name
    function.__qualname__ = spec.qualname
    function.__module__ = "__main__"
    function.__dict__[USER_FUNCTION_MARK] = True
    return function


def bind_arguments(
    spec: FunctionSpec,
    defaults: tuple[Any, ...],
    kwdefaults: dict[str, Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    """Python's argument binding, with Python's TypeError messages."""
    names = spec.positional
    count = len(names)
    if not kwargs and len(args) == count and spec.simple:
        return dict(zip(names, args))
    variables: dict[str, Any] = {}
    if len(args) > count:
        if spec.vararg is None:
            raise TypeError(_too_many(spec, len(defaults), len(args), kwargs))
        variables[spec.vararg] = tuple(args[count:])
    elif spec.vararg is not None:
        variables[spec.vararg] = ()
    variables.update(zip(names, args))
    extra: dict[str, Any] = {}
    keyword_names = set(names[spec.positional_only :]) | set(spec.keyword_only)
    for key, value in kwargs.items():
        if key in keyword_names:
            if key in variables:
                raise TypeError(f"{spec.qualname}() got multiple values for argument '{key}'")
            variables[key] = value
        elif spec.kwarg is not None:
            extra[key] = value
        elif key in names:
            raise TypeError(
                f"{spec.qualname}() got some positional-only arguments passed as keyword arguments: '{key}'"
            )
        else:
            raise TypeError(f"{spec.qualname}() got an unexpected keyword argument '{key}'")
    _fill_defaults(spec, defaults, kwdefaults, variables)
    if spec.kwarg is not None:
        variables[spec.kwarg] = extra
    return variables


def _fill_defaults(
    spec: FunctionSpec, defaults: tuple[Any, ...], kwdefaults: dict[str, Any], variables: dict[str, Any]
) -> None:
    names = spec.positional
    first_default = len(names) - len(defaults)
    missing = []
    for index, name in enumerate(names):
        if name not in variables:
            if index >= first_default:
                variables[name] = defaults[index - first_default]
            else:
                missing.append(name)
    if missing:
        raise TypeError(_missing(spec.qualname, missing, "positional"))
    missing = []
    for name in spec.keyword_only:
        if name not in variables:
            if name in kwdefaults:
                variables[name] = kwdefaults[name]
            else:
                missing.append(name)
    if missing:
        raise TypeError(_missing(spec.qualname, missing, "keyword-only"))


def _missing(qualname: str, names: list[str], kind: str) -> str:
    quoted = [f"'{name}'" for name in names]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"
    plural = "argument" if len(names) == 1 else "arguments"
    return f"{qualname}() missing {len(names)} required {kind} {plural}: {listed}"


def _too_many(spec: FunctionSpec, default_count: int, given: int, kwargs: dict[str, Any]) -> str:
    count = len(spec.positional)
    low = count - default_count
    takes = f"from {low} to {count}" if default_count else str(count)
    plural = "argument" if count == 1 and not default_count else "arguments"
    were = "was" if given == 1 else "were"
    keyword_note = ""
    keyword_given = sum(1 for key in kwargs if key in spec.keyword_only)
    if keyword_given:
        keyword_note = (
            f" positional argument{'s' if given != 1 else ''} (and {keyword_given} keyword-only "
            f"argument{'s' if keyword_given != 1 else ''})"
        )
        return f"{spec.qualname}() takes {takes} positional {plural} but {given}{keyword_note} {were} given"
    return f"{spec.qualname}() takes {takes} positional {plural} but {given} {were} given"
