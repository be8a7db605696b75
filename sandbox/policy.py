"""What a program may touch: which values may reach it, and which attributes it may read or set.

Two layers, both needed:

- attribute access is allowed by the *type* of the object (tensors, modules, optimizers, plain values,
  the program's own classes) and only for public names; frames, functions, generators, classes of the
  standard library and modules never hand out attributes;
- every value that enters the program (result of a call, an attribute, an item, an iteration) is
  checked: numpy arrays, modules, foreign functions and classes never get in; numpy scalars become
  Python numbers, as torch returns them.
"""

from __future__ import annotations

import builtins
import collections
import string
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from engine._random import Generator
from engine._tensor import Tensor
from engine.autograd.graph import Node
from sandbox.errors import PYTHON_KINDS, SecurityViolation, is_builtin_exception, python_kind
from sandbox.guards import Guards
from sandbox.namespaces import Namespace
from sandbox.surface import TENSOR_ATTRIBUTES

USER_CLASS_MARK = "__sandbox_class__"
USER_FUNCTION_MARK = "__sandbox_function__"

# Names refused on every object: they lead to frames, code, numpy or the class hierarchy.
_DENIED_NAMES = frozenset(
    {
        "mro",
        "format_map",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "gi_running",
        "gi_suspended",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_frame",
        "ag_code",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "co_code",
        "func_globals",
        "func_code",
        "im_func",
        "im_self",
        "im_class",
        "with_traceback",
    }
)
_NUMPY_NAMES = frozenset({"numpy", "data_ptr", "storage", "untyped_storage"})
# What a grad_fn shows in torch; its op-table entry, saved arrays and context stay inside the engine.
_NODE_NAMES = frozenset(
    {"name", "next_functions", "metadata", "variable", "register_hook", "register_prehook", "requires_grad"}
)
_EXCEPTION_NAMES = frozenset({"args"})

_SAFE_INSTANCE_TYPES = frozenset(
    {
        type(None),
        bool,
        int,
        float,
        complex,
        str,
        bytes,
        list,
        tuple,
        dict,
        set,
        frozenset,
        range,
        slice,
        type(Ellipsis),
        type({}.keys()),
        type({}.values()),
        type({}.items()),
        type(iter([])),
        type(iter(())),
        type(iter(range(0))),
        type(iter("")),
        type(iter({})),
        type(iter(set())),
        type(iter({}.values())),
        type(iter({}.items())),
        type(reversed([])),
        enumerate,
        zip,
        map,
        filter,
        reversed,
        types.GeneratorType,
        collections.OrderedDict,
        collections.defaultdict,  # optimizer.state
        super,
        Namespace,  # the read-only view of a torch module that `import torch` binds
    }
) | frozenset(
    type(view)
    for view in (
        collections.OrderedDict().keys(),
        collections.OrderedDict().values(),
        collections.OrderedDict().items(),
        iter(collections.OrderedDict()),
        iter(collections.OrderedDict().values()),
        iter(collections.OrderedDict().items()),
        iter(range(2**64)),
        iter(b""),
        reversed({}),
        reversed(range(0)),
        iter(int, 1),
        reversed({}.values()),
        reversed({}.items()),
    )
)
_SAFE_CLASSES = frozenset({int, float, bool, complex, range, slice}) | frozenset(
    getattr(builtins, name) for name in PYTHON_KINDS
)
# Special attributes a program may read (what tutorials print): the policy decides on each read.
READABLE_SPECIALS = frozenset({"__class__", "__name__", "__qualname__"})
# Special methods a program may define in its classes, and reach through super() (super().__init__()).
SPECIAL_METHODS = (
    "__init__",
    "__call__",
    "__repr__",
    "__str__",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__contains__",
    "__iter__",
    "__next__",
)
_PLAIN_ATTRIBUTE_TYPES = frozenset({type(None), float, complex, slice, super})
# Their methods may consume an iterable in C (`keys.isdisjoint(range(10**12))`): read through _consuming.
_CONTAINER_TYPES = frozenset(
    {list, tuple, range, dict, set, frozenset, collections.OrderedDict, collections.defaultdict, bytes}
) | frozenset(
    type(view)
    for view in (
        {}.keys(),
        {}.values(),
        {}.items(),
        collections.OrderedDict().keys(),
        collections.OrderedDict().values(),
        collections.OrderedDict().items(),
    )
)
_MUTABLE_CONTAINERS = (list, dict, set)  # dict covers OrderedDict and defaultdict
_SIZED_CONTAINERS = (list, tuple, dict, set, frozenset, type({}.keys()), type({}.values()), type({}.items()))

