"""VJP helpers the families share: pass-through, zero, scaling, and keepdim shapes for reductions.

Each VJP gets the incoming gradient `g` and the context `c` (saved values and attributes) and returns the
gradient for one input before the engine unbroadcasts it.
"""

from __future__ import annotations

import functools

import numpy as np


def _same(g: np.ndarray, c) -> np.ndarray:
    return g


def _negated(g: np.ndarray, c) -> np.ndarray:
    return -g


def _scaled(g: np.ndarray, alpha) -> np.ndarray:
    # g * 1 would copy g only to give the same numbers back.
    return g if alpha == 1 else g * alpha


def _fresh(temp, g: np.ndarray) -> bool:
    """Whether `temp`, a temporary the VJP just made, can take a result shaped like `g` in place.

    On large tensors each temporary is another pass over memory (and often fresh pages from the OS),
    so VJPs reuse their own temporaries. Only arrays made inside the VJP are ever written:
    the incoming gradient and the saved values may be shared.
    """
    return type(temp) is np.ndarray and temp.shape == g.shape and temp.dtype == g.dtype


def _zero(g: np.ndarray, c) -> np.ndarray:
    return np.zeros_like(g)


def _restore_dims(g: np.ndarray, c, dims: tuple[int, ...] | None) -> np.ndarray:
    """A reduced array reshaped so it broadcasts against the input again (torch's keepdim shape)."""
    if dims is None:
        return g.reshape((1,) * len(c.shapes[0]))
    if not c.attrs.get("keepdim", False):
        g = np.expand_dims(g, dims)
    return g


def _dims_of(c) -> tuple[int, ...] | None:
    dim = c.attrs.get("dim")
    if dim is None:
        return None
    return (dim,) if isinstance(dim, int) else dim


def _quiet(function):
    """numpy floating-point warnings off: torch computes inf/nan silently."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper
