"""engine._random against torch's CPU generator: the same seed must give the same bits, call after call."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import _random

FLOAT_DTYPES = [(np.float32, torch.float32), (np.float64, torch.float64)]
TORCH_DTYPE = {
    np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64, np.dtype(np.int64): torch.int64,
    np.dtype(np.int32): torch.int32, np.dtype(np.int16): torch.int16, np.dtype(np.int8): torch.int8,
    np.dtype(np.uint8): torch.uint8, np.dtype(np.bool_): torch.bool, np.dtype(np.float16): torch.float16,
}  # fmt: skip
SEEDS = [
    0, 1, 42, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 7, 123456789012345, 2**63 - 1, 2**64 - 1, -1, -(2**63),
]  # fmt: skip


def seeded(seed: int) -> tuple[_random.Generator, torch.Generator]:
    return _random.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def assert_same_bits(ours: np.ndarray, theirs: torch.Tensor | np.ndarray) -> None:
    """Equal dtype, shape and bytes: stricter than ==, it also tells -0.0 from 0.0."""
    theirs = theirs.numpy() if isinstance(theirs, torch.Tensor) else theirs
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    if not np.array_equal(ours, theirs):
        wrong = np.flatnonzero(np.asarray(ours != theirs).reshape(-1))
        raise AssertionError(f"{wrong.size} of {ours.size} values differ, first at flat index {wrong[0]}")
    assert ours.tobytes() == theirs.tobytes()


def assert_in_step(ours: _random.Generator, theirs: torch.Generator) -> None:
    """The whole generator state agrees, byte for byte, with torch's serialised state."""
    assert ours.get_state().to_bytes() == theirs.get_state().numpy().tobytes()


def torch_error(call) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except BaseException as error:  # noqa: BLE001 - whatever torch raises is the expectation
            return error
    raise AssertionError("torch raised nothing")


def assert_same_error(ours, theirs) -> None:
    expected = torch_error(theirs)
    with pytest.raises(type(expected), match=f"^{re.escape(str(expected))}$"):
        ours()


# -- the headline example ----------------------------------------------------------------------------


STANDALONE_IMPORT = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('standalone_random', sys.argv[1])\n"
    "module = sys.modules['standalone_random'] = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)\n"
    "print(sorted(name for name in sys.modules if name.split('.')[0] in ('engine', 'torch')))\n"
    "print(module.initial_seed())\n"
)


def import_in_a_fresh_process() -> tuple[str, int]:
    """(engine and torch modules imported, the default generator's initial seed) for a fresh import."""
    path = Path(__file__).resolve().parents[2] / "engine" / "_random.py"
    command = [sys.executable, "-c", STANDALONE_IMPORT, str(path)]
    modules, seed = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split("\n")[:2]
    return modules, int(seed)


def test_module_needs_only_numpy_and_seeds_the_default_generator_from_entropy() -> None:
    (modules, first_seed), (_, second_seed) = import_in_a_fresh_process(), import_in_a_fresh_process()
    assert modules == "[]"
    assert first_seed != second_seed
    assert torch.Generator().initial_seed() not in (first_seed, second_seed)


def test_randn_after_manual_seed_zero_is_torchs() -> None:
    _random.manual_seed(0)
    values = _random.normal((3,), np.float32)
    torch.manual_seed(0)
    assert_same_bits(values, torch.randn(3))
    assert np.allclose(values, [1.5410, -0.2934, -2.1788], atol=1e-4)


# -- one stream, every size path -----------------------------------------------------------------------

