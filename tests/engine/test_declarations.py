"""The public names are derived from the families' `@public` declarations, and each one is torch's.

A family declares an op once; these tests check what the binder derives from that: `torch.X` is the
declared function, `Tensor.X` / `Tensor.X_` exist on torch's Tensor too, and every unary function and
in-place variant gives torch's values, node name and gradient without a test of its own.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import engine
from engine import ops
from engine.ops import unary
from engine.ops._declare import DECLARATIONS, bind, public

# matmul's helper for ranks beyond 2 is exported but is no torch name (the sandbox hides it).
ENGINE_ONLY = {"batched_matmul"}

VALUES = np.array([[0.3, 0.55, 0.7], [0.45, 0.8, 0.9]])


def _declared(module) -> list:
    return [d for d in DECLARATIONS if d.target.__module__ == module.__name__]


UNARY_FUNCTIONS = sorted(name for d in _declared(unary) for name in d.functions)
UNARY_IN_PLACE = sorted(name for d in _declared(unary) for name in d.inplace if not name.startswith("__"))


def test_functions_are_exported_like_torch():
    for name, function in ops.FUNCTIONS.items():
        assert getattr(engine, name) is function
        if name not in ENGINE_ONLY:
            assert hasattr(torch, name), f"torch has no {name}"


def test_every_declared_method_is_a_torch_tensor_method():
    names = {name for d in DECLARATIONS for name in (*d.methods, *d.inplace, *d.reflected)}
    assert sorted(name for name in names if not hasattr(torch.Tensor, name)) == []


def test_a_name_declared_twice_is_an_error():
    class Scratch:
        pass

    before = len(DECLARATIONS)
    try:
        public(name="twice")(lambda self: self)
        public(name="twice")(lambda self: self)
        with pytest.raises(ValueError, match="declared twice"):
            bind(Scratch, lambda function, **options: function)
    finally:
        del DECLARATIONS[before:]


def _unary_run(lib, call):
    leaf = lib.tensor(VALUES, requires_grad=True)
    out = call(leaf * 1)
    out.sum().backward()
    return out.detach().numpy(), out.grad_fn.name(), leaf.grad.numpy()


def _assert_same_run(ours, theirs):
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5, atol=1e-6)
    assert ours[1] == theirs[1]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", UNARY_FUNCTIONS)
def test_unary_function_matches_torch(name):
    ours = _unary_run(engine, lambda x: getattr(engine, name)(x))
    theirs = _unary_run(torch, lambda x: getattr(torch, name)(x))
    _assert_same_run(ours, theirs)


@pytest.mark.parametrize("name", UNARY_IN_PLACE)
def test_unary_in_place_variant_matches_torch(name):
    ours = _unary_run(engine, lambda x: getattr(x, name)())
    theirs = _unary_run(torch, lambda x: getattr(x, name)())
    _assert_same_run(ours, theirs)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, x: x.sum(axis=1, keepdims=True),
        lambda lib, x: lib.sum(x, 0, keepdims=True),
        lambda lib, x: x.mean(axis=0),
        lambda lib, x: x.max(axis=1, keepdims=True).values,
        lambda lib, x: x.softmax(axis=1),
        lambda lib, x: lib.cat([x, x], axis=1),
        lambda lib, x: x.unsqueeze(axis=0),
        lambda lib, x: x.argmax(axis=1),
    ],
    ids=["sum", "torch.sum", "mean", "max", "softmax", "cat", "unsqueeze", "argmax"],
)
def test_numpy_names_for_dim_and_keepdim_are_accepted_as_torch_accepts_them(call):
    data = [[1.0, 5.0, 2.0], [4.0, 0.5, 3.0]]
    ours, theirs = call(engine, engine.tensor(data)), call(torch, torch.tensor(data))
    assert tuple(ours.shape) == tuple(theirs.shape)
    # float32 exp and sums may round the last bit differently (softmax); the names are what is tested
    np.testing.assert_allclose(ours.tolist(), theirs.tolist(), rtol=1e-6)


def test_a_dim_given_twice_is_torchs_error():
    with pytest.raises(TypeError) as ours:
        engine.ones(2, 3).sum(dim=0, axis=0)
    with pytest.raises(TypeError) as theirs:
        torch.ones(2, 3).sum(dim=0, axis=0)
    assert str(ours.value) == str(theirs.value)
