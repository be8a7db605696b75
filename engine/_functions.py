"""The torch-level functions (torch.add, torch.exp, ...) and the Tensor methods and operators built on them.

Argument handling and type promotion live here; every differentiable result is made by
`engine._dispatch.apply` from an op-table entry.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from engine import _dtype
from engine._dispatch import apply, run
from engine._dtype import cpp_type_name
from engine._optable import TABLE
from engine._tensor import Tensor, _normalize_dim

Scalar = int | float | bool

# -- type promotion (torch.result_type) --------------------------------------------------------------

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_DEFAULT_FOR_CATEGORY = {0: np.dtype(np.bool_), 1: np.dtype(np.int64), 2: np.dtype(np.float32)}


def _category(dtype: np.dtype) -> int:
    return _CATEGORY[dtype.kind]


def _promote_group(dtypes: list[np.dtype]) -> np.dtype | None:
    if not dtypes:
        return None
    result = dtypes[0]
    for dtype in dtypes[1:]:
        # Across categories the higher one wins as it is (float32 with int64 stays float32).
        if _category(dtype) != _category(result):
            result = dtype if _category(dtype) > _category(result) else result
        else:
            result = np.promote_types(result, dtype)
    return result


def result_type(*operands: Tensor | Scalar) -> np.dtype:
    """torch's promotion: dimensioned tensors, then 0-d tensors, then Python numbers, by category."""
    dimensioned = [o._data.dtype for o in operands if isinstance(o, Tensor) and o._data.ndim > 0]
    zero_dim = [o._data.dtype for o in operands if isinstance(o, Tensor) and o._data.ndim == 0]
    numbers_ = [_python_number_dtype(o) for o in operands if not isinstance(o, Tensor)]
    result = _promote_group(dimensioned)
    for group, use_default in ((zero_dim, False), (numbers_, True)):
        candidate = _promote_group(group)
        if candidate is None:
            continue
        if result is None or _category(candidate) > _category(result):
            result = _DEFAULT_FOR_CATEGORY[_category(candidate)] if use_default else candidate
    return result


def _python_number_dtype(value: Any) -> np.dtype:
    if isinstance(value, bool | np.bool_):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(value, numbers.Real):
        return np.dtype(np.float64)
    raise TypeError(f"unsupported operand type: '{type(value).__name__}'")


def _as_operand(value: Any, dtype: np.dtype) -> tuple[Tensor, bool]:
    """A tensor of `dtype` for an operand; Python numbers become wrapped (non-versioned) scalars."""
    if isinstance(value, Tensor):
        if value._data.dtype == dtype:
            return value, False
        return _cast_view(value, dtype), False
    return Tensor._from_array(np.asarray(value, dtype=dtype)), True


def _cast_view(tensor: Tensor, dtype: np.dtype) -> Tensor:
    """The tensor's values in the promoted dtype, standing in for it as an op's input.

    torch records no node for type promotion: the op's edge leads straight to the original tensor and
    the backward engine casts the gradient back to that tensor's dtype. So the stand-in shares the
    original's edge and version counter instead of being the output of a conversion op.
    """
    alias = Tensor._from_array(tensor._data.astype(dtype), tensor._version_counter)
    if tensor._requires_grad:
        alias._requires_grad = True
        if tensor.grad_fn is None:
            alias._accumulator = tensor._accumulate_grad_node()
        else:
            alias._grad_fn = tensor.grad_fn
    return alias


class _WrappedNumber:
    """A Python number as an op input: just the 0-d array the forward needs.

    The operators' fast path passes this instead of a full Tensor: a wrapped number is never handed to
    the user, never requires grad and has no version counter, so the bookkeeping would be thrown away.
    """

    __slots__ = ("_data",)
    _requires_grad = False

    def __init__(self, data: np.ndarray) -> None:
        self._data = data