# Container and string methods that consume an iterable argument in C, or grow a string by a count.
_CONSUMERS = frozenset(
    {
        "extend",
        "update",
        "fromkeys",
        "union",
        "intersection",
        "difference",
        "symmetric_difference",
        "intersection_update",
        "difference_update",
        "symmetric_difference_update",
        "issubset",
        "issuperset",
        "isdisjoint",
        "join",
    }
)
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "to_bytes"})
_GROWING = _WIDTH_METHODS | {"expandtabs", "replace", "translate"}
# Methods that compare an argument with every element (list.count, range.index, ...).
_SEARCHES = frozenset({"count", "index", "remove"})
# dict and set methods that hash their first argument.
_KEYED = frozenset({"get", "pop", "setdefault", "add", "discard", "remove"})
# What assigning to a tensor's attribute can change (torch's other attributes are read-only).
_TENSOR_SETTABLE = frozenset({"requires_grad", "grad", "data"})
# The generator torch.manual_seed returns: torch.Generator's methods, not the engine's raw draws.
_GENERATOR_NAMES = frozenset({"manual_seed", "seed", "initial_seed", "get_state", "set_state", "device"})

_OK, _SCALAR, _CALLABLE, _CLASS, _DENY, _NDARRAY = range(6)
_BOUND_METHODS = (types.MethodType, types.BuiltinMethodType, types.MethodWrapperType)


def _is_engine_name(module: Any) -> bool:
    """Whether a `__module__` is the engine's or the sandbox's own (its safe builtins and wrappers). Some
    engine classes carry torch's module name so they print as torch's do (`torch.return_types.max`); real
    torch is never importable from the sandbox."""
    return isinstance(module, str) and module.partition(".")[0] in ("engine", "torch", "sandbox")


def is_user_class(cls: Any) -> bool:
    return isinstance(cls, type) and USER_CLASS_MARK in cls.__dict__