STREAM_SIZES = [*range(1, 130), 255, 256, 257, 623, 624, 625, 1000, 1023, 1024, 1025, 4095, 4097, 9999, 10000]


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
def test_rand_matches_for_every_size_in_one_stream(np_dtype, torch_dtype) -> None:
    ours, theirs = seeded(7)
    for n in STREAM_SIZES:
        assert_same_bits(ours.uniform((n,), np_dtype), torch.rand(n, dtype=torch_dtype, generator=theirs))
    assert_in_step(ours, theirs)


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
def test_randn_matches_for_every_size_in_one_stream(np_dtype, torch_dtype) -> None:
    # Below 16 values torch draws pairs and caches one normal; at 16 and above it fills blocks of 16 and
    # redoes the last block; float32 blocks run a vectorised float32 kernel.
    ours, theirs = seeded(11)
    for n in STREAM_SIZES:
        assert_same_bits(ours.normal((n,), np_dtype), torch.randn(n, dtype=torch_dtype, generator=theirs))
    assert_in_step(ours, theirs)


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
def test_large_draws_match(np_dtype, torch_dtype) -> None:
    ours, theirs = seeded(2024)
    assert_same_bits(
        ours.normal((300, 301), np_dtype), torch.randn(300, 301, dtype=torch_dtype, generator=theirs)
    )
    assert_same_bits(
        ours.uniform((90_000,), np_dtype), torch.rand(90_000, dtype=torch_dtype, generator=theirs)
    )
    assert_in_step(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_seeds_match_including_negative_and_64_bit(seed: int) -> None:
    ours, theirs = seeded(seed)
    assert ours.initial_seed() == theirs.initial_seed()
    assert_same_bits(ours.uniform((5,), np.float32), torch.rand(5, generator=theirs))
    assert_same_bits(ours.normal((20,), np.float32), torch.randn(20, generator=theirs))
    assert_same_bits(ours.normal((3,), np.float64), torch.randn(3, dtype=torch.float64, generator=theirs))
    assert_in_step(ours, theirs)


# -- parameters: uniform_(a, b), normal_(mean, std) ---------------------------------------------------

sizes = st.one_of(st.integers(0, 40), st.integers(0, 10_000))
bounds = st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)).map(sorted)
means = st.floats(-100, 100)
stds = st.floats(0, 100)


@settings(max_examples=60)
@given(seed=st.integers(0, 2**64 - 1), n=sizes, low_high=bounds, dtypes=st.sampled_from(FLOAT_DTYPES))
def test_uniform_with_bounds_matches(seed, n, low_high, dtypes) -> None:
    (np_dtype, torch_dtype), (low, high) = dtypes, low_high
    ours, theirs = seeded(seed)
    expected = torch.empty(n, dtype=torch_dtype).uniform_(low, high, generator=theirs)
    assert_same_bits(ours.uniform((n,), np_dtype, low, high), expected)


@settings(max_examples=60)
@given(seed=st.integers(0, 2**64 - 1), n=sizes, mean=means, std=stds, dtypes=st.sampled_from(FLOAT_DTYPES))
def test_normal_with_mean_and_std_matches(seed, n, mean, std, dtypes) -> None:
    np_dtype, torch_dtype = dtypes
    ours, theirs = seeded(seed)
    expected = torch.empty(n, dtype=torch_dtype).normal_(mean, std, generator=theirs)
    assert_same_bits(ours.normal((n,), np_dtype, mean, std), expected)
    assert_same_bits(ours.normal((1,), np_dtype), torch.randn(1, dtype=torch_dtype, generator=theirs))


def test_torch_normal_with_float_mean_and_std_matches() -> None:
    ours, theirs = seeded(3)
    assert_same_bits(
        ours.normal((4, 5), np.float32, 2.0, 0.5), torch.normal(2.0, 0.5, (4, 5), generator=theirs)
    )


