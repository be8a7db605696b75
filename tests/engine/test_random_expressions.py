"""Random expressions, built by hypothesis, evaluated under torch and the engine and compared.

Each expression is a small program over leaves of random (broadcast-compatible) shapes. The comparison
covers the value, the printed text, the grad_fn graph (names and next_functions structure, walked
recursively) and every leaf's gradient.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import engine

UNARY = {
    "exp": lambda lib, a: (a * 0.3).exp(),
    "tanh": lambda lib, a: a.tanh(),
    "sigmoid": lambda lib, a: a.sigmoid(),
    "relu": lambda lib, a: a.relu(),
    "neg": lambda lib, a: -a,
    "square": lambda lib, a: a**2,
    "abs": lambda lib, a: a.abs(),
    "scale": lambda lib, a: a * 1.5,
    "shift": lambda lib, a: a + 2,
    "rsub": lambda lib, a: 1 - a,
    "log": lambda lib, a: (a * a + 1).log(),
    "sqrt": lambda lib, a: (a * a + 1).sqrt(),
    "sum_last": lambda lib, a: a.sum(-1, keepdim=True) if a.ndim else a,
    "mean_first": lambda lib, a: a.mean(0) if a.ndim else a,
}
BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / (b * b + 1),
    "alpha": lambda lib, a, b: a.add(b, alpha=0.5),
}

SHAPES = st.sampled_from([(), (1,), (3,), (2, 3), (2, 1), (1, 3), (2, 2, 3)])


@st.composite
def programs(draw):
    leaf_count = draw(st.integers(1, 3))
    shapes = [draw(SHAPES) for _ in range(leaf_count)]
    values = [
        draw(st.lists(st.floats(-3, 3, width=32), min_size=int(np.prod(s)), max_size=int(np.prod(s))))
        for s in shapes
    ]
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            steps.append(("unary", draw(st.sampled_from(sorted(UNARY)))))
        else:
            steps.append(
                ("binary", draw(st.sampled_from(sorted(BINARY))), draw(st.integers(0, leaf_count - 1)))
            )
    return shapes, values, steps


def _compatible(shapes) -> bool:
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


def _run(lib, shapes, values, steps):
    leaves = [
        lib.tensor(np.asarray(v, dtype=np.float32).reshape(s), requires_grad=True)
        for s, v in zip(shapes, values)
    ]
    out = leaves[0]
    for step in steps:
        if step[0] == "unary":
            out = UNARY[step[1]](lib, out)
        else:
            out = BINARY[step[1]](lib, out, leaves[step[2]])
    return leaves, out


def _structure(node, depth: int = 0):
    if node is None:
        return None
    name = type(node).__name__ if "AccumulateGrad" in node.name() else node.name()
    return (name, tuple((_structure(child, depth + 1), index) for child, index in node.next_functions))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_expression_matches_torch(program):
    shapes, values, steps = program
    assume(_compatible(shapes))
    try:
        their_leaves, theirs = _run(torch, shapes, values, steps)
    except RuntimeError:
        return  # a broadcast torch refuses; the engine's refusal is tested on its own
    our_leaves, ours = _run(engine, shapes, values, steps)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=2e-5, atol=2e-5)
    assert _structure(ours.grad_fn) == _structure(theirs.grad_fn)
    weights = np.linspace(0.5, 1.5, int(np.prod(theirs.shape)), dtype=np.float32).reshape(tuple(theirs.shape))
    theirs.backward(torch.tensor(weights))
    ours.backward(engine.tensor(weights))
    for mine, real in zip(our_leaves, their_leaves):
        if real.grad is None:
            assert mine.grad is None
        else:
            np.testing.assert_allclose(mine.grad.numpy(), real.grad.numpy(), rtol=1e-4, atol=1e-4)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_random_expression_prints_like_torch(program):
    shapes, values, steps = program
    assume(_compatible(shapes))
    try:
        _, theirs = _run(torch, shapes, values, steps)
    except RuntimeError:
        return
    _, ours = _run(engine, shapes, values, steps)
    # Values can differ in the last float32 bit between numpy and torch kernels; print what torch computed.
    ours_same_values = engine.tensor(theirs.detach().numpy())
    assert repr(ours_same_values) == repr(theirs.detach())
    assert repr(ours).split("grad_fn=")[-1] == repr(theirs).split("grad_fn=")[-1]