class Policy:
    """The attribute and value rules for one run."""

    def __init__(self, guards: Guards, exposed_builtins: set[int], assignable: tuple[type, ...]) -> None:
        self.guards = guards
        self.exposed_builtins = exposed_builtins
        self.assignable = assignable  # engine classes whose instances take attribute assignment
        self._verdicts: dict[type, int] = {}
        self._readers: dict[type, Callable[[Any, str], Any]] = {}
        self._unbound: dict[tuple[Any, type], Callable[..., Any]] = {}
        self.formatter = SafeFormatter(self)

    # -- values ---------------------------------------------------------------------------------------

    def check(self, value: Any) -> Any:
        """`value` if the program may have it (numpy scalars become Python numbers); refuse it otherwise."""
        kind = type(value)
        verdict = self._verdicts.get(kind)
        if verdict is None:
            verdict = self._verdicts[kind] = _classify(kind)
        if verdict == _OK:
            return value
        if verdict == _SCALAR:
            return value.item()
        if verdict == _CALLABLE and self._callable_allowed(value):
            return value
        if verdict == _CLASS and self._class_allowed(value):
            return value
        if verdict == _NDARRAY:
            raise SecurityViolation("numpy_forbidden", name="numpy.ndarray")
        raise SecurityViolation("value_forbidden", type=_describe_type(value))

    def _callable_allowed(self, value: Any) -> bool:
        if isinstance(value, types.FunctionType):
            return _is_engine_name(value.__module__) or USER_FUNCTION_MARK in value.__dict__
        if isinstance(value, types.MethodType):
            self.check(value.__self__)
            return self._callable_allowed(value.__func__)
        owner = getattr(value, "__self__", None)
        if owner is None or isinstance(owner, types.ModuleType):
            return id(value) in self.exposed_builtins
        self.check(owner)
        return True

    @staticmethod
    def _class_allowed(cls: type) -> bool:
        # The sandbox's own classes (its module views, builtins, policy) are never handed out.
        module = cls.__module__
        return cls in _SAFE_CLASSES or is_user_class(cls) or (
            _is_engine_name(module) and not module.startswith("sandbox")
        )

    # -- reading attributes ---------------------------------------------------------------------------

    def getattr(self, obj: Any, name: str) -> Any:
        if name[:1] == "_":
            if type(obj) is super and name in SPECIAL_METHODS:
                return self.check(getattr(obj, name))
            return self._special_attribute(obj, name)
        if name in _DENIED_NAMES:
            raise SecurityViolation("attribute_forbidden", name=name, owner=_owner(obj))
        if name in _NUMPY_NAMES:
            raise SecurityViolation("numpy_forbidden", name=f".{name}")
        kind = type(obj)
        reader = self._readers.get(kind)
        if reader is None:
            reader = self._readers[kind] = self._reader_for(kind)
        value = reader(obj, name)
        if kind is Namespace:  # its members were vetted when the namespace was built
            return value
        if type(value) in _BOUND_METHODS and value.__self__ is obj:
            return value  # a method of an object the program already holds
        return self.check(value)

    def _special_attribute(self, obj: Any, name: str) -> Any:
        """The few special attributes tutorials read: `x.__class__` (what type(x) gives) and the
        `__name__` of a class or function (a string). Every other private or special name is refused."""
        if name == "__class__":
            return self.check(type(obj))
        if name in ("__name__", "__qualname__") and isinstance(obj, type | types.FunctionType):
            self.check(obj)
            return str(getattr(obj, name))
        raise SecurityViolation("private_attribute", name=name)

    def program_exception(self, error: BaseException) -> BaseException:
        """The exception an `except ... as e` hands the program: the one raised when it is a builtin
        exception holding only values the program may have; otherwise a builtin exception of the nearest
        kind with the same message (numpy's errors carry ufuncs and dtypes in their attributes)."""
        if is_builtin_exception(type(error)):
            try:
                for item in error.args:
                    self.check_deep(item)
                return error
            except SecurityViolation:
                pass
        replacement = getattr(builtins, python_kind(type(error)))(_exception_text(error))
        replacement.__traceback__ = None
        return replacement

    def check_deep(self, value: Any, depth: int = 0) -> Any:
        """`check` for a value and, a few levels down, the items of the tuples and lists it is made of."""
        self.check(value)
        if depth < 4 and type(value) in (tuple, list):
            for item in value:
                self.check_deep(item, depth + 1)
        return value

    def _reader_for(self, kind: type) -> Callable[[Any, str], Any]:
        if kind is Namespace:
            return Namespace.lookup
        if kind in _PLAIN_ATTRIBUTE_TYPES:
            return getattr
        if kind is str:
            return self._read_str
        if kind is int or kind is bool:
            return self._read_int
        if kind in _CONTAINER_TYPES:
            return self._read_container
        if issubclass(kind, type):
            return self._read_class
        if issubclass(kind, BaseException):
            return self._read_exception
        if issubclass(kind, Node):
            return _read_node
        if issubclass(kind, Tensor):
            return _read_tensor
        if is_user_class(kind) or any(map(is_user_class, kind.__mro__)):
            return getattr
        if _is_engine_name(kind.__module__) and _classify(kind) == _OK:
            return _read_engine_object
        return _refuse_attributes

    def _read_exception(self, exc: BaseException, name: str) -> Any:
        if name not in _EXCEPTION_NAMES:
            raise SecurityViolation("attribute_forbidden", name=name, owner=_owner(exc))
        return self.check_deep(getattr(exc, name))

    def _read_str(self, text: str, name: str) -> Any:
        if name == "format":
            return self.formatter.bind(text)
        return self._read_container(text, name)

    def _read_container(self, obj: Any, name: str) -> Any:
        method = getattr(obj, name)
        if name in ("encode", "decode") and isinstance(obj, str | bytes | bytearray):
            return _plain_codec(method)
        if name in _CONSUMERS:
            return _consuming(method, obj, name, self.guards)
        if name in _GROWING:
            return _growing(method, obj, name, self.guards)
        if name in _SEARCHES and isinstance(obj, list | tuple | range):
            return _searching(method, obj, self.guards)
        if name in _KEYED and isinstance(obj, dict | set | frozenset):
            return _keyed(method, self.guards)
        if name == "sort" and isinstance(obj, list):
            return _sorting(method, obj, self.guards)
        return method

    def _read_int(self, number: int, name: str) -> Any:
        method = getattr(number, name)
        if name == "to_bytes":
            return _growing(method, b"", name, self.guards)
        if name == "from_bytes":
            return _from_bytes(method, self.guards)
        return method

    def _read_class(self, cls: type, name: str) -> Any:
        if not (is_user_class(cls) or _is_engine_name(cls.__module__)):
            raise SecurityViolation("attribute_on_forbidden_type", name=name, owner=f"class '{cls.__name__}'")
        value = getattr(cls, name)
        if isinstance(value, _MUTABLE_CONTAINERS) and not is_user_class(cls):
            raise SecurityViolation("attribute_forbidden", name=name, owner=f"class '{cls.__name__}'")
        if type(value) is types.FunctionType:
            owner = _defining_class(cls, name)
            if owner is not None and not is_user_class(owner):
                return self._unbound_method(value, owner)
        return value

    def _unbound_method(self, function: types.FunctionType, owner: type) -> Callable[..., Any]:
        """An engine method read off its class (`nn.Module.train`): it only runs on an instance.

        A plain function would accept anything as `self`, and `nn.Module.train(nn.Linear)` would set
        `training` on the class itself, shared with every later session. torch's C methods refuse such a
        call the same way.
        """
        key = (function, owner)
        method = self._unbound.get(key)
        if method is None:
            method = self._unbound[key] = _checking_self(function, owner)
        return method

    # -- setting and deleting attributes --------------------------------------------------------------

    def check_assignable(self, obj: Any, name: str) -> None:
        if name[:1] == "_":
            raise SecurityViolation("private_attribute", name=name)
        if name in _DENIED_NAMES:
            raise SecurityViolation("assign_forbidden", name=name, owner=_owner(obj))
        if isinstance(obj, type):
            if is_user_class(obj):
                return
        elif isinstance(obj, (Tensor, *self.assignable)) or any(map(is_user_class, type(obj).__mro__)):
            return
        raise SecurityViolation("assign_forbidden", name=name, owner=_owner(obj))

    def setattr(self, obj: Any, name: str, value: Any) -> None:
        self.check_assignable(obj, name)
        if isinstance(obj, Tensor):
            _check_tensor_assignment(obj, name, value)
        setattr(obj, name, value)

    def delattr(self, obj: Any, name: str) -> None:
        self.check_assignable(obj, name)
        if isinstance(obj, Tensor):
            _check_tensor_assignment(obj, name, None)
        delattr(obj, name)