def _binary(name: str, a: Any, b: Any, attrs: dict[str, Any]) -> Tensor:
    # Fast path for the common case: two tensors of one dtype, or a float tensor and a Python number.
    if isinstance(a, Tensor):
        left = a._data
        if isinstance(b, Tensor):
            right = b._data
            if left.dtype is right.dtype or left.dtype == right.dtype:
                try:
                    return run(TABLE[name], (a, b), _NOT_WRAPPED, attrs)
                except ValueError as error:
                    failure = error
                # Shapes that do not broadcast make numpy fail before anything is made; checking them
                # only then keeps the check off the common path. Torch words the error its own way.
                broadcast_shape(left.shape, right.shape)
                raise failure
        elif (type(b) is float or type(b) is int) and left.dtype.kind == "f":
            scalar = _WrappedNumber(np.asarray(b, dtype=left.dtype))
            return run(TABLE[name], (a, scalar), _RIGHT_WRAPPED, attrs)
    elif (type(a) is float or type(a) is int) and isinstance(b, Tensor) and b._data.dtype.kind == "f":
        scalar = _WrappedNumber(np.asarray(a, dtype=b._data.dtype))
        return run(TABLE[name], (scalar, b), _LEFT_WRAPPED, attrs)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(a).__name__}")
    dtype = result_type(a, b)
    _check_broadcast(a, b)
    left, left_wrapped = _as_operand(a, dtype)
    right, right_wrapped = _as_operand(b, dtype)
    return run(TABLE[name], (left, right), (left_wrapped, right_wrapped), attrs)


_NOT_WRAPPED = (False, False)
_RIGHT_WRAPPED = (False, True)
_LEFT_WRAPPED = (True, False)


def _check_broadcast(a: Any, b: Any) -> None:
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        return
    broadcast_shape(a._data.shape, b._data.shape)


def broadcast_shape(left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast of two shapes, or torch's error naming the first dimension that does not match."""
    result = []
    for offset in range(1, max(len(left), len(right)) + 1):
        a = left[-offset] if offset <= len(left) else 1
        b = right[-offset] if offset <= len(right) else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(
                f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                f"dimension {max(len(left), len(right)) - offset}"
            )
        result.append(max(a, b) if a != 0 and b != 0 else 0)
    return tuple(reversed(result))


def _float_operand(a: Tensor) -> Tensor:
    """Unary float ops on integer tensors compute in the default float dtype, as torch does."""
    if a._data.dtype.kind in "biu":
        return Tensor._from_array(a._data.astype(np.float32))
    return a


def _unary(name: str, a: Tensor, float_only: bool = True) -> Tensor:
    if not isinstance(a, Tensor):
        _require_tensor(a, name)
    if float_only and a._data.dtype.kind in "biu":
        a = _float_operand(a)
    return run(TABLE[name], (a,), (), {})


def _require_tensor(value: Any, name: str) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(value).__name__}"
        )


# -- arithmetic ----------------------------------------------------------------------------------------

def add(input: Any, other: Any, *, alpha: Scalar = 1) -> Tensor:
    return _binary("add", input, other, {"alpha": alpha})


def sub(input: Any, other: Any, *, alpha: Scalar = 1) -> Tensor:
    return _binary("sub", input, other, {"alpha": alpha})


def rsub(input: Tensor, other: Any, *, alpha: Scalar = 1) -> Tensor:
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    dtype = result_type(input, other)
    operand, _ = _as_operand(input, dtype)
    return apply("rsub_scalar", operand, other=other, alpha=alpha)


def mul(input: Any, other: Any) -> Tensor:
    return _binary("mul", input, other, {})


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    if rounding_mode is not None:
        raise NotImplementedError("div with rounding_mode is not supported")
    if not isinstance(input, Tensor):
        # torch computes `s / x` as `s * x.reciprocal()`.
        return mul(reciprocal(_true_div_operand(other)), input)
    if (type(other) is float or type(other) is int) and input._data.dtype.kind == "f":
        scalar = _WrappedNumber(np.asarray(other, dtype=input._data.dtype))
        return run(TABLE["div"], (input, scalar), _RIGHT_WRAPPED, {})
    dtype = result_type(input, other)
    if dtype.kind in "biu":
        dtype = np.dtype(np.float32)
    left, left_wrapped = _as_operand(input, dtype)
    right, right_wrapped = _as_operand(other, dtype)
    return apply("div", left, right, wrapped=(left_wrapped, right_wrapped))


def _true_div_operand(tensor: Tensor) -> Tensor:
    return _float_operand(tensor)


def reciprocal(input: Tensor) -> Tensor:
    return _unary("reciprocal", input)


def neg(input: Tensor) -> Tensor:
    _require_tensor(input, "neg")
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return apply("neg", input)


negative = neg


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001 - torch.pow
    if not isinstance(input, Tensor):
        dtype = result_type(input, exponent)
        operand, _ = _as_operand(exponent, dtype)
        return apply("rpow_scalar", operand, base=input)
    if isinstance(exponent, Tensor):
        return _binary("pow", input, exponent, {})
    dtype = result_type(input, exponent)
    operand, _ = _as_operand(input, dtype)
    return apply("pow_scalar", operand, exponent=exponent)


def square(input: Tensor) -> Tensor:
    return pow(input, 2)


