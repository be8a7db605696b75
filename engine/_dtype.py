"""torch-style dtype objects and torch.Size."""

from __future__ import annotations

import numpy as np

from engine._names import TorchNamed


class dtype(metaclass=TorchNamed):  # noqa: N801 - the public name is torch's
    """A tensor element type, printed as torch prints it (`torch.float32`)."""

    __slots__ = ("name", "numpy", "is_floating_point", "itemsize")

    def __init__(self, name: str, numpy_type: type) -> None:
        self.name = name
        self.numpy = np.dtype(numpy_type)
        self.is_floating_point = self.numpy.kind == "f"
        self.itemsize = self.numpy.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
float16 = dtype("float16", np.float16)
int64 = dtype("int64", np.int64)
int32 = dtype("int32", np.int32)
int16 = dtype("int16", np.int16)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)  # noqa: A001 - torch.bool

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_BY_NUMPY = {d.numpy: d for d in ALL}


def from_numpy(numpy_dtype: np.dtype) -> dtype:
    """The engine dtype for a numpy dtype (the engine keeps only torch's dtypes)."""
    try:
        return _BY_NUMPY[np.dtype(numpy_dtype)]
    except KeyError:
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(numpy_dtype)}.") from None


# torch's ScalarType names, which its error messages and legacy type names (torch.FloatTensor) use.
_SCALAR_TYPE_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}


def scalar_type_name(numpy_dtype: np.dtype) -> str:
    """torch's ScalarType name for a numpy dtype: Float, Double, Long ..."""
    return _SCALAR_TYPE_NAMES[np.dtype(numpy_dtype).name]


# The C++ names some of torch's messages print instead ("expected m1 and m2 to have the same dtype, but
# got: float != long int").
_CPP_TYPE_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
    "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
}


def cpp_type_name(numpy_dtype: np.dtype) -> str:
    """The C++ element type torch names for a numpy dtype: float, long int ..."""
    return _CPP_TYPE_NAMES[np.dtype(numpy_dtype).name]


def legacy_type_name(numpy_dtype: np.dtype) -> str:
    """The legacy tensor type name for a numpy dtype: torch.FloatTensor, torch.LongTensor ..."""
    return f"torch.{scalar_type_name(numpy_dtype)}Tensor"


class Size(tuple, metaclass=TorchNamed):
    """torch.Size: a tuple of ints that prints as `torch.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(d) for d in self)}])"

    __str__ = __repr__

    def __getitem__(self, index):  # type: ignore[override]
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def numel(self) -> int:
        count = 1
        for d in self:
            count *= d
        return count


dtype._torch_name = "torch.dtype"
Size._torch_name = "torch.Size"