NON_CONTIGUOUS = {
    "transposed": (lambda a: a.T, lambda t: t.t()),
    "every other column": (lambda a: a[:, ::2], lambda t: t[:, ::2]),
    "permuted": (
        lambda a: a.reshape(4, 2, 5).transpose(1, 0, 2),
        lambda t: t.reshape(4, 2, 5).permute(1, 0, 2),
    ),
}


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
@pytest.mark.parametrize("layout", NON_CONTIGUOUS)
def test_filling_a_non_contiguous_array_follows_torch(layout, np_dtype, torch_dtype) -> None:
    # torch fills in memory order, and normal_ takes its one-at-a-time path whatever the size.
    view_np, view_torch = NON_CONTIGUOUS[layout]
    ours, theirs = seeded(5)
    target, expected = (
        view_np(np.zeros((8, 5), dtype=np_dtype)),
        view_torch(torch.zeros(8, 5, dtype=torch_dtype)),
    )
    _random.init_normal_(target, 0.5, 2.0, generator=ours)
    assert_same_bits(target, expected.normal_(0.5, 2.0, generator=theirs))
    _random.init_uniform_(target, -1.0, 3.0, generator=ours)
    assert_same_bits(target, expected.uniform_(-1.0, 3.0, generator=theirs))
    assert_in_step(ours, theirs)


# -- the cached normal --------------------------------------------------------------------------------


def test_an_odd_small_randn_leaves_a_cached_value_that_the_next_call_returns() -> None:
    ours, theirs = seeded(9)
    for n, (np_dtype, torch_dtype) in [(3, FLOAT_DTYPES[0]), (1, FLOAT_DTYPES[1]), (2, FLOAT_DTYPES[0])]:
        assert_same_bits(ours.normal((n,), np_dtype), torch.randn(n, dtype=torch_dtype, generator=theirs))
        assert_in_step(ours, theirs)
    # Other draws leave the cached value where it is.
    assert_same_bits(ours.uniform((7,), np.float32), torch.rand(7, generator=theirs))
    assert_same_bits(ours.normal((20,), np.float64), torch.randn(20, dtype=torch.float64, generator=theirs))
    assert_same_bits(
        ours.normal((1,), np.float32, 3.0, 2.0), torch.empty(1).normal_(3.0, 2.0, generator=theirs)
    )
    assert_in_step(ours, theirs)


def test_manual_seed_clears_the_cached_normal() -> None:
    ours, theirs = seeded(4)
    ours.normal((1,), np.float32)
    torch.randn(1, generator=theirs)
    ours.manual_seed(4)
    theirs.manual_seed(4)
    assert_in_step(ours, theirs)
    assert_same_bits(ours.normal((1,), np.float32), torch.randn(1, generator=theirs))


# -- state ---------------------------------------------------------------------------------------------


def test_get_state_then_set_state_replays_the_stream_including_the_cached_normal() -> None:
    gen = _random.Generator().manual_seed(21)
    gen.normal((1,), np.float64)  # leaves a cached normal
    saved = gen.get_state()
    first = [gen.normal((1,), np.float64), gen.uniform((700,), np.float32), gen.randint(0, 10, (5,))]
    gen.set_state(saved)
    again = [gen.normal((1,), np.float64), gen.uniform((700,), np.float32), gen.randint(0, 10, (5,))]
    for a, b in zip(first, again):
        assert_same_bits(a, b)


def test_state_bytes_are_torchs_get_rng_state_bytes_and_load_into_either() -> None:
    ours, theirs = seeded(77)
    assert_in_step(ours, theirs)
    ours.normal((5,), np.float32)
    torch.randn(5, generator=theirs)
    assert_in_step(ours, theirs)
    # torch's bytes continue our stream, and our bytes continue torch's.
    fresh = _random.Generator()
    fresh.set_state(theirs.get_state().numpy())
    other = torch.Generator()
    other.set_state(torch.from_numpy(np.frombuffer(ours.get_state().to_bytes(), dtype=np.uint8).copy()))
    assert_same_bits(fresh.normal((1,), np.float32), torch.randn(1, generator=other))
    assert_same_bits(ours.normal((1,), np.float32), torch.randn(1, generator=theirs))


