"""The makemore stack against torch, bit for bit: torch.Generator, generator= on the random creators, and
torch.multinomial (both of torch's sampling routes), including a bigram name sampler."""

from __future__ import annotations

import pytest
import torch

import engine


def _draws(lib, program):
    generator = lib.Generator().manual_seed(2147483647)
    return [value.tolist() for value in program(lib, generator)]


PROGRAMS = {
    "randn_rand_randint_randperm": lambda lib, g: [
        lib.randn(27, 10, generator=g), lib.rand(5, generator=g), lib.randint(0, 27, (8,), generator=g),
        lib.randperm(12, generator=g), lib.randn(3, generator=g)],
    "one_sample_per_row": lambda lib, g: [lib.multinomial(lib.rand(4, 27, generator=g), 1, generator=g)],
    "one_sample_with_replacement": lambda lib, g: [
        lib.multinomial(lib.rand(27, generator=g), num_samples=1, replacement=True, generator=g)],
    "many_with_replacement": lambda lib, g: [
        lib.multinomial(lib.rand(3, 27, generator=g) ** 2, 20, replacement=True, generator=g)],
    "many_without_replacement": lambda lib, g: [
        lib.multinomial(lib.rand(2, 10, generator=g), 6, generator=g)],
    "all_without_replacement": lambda lib, g: [lib.multinomial(lib.rand(7, generator=g), 7, generator=g)],
    "float64_weights": lambda lib, g: [lib.multinomial(
        lib.rand(3, 5, generator=g, dtype=lib.float64), 4, replacement=True, generator=g)],
    "zero_weights_never_drawn": lambda lib, g: [lib.multinomial(
        lib.tensor([0.0, 1.0, 0.0, 2.0]), 30, replacement=True, generator=g)],
    "method_form": lambda lib, g: [lib.rand(2, 6, generator=g).multinomial(3, generator=g)],
    "default_generator": lambda lib, g: [lib.manual_seed(3) and lib.multinomial(lib.rand(5), 2)],
    "exponential_": lambda lib, g: [lib.empty(20).exponential_(generator=g),
                                    lib.empty(3, dtype=lib.float64).exponential_(2.0, generator=g)],
    "state_continues_across_calls": lambda lib, g: [
        lib.multinomial(lib.ones(27), 1, True, generator=g) for _ in range(10)],
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_random_draws_match_torch_bit_for_bit(name):
    assert _draws(engine, PROGRAMS[name]) == _draws(torch, PROGRAMS[name])


def _bigram_names(lib, count=8):
    """makemore's bigram sampler: counts from a few words, then sample characters until '.'."""
    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper"]
    chars = sorted(set("".join(words)))
    stoi = {c: i + 1 for i, c in enumerate(chars)} | {".": 0}
    itos = {i: c for c, i in stoi.items()}
    counts = lib.zeros((len(stoi), len(stoi)), dtype=lib.int32)
    for word in words:
        for a, b in zip("." + word, word + "."):
            counts[stoi[a], stoi[b]] += 1
    probs = (counts + 1).float()
    probs /= probs.sum(1, keepdim=True)
    g = lib.Generator().manual_seed(2147483647)
    names = []
    for _ in range(count):
        index, name = 0, ""
        while True:
            index = lib.multinomial(probs[index], num_samples=1, replacement=True, generator=g).item()
            if index == 0:
                break
            name += itos[index]
        names.append(name)
    return names


def test_bigram_sampler_names_match_torch():
    assert _bigram_names(engine) == _bigram_names(torch)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.multinomial(lib.tensor([1.0, -1.0]), 1),
        lambda lib: lib.multinomial(lib.tensor([0.0, 0.0]), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, 1.0]), 3),
        lambda lib: lib.multinomial(lib.tensor([1, 1]), 1),
        lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, float("nan")]), 1),
        lambda lib: lib.multinomial(lib.tensor([1.0, 1.0]), 0),
    ],
)
def test_multinomial_errors_match_torch(call):
    outcomes = []
    for lib in (engine, torch):
        with pytest.raises(RuntimeError) as caught:
            call(lib)
        outcomes.append(str(caught.value))
    assert outcomes[0] == outcomes[1]


def test_generator_accepts_a_device_and_prints_its_seed_like_torch():
    ours = engine.Generator(device="cpu").manual_seed(42)
    theirs = torch.Generator(device="cpu").manual_seed(42)
    assert ours.initial_seed() == theirs.initial_seed()
    assert engine.rand(3, generator=ours).tolist() == torch.rand(3, generator=theirs).tolist()
