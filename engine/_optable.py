"""The op table: every differentiable op has one row here.

A row holds the forward (numpy), one vector-Jacobian product per tensor input, torch's node name, the
names of the values its VJPs need saved, and the formula text the UI shows. Rows are declared in the
op families (engine/ops/*.py) next to the functions built on them. Operators, methods and functions all
go through `engine._dispatch.apply`, which looks the op up here; nothing else knows a derivative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Vjp = Callable[[np.ndarray, "Ctx"], np.ndarray]


@dataclass(frozen=True)
class OpSpec:
    """One op: forward, VJPs, torch node name, saved values and formula text."""

    name: str
    node: str
    forward: Callable[..., np.ndarray]
    vjps: tuple[Vjp | None, ...]
    saves: tuple[tuple[str, ...], ...]
    formula: str = ""
    local: tuple[str, ...] = ()
    # Ops whose gradient is not defined for some input (indices, masks) list None for it.
    extra: dict[str, Any] = field(default_factory=dict)


def _saved_value(name: str) -> property:
    def get(ctx: Ctx) -> Any:
        try:
            return ctx.values[name]
        except KeyError:
            raise AttributeError(name) from None

    return property(get)


class Ctx:
    """What a VJP sees: the saved inputs/result and the op's attributes."""

    __slots__ = ("values", "attrs", "shapes")

    # The common names are properties: a lookup that falls through to __getattr__ first raises and
    # catches an AttributeError, which costs more than most VJPs' arithmetic on small tensors.
    self = _saved_value("self")
    other = _saved_value("other")
    result = _saved_value("result")

    def __init__(self, values: dict[str, np.ndarray], attrs: dict[str, Any], shapes: tuple) -> None:
        self.values = values
        self.attrs = attrs
        self.shapes = shapes

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


TABLE: dict[str, OpSpec] = {}

_INPUT_NAMES = ("self", "other", "third", "fourth")


def input_name(index: int) -> str:
    """The name torch's derivative formulas use for input `index` ("self", "other", ...)."""
    return _INPUT_NAMES[index] if index < len(_INPUT_NAMES) else f"input{index}"


def register(spec: OpSpec) -> OpSpec:
    if spec.name in TABLE:
        raise ValueError(f"op {spec.name!r} is declared twice in the op table")
    if spec.saves and len(spec.saves) != len(spec.vjps):
        raise ValueError(f"op {spec.name!r}: saves must list one tuple per input")
    TABLE[spec.name] = spec
    return spec


def op(
    name: str,
    node: str,
    vjps: tuple[Vjp | None, ...],
    saves: tuple[tuple[str, ...], ...] = (),
    formula: str = "",
    local: tuple[str, ...] = (),
) -> Callable[[Callable[..., np.ndarray]], OpSpec]:
    """Decorator form of `register` for a forward function."""

    def declare(forward: Callable[..., np.ndarray]) -> OpSpec:
        return register(OpSpec(name, node, forward, vjps, saves or ((),) * len(vjps), formula, local))

    return declare


def lookup(name: str) -> OpSpec:
    try:
        return TABLE[name]
    except KeyError:
        raise NotImplementedError(f"op {name!r} has no entry in the op table") from None


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum `grad` back down to `shape`, undoing numpy/torch broadcasting."""
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    squeezed = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if squeezed:
        grad = grad.sum(axis=squeezed, keepdims=True)
    return grad.reshape(shape)