def test_module_functions_drive_the_default_generator() -> None:
    assert _random.manual_seed(31) is _random.default_generator
    torch.manual_seed(31)
    assert _random.initial_seed() == torch.initial_seed() == 31
    state = _random.get_rng_state()
    assert state.to_bytes() == torch.get_rng_state().numpy().tobytes()
    assert_same_bits(_random.uniform((3,), np.float32), torch.rand(3))
    assert_same_bits(_random.normal((3,), np.float32), torch.randn(3))
    assert_same_bits(_random.randint(0, 9, (3,)), torch.randint(0, 9, (3,)))
    assert_same_bits(_random.randperm(6), torch.randperm(6))
    assert_same_bits(_random.bernoulli((4,), 0.5), torch.empty(4).bernoulli_(0.5))
    _random.set_rng_state(state)
    torch.manual_seed(31)
    assert_same_bits(_random.uniform((3,), np.float32), torch.rand(3))


def test_set_state_rejects_the_wrong_size_like_torch() -> None:
    wrong = np.zeros(10, dtype=np.uint8)
    assert_same_error(
        lambda: _random.Generator().set_state(wrong), lambda: torch.set_rng_state(torch.from_numpy(wrong))
    )


# -- seeding -------------------------------------------------------------------------------------------


def test_an_unseeded_generator_starts_where_torchs_does() -> None:
    assert _random.Generator().initial_seed() == torch.Generator().initial_seed()
    assert_same_bits(
        _random.Generator().uniform((4,), np.float32), torch.rand(4, generator=torch.Generator())
    )


def test_seeding_from_entropy_gives_different_streams() -> None:
    first, second = _random.Generator(), _random.Generator()
    assert first.seed() != second.seed()
    assert not np.array_equal(first.uniform((8,), np.float32), second.uniform((8,), np.float32))
    assert first.initial_seed() != second.initial_seed()
    assert _random.seed() != _random.seed()


def test_manual_seed_arguments_follow_torch() -> None:
    assert _random.manual_seed(1.9).initial_seed() == 1  # torch.manual_seed calls int()
    assert_same_error(
        lambda: _random.Generator().manual_seed(1.5), lambda: torch.Generator().manual_seed(1.5)
    )
    for seed in (2**64, -(2**63) - 1):
        assert_same_error(
            lambda seed=seed: _random.manual_seed(seed), lambda seed=seed: torch.manual_seed(seed)
        )


# -- interleavings -------------------------------------------------------------------------------------

float_dtypes = st.sampled_from(FLOAT_DTYPES)
operations = st.one_of(
    st.tuples(st.just("rand"), sizes, float_dtypes),
    st.tuples(st.just("randn"), sizes, float_dtypes),
    st.tuples(st.just("uniform"), sizes, float_dtypes, bounds),
    st.tuples(st.just("normal"), sizes, float_dtypes, st.tuples(means, stds)),
    st.tuples(st.just("randint"), sizes, st.integers(-(2**40), 2**40), st.integers(1, 2**41)),
    st.tuples(st.just("randperm"), st.integers(0, 400)),
    st.tuples(st.just("bernoulli"), sizes, st.floats(0, 1)),
)


def run_both(op: tuple, ours: _random.Generator, theirs: torch.Generator) -> tuple[np.ndarray, torch.Tensor]:
    kind, *args = op
    if kind == "rand":
        n, (np_dtype, torch_dtype) = args
        return ours.uniform((n,), np_dtype), torch.rand(n, dtype=torch_dtype, generator=theirs)
    if kind == "randn":
        n, (np_dtype, torch_dtype) = args
        return ours.normal((n,), np_dtype), torch.randn(n, dtype=torch_dtype, generator=theirs)
    if kind == "uniform":
        n, (np_dtype, torch_dtype), (low, high) = args
        expected = torch.empty(n, dtype=torch_dtype).uniform_(low, high, generator=theirs)
        return ours.uniform((n,), np_dtype, low, high), expected
    if kind == "normal":
        n, (np_dtype, torch_dtype), (mean, std) = args
        expected = torch.empty(n, dtype=torch_dtype).normal_(mean, std, generator=theirs)
        return ours.normal((n,), np_dtype, mean, std), expected
    if kind == "randint":
        n, low, width = args
        return ours.randint(low, low + width, (n,)), torch.randint(low, low + width, (n,), generator=theirs)
    if kind == "randperm":
        (n,) = args
        return ours.randperm(n), torch.randperm(n, generator=theirs)
    n, p = args
    return ours.bernoulli((n,), p, np.float32), torch.empty(n).bernoulli_(p, generator=theirs)


