"""Tensor: numpy data plus the autograd bookkeeping torch keeps on a tensor."""

from __future__ import annotations

import itertools
import warnings
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from engine import _dtype, _grad_mode, _printing, _trace
from engine._names import TensorType

if TYPE_CHECKING:
    from engine.autograd.graph import Node

_ids = itertools.count(1)

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't "
    "be populated during autograd.backward(). If you indeed want the .grad field to be populated for a "
    "non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
    "mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
    "more information. "
    "(Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)
ONLY_FLOAT_GRAD = "only Tensors of floating point and complex dtype can require gradients"
# torch.tensor(..., requires_grad=True) words the same rule with a capital letter.
ONLY_FLOAT_GRAD_FACTORY = "Only Tensors of floating point and complex dtype can require gradients"
NON_LEAF_FLAG = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
    "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
DETACH_VIEW_IN_PLACE = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for "
    "training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence "
    "detach_() cannot be called on these gradients. To fix this error, please refer to the "
    "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
)


class Tensor(metaclass=TensorType):
    """A multi-dimensional array that can record the operations made on it."""

    _torch_name = "torch.Tensor"

    __slots__ = (
        "_data", "_requires_grad", "_grad_fn", "_grad", "_version_counter", "_accumulator", "_id",
        "_made_in_no_grad", "_detached_from", "_retains_grad", "_view_of", "__weakref__",
    )

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def _from_array(cls, data: np.ndarray, version: list[int] | None = None) -> Tensor:
        tensor = object.__new__(cls)
        tensor._data = data
        tensor._requires_grad = False
        tensor._grad_fn = None
        tensor._grad = None
        tensor._version_counter = version if version is not None else [0]
        tensor._accumulator = None
        tensor._id = next(_ids)
        tensor._made_in_no_grad = not _grad_mode._enabled
        tensor._detached_from = None
        tensor._retains_grad = False
        tensor._view_of = None  # set for views: engine.ops._layout.ViewOf (base + how to re-derive)
        return tensor

    def _trace_created(self) -> Tensor:
        _trace.tensor_created(self)
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use torch.tensor(data) to create a tensor")

    # -- autograd attributes ------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        if self._view_of is not None:
            self._view_of.refresh(self)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self._set_requires_grad(bool(flag), ONLY_FLOAT_GRAD)

    def _set_requires_grad(self, flag: bool, dtype_message: str) -> None:
        if not self.is_leaf:
            raise RuntimeError(NON_LEAF_FLAG)
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError(dtype_message)
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self._set_requires_grad(bool(requires_grad), ONLY_FLOAT_GRAD)
        return self

    @property
    def grad_fn(self) -> Node | None:
        if self._view_of is not None:
            # A view whose base was written in place re-derives from the base (AsStridedBackward0).
            self._view_of.refresh(self)
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, node: Node | None) -> None:
        self._grad_fn = node
        if self._view_of is not None:
            self._view_of.version = self._version_counter[0]

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's memory has seen (shared with its views and aliases)."""
        return self._version_counter[0]

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if not self.is_leaf and not self._retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    "assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self._retains_grad = True
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def data(self) -> Tensor:
        return self._detached()

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    def detach(self) -> Tensor:
        return self._detached()._trace_created()

    def _detached(self) -> Tensor:
        twin = Tensor._from_array(self._data, self._version_counter)
        twin._detached_from = self
        return twin

    def detach_(self) -> Tensor:
        if self._view_of is not None:
            raise RuntimeError(DETACH_VIEW_IN_PLACE)
        self.grad_fn = None
        self._requires_grad = False
        return self

    def register_hook(self, hook: Any) -> None:
        raise RuntimeError("register_hook is not supported in this explorer")

    # -- shape and type -----------------------------------------------------------------------------

    @property
    def shape(self) -> _dtype.Size:
        return _dtype.Size(self._data.shape)

    def size(self, dim: int | None = None) -> _dtype.Size | int:
        if dim is None:
            return self.shape
        return self._data.shape[_normalize_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.from_numpy(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def ndimension(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    def nelement(self) -> int:
        return int(self._data.size)

    def element_size(self) -> int:
        return int(self._data.itemsize)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def device(self) -> str:
        return _Device()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    # -- conversion -----------------------------------------------------------------------------------

    def item(self) -> float | int | bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
            )
        return bool(self._data.reshape(()).item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def _scalar(self, kind: str) -> Any:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    # -- printing -------------------------------------------------------------------------------------

    def _print_kwargs(self) -> dict[str, Any]:
        return {
            "requires_grad": self._requires_grad and self.grad_fn is None,
            # torch prints the node's class name: CopyBackwards, not torch::autograd::CopyBackwards.
            "grad_fn": self.grad_fn.name().removeprefix("torch::autograd::") if self.grad_fn is not None
            else None,
            "parameter": False,
        }

    def __repr__(self) -> str:
        return _printing.tensor_repr(self._data, **self._print_kwargs())

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return _printing.format_tensor(self._data, spec, **self._print_kwargs())

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)


class _Device:
    """The only device the engine has."""

    type = "cpu"
    index = None

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        return str(other) == "cpu" or isinstance(other, _Device)

    def __hash__(self) -> int:
        return hash("cpu")


def _normalize_dim(dim: int, ndim: int) -> int:
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})"
        )
    return dim % rank


def write_in_place(tensor: Tensor, values: np.ndarray | float) -> None:
    """Overwrite a tensor's data as an in-place torch op does: aliases see it and the version moves.

    Data numpy holds read-only (a broadcast view) cannot be written through, so the tensor gets its own
    copy instead.
    """
    data = tensor._data
    if data.flags.writeable:
        data[...] = values
    else:
        tensor._data = np.array(np.broadcast_to(values, data.shape), dtype=data.dtype)
    tensor._version_counter[0] += 1

