"""The errors a learner meets, raised with torch's exception type and message text."""

from __future__ import annotations

import warnings

import pytest
import torch

import engine
from tests.engine.torch_compare import same_error


def _non_scalar_backward(lib):
    x = lib.ones(3, requires_grad=True)
    (x * 2).backward()


def _second_backward(lib):
    x = lib.ones(3, requires_grad=True)
    y = (x * 3).sum()
    y.backward()
    y.backward()


def _inplace_on_leaf(lib):
    x = lib.ones(3, requires_grad=True)
    x.add_(1)


def _inplace_operator_on_leaf(lib):
    x = lib.ones(3, requires_grad=True)
    x += 1


def _requires_grad_on_non_leaf(lib):
    x = lib.ones(3, requires_grad=True)
    (x * 2).requires_grad_(False)


def _broadcast_mismatch(lib):
    lib.ones(3) + lib.ones(2)


def _broadcast_mismatch_2d(lib):
    lib.ones(2, 3) * lib.ones(3, 2)


def _matmul_mismatch(lib):
    lib.ones(3, 2) @ lib.ones(3, 2)


def _matmul_dtype_mismatch_names_the_cpp_types(lib):
    lib.ones(2, 2, dtype=lib.int32) @ lib.ones(2, 2, dtype=lib.float16)


def _matvec_mismatch(lib):
    lib.ones(3, 2) @ lib.ones(3)


def _dot_mismatch(lib):
    lib.ones(3) @ lib.ones(2)


def _backward_without_grad_fn(lib):
    lib.ones(3).sum().backward()


def _gradient_of_wrong_shape(lib):
    x = lib.ones(3, requires_grad=True)
    (x * 2).backward(lib.ones(2))


def _requires_grad_on_integers(lib):
    lib.tensor([1, 2, 3], requires_grad=True)


def _requires_grad_flag_on_integers(lib):
    t = lib.tensor([1, 2, 3])
    t.requires_grad = True


def _saved_tensor_modified(lib):
    a = lib.ones(3, requires_grad=True)
    b = a * 1
    c = b * b
    b.add_(1)
    c.sum().backward()


def _saved_output_modified(lib):
    a = lib.ones(3, requires_grad=True)
    b = a.exp()
    b.mul_(2)
    b.sum().backward()


def _item_of_many(lib):
    lib.ones(3).item()


def _numpy_of_requires_grad(lib):
    lib.ones(3, requires_grad=True).numpy()


def _grad_of_unused_input(lib):
    x = lib.ones(3, requires_grad=True)
    y = lib.ones(3, requires_grad=True)
    lib.autograd.grad((x * 2).sum(), [x, y])


def _bool_of_many(lib):
    bool(lib.ones(3))


CASES = [
    _non_scalar_backward,
    _second_backward,
    _inplace_on_leaf,
    _inplace_operator_on_leaf,
    _requires_grad_on_non_leaf,
    _broadcast_mismatch,
    _broadcast_mismatch_2d,
    _matmul_mismatch,
    _matmul_dtype_mismatch_names_the_cpp_types,
    _matvec_mismatch,
    _dot_mismatch,
    _backward_without_grad_fn,
    _gradient_of_wrong_shape,
    _requires_grad_on_integers,
    _requires_grad_flag_on_integers,
    _saved_tensor_modified,
    _saved_output_modified,
    _item_of_many,
    _numpy_of_requires_grad,
    _grad_of_unused_input,
    _bool_of_many,
]


@pytest.mark.parametrize("case", CASES, ids=lambda f: f.__name__.strip("_"))
def test_error_matches_torch(case):
    same_error(lambda: case(engine), lambda: case(torch))


def test_reading_grad_of_non_leaf_warns_like_torch():
    def read(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert y.grad is None
        return [(w.category, str(w.message)) for w in caught]

    assert read(engine) == read(torch)


def test_retain_grad_silences_the_warning_and_keeps_the_grad():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * y).sum().backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return y.grad.tolist()

    assert run(engine) == run(torch)
