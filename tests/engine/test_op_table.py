"""Every entry of the op table, checked three ways.

1. Its node name is what real torch records for the same call (names are derived, never typed twice).
2. Values and gradients agree with torch.
3. Its VJPs agree with central finite differences of its own forward, in float64.

A sample call per op lives in `op_samples.SAMPLES`; an op without one fails `test_every_op_has_a_sample`,
so a new table entry cannot skip these checks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import engine
from engine._optable import TABLE
from tests.engine.op_samples import SAMPLES, Sample

OPS = sorted(TABLE)


def test_every_op_has_a_sample():
    assert sorted(set(OPS) - set(SAMPLES)) == []


def _inputs(lib, sample: Sample, dtype):
    tensors = []
    for index, value in enumerate(sample.inputs):
        array = np.asarray(value, dtype=dtype) if np.asarray(value).dtype.kind == "f" else np.asarray(value)
        grad = index in sample.differentiable and array.dtype.kind == "f"
        tensors.append(lib.tensor(array, requires_grad=grad))
    return tensors


def _weights(shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


def _forward_backward(lib, sample: Sample, dtype):
    tensors = _inputs(lib, sample, dtype)
    out = sample.call(lib, *tensors)
    weights = lib.tensor(_weights(tuple(out.shape)).astype(dtype))
    (out * weights).sum().backward()
    grads = [t.grad for t in tensors]
    return out, grads, tensors


@pytest.mark.parametrize("name", OPS)
def test_node_name_matches_torch(name):
    sample = SAMPLES[name]
    ours = sample.call(engine, *_inputs(engine, sample, np.float32))
    theirs = sample.call(torch, *_inputs(torch, sample, np.float32))
    assert ours.grad_fn.spec is TABLE[name], f"the sample for {name} does not end in that op"
    assert ours.grad_fn.name() == theirs.grad_fn.name() == TABLE[name].node


@pytest.mark.parametrize("name", OPS)
def test_values_and_grads_match_torch(name):
    sample = SAMPLES[name]
    ours, our_grads, _ = _forward_backward(engine, sample, np.float32)
    theirs, their_grads, _ = _forward_backward(torch, sample, np.float32)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    for index, (a, b) in enumerate(zip(our_grads, their_grads)):
        if b is None:
            assert a is None, f"input {index}: torch gives no grad"
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5, err_msg=f"input {index}")


@pytest.mark.parametrize("name", OPS)
def test_vjp_matches_finite_differences(name):
    sample = SAMPLES[name]
    out, grads, tensors = _forward_backward(engine, sample, np.float64)
    weights = _weights(tuple(out.shape))
    eps = 1e-6
    for index in sample.differentiable:
        base = tensors[index].detach().numpy().copy()
        numeric = np.zeros_like(base)
        for position in np.ndindex(base.shape):
            shifted = []
            for sign in (1, -1):
                values = base.copy()
                values[position] += sign * eps
                args = [engine.tensor(values) if i == index else t.detach() for i, t in enumerate(tensors)]
                shifted.append(float((sample.call(engine, *args).numpy() * weights).sum()))
            numeric[position] = (shifted[0] - shifted[1]) / (2 * eps)
        np.testing.assert_allclose(
            grads[index].numpy(), numeric, rtol=1e-5, atol=1e-7, err_msg=f"input {index}"
        )
