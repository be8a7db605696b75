"""Size checks made before (or right after) an operation that could exhaust memory or time.

Python operators and builtins are fast because they run in C, which is also why `10 ** 10 ** 10`,
`'a' * 10**10` or `sum(range(10**12))` cannot be interrupted once started. Each such operation goes
through a guard here that estimates the result size first, or feeds C one counted item at a time.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from engine import _printing
from engine._tensor import Tensor
from engine.sandbox.state import RunState

_NUMBERS = frozenset({int, float, bool, complex})
_INTS = frozenset({int, bool})
_STRINGS = frozenset({str, bytes})
_SEQUENCES = frozenset({str, bytes, list, tuple})
_SIZED_BUILTINS = (
    list,
    tuple,
    str,
    bytes,
    dict,
    set,
    frozenset,
    range,
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)
# Allocations at least this large also check the process' memory right away.
_BIG = 100_000
# A %-format directive: optional mapping key, flags, width, precision.
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


class Guards:
    """Guarded operators and iteration helpers bound to one run's limits."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        limits = state.limits
        self.max_int_bits = limits.max_int_bits
        self.max_string = limits.max_string_length
        self.max_items = limits.max_sequence_length
        self.max_elements = limits.max_tensor_elements

    # -- limits ---------------------------------------------------------------------------------------

    def too_many_bits(self) -> None:
        self.state.abort("limit_int", "max_int_bits", self.max_int_bits)

    def string_too_long(self, size: int) -> None:
        self.state.abort("limit_string", "max_string_length", self.max_string, size=size)

    def sequence_too_long(self, kind: str, size: int) -> None:
        self.state.abort("limit_sequence", "max_sequence_length", self.max_items, kind=kind, size=size)

    def tensor_too_big(self, size: int) -> None:
        self.state.abort("limit_tensor_elements", "max_tensor_elements", self.max_elements, size=size)

    def check_size(self, value: Any) -> Any:
        """Refuse a freshly made string or container that is over its limit."""
        kind = type(value)
        if kind is str or kind is bytes:
            size = len(value)
            if size > self.max_string:
                self.string_too_long(size)
        elif kind in (list, tuple, dict, set, frozenset):
            size = len(value)
            if size > self.max_items:
                self.sequence_too_long(kind.__name__, size)
        else:
            return value
        if size >= _BIG:
            self.state.check_memory()
        return value

    def check_length(self, kind: type, size: int) -> None:
        if kind in _STRINGS:
            if size > self.max_string:
                self.string_too_long(size)
        elif size > self.max_items:
            self.sequence_too_long(kind.__name__, size)

    # -- binary operators -----------------------------------------------------------------------------

    def add(self, a: Any, b: Any) -> Any:
        if type(a) in _NUMBERS and type(b) in _NUMBERS:
            return a + b
        self.check_tensor_pair(a, b)
        return self.check_size(a + b)

    def iadd(self, a: Any, b: Any) -> Any:
        if type(a) is list and type(b) not in _SIZED_BUILTINS:
            b = self.bounded_list(b)
        if type(a) in (list, str, bytes, tuple) and hasattr(b, "__len__"):
            self.check_length(type(a), len(a) + len(b))
        self.check_tensor_pair(a, b)
        return self.check_size(operator.iadd(a, b))

    def mul(self, a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if ta in _INTS and tb in _INTS:
            if a.bit_length() + b.bit_length() > self.max_int_bits:
                self.too_many_bits()
        elif ta in _SEQUENCES and tb in _INTS:
            self.check_length(ta, len(a) * max(b, 0))
        elif tb in _SEQUENCES and ta in _INTS:
            self.check_length(tb, len(b) * max(a, 0))
        elif ta not in _NUMBERS or tb not in _NUMBERS:
            self.check_tensor_pair(a, b)
        return self.check_size(a * b)

    def imul(self, a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if ta in _SEQUENCES and tb in _INTS:
            self.check_length(ta, len(a) * max(b, 0))
        elif ta in _INTS and tb in _INTS:
            if a.bit_length() + b.bit_length() > self.max_int_bits:
                self.too_many_bits()
        else:
            self.check_tensor_pair(a, b)
        return self.check_size(operator.imul(a, b))

    def pow(self, a: Any, b: Any) -> Any:
        if type(a) in _INTS and type(b) in _INTS and b > 0 and abs(a) > 1:
            if b * math.log2(abs(a)) > self.max_int_bits:
                self.too_many_bits()
        else:
            self.check_tensor_pair(a, b)
        return a**b

    def lshift(self, a: Any, b: Any) -> Any:
        if type(a) in _INTS and type(b) in _INTS and a and b > 0 and a.bit_length() + b > self.max_int_bits:
            self.too_many_bits()
        return a << b

    def mod(self, a: Any, b: Any) -> Any:
        if type(a) in _STRINGS:
            self.check_percent_format(a, b)
            return self.check_size(a % b)
        self.check_tensor_pair(a, b)
        return a % b

    def matmul(self, a: Any, b: Any) -> Any:
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            self.check_matmul(a, b)
        return a @ b

    def elementwise(self, op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        """`op` preceded by the broadcast check when both sides are tensors."""

        def guarded(a: Any, b: Any) -> Any:
            if type(a) not in _NUMBERS or type(b) not in _NUMBERS:
                self.check_tensor_pair(a, b)
            return op(a, b)

        return guarded

    # -- tensors --------------------------------------------------------------------------------------

    def check_tensor_pair(self, a: Any, b: Any) -> None:
        """Two tensors of different shapes broadcast: refuse a result over the element limit."""
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            left, right = a._data.shape, b._data.shape
            if left != right:
                self.check_elements(broadcast_numel(left, right))

    def check_elements(self, count: int) -> None:
        if count > self.max_elements:
            self.tensor_too_big(count)

    def check_matmul(self, a: Tensor, b: Tensor) -> None:
        left, right = a._data.shape, b._data.shape
        if len(left) < 2 or len(right) < 2:
            return
        batch = broadcast_numel(left[:-2], right[:-2])
        self.check_elements(batch * left[-2] * right[-1])

    # -- strings --------------------------------------------------------------------------------------

    def check_percent_format(self, template: str | bytes, args: Any) -> None:
        text = template.decode("latin-1") if isinstance(template, bytes) else template
        values = args if isinstance(args, tuple) else (args,)
        for match in _PERCENT_FIELD.finditer(text):
            for group in match.groups():
                if group == "*":
                    widths = [v for v in values if type(v) is int]
                    if widths and max(widths) > self.max_string:
                        self.string_too_long(max(widths))
                elif group is not None and int(group) > self.max_string:
                    self.string_too_long(int(group))

    def check_format_spec(self, spec: str) -> None:
        """A format spec's width and precision are output sizes: refuse them over the string limit."""
        for digits in _DIGITS.findall(spec):
            if len(digits) > 9 or int(digits) > self.max_string:
                self.string_too_long(int(digits) if len(digits) <= 18 else 10**18)

    # -- iteration ------------------------------------------------------------------------------------

    def ticking(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Iterate `iterable`, counting one step per item (so C code consuming it can be stopped)."""
        state = self.state
        for item in iterable:
            state.steps += 1
            if state.steps >= state.next_check:
                state.checkpoint()
            yield item

    def bounded_list(self, iterable: Iterable[Any], kind: str = "list") -> list[Any]:
        """`list(iterable)` within the sequence limit and the step budget."""
        if isinstance(iterable, _SIZED_BUILTINS):
            try:
                size = len(iterable)
            except OverflowError:
                size = self.max_items + 1
            if size > self.max_items:
                self.sequence_too_long(kind, size)
            return self.check_size(list(iterable))
        items: list[Any] = []
        append = items.append
        limit = self.max_items
        for item in self.ticking(iterable):
            append(item)
            if len(items) > limit:
                self.sequence_too_long(kind, len(items))
        return items

    # -- printing cost --------------------------------------------------------------------------------

    def check_repr(self, value: Any, budget: int, on_excess: Callable[[], None]) -> None:
        """Call `on_excess` when the text of `value` would clearly be longer than `budget` characters."""
        if type(value) in _NUMBERS or type(value) is str:
            return
        if repr_cost(value, budget) > budget:
            on_excess()

    def check_str_result(self, value: Any) -> None:
        self.check_repr(
            value, self.max_string, lambda: self.string_too_long(repr_cost(value, self.max_string))
        )


def broadcast_numel(left: tuple[int, ...], right: tuple[int, ...]) -> int:
    """Elements of the broadcast of two shapes (0 when they do not broadcast: the engine will say so)."""
    try:
        shape = np.broadcast_shapes(left, right)
    except ValueError:
        return 0
    return math.prod(shape)


def tensor_print_cost(tensor: Tensor) -> int:
    """About how many characters printing `tensor` takes with the current print options."""
    options = _printing._OPTIONS
    shape = tensor._data.shape
    count = math.prod(shape)
    if count > options.threshold:
        count = math.prod(min(dim, 2 * options.edgeitems) for dim in shape)
    return count * (options.precision + 10) + 60


def repr_cost(value: Any, budget: int) -> int:
    """An estimate of len(repr(value)), stopping as soon as it passes `budget`."""
    memo: dict[int, int] = {}

    def cost(item: Any, depth: int) -> int:
        kind = type(item)
        if kind is str or kind is bytes:
            return len(item) + 2
        if kind is int:
            return item.bit_length() * 3 // 10 + 2
        if kind in _NUMBERS or item is None:
            return 24
        if isinstance(item, Tensor):
            return tensor_print_cost(item)
        if not isinstance(item, list | tuple | set | frozenset | dict):
            return 60
        key = id(item)
        if key in memo:
            return memo[key]
        if depth > 200:
            return budget + 1
        memo[key] = 5  # a container met again while inside itself prints as [...]
        total = 2
        elements = (part for pair in item.items() for part in pair) if isinstance(item, dict) else item
        for element in elements:
            total += cost(element, depth + 1) + 2
            if total > budget:
                break
        memo[key] = total
        return total

    return cost(value, 0)