def _classify(kind: type) -> int:
    if kind in _SAFE_INSTANCE_TYPES:
        return _OK
    if issubclass(kind, np.generic):
        return _SCALAR
    if issubclass(kind, np.ndarray):
        return _NDARRAY
    if kind in (types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.MethodWrapperType):
        return _CALLABLE
    if issubclass(kind, type):
        return _CLASS
    if kind is types.ModuleType or issubclass(kind, types.ModuleType):
        return _DENY
    if issubclass(kind, BaseException):
        return _OK if kind.__module__ == "builtins" else _DENY
    if USER_CLASS_MARK in kind.__dict__ or any(USER_CLASS_MARK in base.__dict__ for base in kind.__mro__):
        return _OK
    if _is_engine_name(kind.__module__) and not issubclass(kind, types.FunctionType):
        return _OK
    return _DENY


def _describe_type(value: Any) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    return kind.__name__ if module in ("builtins", "") else f"{module}.{kind.__name__}"


def _owner(obj: Any) -> str:
    if isinstance(obj, Namespace):
        return f"module '{obj.name}'"
    if isinstance(obj, type):
        return f"class '{obj.__name__}'"
    return f"'{type(obj).__name__}' object"


# Text codecs that work in time linear in the text; others (punycode, idna, ...) can take minutes on a long
# string in one call, and some load modules from disk.
_CODECS = frozenset({"utf-8", "utf8", "ascii", "latin-1", "latin1", "iso-8859-1", "utf-16", "utf-32"})
_CODEC_NAMES = "utf-8, ascii, latin-1, utf-16, utf-32"
_ERROR_MODES = "errors='strict', 'ignore' or 'replace'"


def _plain_codec(method: Callable[..., Any]) -> Callable[..., Any]:
    def coded(encoding: str = "utf-8", errors: str = "strict") -> Any:
        if not isinstance(encoding, str) or encoding.lower().replace("_", "-") not in _CODECS:
            raise SecurityViolation("codec_forbidden", encoding=str(encoding)[:40], allowed=_CODEC_NAMES)
        if errors not in ("strict", "ignore", "replace"):
            raise SecurityViolation("codec_forbidden", encoding=str(errors)[:40], allowed=_ERROR_MODES)
        return method(encoding, errors)

    return coded