@settings(max_examples=80)
@given(seed=st.integers(-(2**63), 2**64 - 1), ops=st.lists(operations, min_size=1, max_size=8))
def test_any_interleaving_of_draws_stays_in_step(seed, ops) -> None:
    ours, theirs = seeded(seed)
    for op in ops:
        assert_same_bits(*run_both(op, ours, theirs))
    assert_in_step(ours, theirs)


# -- randint -------------------------------------------------------------------------------------------

RANGES = [
    (0, 1), (0, 10), (-5, 5), (-1000, -3), (0, 2**28 - 1), (0, 2**28), (-(2**27), 2**27), (0, 2**31),
    (-(2**31), 2**31), (0, 2**32 - 1), (0, 2**32), (3, 2**40), (-(2**62), 2**62), (-(2**63), 2**63 - 1),
]  # fmt: skip


@pytest.mark.parametrize(("low", "high"), RANGES)
def test_randint_matches_for_small_and_huge_ranges(low: int, high: int) -> None:
    ours, theirs = seeded(high % 1000)
    assert_same_bits(ours.randint(low, high, (1000,)), torch.randint(low, high, (1000,), generator=theirs))
    assert_same_bits(ours.randint(low, high, (2, 3)), torch.randint(low, high, (2, 3), generator=theirs))
    assert_in_step(ours, theirs)


@pytest.mark.parametrize(
    ("low", "high", "dtype"),
    [
        (-3, 100, np.int32), (-3, 100, np.int16), (-3, 100, np.int8), (0, 256, np.uint8), (0, 2, np.bool_),
        (-(2**31), 2**31, np.int32), (-3, 100, np.float32), (-3, 100, np.float64), (0, 2**24 + 1, np.float32),
        (0, 2**25, np.float32), (0, 2**26 - 1, np.float32), (-(2**26) - 1, 2**26 + 1, np.float32),
        (0, 2**40, np.float32), (0, 2**54, np.float64), (-(2**60), 2**60, np.float64),
    ],
)  # fmt: skip
def test_randint_dtypes_match_including_torchs_float_range_narrowing(low, high, dtype) -> None:
    ours, theirs = seeded(8)
    torch_dtype = TORCH_DTYPE[np.dtype(dtype)]
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        expected = torch.randint(low, high, (500,), dtype=torch_dtype, generator=theirs)
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        values = ours.randint(low, high, (500,), dtype)
    assert_same_bits(values, expected)
    assert [str(w.message) for w in ours_warned] == [
        str(w.message).split(" (Triggered")[0] for w in theirs_warned
    ]
    assert_in_step(ours, theirs)


@pytest.mark.parametrize(
    ("low", "high", "dtype"),
    [(5, 5, np.int64), (7, 3, np.int64), (0, 300, np.uint8), (-1, 3, np.uint8), (-200, 3, np.int8),
     (0, 2**16, np.int16), (0, 2**31 + 1, np.int32), (0, 3, np.bool_), (2**25 - 1, 2**25, np.float32)],
)  # fmt: skip
def test_randint_errors_match(low, high, dtype) -> None:
    torch_dtype = TORCH_DTYPE[np.dtype(dtype)]
    assert_same_error(
        lambda: _random.Generator().randint(low, high, (3,), dtype),
        lambda: torch.randint(low, high, (3,), dtype=torch_dtype),
    )


# -- randperm ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 1000, 10_000, 200_000])
def test_randperm_matches(n: int) -> None:
    ours, theirs = seeded(n)
    assert_same_bits(ours.randperm(n), torch.randperm(n, generator=theirs))
    assert_in_step(ours, theirs)


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.uint8, np.int8, np.float16, np.float32, np.float64])
def test_randperm_dtypes_match(dtype) -> None:
    ours, theirs = seeded(1)
    expected = torch.randperm(100, dtype=TORCH_DTYPE[np.dtype(dtype)], generator=theirs)
    assert_same_bits(ours.randperm(100, dtype), expected)
    assert_in_step(ours, theirs)


