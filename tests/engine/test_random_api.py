"""The torch-level random API (engine.rand, randn, ..., Tensor.uniform_, nn.init, nn.Linear) against torch.

The generator itself is tested draw by draw in test_random.py; this checks the functions learners call,
bit for bit, in random interleavings after the same manual_seed.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import engine

CALLS = {
    "rand": lambda lib, n, dt: lib.rand(n, dtype=dt(lib)),
    "randn": lambda lib, n, dt: lib.randn(n, dtype=dt(lib)),
    "rand_2d": lambda lib, n, dt: lib.rand(2, n, dtype=dt(lib)),
    "randint": lambda lib, n, dt: lib.randint(-5, 17, (n,)),
    "randperm": lambda lib, n, dt: lib.randperm(n),
    "rand_like": lambda lib, n, dt: lib.rand_like(lib.zeros(n, dtype=dt(lib))),
    "randn_like": lambda lib, n, dt: lib.randn_like(lib.zeros(n, dtype=dt(lib))),
    "uniform_": lambda lib, n, dt: lib.zeros(n, dtype=dt(lib)).uniform_(-2, 3),
    "normal_": lambda lib, n, dt: lib.zeros(n, dtype=dt(lib)).normal_(1.0, 0.5),
    "normal": lambda lib, n, dt: lib.normal(2.0, 3.0, size=(n,)),
    "init.uniform_": lambda lib, n, dt: lib.nn.init.uniform_(lib.zeros(n, 3, dtype=dt(lib)), -1, 1),
    "init.normal_": lambda lib, n, dt: lib.nn.init.normal_(lib.zeros(n, 3, dtype=dt(lib))),
    "init.kaiming_uniform_": lambda lib, n, dt: lib.nn.init.kaiming_uniform_(lib.zeros(n, 4, dtype=dt(lib))),
    "init.xavier_uniform_": lambda lib, n, dt: lib.nn.init.xavier_uniform_(lib.zeros(n, 4, dtype=dt(lib))),
    "Linear": lambda lib, n, dt: lib.cat([p.detach().reshape(-1) for p in lib.nn.Linear(n, 2).parameters()]),
}
DTYPES = {"float32": lambda lib: lib.float32, "float64": lambda lib: lib.float64}


def _draw(lib, seed, calls):
    lib.manual_seed(seed)
    return [CALLS[name](lib, size, DTYPES[dtype]).numpy() for name, size, dtype in calls]


def test_manual_seed_zero_randn_prints_like_torch():
    engine.manual_seed(0)
    assert repr(engine.randn(3)) == "tensor([ 1.5410, -0.2934, -2.1788])"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    calls=st.lists(
        st.tuples(st.sampled_from(sorted(CALLS)), st.integers(1, 40), st.sampled_from(sorted(DTYPES))),
        min_size=1,
        max_size=6,
    ),
)
def test_interleaved_draws_are_bit_identical(seed, calls):
    ours = _draw(engine, seed, calls)
    theirs = _draw(torch, seed, calls)
    for (name, _, _), a, b in zip(calls, ours, theirs):
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    # The generators stay in step after the sequence.
    np.testing.assert_array_equal(engine.rand(5).numpy(), torch.rand(5).numpy())


def test_large_draws_are_bit_identical():
    for size in (999, 10_000):
        engine.manual_seed(size)
        torch.manual_seed(size)
        np.testing.assert_array_equal(engine.randn(size).numpy(), torch.randn(size).numpy())
        np.testing.assert_array_equal(engine.rand(size).numpy(), torch.rand(size).numpy())


def test_state_round_trip_replays_the_stream():
    engine.manual_seed(7)
    state = engine.get_rng_state()
    first = engine.randn(20).numpy()
    engine.set_rng_state(state)
    np.testing.assert_array_equal(engine.randn(20).numpy(), first)
    assert engine.initial_seed() == 7
