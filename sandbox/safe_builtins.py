"""The builtins a program sees: Python's, with every unbounded one fed item by item and size-checked.

`str`, `list`, `tuple`, `dict`, `set` and `frozenset` are functions here (so `list(range(10**12))` stops at
the size limit); `isinstance` still accepts them as types. `type`, `getattr`, `eval`, `open` and the other
doors out of the sandbox are not builtins at all: naming them is refused before the program runs.
"""

from __future__ import annotations

import builtins
import contextlib
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sandbox.errors import PYTHON_KINDS, SecurityViolation
from sandbox.guards import Guards
from sandbox.policy import Policy, is_user_class
from sandbox.state import RunState

# Names that lead out of the sandbox (or to introspection); refused wherever they appear.
FORBIDDEN_BUILTINS = frozenset(
    {
        "__build_class__",
        "__import__",
        "__loader__",
        "__spec__",
        "__builtins__",
        "breakpoint",
        "bytearray",
        "classmethod",
        "compile",
        "copyright",
        "credits",
        "delattr",
        "dir",
        "eval",
        "exec",
        "exit",
        "getattr",
        "globals",
        "help",
        "input",
        "license",
        "locals",
        "memoryview",
        "object",
        "open",
        "property",
        "quit",
        "setattr",
        "staticmethod",
        "vars",
        "aiter",
        "anext",
    }
)

# C builtins that are safe as they are: bounded work on bounded inputs.
_PASS_THROUGH = ("abs", "bin", "callable", "chr", "divmod", "hex", "id", "len", "next", "oct", "ord")
_CLASSES = {"bool": bool, "float": float, "int": int, "range": range, "slice": slice, "complex": complex}