@pytest.mark.parametrize(
    ("n", "dtype"),
    [
        (-1, np.int64),
        (129, np.int8),
        (257, np.uint8),
        (2**15 + 1, np.int16),
        (5, np.bool_),
        (2050, np.float16),
    ],
)
def test_randperm_errors_match(n: int, dtype) -> None:
    torch_dtype = TORCH_DTYPE[np.dtype(dtype)]
    assert_same_error(
        lambda: _random.Generator().randperm(n, dtype), lambda: torch.randperm(n, dtype=torch_dtype)
    )


def reference_forward_shuffle(targets: list[int]) -> list[int]:
    perm = list(range(len(targets) + 1))
    for i, j in enumerate(targets):
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def reference_inside_out_shuffle(sources: list[int]) -> list[int]:
    perm = [0] * len(sources)
    for i, j in enumerate(sources):
        perm[i] = perm[j]
        perm[j] = i
    return perm


@given(st.data())
def test_vectorised_shuffles_equal_the_textbook_loops(data) -> None:
    # torch switches to the inside-out shuffle only from n = 214748364 on, too big to compare against
    # torch here; the swap sequences themselves are checked against the plain loops.
    n = data.draw(st.integers(1, 60))
    targets = [data.draw(st.integers(i, n - 1)) for i in range(n - 1)]
    sources = [data.draw(st.integers(0, i)) for i in range(n)]
    assert _random._forward_shuffle(np.array(targets, dtype=np.int64)).tolist() == reference_forward_shuffle(
        targets
    )
    inside_out = _random._inside_out_shuffle(np.array(sources, dtype=np.int64)).tolist()
    assert inside_out == reference_inside_out_shuffle(sources)


# -- bernoulli and dropout masks -----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.bool_, np.int64, np.uint8])
@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_bernoulli_matches(p: float, dtype) -> None:
    ours, theirs = seeded(13)
    expected = torch.empty(1000, dtype=TORCH_DTYPE[np.dtype(dtype)]).bernoulli_(p, generator=theirs)
    assert_same_bits(ours.bernoulli((1000,), p, dtype), expected)
    assert_in_step(ours, theirs)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.75])
@pytest.mark.parametrize("n", [1, 17, 5000])
def test_dropout_mask_is_bernoulli_of_one_minus_p(n: int, p: float) -> None:
    _random.manual_seed(n)
    mask = _random.bernoulli((n,), 1 - p, np.float32)
    torch.manual_seed(n)
    dropped = torch.nn.functional.dropout(torch.ones(n), p)
    assert_same_bits(mask.astype(bool), (dropped != 0).numpy())
    assert_same_bits(_random.uniform((3,), np.float32), torch.rand(3))


def test_bernoulli_rejects_p_outside_0_1_like_torch() -> None:
    for p in (-0.1, 1.5):
        assert_same_error(
            lambda p=p: _random.Generator().bernoulli((3,), p), lambda p=p: torch.empty(3).bernoulli_(p)
        )


# -- argument errors -----------------------------------------------------------------------------------


def test_uniform_and_normal_argument_errors_match() -> None:
    gen = _random.Generator()
    assert_same_error(lambda: gen.uniform((3,), np.float32, 2, 1), lambda: torch.empty(3).uniform_(2, 1))
    assert_same_error(
        lambda: gen.uniform((3,), np.float32, -3e38, 3e38), lambda: torch.empty(3).uniform_(-3e38, 3e38)
    )
    assert_same_error(lambda: gen.normal((3,), np.float32, 0, -1), lambda: torch.empty(3).normal_(0, -1))
    assert_same_error(lambda: gen.normal((2, -1), np.float32), lambda: torch.randn(2, -1))


