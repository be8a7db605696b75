"""Nodes of the backward graph: grad_fn objects and AccumulateGrad."""

from __future__ import annotations

import itertools
import weakref
from typing import Any

import numpy as np

from engine._optable import Ctx, OpSpec

_sequence = itertools.count()


class SavedValue:
    """A value saved for backward, with the version its tensor had when it was saved."""

    __slots__ = ("array", "version", "is_output", "counter", "_owner")

    def __init__(self, array: np.ndarray, tensor: Any, is_output: bool) -> None:
        self.array = array
        self.is_output = is_output
        if tensor is None:  # a wrapped Python number: nothing can write to it
            self.counter = None
            self.version = 0
            self._owner = None
            return
        # The shared version counter: writes through any alias or view of the tensor move it on.
        self.counter = tensor._version_counter
        self.version = self.counter[0]
        # An op's output holds its grad_fn, which holds this value: a strong reference back would make
        # a cycle that only the garbage collector frees, for every op that saves its result (torch's
        # saved outputs do not own their tensor either).
        self._owner = weakref.ref(tensor) if is_output else tensor

    @property
    def tensor(self) -> Any:
        """The saved Tensor; None for a wrapped Python number or an output that no longer exists."""
        if self.is_output and self._owner is not None:
            return self._owner()
        return self._owner


class Node:
    """A grad_fn: the record of one differentiable op, named as torch names it."""

    __slots__ = (
        "spec", "next_functions", "attrs", "sequence_nr", "input_shapes", "dtype", "_saved",
        "_freed", "_retained", "_metadata", "__weakref__",
    )

    def __init__(self, spec: OpSpec | None, next_functions: tuple, attrs: dict[str, Any],
                 input_shapes: tuple, dtype: np.dtype | None = None,
                 saved: dict[str, SavedValue] | None = None) -> None:
        self.spec = spec
        self.next_functions = next_functions
        self.attrs = attrs
        self.input_shapes = input_shapes
        # The dtype of the tensor this node produced: gradients arriving here are cast to it, as torch
        # casts to each input's metadata (a float32 leaf gets a float32 .grad from a float64 op).
        self.dtype = dtype
        self.sequence_nr = next(_sequence)
        self._saved = {} if saved is None else saved
        self._freed = False
        self._retained: weakref.ref | None = None
        self._metadata: dict[str, Any] | None = None

    @property
    def metadata(self) -> dict[str, Any]:
        """torch's per-node scratch dict; made on first use, since few nodes ever need one."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def name(self) -> str:
        return self.spec.node

    @property
    def saved(self) -> dict[str, np.ndarray]:
        """The saved values by torch's names (`self`, `other`, `result`); empty once freed."""
        return {key: value.array for key, value in self._saved.items()}

    def retained_tensor(self) -> Any:
        return self._retained() if self._retained is not None else None

    def context(self) -> Ctx:
        saved = self._saved
        values = {key: value.array for key, value in saved.items()} if saved else {}
        return Ctx(values, self.attrs, self.input_shapes)

    def free_saved(self) -> None:
        if self._saved:
            self._saved = {}
            self._freed = True

    def __repr__(self) -> str:
        # torch prints the class name: nodes named "torch::autograd::CopySlices" print as <CopySlices ...>.
        return f"<{self.name().removeprefix('torch::autograd::')} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node that adds an incoming gradient into a leaf's `.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable: Any) -> None:
        super().__init__(None, (), {}, (tuple(variable.shape),))
        self.variable = variable
        self.dtype = variable._data.dtype

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def accumulator(tensor: Any) -> AccumulateGrad:
    """The leaf's AccumulateGrad node, made on first use and kept, so every edge to the leaf shares it."""
    if tensor._accumulator is None:
        tensor._accumulator = AccumulateGrad(tensor)
    return tensor._accumulator
