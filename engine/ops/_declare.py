"""Declarations: where torch-level functions, Tensor methods, operators and in-place variants come from.

Each family file marks its public callables with `@public(...)`. The fields say which names the callable
gets; `bind()` (run once when `engine.ops` is imported) derives them all: `torch.sin`, `Tensor.sin` and,
with `inplace=True`, `Tensor.sin_`, which writes the out-of-place result back into the tensor.

Binding happens at import time and sets the callable itself on `Tensor`, so a method call costs what a
hand-written assignment costs: no lookup or wrapper runs per call. The exceptions are the in-place
variants (the one wrapper every in-place op needs) and callables taking `dim`/`keepdim`, which also
answer to numpy's names for them (`axis=`, `keepdims=`), as torch's own argument parser does.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# numpy's keyword for a parameter -> torch's: torch accepts both wherever it takes the parameter.
NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


@dataclass(frozen=True)
class Declaration:
    """One public callable and every name it is published under."""

    target: Callable[..., Any]
    functions: tuple[str, ...]
    methods: tuple[str, ...]
    inplace: tuple[str, ...]
    reflected: tuple[str, ...] = ()
    is_property: bool = False
    inplace_options: dict[str, Any] = field(default_factory=dict)


DECLARATIONS: list[Declaration] = []


def public(*aliases: str, name: str | None = None, function: bool = True, method: bool = True,
           method_aliases: tuple[str, ...] = (), inplace: bool = False, operator: str | None = None,
           reflect: bool = True, operators: tuple[str, ...] = (), prop: bool = False,
           numpy_names: bool = True,
           **inplace_options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a callable public.

    Args:
        aliases: more names for the function and the method (`ne` is also `not_equal`).
        name: the published name when it is not the callable's `__name__` (`type_` is `Tensor.type`).
        function: publish `torch.<name>` (and the aliases).
        method: publish `Tensor.<name>` (and the aliases and `method_aliases`); with `prop`, as a property.
        method_aliases: names only the method has (`Tensor.subtract`, but no `torch.subtract` here).
        inplace: publish `Tensor.<method name>_` for every method name, written back into the tensor.
        operator: the Python operator the callable implements: "add" binds `__add__`, the reflected
            `__radd__` (operands swapped; not with `reflect=False`) and, with `inplace`, `__iadd__`.
        reflect: whether `operator` gets its reflected dunder.
        operators: more dunders bound to the callable itself (`__neg__`, `__rsub__`).
        numpy_names: accept `axis=`/`keepdims=` for `dim`/`keepdim` (torch's Python-level functions,
            such as `norm`, do not).
        inplace_options: passed to the in-place writer (how its cast error names the dtype).

    Returns:
        The decorator, which records the declaration and returns the callable (wrapped to take numpy's
        names, where it takes `dim` or `keepdim`).
    """

    def declare(target: Callable[..., Any]) -> Callable[..., Any]:
        published = name or target.__name__
        if numpy_names:
            target = _with_numpy_names(target, published)
        names = (published, *aliases)
        methods = (*names, *method_aliases) if method else ()
        dunders = (f"__{operator}__",) if operator else ()
        DECLARATIONS.append(Declaration(
            target=target,
            functions=names if function else (),
            methods=methods + dunders + tuple(operators),
            inplace=tuple(f"{m}_" for m in methods) + tuple(f"__i{operator}__" for _ in dunders) if inplace
            else (),
            reflected=tuple(f"__r{operator}__" for _ in dunders if reflect),
            is_property=prop,
            inplace_options=inplace_options,
        ))
        return target

    return declare


def _with_numpy_names(target: Callable[..., Any], published: str) -> Callable[..., Any]:
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return target
    renames = {alias: real for alias, real in NUMPY_NAMES.items() if real in parameters}
    if not renames:
        return target

    @functools.wraps(target)
    def taking_numpy_names(*args: Any, **kwargs: Any) -> Any:
        for alias, real in renames.items():
            if alias in kwargs:
                if real in kwargs:
                    raise TypeError(f"{published}() got an unexpected keyword argument '{alias}'")
                kwargs[real] = kwargs.pop(alias)
        return target(*args, **kwargs)

    return taking_numpy_names


def _reflected(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def reflected(self: Any, other: Any) -> Any:
        return function(other, self)

    return reflected


def bind(tensor_class: type,
         make_in_place: Callable[..., Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Set every declared method on `tensor_class`; return the torch-level functions by name.

    `make_in_place(function, **options)` makes the in-place variant of an out-of-place function. A name
    declared twice is an error: two families would otherwise silently race for it.
    """
    functions: dict[str, Callable[..., Any]] = {}
    methods: dict[str, Any] = {}
    for declaration in DECLARATIONS:
        target = declaration.target
        for name in declaration.functions:
            _claim(functions, name, target, "torch")
        for name in declaration.methods:
            _claim(methods, name, property(target) if declaration.is_property else target, "Tensor")
        if declaration.inplace:
            writer = make_in_place(target, **declaration.inplace_options)
            for name in declaration.inplace:
                _claim(methods, name, writer, "Tensor")
        for name in declaration.reflected:
            _claim(methods, name, _reflected(target), "Tensor")
    for name, method in methods.items():
        setattr(tensor_class, name, method)
    return functions


def _claim(published: dict[str, Any], name: str, value: Any, owner: str) -> None:
    if name in published:
        raise ValueError(f"{owner}.{name} is declared twice")
    published[name] = value
