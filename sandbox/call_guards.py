"""Size checks for engine calls that allocate a large array before the tensor exists.

The recorder refuses an oversized tensor as soon as it is made, but numpy has already allocated it by
then: `torch.ones(10**6, 10**6)` would exhaust memory first. These checks read the requested size from
the arguments and refuse it up front. Views (`expand`, `view`) allocate nothing and are left to the
recorder.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from engine._dtype import Size
from engine._tensor import Tensor
from sandbox.errors import SecurityViolation
from sandbox.guards import Guards

Check = Callable[[Any, tuple[Any, ...], dict[str, Any]], None]

_FACTORIES = ("ones", "zeros", "empty", "rand", "randn")
_NEW_FACTORIES = ("new_ones", "new_zeros", "new_empty")
_JOINS = ("cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "row_stack")
_PAIRS = ("matmul", "mm", "bmm")
# One optimizer step may update this many times max_tensor_elements numbers, in this many parameters.
_STEP_UPDATES = 4
_STEP_ENTRIES = 100_000
# Module methods that give a module a new attribute by name.
_REGISTRATIONS = ("add_module", "register_module", "register_buffer", "register_parameter")
# More dimensions than any shape can have (numpy allows 32); the args tuple counts as one level.
_MAX_DIMENSIONS = 64


def _number(value: Any) -> float | None:
    """A number argument as the engine will read it: Python numbers and one-element tensors."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, Tensor) and value._data.size == 1:
            return float(value._data.reshape(()))
    except OverflowError:
        return math.inf
    return None


