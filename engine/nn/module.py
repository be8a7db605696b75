"""nn.Module: the base class of layers and user models.

A module keeps its parameters, buffers and sub-modules in three ordered dicts, filled by `__setattr__`
as attributes are assigned, so `self.fc = nn.Linear(1, 1)` in a subclass's `__init__` registers `fc`.
`__getattr__` looks names up in those dicts. Printing, `named_parameters()` and `state_dict()` walk them
in registration order, which is what makes their output match torch's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from engine import _grad_mode, _trace
from engine._dtype import legacy_type_name
from engine._names import TorchNamed
from engine._tensor import Tensor, write_in_place
from engine.nn.parameter import Parameter


def typename(value: Any) -> str:
    """torch.typename: `torch.FloatTensor` for a tensor, the qualified class name otherwise."""
    if isinstance(value, Tensor):
        return legacy_type_name(value._data.dtype)
    kind = type(value)
    module = kind.__module__
    if module in ("builtins", "__builtin__", None):
        return kind.__qualname__
    return f"{module}.{kind.__qualname__}"


def indent_nested(text: str, spaces: int) -> str:
    """Indent every line of `text` but the first (how a child's repr nests inside its parent's)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * spaces
    return lines[0] + "\n" + "\n".join(pad + line for line in lines[1:])


class _IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    __str__ = __repr__


class Module(metaclass=TorchNamed):
    """Base class for all neural network modules; subclass it and define `forward`."""

    training: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        if args:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given"
            )
        # Set through object.__setattr__: our own __setattr__ needs these dicts to exist already.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})

    # -- forward ----------------------------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- attribute registration -------------------------------------------------------------------------

    def _registry(self, name: str) -> dict[str, Any] | None:
        return self.__dict__.get(name)

    def _forget(self, name: str, *keep: str) -> None:
        """Remove `name` from every registry but `keep` (a name lives in one place at a time)."""
        self.__dict__.pop(name, None)
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry not in keep:
                self.__dict__[registry].pop(name, None)
        self.__dict__["_non_persistent_buffers"].discard(name)

    def __setattr__(self, name: str, value: Any) -> None:
        parameters = self._registry("_parameters")
        if isinstance(value, Parameter):
            if parameters is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, "_parameters")
            self.register_parameter(name, value)
            return
        if parameters is not None and name in parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            parameters[name] = None
            return
        modules = self._registry("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, "_modules")
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            modules[name] = None
            return
        buffers = self._registry("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{typename(value)}' as buffer '{name}' (torch.Tensor or None expected)"
                )
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: the name may be a registered parameter, buffer or module.
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                del entries[name]
                self.__dict__["_non_persistent_buffers"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        for registry in ("_parameters", "_buffers", "_modules"):
            names.update(self.__dict__.get(registry, {}))
        return sorted(names)

    def _check_name(self, name: Any, kind: str, registry: str) -> None:
        """torch's checks on a name about to be registered as a `kind`, in torch's order."""
        if registry not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        # Any attribute counts as taken: a method, a class attribute, or an entry of another registry.
        taken = hasattr(self, name) and name not in self.__dict__[registry]
        if taken and kind == "module":
            # add_module asks whether the name is taken before it looks at the characters.
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if taken:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self._check_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' (torch.nn.Parameter or None "
                "required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        self._check_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        self._check_name(name, "module", "_modules")
        self._modules[name] = module

    register_module = add_module

    # -- walking the tree -------------------------------------------------------------------------------

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            child_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        owners = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        seen: set[int] = set()
        for owner_prefix, owner in owners:
            for name, value in owner.__dict__[registry].items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield owner_prefix + ("." if owner_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ----------------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for parameter in self.parameters():
            parameter.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        parameters = list(self.parameters())
        clear_grads(parameters, set_to_none)

    # -- dtype ------------------------------------------------------------------------------------------

    def _cast_floats(self, dtype: np.dtype) -> Module:
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor._data.dtype.kind == "f" and tensor._data.dtype != dtype:
                tensor._data = tensor._data.astype(dtype)
                if tensor._grad is not None:
                    tensor._grad._data = tensor._grad._data.astype(dtype)
        return self

    def float(self) -> Module:
        return self._cast_floats(np.dtype(np.float32))

    def double(self) -> Module:
        return self._cast_floats(np.dtype(np.float64))

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Module.to(device), .to(dtype), .to(device, dtype), .to(tensor): moves or casts in place."""
        from engine import _device
        from engine._dtype import dtype as engine_dtype

        for value in (*args, *kwargs.values()):
            if isinstance(value, engine_dtype):
                if not value.is_floating_point:
                    raise TypeError(
                        "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                        f"dtype={value}"
                    )
                self._cast_floats(value.numpy)
            elif isinstance(value, Tensor):
                if value.dtype.is_floating_point:
                    self._cast_floats(value._data.dtype)
            elif value is not None and not isinstance(value, bool):
                _device.check_usable(value)
        return self

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        from engine import _device

        if next(iter([*self.parameters(), *self.buffers()]), None) is None:
            return self  # nothing to move: torch never touches CUDA
        return _device.tensor_cuda(None, device)

    # -- state dict -------------------------------------------------------------------------------------

    def state_dict(
        self, *args: Any, destination: dict[str, Any] | None = None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, detached unless `keep_vars`."""
        destination = OrderedDict() if destination is None else destination
        for name, tensor in self._local_state().items():
            destination[prefix + name] = tensor if keep_vars else tensor.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _local_state(self) -> dict[str, Tensor]:
        """This module's own parameters, then its persistent buffers (a name lives in one registry)."""
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers}
        return {k: v for k, v in {**self._parameters, **persistent}.items() if v is not None}

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy values into the parameters and buffers with the same names (under no_grad)."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own: dict[str, Tensor] = {}
        for prefix, module in self.named_modules():
            for name, tensor in module._local_state().items():
                own[prefix + ("." if prefix else "") + name] = tensor
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = [self._size_mismatch(key, own[key], state_dict[key]) for key in own if key in state_dict]
        errors = [error for error in errors if error]
        if strict:
            if unexpected:
                errors.insert(
                    0,
                    "Unexpected key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{key}"' for key in unexpected)
                    ),
                )
            if missing:
                errors.insert(
                    0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{key}"' for key in missing))
                )
        if errors:
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(
                    type(self).__name__, "\n\t".join(errors)
                )
            )
        with _grad_mode.no_grad():
            for key, tensor in own.items():
                if key in state_dict:
                    write_in_place(tensor, state_dict[key]._data)
        return _IncompatibleKeys(missing, unexpected)

    @staticmethod
    def _size_mismatch(key: str, own: Tensor, given: Any) -> str:
        if not isinstance(given, Tensor):
            return (
                f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like object '
                f"from checkpoint but received {type(given)}"
            )
        if given.shape != own.shape:
            return (
                f"size mismatch for {key}: copying a param with shape {given.shape} from checkpoint, the "
                f"shape in current model is {own.shape}."
            )
        return ""

    # -- printing ---------------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): {indent_nested(repr(module), 2)}" for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        elif lines:
            text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def clear_grads(tensors: list[Tensor], set_to_none: bool) -> None:
    """What Module.zero_grad and Optimizer.zero_grad do to each `.grad`, reported to the recorder."""
    for tensor in tensors:
        grad = tensor._grad
        if grad is None:
            continue
        if set_to_none:
            tensor._grad = None
            continue
        if grad.grad_fn is not None:
            grad.detach_()
        else:
            grad._requires_grad = False
        write_in_place(grad, 0)
    _trace.grads_zeroed(tensors, "set_to_none" if set_to_none else "zero_grad")
