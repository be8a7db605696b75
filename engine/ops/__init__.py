"""The ops, one file per family, each holding its op-table rows and the functions built on them.

Importing this package registers every row and derives the public names from the families'
`@public` declarations: the Tensor methods, operators and in-place variants are set on `Tensor` here,
and the torch-level functions become this package's `__all__`, which `engine` re-exports.
"""

from __future__ import annotations

from engine._tensor import Tensor
from engine.ops import (  # noqa: F401 - each family registers its rows and declarations
    _args,
    binary,
    compare,
    fill,
    index,
    linalg,
    nn,
    reduce,
    shape,
    unary,
)
from engine.ops._declare import bind
from engine.ops._inplace import in_place_method

FUNCTIONS = bind(Tensor, in_place_method)
globals().update(FUNCTIONS)
__all__ = sorted(FUNCTIONS)
