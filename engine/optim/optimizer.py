"""Optimizer: parameter groups, zero_grad and the step loop the concrete optimizers fill in.

Updates run on the parameters' numpy data in place (bumping the version counter, as torch's in-place
`add_` does) and reproduce torch's single-tensor float32 arithmetic, including the multiply-adds its
kernels fuse, so a training run prints the same losses as torch.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from engine import _grad_mode, _random, _trace
from engine._names import TorchNamed
from engine._tensor import Tensor
from engine.nn.module import clear_grads, typename

DUPLICATE_WARNING = (
    "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; "
    "see github.com/pytorch/pytorch/issues/40967 for more information"
)
SET_WARNING = (
    "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets "
    "will change between runs. Please use a list instead."
)


# -- torch's float32 kernels on numpy arrays ---------------------------------------------------------


def scalar(value: float, like: np.ndarray) -> np.ndarray:
    """A Python number as the tensor's dtype, as torch's kernels convert it before computing."""
    return np.asarray(value, dtype=like.dtype)


def fused_multiply_add(a: np.ndarray, b: np.ndarray | float, c: np.ndarray) -> np.ndarray:
    """a·b + c rounded once: torch's CPU kernels compute `add(alpha=)`, `lerp` and `addcmul` this way."""
    if a.dtype == np.float32:
        return _random._fma_float32(a, scalar(b, a), c)
    return a * scalar(b, a) + c


def add_scaled(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    """`a.add(b, alpha=alpha)`."""
    return fused_multiply_add(b, alpha, a)


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """`start.lerp(end, weight)`: from the nearer end, as torch does for accuracy."""
    w = scalar(weight, start)
    if abs(float(w)) < 0.5:
        return fused_multiply_add(end - start, w, start)
    return fused_multiply_add(start - end, scalar(1, start) - w, end)


class Optimizer(metaclass=TorchNamed):
    """Base class: holds `param_groups` and per-parameter `state`; subclasses define `_update_group`."""

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + typename(params)
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, filling unspecified options from the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        group["params"] = self._parameter_list(group["params"], group)
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        params = group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn(DUPLICATE_WARNING, UserWarning, stacklevel=3)
        taken = {id(p) for existing in self.param_groups for p in existing["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    @staticmethod
    def _parameter_list(params: Any, group: dict[str, Any]) -> list[Tensor]:
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(SET_WARNING)
        else:
            params = list(params)
        if params and all(isinstance(p, tuple) and len(p) == 2 for p in params):
            group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is " + typename(param)
                )
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        return params

    def _all_params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's `.grad`: to None (default) or to zeros in place."""
        clear_grads(self._all_params(), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns the closure's loss if one is given."""
        loss = None
        if closure is not None:
            with _grad_mode.enable_grad():
                loss = closure()
        with _grad_mode.no_grad():
            for group in self.param_groups:
                self._update_group(group)
        # lr_scheduler reads this to warn when it is stepped before the optimizer, as torch's does.
        self._step_count = getattr(self, "_step_count", 0) + 1
        _trace.optimizer_stepped(self)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- state dict -------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Options per group, with parameters replaced by their indices, and the state by index."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            for param in group["params"]:
                index.setdefault(id(param), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(param)]: values for param, values in self.state.items() if id(param) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by `state_dict()` into this optimizer's parameters."""
        saved = _copy_plain(state_dict)
        saved_groups = saved["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for group, saved_group in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved_group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's "
                    "group"
                )
        by_index = {}
        for group, saved_group in zip(self.param_groups, saved_groups):
            by_index.update(zip(saved_group["params"], group["params"]))
        self.state = defaultdict(dict)
        for index, values in saved["state"].items():
            if index in by_index:
                self.state[by_index[index]] = values
        for group, saved_group in zip(self.param_groups, saved_groups):
            group.update({key: value for key, value in saved_group.items() if key != "params"})

    # -- printing ---------------------------------------------------------------------------------------

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _copy_plain(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """Saved optimizer state as torch loads it: dicts, lists and tuples rebuilt, tensors and everything
    else kept as the same objects. Never `copy.deepcopy`: deep-copying an arbitrary object runs its
    `__deepcopy__` and hands it the copy's memo. A container met twice is copied once, as a deep copy
    would (`[[0] * 10**6] * 10**6` is two lists, not a million)."""
    memo = {} if memo is None else memo
    kind = type(value)
    if kind not in (dict, list, tuple):
        return value
    copied = memo.get(id(value))
    if copied is not None:
        return copied
    if kind is dict:
        copied = memo[id(value)] = {}
        copied.update((key, _copy_plain(item, memo)) for key, item in value.items())
        return copied
    if kind is list:
        copied = memo[id(value)] = []
        copied.extend(_copy_plain(item, memo) for item in value)
        return copied
    copied = memo[id(value)] = tuple(_copy_plain(item, memo) for item in value)
    return copied


def parameters_with_grads(group: dict[str, Any]) -> Iterable[tuple[Tensor, np.ndarray]]:
    """(parameter, gradient array) for each parameter of a group that has a gradient."""
    for param in group["params"]:
        if param._grad is not None:
            yield param, param._grad._data


def step_counter() -> Tensor:
    """A parameter's step count: torch keeps it as a float32 0-d tensor, and its value feeds the math."""
    return Tensor._from_array(np.zeros((), dtype=np.float32))


def check_non_negative(label: str, value: float) -> None:
    """The constructors' range check, worded as torch's: "Invalid learning rate: -1"."""
    if not value >= 0.0:
        raise ValueError(f"Invalid {label}: {value}")


def as_float(value: Any) -> Any:
    """A 1-element tensor option (lr=torch.tensor(0.1)) becomes the Python float torch keeps."""
    return value.item() if isinstance(value, Tensor) else value