def _read_tensor(tensor: Tensor, name: str) -> Any:
    if name not in TENSOR_ATTRIBUTES and hasattr(Tensor, name):
        raise SecurityViolation("tensor_member_hidden", name=name)
    return getattr(tensor, name)


def _exception_text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # noqa: BLE001 - an unprintable message: the kind still says enough
        return ""


def _read_node(node: Node, name: str) -> Any:
    if name not in _NODE_NAMES:
        if hasattr(node, name):
            raise SecurityViolation("attribute_forbidden", name=name, owner=f"'{node.name()}' object")
        raise AttributeError(f"'{node.name()}' object has no attribute '{name}'")
    try:
        return getattr(node, name)
    except AttributeError:
        raise AttributeError(f"'{node.name()}' object has no attribute '{name}'") from None


def _read_engine_object(obj: Any, name: str) -> Any:
    if isinstance(obj, Generator) and name not in _GENERATOR_NAMES:
        # The engine's generator also has raw draws (uniform, randperm) that return numpy arrays of any
        # size: torch.Generator has none of them.
        if hasattr(obj, name):
            raise SecurityViolation("attribute_forbidden", name=name, owner=_owner(obj))
        raise AttributeError(f"'torch._C.Generator' object has no attribute '{name}'")
    value = getattr(obj, name)
    # A mutable container stored on the class is shared by every session: never hand it out.
    if isinstance(value, _MUTABLE_CONTAINERS) and getattr(type(obj), name, None) is value:
        raise SecurityViolation("attribute_forbidden", name=name, owner=_owner(obj))
    return value


def _refuse_attributes(obj: Any, name: str) -> Any:
    if not hasattr(obj, name):  # nothing to hide: Python's own error
        raise AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'")
    raise SecurityViolation("attribute_on_forbidden_type", name=name, owner=f"'{type(obj).__name__}'")


def _consuming(method: Callable[..., Any], owner: Any, name: str, guards: Guards) -> Callable[..., Any]:
    """`method` with its iterable arguments read item by item, within the size limits."""

    def call(*args: Any, **kwargs: Any) -> Any:
        materialized = [_bounded(arg, guards) for arg in args]
        if isinstance(owner, dict | set | frozenset) or name == "fromkeys":
            materialized = [_hashed(argument, owner, name, guards) for argument in materialized]
        if name == "join":
            pieces = materialized[0] if materialized else []
            size = sum(len(p) for p in pieces if isinstance(p, str | bytes)) + len(owner) * len(pieces)
            guards.check_length(type(owner), size)
        elif name in ("extend", "update") and materialized:
            guards.check_length(type(owner), len(owner) + len(materialized[0]))
        return guards.check_size(method(*materialized, **kwargs))

    return call


def _growing(method: Callable[..., Any], owner: Any, name: str, guards: Guards) -> Callable[..., Any]:
    """A string method whose result size comes from an argument: check that size first."""

    def call(*args: Any, **kwargs: Any) -> Any:
        width = args[0] if args else kwargs.get("length", 1 if name == "to_bytes" else None)
        if name in _WIDTH_METHODS and type(width) is int:
            guards.check_length(type(owner), width)
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            if type(size) is int:
                guards.check_length(
                    type(owner), len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * size
                )
        elif name == "translate" and args and isinstance(args[0], dict):
            longest = max((len(v) for v in args[0].values() if isinstance(v, str | bytes)), default=1)
            guards.check_length(type(owner), len(owner) * longest)
        elif name == "replace" and len(args) >= 2 and isinstance(args[0], str | bytes):
            old, new = args[0], args[1]
            if isinstance(new, str | bytes):
                hits = owner.count(old) if old else len(owner) + 1
                guards.check_length(type(owner), len(owner) + hits * max(len(new) - len(old), 0))
        return guards.check_size(method(*args, **kwargs))

    return call


UNBOUND_MARK = "__sandbox_unbound__"