class SafeBuiltins:
    """Builds the builtins dict of one run."""

    def __init__(self, state: RunState, guards: Guards, policy: Policy) -> None:
        self.state = state
        self.guards = guards
        self.policy = policy
        # The interpreter's checked call (`invoke(callee, args, kwargs)`), set once it exists: callbacks
        # given to map, filter, sorted, min and max are called through it, like any call in the program.
        self.invoke: Callable[[Any, tuple[Any, ...], dict[str, Any] | None], Any] | None = None

    def _checked(self, function: Any) -> Any:
        invoke = self.invoke
        if function is None or invoke is None:
            return function

        def call_checked(*args: Any) -> Any:
            return invoke(function, args, None)

        return call_checked

    def build(self) -> dict[str, Any]:
        namespace: dict[str, Any] = {name: getattr(builtins, name) for name in _PASS_THROUGH}
        namespace.update(_CLASSES)
        namespace.update({name: getattr(builtins, name) for name in PYTHON_KINDS})
        namespace.update(_FRONTS)
        return namespace

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Make these the builtins the program's calls reach, in this thread, for the block."""
        previous = getattr(_serving, "builtins", None)
        _serving.builtins = self
        try:
            yield
        finally:
            _serving.builtins = previous

    def exposed_c_functions(self) -> set[int]:
        return {id(getattr(builtins, name)) for name in _PASS_THROUGH}

    # -- output ---------------------------------------------------------------------------------------

    def print(
        self,
        *values: Any,
        sep: str | None = " ",
        end: str | None = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        if file is not None:
            raise SecurityViolation("print_file_forbidden")
        for name, value in (("sep", sep), ("end", end)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be None or a string, not {type(value).__name__}")
        state, guards = self.state, self.guards
        separator = " " if sep is None else sep
        for index, value in enumerate(values):
            guards.check_repr(value, state.output_room(), self._output_full)
            text = guards.stringify(builtins.str, value)
            # Written piece by piece: what fits before the output limit is kept, and a long separator
            # repeated many times is never joined into one huge string.
            if index:
                state.write(separator)
            state.write(text)
        state.write("\n" if end is None else end)

    def _output_full(self) -> None:
        limit = self.state.limits.max_output_chars
        self.state.abort("limit_output", "max_output_chars", limit)

    # -- text -----------------------------------------------------------------------------------------

    def str(self, *args: Any, **kwargs: Any) -> str:
        if args:
            self.guards.check_str_result(args[0])
        return self.guards.check_size(self.guards.stringify(builtins.str, *args, **kwargs))

    def repr(self, value: Any) -> str:
        self.guards.check_str_result(value)
        return self.guards.check_size(self.guards.stringify(builtins.repr, value))

    def format(self, value: Any, format_spec: str = "") -> str:
        if isinstance(format_spec, builtins.str):
            self.guards.check_format_spec(format_spec)
        self.guards.check_str_result(value)
        return self.guards.check_size(self.guards.stringify(builtins.format, value, format_spec))

    # -- containers -----------------------------------------------------------------------------------

    def list(self, iterable: Iterable[Any] = ()) -> list[Any]:
        return self.guards.bounded_list(iterable, "list")

    def tuple(self, iterable: Iterable[Any] = ()) -> tuple[Any, ...]:
        return builtins.tuple(self.guards.bounded_list(iterable, "tuple"))

    def set(self, iterable: Iterable[Any] = ()) -> set[Any]:
        items = self.guards.bounded_list(iterable, "set")
        self.guards.check_keys(items)
        return self.guards.hashed_set(items)

    def frozenset(self, iterable: Iterable[Any] = ()) -> frozenset[Any]:
        items = self.guards.bounded_list(iterable, "frozenset")
        self.guards.check_keys(items)
        return self.guards.hashed_set(items, builtins.frozenset)

    def dict(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        if len(args) > 1:
            raise TypeError(f"dict expected at most 1 argument, got {len(args)}")
        guards = self.guards
        if not args:
            return guards.check_size(builtins.dict(**kwargs))
        source = args[0]
        if hasattr(source, "keys"):
            keys = guards.bounded_list(source.keys(), "dict")
            guards.check_keys(keys)
            pairs: Iterable[Any] = ((key, source[key]) for key in keys)
        else:
            pairs = guards.bounded_list(source, "dict")
            guards.check_keys(pair[0] for pair in pairs if type(pair) is builtins.tuple and pair)
        result = guards.hashed_dict(pairs)
        result.update(kwargs)
        return guards.check_size(result)

    def sorted(
        self, iterable: Iterable[Any], /, *, key: Callable[[Any], Any] | None = None, reverse: bool = False
    ) -> list[Any]:
        items = self.guards.bounded_list(iterable, "list")
        self.guards.sort_in_place(items, self._checked(key), reverse)
        return items

    # -- reductions -----------------------------------------------------------------------------------

    def sum(self, iterable: Iterable[Any], /, start: Any = 0) -> Any:
        if isinstance(start, builtins.str):
            raise TypeError("sum() can't sum strings [use ''.join(seq) instead]")
        if isinstance(start, bytes):
            raise TypeError("sum() can't sum bytes [use b''.join(seq) instead]")
        total = start
        add = self.guards.add
        for item in self.guards.ticking(iterable):
            total = add(total, item)
        return total

    def min(self, *args: Any, **kwargs: Any) -> Any:
        return builtins.min(*self._reduction_args(args, kwargs), **self._checked_key(kwargs))

    def max(self, *args: Any, **kwargs: Any) -> Any:
        return builtins.max(*self._reduction_args(args, kwargs), **self._checked_key(kwargs))

    def _checked_key(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if kwargs.get("key") is None:
            return kwargs
        return {**kwargs, "key": self._checked(kwargs["key"])}

    def _reduction_args(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        if len(args) == 1:
            if kwargs.get("key") is not None:
                return (self.guards.ticking(args[0]),)
            return (self.guards.costed(args[0]),)
        self.guards.check_sort(builtins.list(args))
        return args

    def any(self, iterable: Iterable[Any], /) -> bool:
        return builtins.any(self.guards.ticking(iterable))

    def all(self, iterable: Iterable[Any], /) -> bool:
        return builtins.all(self.guards.ticking(iterable))

    # -- lazy iteration: every item counted, so C code consuming them can be stopped ---------------------

    def enumerate(self, iterable: Iterable[Any], start: int = 0) -> enumerate:
        return builtins.enumerate(self.guards.ticking(iterable), start)

    def zip(self, *iterables: Iterable[Any], strict: bool = False) -> zip:
        return builtins.zip(*(self.guards.ticking(it) for it in iterables), strict=strict)

    def map(self, function: Callable[..., Any], iterable: Iterable[Any], /, *iterables: Iterable[Any]) -> map:
        iterables = tuple(self.guards.ticking(it) for it in (iterable, *iterables))
        return builtins.map(self._checked(function), *iterables)

    def filter(self, function: Callable[[Any], Any] | None, iterable: Iterable[Any], /) -> filter:
        return builtins.filter(self._checked(function), self.guards.ticking(iterable))

    def reversed(self, sequence: Any, /) -> Any:
        return self.guards.ticking(builtins.reversed(sequence))

    def iter(self, *args: Any) -> Any:
        return self.guards.ticking(builtins.iter(*args))

    # -- numbers --------------------------------------------------------------------------------------

    def pow(self, base: Any, exp: Any, mod: Any = None) -> Any:
        if mod is None:
            return self.guards.pow(base, exp)
        if builtins.isinstance(exp, int) and builtins.isinstance(mod, int):
            self._check_modular_power(exp, mod)
        return builtins.pow(base, exp, mod)

    def round(self, number: Any, ndigits: Any = None) -> Any:
        # round(1, -3 * 10**7) makes 10**(3 * 10**7) inside one C call before it answers 0.
        if type(number) is builtins.int and type(ndigits) is builtins.int and ndigits < 0:
            self.guards.check_int_bits(-ndigits * 3.33)
        return builtins.round(number, ndigits)

    def _check_modular_power(self, exp: int, mod: int) -> None:
        """Square-and-multiply: one product of modulus-sized numbers per exponent bit (quadratic in C)."""
        exp_bits, mod_bits = builtins.abs(exp).bit_length(), builtins.abs(mod).bit_length()
        # With the default max_int_bits, 5000-bit operands (a fifth of a second) are the most allowed.
        largest = self.guards.max_int_bits // 20
        if exp_bits * mod_bits * mod_bits > largest**3:
            limit = self.state.limits.max_int_bits
            self.state.abort("limit_int_power", "max_int_bits", limit, exp_bits=exp_bits, mod_bits=mod_bits)

    def int(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
        """`int(text, base)`: power-of-two bases are not held to Python's digit limit, so the sandbox
        checks the bits the text stands for."""
        text = args[0] if args else kwargs.get("x")
        if builtins.isinstance(text, builtins.str | bytes):
            base = args[1] if len(args) > 1 else kwargs.get("base", 10)
            per_digit = math.log2(base) if builtins.isinstance(base, int) and 2 <= base <= 36 else 4.0
            self.guards.check_int_bits(len(text) * per_digit)
        return callee(*args, **kwargs)

    # -- types ----------------------------------------------------------------------------------------

    def isinstance(self, obj: Any, classinfo: Any, /) -> bool:
        return builtins.isinstance(obj, self._classinfo(classinfo))

    def _classinfo(self, classinfo: Any) -> Any:
        if builtins.isinstance(classinfo, builtins.tuple):
            return builtins.tuple(self._classinfo(item) for item in classinfo)
        if callable(classinfo) and not builtins.isinstance(classinfo, type):
            mapped = _TYPE_OF.get(classinfo)
            if mapped is not None:
                return mapped
        return classinfo

    def type(self, *args: Any) -> Any:
        # type(x) tells what x is (print(type(x)), type(m) == nn.Linear); type(name, bases, dict) would
        # make a class outside the class statement's checks.
        if len(args) != 1:
            raise SecurityViolation("type_forbidden")
        kind = builtins.type(args[0])
        # The containers' classes are the sandbox's size-checked stand-ins (`type(xs) is list` holds).
        stand_in = _STAND_INS.get(kind)
        return stand_in if stand_in is not None else self.policy.check(kind)

    def hasattr(self, obj: Any, name: Any, /) -> bool:
        if not builtins.isinstance(name, builtins.str):
            raise TypeError("hasattr(): attribute name must be string")
        try:
            self.policy.getattr(obj, name)
        except AttributeError:
            return False
        return True

    def super(self, *args: Any) -> Any:
        # super(Class, instance) only: super(Class, Class) would hand out the base classes' plain
        # functions, callable on any object (Module.train on torch.Tensor itself).
        if len(args) != 2 or not is_user_class(args[0]) or not builtins.isinstance(args[1], args[0]):
            raise SecurityViolation("super_arguments")
        return builtins.super(args[0], args[1])


# The builtins a program holds are these plain functions, made once per process: they keep no state of
# any run (a program that got hold of one and copied it, or kept it past its run, holds only a name).
# Each call is served by the builtins of the run in progress in its thread; with none, it refuses.
_serving = threading.local()
_CONTAINERS = (builtins.str, builtins.list, builtins.tuple, builtins.set, builtins.frozenset, builtins.dict)
_SERVED = (
    "print", "str", "repr", "format", "list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min",
    "max", "any", "all", "enumerate", "zip", "map", "filter", "reversed", "iter", "pow", "round",
    "isinstance", "super", "type", "hasattr",
)


def _front(name: str) -> Callable[..., Any]:
    def builtin(*args: Any, **kwargs: Any) -> Any:
        served = getattr(_serving, "builtins", None)
        if served is None:
            raise SecurityViolation("program_finished")
        return getattr(served, name)(*args, **kwargs)

    builtin.__name__ = builtin.__qualname__ = name
    return builtin


_FRONTS: dict[str, Callable[..., Any]] = {name: _front(name) for name in _SERVED}
# The containers' builtins are size-checked stand-ins: what `isinstance` reads them as, and what `type`
# answers for their instances (the very objects the program's names hold, so `type(xs) is list`).
_STAND_INS: dict[type, Callable[..., Any]] = {kind: _FRONTS[kind.__name__] for kind in _CONTAINERS}
_TYPE_OF: dict[Callable[..., Any], type] = {front: kind for kind, front in _STAND_INS.items()}


def guarded_math(guards: Guards) -> dict[str, Callable[..., Any]]:
    """math functions whose integer results grow without bound, with a size check first."""

    def bits_of_factorial(n: float) -> float:
        return math.lgamma(n + 1) / math.log(2) if n > 1 else 0.0

    def check_bits(bits: float) -> None:
        if bits > guards.max_int_bits:
            guards.too_many_bits()

    def factorial(n: int) -> int:
        if isinstance(n, int) and n > 0:
            check_bits(bits_of_factorial(n))
        return math.factorial(n)

    def falling_bits(n: int, count: int) -> float:
        """Bits of n·(n−1)···(n−count+1): exact-ish through lgamma while floats hold n, else a bound."""
        if count <= 0:
            return 0.0
        bound = count * math.log2(n)
        if n < 2**50:
            return min(bound, bits_of_factorial(n) - bits_of_factorial(n - count))
        return bound

    def comb(n: int, k: int) -> int:
        if isinstance(n, int) and isinstance(k, int) and 0 <= k <= n:
            smaller = builtins.min(k, n - k)
            check_bits(falling_bits(n, smaller) - bits_of_factorial(smaller))
        return math.comb(n, k)

    def perm(n: int, k: int | None = None) -> int:
        if isinstance(n, int) and n > 0:
            count = n if k is None or not isinstance(k, int) or k > n else k
            check_bits(falling_bits(n, count))
        return math.perm(n, k)

    def prod(iterable: Iterable[Any], /, *, start: Any = 1) -> Any:
        total = start
        for item in guards.ticking(iterable):
            total = guards.mul(total, item)
        return total

    def fsum(iterable: Iterable[Any], /) -> float:
        return math.fsum(guards.ticking(iterable))

    def lcm(*integers: int) -> int:
        check_bits(builtins.sum(i.bit_length() for i in integers if isinstance(i, int)))
        return math.lcm(*integers)

    def gcd(*integers: int) -> int:
        # Each step costs about (bits / 30)² machine-word operations, for every argument in turn: a
        # million big ints is minutes of C in one call, so the work is counted before it starts.
        sizes = [i.bit_length() for i in integers if isinstance(i, int)]
        if sizes and builtins.sum(sizes) * builtins.max(sizes) // 900 + len(sizes) > guards.max_compare:
            guards.too_much_comparing()
        return math.gcd(*integers)

    return {"factorial": factorial, "comb": comb, "perm": perm, "prod": prod, "fsum": fsum, "lcm": lcm,
            "gcd": gcd}
