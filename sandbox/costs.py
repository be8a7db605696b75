"""How much work an operation will do, estimated from its operands before C code does it.

A list can hold the same inner list a million times (`[row] * 10**6`) for the price of a million
pointers, so its length says nothing about the work of comparing it, hashing it, printing it or turning
it into a tensor: all of those visit every element of every repetition, in C, without a chance to stop.
These estimates walk the structure once per distinct object (repetitions are counted, not revisited)
and give up as soon as the count passes the budget, so they stay cheap however large the answer.
"""

from __future__ import annotations

import collections
import math
from typing import Any

import numpy as np

from engine._tensor import Tensor

# Containers whose comparison, hash or conversion walks their elements.
NESTED = frozenset(
    {list, tuple, dict, set, frozenset, collections.OrderedDict, collections.defaultdict}
    | {type(view) for view in ({}.keys(), {}.values(), {}.items())}
)
_MAPPINGS = (dict, collections.OrderedDict, collections.defaultdict)
# Python's hash of a tuple recurses in C without checking the stack: deeper keys could crash it.
MAX_DEPTH = 200
# Above this length a list is first checked in C for nested elements (the common case is none).
_SCAN_IN_C = 64
# Tensors collected from compared containers (their broadcast is checked together).
_MAX_TENSORS = 10_000
# How much of a string or an int compares (or hashes) in the time of one element of a list (~6 ns).
_TEXT_PER_ITEM = 256
_BITS_PER_ITEM = 128
# Element types a list of which costs one visit per element (long strings and big ints cost more).
_CHEAP = frozenset({float, bool, complex, type(None)})


def span(shape: tuple[int, ...]) -> int:
    """The elements a tensor of `shape` has, counting an empty dimension as 1.

    A tensor of shape (0, 10**9) holds nothing, but summing it over its first dimension makes 10**9
    zeros, `tolist()` makes 10**9 empty lists and `split(1)` 10**9 tensors: its other dimensions are
    held to the element limit as if it were full.
    """
    return math.prod(max(size, 1) for size in shape)


def nested_items(value: Any, budget: int, tensors: list[Tensor] | None = None) -> int:
    """Elements visited by comparing or hashing `value` all the way down (more than `budget`: stopped).

    Shared parts count every time they appear; a container inside itself counts once (Python stops
    such a comparison at its recursion limit). Nesting deeper than MAX_DEPTH counts as over budget.
    Tensors met on the way are added to `tensors` (comparing two of them broadcasts them).
    """
    memo: dict[int, int] = {}

    def cost(item: Any, depth: int) -> int:
        kind = type(item)
        if kind not in NESTED:
            if kind is str or kind is bytes or kind is int:
                return scalar_cost(item)
            if tensors is not None and isinstance(item, Tensor) and len(tensors) < _MAX_TENSORS:
                tensors.append(item)
            return 1
        key = id(item)
        known = memo.get(key)
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            return budget + 1
        memo[key] = 1
        elements = _elements(item)
        kinds = set(map(type, elements)) if len(elements) > _SCAN_IN_C else None
        if kinds is not None and _all_cheap(elements, kinds):
            total = 1 + len(elements)
        else:
            total = 1
            for element in elements:
                total += cost(element, depth + 1)
                if total > budget:
                    break
        memo[key] = total
        return total

    return cost(value, 0)


def _all_cheap(elements: Any, kinds: set[type]) -> bool:
    """Whether every element compares in one step (checked in C: this runs on lists of a million)."""
    if _CHEAP.issuperset(kinds):
        return True
    if kinds == {int}:
        return max(map(int.bit_length, elements)) < _BITS_PER_ITEM
    if kinds == {str} or kinds == {bytes}:
        return max(map(len, elements)) < _TEXT_PER_ITEM
    return False


def scalar_cost(item: Any) -> int:
    """Comparing a long string or a big int is a loop in C too: about one item per _TEXT_PER_ITEM
    characters or _BITS_PER_ITEM bits."""
    if type(item) is int:
        return 1 + item.bit_length() // _BITS_PER_ITEM
    return 1 + len(item) // _TEXT_PER_ITEM


def _elements(item: Any) -> Any:
    if isinstance(item, _MAPPINGS):
        return [*item.keys(), *item.values()]
    if type(item) is type({}.items()):
        return [part for pair in item for part in pair]
    return item if isinstance(item, list | tuple) else list(item)


def data_elements(value: Any, budget: int, tensors: bool = True) -> int:
    """Numbers in the nested lists/tuples `torch.tensor(value)` reads (tensors count their elements,
    or one each when `tensors` is False)."""
    memo: dict[int, int] = {}

    def count(item: Any, depth: int) -> int:
        if isinstance(item, Tensor):
            return int(item._data.size) if tensors else 1
        if not isinstance(item, list | tuple):
            return 1
        key = id(item)
        known = memo.get(key)
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            return budget + 1
        memo[key] = budget + 1  # a list inside itself never ends
        if len(item) > _SCAN_IN_C and {list, tuple, Tensor}.isdisjoint(set(map(type, item))):
            total = len(item)
        else:
            total = 0
            for element in item:
                total += count(element, depth + 1)
                if total > budget:
                    break
        memo[key] = total
        return total

    return count(value, 0)


def data_shape(value: Any) -> tuple[int, ...]:
    """The shape numpy gives nested lists, read along the first elements (ragged data fails later)."""
    shape: list[int] = []
    item = value
    for _ in range(MAX_DEPTH):
        if isinstance(item, Tensor):
            return (*shape, *item._data.shape)
        if not isinstance(item, list | tuple):
            break
        shape.append(len(item))
        if not item:
            break
        item = item[0]
    return tuple(shape)


def index_result_elements(shape: tuple[int, ...], index: Any, budget: int) -> int:
    """An upper bound on the elements of `tensor[index]` for a tensor of `shape`.

    Basic indexing (ints, slices, None, ...) gives a view no larger than the tensor. Lists and tensors
    used as indices (advanced indexing) broadcast together, and each of their elements picks a whole
    slice of the dimensions they do not index.
    """
    items = index if isinstance(index, tuple) else (index,)
    advanced: list[tuple[int, ...]] = []
    covered = 0  # dimensions the advanced indices consume
    for item in items:
        if isinstance(item, Tensor):
            data = item._data
            if data.dtype == np.bool_:  # a mask: at most one pick per element, over its dimensions
                advanced.append((int(data.size),))
                covered += max(data.ndim, 1)
            else:
                advanced.append(data.shape)
                covered += 1
        elif isinstance(item, range):  # x[range(n), y]: a list of len(item) ints
            advanced.append((len(item),))
            covered += 1
        elif isinstance(item, list | tuple):
            if data_elements(item, budget) > budget:
                return budget + 1
            advanced.append(data_shape(item))
            covered += 1
    if not advanced:
        return 0
    try:
        picks = math.prod(np.broadcast_shapes(*advanced))
    except ValueError:
        return 0  # the engine reports the shape mismatch
    # Each pick selects a whole slice of the other dimensions: at most the elements left once the
    # `covered` smallest dimensions are taken out.
    consumed = math.prod(sorted(shape)[:covered])
    rest = math.prod(shape) // consumed if consumed else 0
    return picks * rest