def _defining_class(cls: type, name: str) -> type | None:
    """The class of `cls`'s MRO whose own namespace holds `name` as a plain function (not a static one)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass if type(klass.__dict__[name]) is types.FunctionType else None
    return None


def _checking_self(function: types.FunctionType, owner: type) -> Callable[..., Any]:
    def method(*args: Any, **kwargs: Any) -> Any:
        if not args or not isinstance(args[0], owner):
            given = type(args[0]).__name__ if args else "nothing"
            raise TypeError(
                f"descriptor '{function.__name__}' for '{owner.__name__}' objects doesn't apply to a "
                f"'{given}' object"
            )
        return function(*args, **kwargs)

    method.__name__ = function.__name__
    method.__qualname__ = function.__qualname__
    method.__dict__[UNBOUND_MARK] = function
    return method


def _check_tensor_assignment(tensor: Tensor, name: str, value: Any) -> None:
    """Only what torch lets a program change: requires_grad, grad and data (to another tensor)."""
    if name not in _TENSOR_SETTABLE:
        if hasattr(type(tensor), name):
            raise AttributeError(f"attribute '{name}' of 'torch._C.TensorBase' objects is not writable")
        raise AttributeError(f"'Tensor' object has no attribute '{name}'")
    if name == "data" and not isinstance(value, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")


def _searching(method: Callable[..., Any], owner: Any, guards: Guards) -> Callable[..., Any]:
    """list.count / index / remove, range.index ...: each compares the argument with the elements."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if args:
            guards.check_membership(args[0], owner)
        return method(*args, **kwargs)

    return call


def _keyed(method: Callable[..., Any], guards: Guards) -> Callable[..., Any]:
    """dict.get / set.add ...: the first argument is hashed."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if args:
            guards.check_key(args[0])
        return method(*args, **kwargs)

    return call


def _sorting(method: Callable[..., Any], owner: list[Any], guards: Guards) -> Callable[..., Any]:
    """list.sort, with the cost of comparing nested containers checked first."""

    def sort(*, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> None:
        guards.sort_in_place(owner, key, reverse)

    return sort


def _from_bytes(method: Callable[..., Any], guards: Guards) -> Callable[..., Any]:
    """int.from_bytes: 8 bits per byte, held to max_int_bits like any other way of making an int."""

    def from_bytes(*args: Any, **kwargs: Any) -> Any:
        data = args[0] if args else kwargs.get("bytes")
        if hasattr(data, "__len__"):
            guards.check_int_bits(8 * len(data))
        return method(*args, **kwargs)

    return from_bytes


def _hashed(argument: Any, owner: Any, name: str, guards: Guards) -> Any:
    """An argument a set or dict method will hash: its keys costed, and a list or tuple of them turned
    into a set (or, for dict.update, a dict) one item at a time (Guards.hashed_set)."""
    if isinstance(argument, dict):
        guards.check_keys(argument.keys())
        return argument
    if not isinstance(argument, list | tuple):
        return argument  # a set or frozenset: its hashes are stored, C reuses them
    if isinstance(owner, dict) and name == "update":
        guards.check_keys(pair[0] for pair in argument if type(pair) is tuple and pair)
        return guards.hashed_dict(argument)
    guards.check_keys(argument)
    if name == "fromkeys":  # a dict keeps the order of the keys
        return guards.hashed_dict((key, None) for key in argument)
    return guards.hashed_set(argument)


def _bounded(value: Any, guards: Guards) -> Any:
    """An iterable argument C code may consume: containers are checked, iterators read item by item."""
    if isinstance(value, str | bytes | int | float) or not hasattr(value, "__iter__"):
        return value
    if isinstance(value, _SIZED_CONTAINERS):
        guards.check_length(list, len(value))
        return value
    return guards.bounded_list(value)


class SafeFormatter(string.Formatter):
    """`str.format` whose fields go through the policy: `"{0.__class__}".format(x)` is refused."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def bind(self, template: str) -> Callable[..., str]:
        def format(*args: Any, **kwargs: Any) -> str:  # noqa: A001 - it is str.format
            guards = self.policy.guards
            return guards.check_size(guards.stringify(self.vformat, template, args, kwargs))

        return format

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, Any]:
        first, rest = _split_field(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            obj = self.policy.getattr(obj, key) if is_attribute else self.policy.check(obj[key])
        return obj, first

    def format_field(self, value: Any, format_spec: str) -> str:
        guards = self.policy.guards
        guards.check_format_spec(format_spec)
        guards.check_str_result(value)
        return format(value, format_spec)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:
            self.policy.guards.check_str_result(value)
        return super().convert_field(value, conversion)


def _split_field(field_name: str) -> tuple[Any, list[tuple[bool, Any]]]:
    import _string  # the parser str.format itself uses

    first, rest = _string.formatter_field_name_split(field_name)
    return first, list(rest)