def exp(input: Tensor) -> Tensor:
    return _unary("exp", input)


def log(input: Tensor) -> Tensor:
    return _unary("log", input)


def sqrt(input: Tensor) -> Tensor:
    return _unary("sqrt", input)


def abs(input: Tensor) -> Tensor:  # noqa: A001 - torch.abs
    return _unary("abs", input, float_only=False)


def relu(input: Tensor) -> Tensor:
    return _unary("relu", input, float_only=False)


def sigmoid(input: Tensor) -> Tensor:
    return _unary("sigmoid", input)


def tanh(input: Tensor) -> Tensor:
    return _unary("tanh", input)


# -- reductions -----------------------------------------------------------------------------------------

def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(_normalize_dim(d, ndim) for d in dims))


def _reduction_dtype(input: Tensor, dtype: Any) -> Any:
    if dtype is not None:
        return dtype.numpy
    return np.int64 if input._data.dtype.kind in "biu" else None


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    if not isinstance(input, Tensor):
        _require_tensor(input, "sum")
    target = _reduction_dtype(input, dtype)
    if dim is None:
        return run(TABLE["sum"], (input,), (), {"dtype": target})
    return apply("sum_dim", input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=target)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    _require_tensor(input, "mean")
    target = dtype.numpy if dtype is not None else None
    if (target or input._data.dtype).kind not in "fc":
        name = _dtype.from_numpy(input._data.dtype).name.capitalize().replace("Int64", "Long").replace(
            "Float32", "Float")
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {name}"
        )
    if dim is None:
        return apply("mean", input, dtype=target)
    return apply("mean_dim", input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=target)


# -- matrix products ------------------------------------------------------------------------------------

def _dtype_check_pair(a: Tensor, b: Tensor, what: str) -> None:
    if a._data.dtype != b._data.dtype:
        left = cpp_type_name(a._data.dtype)
        right = cpp_type_name(b._data.dtype)
        raise RuntimeError(f"expected {what} to have the same dtype, but got: {left} != {right}")


def check_mm_shapes(mat1: Tensor, mat2: Tensor) -> None:
    """torch's error when two matrices cannot be multiplied (used by mm and addmm)."""
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})"
        )


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    check_mm_shapes(input, mat2)
    _dtype_check_pair(input, mat2, "m1 and m2")
    return apply("mm", input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {vec.ndim}, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    return apply("mv", input, vec)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors"
        )
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] to "
            "have the same number of elements, "
            f"but got {input.shape[0]} and {tensor.shape[0]} elements respectively"
        )
    _dtype_check_pair(input, tensor, "both vectors")
    return apply("dot", input, tensor)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """torch.matmul, dispatched to the node torch records for each pair of ranks."""
    _require_tensor(input, "matmul")
    _require_tensor(other, "matmul")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and {other.ndim}D"
        )
    if input.ndim == 1 and other.ndim == 1:
        return dot(input, other)
    if input.ndim == 2 and other.ndim == 1:
        return mv(input, other)
    if input.ndim == 2 and other.ndim == 2:
        return mm(input, other)
    from engine import _functions_shape as shape_ops

    return shape_ops.batched_matmul(input, other)


# -- Tensor methods and operators ------------------------------------------------------------------------

def _reflected(function):
    def operator(self: Tensor, other: Any) -> Tensor:
        return function(other, self)

    return operator


def _bind_methods() -> None:
    methods = {
        "add": add, "sub": sub, "mul": mul, "div": div, "pow": pow, "neg": neg, "negative": neg,
        "exp": exp, "log": log, "sqrt": sqrt, "abs": abs, "relu": relu, "sigmoid": sigmoid, "tanh": tanh,
        "sum": sum, "mean": mean, "matmul": matmul, "mm": mm, "mv": mv, "dot": dot,
        "square": square,
        "reciprocal": reciprocal, "subtract": sub, "multiply": mul, "divide": div, "true_divide": div,
        "__add__": add, "__radd__": _reflected(add), "__sub__": sub, "__rsub__": rsub,
        "__mul__": mul, "__rmul__": _reflected(mul), "__truediv__": div, "__rtruediv__": _reflected(div),
        "__pow__": pow, "__rpow__": _reflected(pow), "__matmul__": matmul, "__rmatmul__": _reflected(matmul),
        "__neg__": neg, "__abs__": abs,
    }
    for name, function in methods.items():
        setattr(Tensor, name, function)

    def __pos__(self: Tensor) -> Tensor:  # noqa: N807
        return self

    Tensor.__pos__ = __pos__


_bind_methods()