# -- nn.init -------------------------------------------------------------------------------------------

INIT_SHAPES = [(3, 5), (16, 1), (64, 128), (8, 3, 3, 3), (2, 4, 5)]


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
@pytest.mark.parametrize("shape", INIT_SHAPES)
def test_init_uniform_and_normal_match(shape, np_dtype, torch_dtype) -> None:
    ours, theirs = seeded(sum(shape))
    arr = np.empty(shape, dtype=np_dtype)
    assert _random.init_uniform_(arr, -0.3, 0.7, generator=ours) is arr
    assert_same_bits(
        arr, torch.nn.init.uniform_(torch.empty(shape, dtype=torch_dtype), -0.3, 0.7, generator=theirs)
    )
    assert _random.init_normal_(arr, 0.1, 0.02, generator=ours) is arr
    assert_same_bits(
        arr, torch.nn.init.normal_(torch.empty(shape, dtype=torch_dtype), 0.1, 0.02, generator=theirs)
    )


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
@pytest.mark.parametrize("shape", INIT_SHAPES)
@pytest.mark.parametrize(
    "options",
    [{}, {"a": math.sqrt(5)}, {"a": 0.2, "mode": "fan_out"}, {"nonlinearity": "relu"},
     {"nonlinearity": "tanh", "mode": "FAN_OUT"}, {"nonlinearity": "linear"}],
)  # fmt: skip
def test_kaiming_uniform_matches(shape, options, np_dtype, torch_dtype) -> None:
    ours, theirs = seeded(len(options) + sum(shape))
    arr = _random.kaiming_uniform_(np.empty(shape, dtype=np_dtype), generator=ours, **options)
    expected = torch.nn.init.kaiming_uniform_(
        torch.empty(shape, dtype=torch_dtype), generator=theirs, **options
    )
    assert_same_bits(arr, expected)


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
@pytest.mark.parametrize("shape", INIT_SHAPES)
@pytest.mark.parametrize("gain", [1.0, math.sqrt(2.0), 5.0 / 3])
def test_xavier_uniform_matches(shape, gain, np_dtype, torch_dtype) -> None:
    ours, theirs = seeded(17)
    arr = _random.xavier_uniform_(np.empty(shape, dtype=np_dtype), gain, generator=ours)
    assert_same_bits(
        arr, torch.nn.init.xavier_uniform_(torch.empty(shape, dtype=torch_dtype), gain, generator=theirs)
    )


@pytest.mark.parametrize(("np_dtype", "torch_dtype"), FLOAT_DTYPES)
@pytest.mark.parametrize(
    ("in_features", "out_features", "bias"),
    [
        (3, 2, True),
        (1, 1, True),
        (10, 1, True),
        (784, 128, True),
        (128, 10, False),
        (5, 40, True),
        (0, 3, True),
    ],
)
def test_linear_default_init_matches_nn_linear(
    in_features, out_features, bias, np_dtype, torch_dtype
) -> None:
    ours = _random.Generator().manual_seed(in_features * 1000 + out_features)
    torch.manual_seed(in_features * 1000 + out_features)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a zero-size weight warns, in torch and here
        weight, bias_values = _random.linear_default_init(
            out_features, in_features, bias, np_dtype, generator=ours
        )
        layer = torch.nn.Linear(in_features, out_features, bias=bias, dtype=torch_dtype)
    assert_same_bits(weight, layer.weight.detach())
    if bias:
        assert_same_bits(bias_values, layer.bias.detach())
    else:
        assert bias_values is None
    assert_same_bits(ours.uniform((4,), np.float32), torch.rand(4))


def test_kaiming_on_a_zero_element_array_warns_and_draws_nothing() -> None:
    ours, theirs = seeded(0)
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        _random.kaiming_uniform_(np.empty((0, 3), dtype=np.float32), generator=ours)
    assert_in_step(ours, theirs)


