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
from sandbox.costs import NESTED, data_elements, index_result_elements, nested_items, scalar_cost
from sandbox.state import RunState

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
# What one multiply-add of a matrix product costs by dtype: numpy hands float32/float64 products to BLAS
# (fast, multithreaded); integers and bools (1.0) and float16 take its plain loops.
_MATMUL_WEIGHTS = {"float32": 0.01, "float64": 0.01, "float16": 5.0}
# Distinct tensor shapes checked pair by pair when they do not all broadcast together.
_PAIRED = 200
# Values whose comparison may be a long loop in C.
_COSTLY = NESTED | {str, bytes, int}
# Containers `in` searches by comparing with every element.
_SCANNED = frozenset({list, tuple, type({}.values())})
_ITEMS_VIEW = type({}.items())
_VIEWS = frozenset({type({}.keys()), type({}.values()), _ITEMS_VIEW})


class Guards:
    """Guarded operators and iteration helpers bound to one run's limits."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        limits = state.limits
        self.max_int_bits = limits.max_int_bits
        self.max_string = limits.max_string_length
        self.max_items = limits.max_sequence_length
        self.max_elements = limits.max_tensor_elements
        self.max_compare = limits.max_compare_items

    # -- limits ---------------------------------------------------------------------------------------

    def too_many_bits(self) -> None:
        self.state.abort("limit_int", "max_int_bits", self.max_int_bits)

    def string_too_long(self, size: int) -> None:
        self.state.abort("limit_string", "max_string_length", self.max_string, size=size)

    def sequence_too_long(self, kind: str, size: int) -> None:
        self.state.abort("limit_sequence", "max_sequence_length", self.max_items, kind=kind, size=size)

    def tensor_too_big(self, size: int) -> None:
        self.state.abort("limit_tensor_elements", "max_tensor_elements", self.max_elements, size=size)

    def too_much_comparing(self) -> None:
        self.state.abort("limit_compare", "max_compare_items", self.max_compare)

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
            return self.check_int(a + b)
        self.check_tensor_pair(a, b)
        return self.check_size(a + b)

    def sub(self, a: Any, b: Any) -> Any:
        if type(a) in _NUMBERS and type(b) in _NUMBERS:
            return self.check_int(a - b)
        self.check_tensor_pair(a, b)
        return a - b

    def iadd(self, a: Any, b: Any) -> Any:
        if type(a) in _NUMBERS and type(b) in _NUMBERS:
            return self.check_int(a + b)
        if type(a) is list and type(b) not in _SIZED_BUILTINS:
            b = self.bounded_list(b)
        if type(a) in (list, str, bytes, tuple) and hasattr(b, "__len__"):
            self.check_length(type(a), len(a) + len(b))
        self.check_tensor_pair(a, b)
        return self.check_size(operator.iadd(a, b))

    def isub(self, a: Any, b: Any) -> Any:
        if type(a) in _NUMBERS and type(b) in _NUMBERS:
            return self.check_int(a - b)
        self.check_tensor_pair(a, b)
        return operator.isub(a, b)

    def check_int(self, value: Any) -> Any:
        """Sums and differences grow an int by a bit at a time; refuse one that passed the limit."""
        if type(value) is int and value.bit_length() > self.max_int_bits:
            self.too_many_bits()
        return value

    def check_int_bits(self, bits: float) -> None:
        if bits > self.max_int_bits:
            self.too_many_bits()

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
            self.check_str_result(b)
            return self.check_size(self.stringify(operator.mod, a, b))
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
        self.check_matmul_work(batch * left[-2] * left[-1] * right[-1], a, b)

    def check_matmul_work(self, multiply_adds: int, *tensors: Tensor) -> None:
        """Refuse a product whose multiply-adds would keep numpy's plain loops busy for seconds."""
        dtype = np.result_type(*(t._data.dtype for t in tensors))
        weight = _MATMUL_WEIGHTS.get(dtype.name, 1.0)
        limit = self.state.limits.max_matmul_work
        if multiply_adds * weight > limit:
            self.state.abort(
                "limit_matmul", "max_matmul_work", limit, size=multiply_adds, dtype=f"torch.{dtype.name}"
            )

    def check_broadcast(self, tensors: list[Tensor]) -> None:
        """Tensors an engine function takes together broadcast: refuse a result over the element limit."""
        shapes = list(dict.fromkeys(t._data.shape for t in tensors))
        if len(shapes) < 2:
            return
        try:
            count = math.prod(np.broadcast_shapes(*shapes))
        except ValueError:
            # Not all of them fit together, but two of them may (compared containers meet pair by pair).
            count = max(
                (
                    broadcast_numel(a, b)
                    for i, a in enumerate(shapes[:_PAIRED])
                    for b in shapes[i + 1 : _PAIRED]
                ),
                default=0,
            )
        self.check_elements(count)

    def check_tensor_data(self, data: Any) -> None:
        """`torch.tensor(data)`: the nested lists hold at most as many numbers as a list may hold."""
        if isinstance(data, list | tuple):
            limit = min(self.max_elements, self.max_items)
            count = data_elements(data, limit)
            self.check_elements(count)
            if count > limit:
                self.sequence_too_long("list", count)

    def check_list_arguments(self, args: Any, kwargs: dict[str, Any] | None) -> None:
        """Lists given to an engine function become arrays (`torch.full((2,), rows)`, `x.fill_(rows)`):
        [[0.0] * 10**4] * 10**4 costs ten thousand pointers to make and 10**8 numbers to convert."""
        values = [*args, *kwargs.values()] if kwargs else args
        for value in values:
            if type(value) is list or type(value) is tuple:
                count = data_elements(value, self.max_elements, tensors=False)
                if count > self.max_elements:
                    self.tensor_too_big(count)

    def check_index(self, tensor: Tensor, index: Any) -> None:
        """`tensor[index]` with lists or tensors as indices: refuse a result over the element limit."""
        if type(index) in (int, slice) or index is None or index is Ellipsis:
            return
        count = index_result_elements(tensor._data.shape, index, self.max_elements)
        if count > self.max_elements:
            self.tensor_too_big(count)

    # -- comparisons and hashing of nested containers --------------------------------------------------

    def compare(self, op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        """`op` (==, <, ...) preceded by a cost check when both sides are containers."""

        def guarded(a: Any, b: Any) -> Any:
            if type(a) in NESTED and type(b) in NESTED:
                self.check_compare(a, b)
            else:
                self.check_tensor_pair(a, b)
            return op(a, b)

        return guarded

    def check_compare(self, a: Any, b: Any) -> None:
        budget, tensors = self.max_compare, []
        if min(nested_items(a, budget, tensors), nested_items(b, budget, tensors)) > budget:
            self.too_much_comparing()
        self.check_tensors_compared(tensors)

    def check_tensors_compared(self, tensors: list[Tensor]) -> None:
        """Tensors inside compared containers are compared elementwise, broadcasting: any pair may meet."""
        if len(tensors) > 1:
            self.check_broadcast(tensors)

    def contains(self, item: Any, container: Any) -> bool:
        """`item in container`, with its cost checked first."""
        self.check_membership(item, container)
        return item in container

    def check_membership(self, item: Any, container: Any) -> None:
        """The cost of finding `item` in `container` (the `in` operator, list.count, list.index)."""
        kind = type(container)
        if kind is range:
            # Python compares a non-int with every number of the range (ints are found by arithmetic).
            if type(item) not in _INTS and _range_length(container) > self.max_compare:
                self.too_much_comparing()
        elif kind in _SCANNED:
            if type(item) in _COSTLY or isinstance(item, Tensor):
                budget, tensors = self.max_compare, []
                worst = nested_items(item, budget, tensors) * len(container)
                if worst > budget and nested_items(container, budget) > budget:
                    self.too_much_comparing()
                if tensors:
                    nested_items(container, budget, tensors)
                    self.check_tensors_compared(tensors)
        elif kind in NESTED:  # dicts, sets, keys and items views: a hash, then a comparison or two
            self.check_key(item)

    def check_item(self, container: Any, key: Any) -> None:
        """Before `container[key]`: a tensor's advanced index, or a dict's tuple key."""
        if type(key) in _INTS or type(key) is slice:
            return
        if isinstance(container, Tensor):
            self.check_index(container, key)
        elif type(key) is tuple and isinstance(container, dict):
            self.check_key(key)

    def slice_items(self, target: list[Any], value: Any) -> list[Any]:
        """`target[a:b] = value`: C would turn any iterable (range(10**9)) into a list first."""
        items = self.bounded_list(value)
        self.check_length(list, len(target) + len(items))
        return items

    def check_key(self, key: Any) -> None:
        """A dict key or set item: hashing a tuple visits all of it, recursively in C."""
        if type(key) is tuple and nested_items(key, self.max_compare) > self.max_compare:
            self.too_much_comparing()

    def check_keys(self, keys: Any) -> None:
        """Keys hashed together (set(items), dict.fromkeys): tuples and big ints cost their size each time."""
        budget, spent = self.max_compare, 0
        for key in keys:
            kind = type(key)
            if kind is tuple:
                spent += nested_items(key, budget)
            elif kind is int:
                spent += scalar_cost(key) - 1
            else:
                continue
            if spent > budget:
                self.too_much_comparing()

    def hashed_set(self, items: Iterable[Any], kind: type = set) -> Any:
        """`set(items)` one item at a time: a list of keys with equal hashes (k * (2**61 - 1)) makes
        every insertion compare with all the earlier ones, and one C call would do them all at once."""
        result: set[Any] = set()
        add = result.add
        for item in self.ticking(items):
            add(item)
        self.check_size(result)
        return result if kind is set else kind(result)

    def hashed_dict(self, pairs: Iterable[Any], target: dict[Any, Any] | None = None) -> dict[Any, Any]:
        """`dict(pairs)` (or `target.update(pairs)`) one pair at a time, for the same reason."""
        result: dict[Any, Any] = {} if target is None else target
        for index, pair in enumerate(self.ticking(pairs)):
            try:
                key, value = pair
            except (TypeError, ValueError):
                raise _pair_error(index, pair) from None
            result[key] = value
        self.check_size(result)
        return result

    def sort_in_place(self, items: list[Any], key: Callable[[Any], Any] | None, reverse: bool) -> None:
        """`items.sort(key=..., reverse=...)` with the cost of comparing nested containers checked."""
        if key is None:
            self.check_sort(items)
            items.sort(reverse=reverse)
            return
        keys = [key(item) for item in self.ticking(items)]
        self.check_sort(keys)
        order = sorted(range(len(items)), key=keys.__getitem__, reverse=reverse)
        items[:] = [items[index] for index in order]

    def check_sort(self, items: list[Any]) -> None:
        """Sorting (or min/max of) nested containers, long strings or big ints compares each of them
        about log2(n) times; what a comparison costs beyond one step adds up."""
        if len(items) < 2:
            return
        kinds = set(map(type, items))
        has_tensors = any(issubclass(kind, Tensor) for kind in kinds)
        if not has_tensors and _COSTLY.isdisjoint(kinds):
            return  # plain numbers: C sorts a million of them quickly
        rounds = max(1, len(items).bit_length())
        allowed = self.max_compare // rounds  # what the items may cost beyond one step each
        tensors: list[Tensor] = []
        extra = nested_items(items, len(items) + 1 + allowed, tensors) - len(items) - 1
        if extra > allowed:
            self.too_much_comparing()
        self.check_tensors_compared(tensors)

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
        """Iterate `iterable`, counting one step per item (so C code consuming it can be stopped).

        Iterators wrapping iterators (`iter(iter(...))`, `map(f, map(f, ...))`) are counted too: CPython
        resumes each level of such a chain in C without checking its stack, so a chain thousands deep
        crashes the interpreter instead of raising RecursionError.
        """
        state = self.state
        iterator = iter(iterable)
        while True:
            state.iterators += 1
            try:
                if state.iterators > state.max_iterators:
                    state.abort("limit_iterators", "max_recursion_depth", state.max_iterators)
                item = next(iterator)
            except StopIteration:
                return
            finally:
                state.iterators -= 1
            state.steps += 1
            if state.steps >= state.next_check:
                state.checkpoint()
            yield item

    def costed(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """`ticking`, also adding up what comparing each nested container with another would cost."""
        budget, spent = self.max_compare, 0
        shape: tuple[int, ...] | None = None  # the broadcast of the tensors met so far
        for item in self.ticking(iterable):
            if type(item) in _COSTLY or isinstance(item, Tensor):
                tensors: list[Tensor] = []
                spent += nested_items(item, budget, tensors) - 1
                if spent > budget:
                    self.too_much_comparing()
                for tensor in tensors:
                    shape = _broadcast_or_none(shape, tensor._data.shape)
                    if shape is not None:
                        self.check_elements(math.prod(shape))
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

    def stringify(self, make: Callable[..., str], *args: Any, **kwargs: Any) -> str:
        """`make(*args)` (str, repr, format ...), counting the text the program's own __repr__, __str__
        and extra_repr return while it runs: a list of a thousand objects whose __repr__ returns a
        million characters each must stop, not make a string of a billion."""
        state = self.state
        if state.text_depth == 0:
            state.text_chars = 0
        state.text_depth += 1
        try:
            return make(*args, **kwargs)
        finally:
            state.text_depth -= 1

    def count_text(self, text: Any) -> None:
        """Text one of the program's __repr__ / __str__ / extra_repr returned (see stringify)."""
        state = self.state
        if state.text_depth and type(text) is str:
            state.text_chars += len(text)
            if state.text_chars > self.max_string:
                self.string_too_long(state.text_chars)

    def check_str_result(self, value: Any) -> None:
        self.check_repr(
            value, self.max_string, lambda: self.string_too_long(repr_cost(value, self.max_string))
        )


def _range_length(numbers: range) -> int:
    """len(numbers), also for ranges longer than len() can return."""
    return max(
        0, (numbers.stop - numbers.start + numbers.step - (1 if numbers.step > 0 else -1)) // numbers.step
    )


def _pair_error(index: int, pair: Any) -> Exception:
    """Python's own message for an element of dict(pairs) that is not a pair."""
    try:
        length = len(pair)
    except TypeError:
        return TypeError(f"cannot convert dictionary update sequence element #{index} to a sequence")
    return ValueError(f"dictionary update sequence element #{index} has length {length}; 2 is required")


def _broadcast_or_none(shape: tuple[int, ...] | None, other: tuple[int, ...]) -> tuple[int, ...] | None:
    if shape is None:
        return other
    try:
        return np.broadcast_shapes(shape, other)
    except ValueError:
        return shape  # these two never compare: the engine raises on the first pair that does not fit


def broadcast_numel(left: tuple[int, ...], right: tuple[int, ...]) -> int:
    """Elements of the broadcast of two shapes (0 when they do not broadcast: the engine will say so)."""
    try:
        shape = np.broadcast_shapes(left, right)
    except ValueError:
        return 0
    return math.prod(shape)


def _printed_parts(item: Any) -> list[Any] | None:
    """What the text of an engine object or exception includes besides fixed words, or None."""
    if isinstance(item, BaseException):
        return list(item.args)
    if type(item) is slice:
        return [item.start, item.stop, item.step]
    from engine.nn.module import Module
    from engine.optim.optimizer import Optimizer

    if isinstance(item, Optimizer):
        groups = item.__dict__.get("param_groups", ())
        return [part for group in groups if isinstance(group, dict) for part in _keys_and_values(group)]
    if isinstance(item, Module):
        return _module_parts(item)
    return None


def _keys_and_values(mapping: dict[Any, Any]) -> list[Any]:
    return [part for key, value in mapping.items() if key != "params" for part in (key, value)]


def _module_parts(module: Any) -> list[Any]:
    """A module prints its children by name and, for engine layers, attributes in `extra_repr`."""
    parts: list[Any] = []
    children = module.__dict__.get("_modules", {})
    for name, child in children.items():
        parts.append(name)
        parts.append(child)
    if _is_engine_name(getattr(type(module).extra_repr, "__module__", None)):
        parts.extend(value for key, value in module.__dict__.items() if not key.startswith("_"))
    return parts


def _is_engine_name(module: Any) -> bool:
    return isinstance(module, str) and module.partition(".")[0] == "engine"


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
    keep: list[Any] = []  # the part lists made here stay alive, so their ids stay unique

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
        key = id(item)
        if key in memo:
            return memo[key]
        if depth > 200:
            return budget + 1
        if isinstance(item, list | tuple | set | frozenset | dict) or kind in _VIEWS:
            elements: Any = item
            if isinstance(item, dict) or kind is _ITEMS_VIEW:
                pairs = item.items() if isinstance(item, dict) else item
                elements = (part for pair in pairs for part in pair)
        else:
            parts = _printed_parts(item)
            if parts is None:
                return 60
            keep.append(parts)
            elements = parts
        memo[key] = 5  # a container met again while inside itself prints as [...]
        total = 2
        for element in elements:
            total += cost(element, depth + 1) + 2
            if total > budget:
                break
        memo[key] = total
        return total

    return cost(value, 0)