def _dimensions(value: Any, depth: int = 0) -> list[int]:
    """The ints of a size argument: `3`, `(2, 3)`, `torch.Size([2, 3])` (and what int() makes of a
    float or a one-element tensor, as the engine does). A size is at most a sequence of numbers inside
    the arguments: anything nested deeper, or longer than any shape, is not one (the engine says so)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, tuple | list):
        if depth >= 2 or len(value) > _MAX_DIMENSIONS:
            return []
        return [d for item in value for d in _dimensions(item, depth + 1)]
    number = _number(value)
    if number is None or not math.isfinite(number):
        return []
    return [int(number)]


def _count(values: Any) -> int:
    """Elements of a tensor of these sizes, an empty dimension counting as 1 (see costs.span)."""
    return math.prod(max(abs(d), 1) for d in _dimensions(values))


def _size_argument(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return kwargs.get("size", args)


_cached_plan: list[tuple[Any, str]] | None = None


class CallGuards:
    """Builds the table: engine callable -> check(callee, args, kwargs)."""

    def __init__(self, guards: Guards) -> None:
        self.guards = guards
        self.table: dict[Any, Check] = {}

    def build(self, engine: Any, nn: Any) -> dict[Any, Check]:
        """The table for this run; which callable gets which check is worked out once per process."""
        global _cached_plan
        if _cached_plan is None:
            _cached_plan = [(function, check.__name__) for function, check in self._plan(engine, nn).items()]
        return {function: getattr(self, name) for function, name in _cached_plan}

    def _plan(self, engine: Any, nn: Any) -> dict[Any, Check]:
        for name in _FACTORIES:
            self._add(engine, name, self._factory)
        self._add(engine, "full", self._full)
        self._add(engine, "randint", self._randint)
        self._add(engine, "normal", self._normal)
        self._add(engine, "arange", self._arange)
        self._add(engine, "linspace", self._steps)
        self._add(engine, "logspace", self._steps)
        self._add(engine, "eye", self._eye)
        self._add(engine, "randperm", self._randperm)
        for owner in (engine, engine.Tensor):
            self._add(owner, "multinomial", self._multinomial)
        # torch.Tensor(2, 3) / torch.FloatTensor([...]): the legacy constructors take a shape or data.
        for name in ("Tensor", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
                     "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"):
            if getattr(engine, name, None) is not None:
                self.table[getattr(engine, name)] = self._legacy
        for name in _NEW_FACTORIES:
            self._add(engine.Tensor, name, self._factory)
        self._add(engine.Tensor, "new_full", self._full)
        self._add(engine.Tensor, "repeat", self._repeat)
        self._add(engine.Tensor, "tile", self._repeat)
        self._add(engine.Tensor, "repeat_interleave", self._repeat_interleave)
        self._add(engine, "repeat_interleave", self._repeat_interleave)
        for owner in (engine, engine.Tensor):
            for name in _PAIRS:
                self._add(owner, name, self._matmul)
            for name in ("outer", "ger", "kron"):
                self._add(owner, name, self._outer)
        for name in _JOINS:
            self._add(engine, name, self._join)
        for owner, name in ((engine, "tensor"), (engine, "as_tensor"), (engine.Tensor, "new_tensor")):
            self._add(owner, name, self._data)
        for owner in (engine, engine.Tensor):
            self._add(owner, "nonzero", self._nonzero)
        self._add(engine, "where", self._where)
        self._add(engine.Tensor, "tolist", self._tolist)
        self._add(engine, "Size", self._size)
        self._add(engine, "dtype", self._dtype)
        optim = getattr(engine, "optim", None)
        for name in ("Optimizer", "SGD", "Adam"):
            self._add(getattr(optim, name, None), "step", self._optimizer_step)
        if nn is not None:
            self._add_modules(nn)
            functional = getattr(nn, "functional", None)
            self._add(functional, "linear", self._linear)
            layer = getattr(nn, "Linear", None)
            self._add(layer, "forward", self._linear_layer)
        return self.table

    def _add(self, owner: Any, name: str, check: Check) -> None:
        function = getattr(owner, name, None) if owner is not None else None
        if function is not None:
            self.table[function] = check

    def _add_modules(self, nn: Any) -> None:
        module_class = getattr(nn, "Module", None)
        if module_class is None:
            return
        for name in _REGISTRATIONS:
            self._add(module_class, name, self._registered_name)
        for name in dir(nn):
            value = getattr(nn, name, None)
            if isinstance(value, type) and issubclass(value, module_class) and value is not module_class:
                self.table[value] = self._module
                # A subclass of the program's calls super().__init__(9000, 9000) without the class call.
                if "__init__" in value.__dict__:
                    self.table[value.__dict__["__init__"]] = self._module

    # -- checks ---------------------------------------------------------------------------------------

    def _registered_name(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # A child named `__deepcopy__` or `_parameters` would be found by Python's own protocols and by
        # the module's internals, not just by the program: such names are refused, like `m._x = ...`.
        name = args[0] if args else kwargs.get("name")
        if isinstance(name, str) and name.startswith("_"):
            raise SecurityViolation("module_private_name", name=name)

    def _elements(self, count: float) -> None:
        self.guards.check_elements(count)

    def _factory(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._elements(_count(_size_argument(args, kwargs)))

    def _full(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._elements(_count(kwargs.get("size", args[:1])))

    def _randint(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        sizes = [a for a in args if isinstance(a, tuple | list)]
        self._elements(_count(kwargs.get("size", sizes[:1])))

    def _normal(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._elements(_count(kwargs.get("size", args[2:3])))

    def _randperm(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._elements(_count(args[:1] or kwargs.get("n", 0)))

    def _multinomial(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """multinomial(probs, n): n indices per row of probs (any n with replacement)."""
        tensor = getattr(callee, "__self__", None)
        if not isinstance(tensor, Tensor):
            tensor, args = (args[0], args[1:]) if args and isinstance(args[0], Tensor) else (None, args)
        samples = _number(kwargs.get("num_samples", args[0] if args else None))
        if isinstance(tensor, Tensor) and samples is not None:
            rows = tensor._data.size // max(tensor._data.shape[-1], 1) if tensor._data.ndim else 1
            self._elements(max(rows, 1) * abs(samples))

    def _legacy(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """torch.Tensor(*sizes) allocates that shape; torch.Tensor(data) copies nested data."""
        if len(args) == 1 and isinstance(args[0], list | tuple) and not isinstance(args[0], Size):
            self.guards.check_tensor_data(args[0])
        elif not any(isinstance(a, Tensor) for a in args):
            self._elements(_count(args))

    def _arange(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        numbers = [_number(a) for a in args[:3]]
        if len(numbers) == 1:
            numbers = [0.0, numbers[0]]
        start, end, step = (numbers + [None, None, None])[:3]
        start = _number(kwargs["start"]) if "start" in kwargs else start if start is not None else 0.0
        end = _number(kwargs["end"]) if "end" in kwargs else end
        step = _number(kwargs["step"]) if "step" in kwargs else step if step is not None else 1.0
        if start is None or end is None or not step:
            return  # the engine reports the bad argument
        if not (math.isfinite(start) and math.isfinite(end) and math.isfinite(step)):
            if math.isfinite(step):
                self._elements(math.inf)  # a range to infinity
            return
        self._elements(max(0, math.ceil((end - start) / step)))

    def _steps(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        steps = _number(kwargs.get("steps", args[2] if len(args) > 2 else None))
        if steps is not None:
            self._elements(abs(steps))

    def _eye(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        rows = _number(args[0] if args else kwargs.get("n", 0))
        columns = _number(args[1] if len(args) > 1 else kwargs.get("m"))
        if rows is not None:
            self._elements(abs(rows) * abs(columns if columns is not None else rows))

    def _repeat(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        tensor = getattr(callee, "__self__", None)
        base = tensor._data.size if isinstance(tensor, Tensor) else 1
        self._elements(base * _count(kwargs.get("dims", kwargs.get("repeats", args))))

    def _repeat_interleave(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        tensor = getattr(callee, "__self__", None)
        if not isinstance(tensor, Tensor):
            tensor, args = (args[0], args[1:]) if args and isinstance(args[0], Tensor) else (None, args)
        repeats = _number(kwargs.get("repeats", args[0] if args else 1))
        if isinstance(tensor, Tensor) and repeats is not None:
            self._elements(tensor._data.size * abs(repeats))

    def _matmul(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        tensors = [a for a in (getattr(callee, "__self__", None), *args) if isinstance(a, Tensor)]
        if len(tensors) == 2:
            self.guards.check_matmul(tensors[0], tensors[1])

    def _outer(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        tensors = [a for a in (getattr(callee, "__self__", None), *args) if isinstance(a, Tensor)]
        self._elements(math.prod(t._data.size for t in tensors))

    def _join(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        pieces = args[0] if args else kwargs.get("tensors", ())
        if isinstance(pieces, tuple | list):
            self._elements(sum(t._data.size for t in pieces if isinstance(t, Tensor)))

    def _data(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """torch.tensor(data): nested lists can repeat one row a million times for free."""
        self.guards.check_tensor_data(args[0] if args else kwargs.get("data"))

    def _nonzero(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """x.nonzero(): one row of indices per nonzero element, so up to numel × ndim numbers."""
        tensor = getattr(callee, "__self__", None)
        tensor = tensor if isinstance(tensor, Tensor) else (args[0] if args else kwargs.get("input"))
        if isinstance(tensor, Tensor):
            self._elements(tensor._data.size * max(tensor._data.ndim, 1))

    def _where(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if len(args) == 1 and not kwargs:  # torch.where(condition): the indices, like nonzero
            self._nonzero(callee, args, kwargs)

    def _tolist(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """x.tolist() makes one Python number per element: held to the length of a list."""
        tensor = getattr(callee, "__self__", None)
        if isinstance(tensor, Tensor):
            self.guards.check_length(list, int(tensor._data.size))

    def _size(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """torch.Size(iterable) reads the iterable in C: it must be a list or tuple of ints, as in torch."""
        if args and not isinstance(args[0], list | tuple):
            raise TypeError(f"torch.Size() takes an iterable of 'int', not {type(args[0]).__name__}")
        if args:
            self.guards.check_length(list, len(args[0]))
            for index, item in enumerate(args[0]):
                if type(item) is not int:
                    raise TypeError(
                        f"torch.Size() takes an iterable of 'int' (item {index} is '{type(item).__name__}')"
                    )

    def _dtype(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # A dtype made by the program could name any numpy type (object arrays, huge strings).
        raise TypeError("cannot create 'torch.dtype' instances")

    def _linear(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """F.linear(input, weight): a product of input (…, k) with weight (m, k) transposed."""
        tensors = [*args[:2], *(kwargs[k] for k in ("input", "weight") if k in kwargs)]
        if len(tensors) == 2 and all(isinstance(t, Tensor) for t in tensors):
            self._check_linear(tensors[0], tensors[1])

    def _linear_layer(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """nn.Linear called: the same product, with the layer's own weight."""
        layer = getattr(callee, "__self__", None)
        if layer is None and args:  # nn.Linear.forward(layer, input)
            layer, args = args[0], args[1:]
        weight = getattr(layer, "__dict__", {}).get("_parameters", {}).get("weight")
        inputs = [*args[:1], *(kwargs[k] for k in ("input",) if k in kwargs)]
        if len(inputs) == 1 and isinstance(inputs[0], Tensor) and isinstance(weight, Tensor):
            self._check_linear(inputs[0], weight)

    def _check_linear(self, tensor: Tensor, weight: Tensor) -> None:
        rows = tensor._data.shape[:-1]
        inner = tensor._data.shape[-1] if tensor._data.ndim else 1
        outputs = weight._data.shape[0] if weight._data.ndim == 2 else 1
        count = math.prod(rows) * outputs
        self._elements(count)
        self.guards.check_matmul_work(count * inner, tensor, weight)

    def _optimizer_step(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """optimizer.step(): a parameter listed a million times is updated a million times."""
        optimizer = getattr(callee, "__self__", None)
        groups = getattr(optimizer, "__dict__", {}).get("param_groups", ())
        entries = [p for group in groups if isinstance(group, dict) for p in group.get("params", ())]
        updates = sum(p._data.size for p in entries if isinstance(p, Tensor))
        limit = _STEP_UPDATES * self.guards.max_elements
        if updates > limit or len(entries) > _STEP_ENTRIES:
            self.guards.state.abort(
                "limit_optimizer", "max_tensor_elements", limit, size=updates, entries=len(entries)
            )

    def _module(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """A layer's weights hold about the product of its size arguments (in_features * out_features)."""
        sizes = [d for value in (*args, *kwargs.values()) for d in _dimensions(value)]
        self._elements(math.prod(abs(d) for d in sizes))