@pytest.mark.parametrize("shape", [(2, 3), (4, 5, 6), (2, 3, 4, 5), (7, 1)])
def test_fan_in_and_fan_out_match(shape) -> None:
    assert _random.fan_in_and_fan_out(shape) == torch.nn.init._calculate_fan_in_and_fan_out(
        torch.empty(shape)
    )


@pytest.mark.parametrize("shape", [(), (3,)])
def test_fan_needs_two_dimensions_like_torch(shape) -> None:
    assert_same_error(
        lambda: _random.fan_in_and_fan_out(shape),
        lambda: torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)),
    )


GAINS = [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("selu", None),
    ("leaky_relu", None), ("leaky_relu", 0), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)),
]  # fmt: skip


@pytest.mark.parametrize(("nonlinearity", "param"), GAINS)
def test_calculate_gain_matches(nonlinearity, param) -> None:
    assert _random.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_init_argument_errors_match() -> None:
    init = torch.nn.init
    arr, tensor = np.empty((3, 3), dtype=np.float32), torch.empty(3, 3)
    empty_arr, empty_tensor = np.empty((0, 0), dtype=np.float32), torch.empty(0, 0)
    assert_same_error(lambda: _random.calculate_gain("foo"), lambda: init.calculate_gain("foo"))
    assert_same_error(
        lambda: _random.calculate_gain("leaky_relu", True), lambda: init.calculate_gain("leaky_relu", True)
    )
    assert_same_error(
        lambda: _random.kaiming_uniform_(arr, mode="fan_x"),
        lambda: init.kaiming_uniform_(tensor, mode="fan_x"),
    )
    assert_same_error(lambda: _random.xavier_uniform_(empty_arr), lambda: init.xavier_uniform_(empty_tensor))


# -- the exact arithmetic underneath -------------------------------------------------------------------


def is_nearest(
    result: float, exact: Fraction, next_below: float, next_above: float, significand: int
) -> bool:
    """`result` is exact rounded to nearest, ties to an even significand."""
    error = abs(Fraction(result) - exact)
    if error > abs(Fraction(next_below) - exact) or error > abs(Fraction(next_above) - exact):
        return False
    tie = error == abs(Fraction(next_below) - exact) or error == abs(Fraction(next_above) - exact)
    return not tie or error == 0 or significand % 2 == 0


float32_values = st.floats(-1e6, 1e6, width=32, allow_subnormal=False)
float64_values = st.floats(-1e100, 1e100)


@settings(max_examples=300)
@given(a=float32_values, b=float32_values, c=float32_values)
def test_fma_float32_rounds_once(a, b, c) -> None:
    result = _random._fma_float32(np.float32(a), np.float32(b), np.float32(c))[()]
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    below, above = np.nextafter(result, np.float32(-np.inf)), np.nextafter(result, np.float32(np.inf))
    assert is_nearest(
        float(result), exact, float(below), float(above), int(np.asarray(result).view(np.int32))
    )


@settings(max_examples=300)
@given(a=float64_values, b=st.floats(-1e200, 1e200), c=st.floats(-1e300, 1e300))
def test_fma_float64_rounds_once(a, b, c) -> None:
    result = float(_random._fma_float64(np.array([a]), b, c)[0])
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    below, above = float(np.nextafter(result, -np.inf)), float(np.nextafter(result, np.inf))
    assert is_nearest(result, exact, below, above, int(np.array(result).view(np.int64)))


def test_fma_float32_avoids_the_double_rounding_trap() -> None:
    # a*b + c = 1 + 3*2**-24 - 2**-54, just below the midpoint between 1 + 2**-23 and 1 + 2**-22. Rounding
    # to float64 first lands exactly on the midpoint, and the float32 tie then goes to the wrong side.
    a, b, c = np.float32(1 + 2**-15), np.float32((1 - 2**-15) * 2**-24), np.float32(1 + 2**-23)
    rounded_twice = np.float32(np.float64(a) * np.float64(b) + np.float64(c))
    assert rounded_twice == np.float32(1 + 2**-22)
    assert _random._fma_float32(a, b, c)[()] == np.float32(1 + 2**-23)
