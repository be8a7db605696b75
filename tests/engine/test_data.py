"""torch.utils.data against torch: batch contents and order under manual_seed, lengths, collation, and the
random numbers drawn after a loop (DataLoader consumes the generator as torch does)."""

from __future__ import annotations

import pytest
import torch

import engine


def _as_plain(value):
    """Batches as nested Python data with type names, so tensors of both libraries compare."""
    if isinstance(value, torch.Tensor | engine.Tensor):
        return ("tensor", str(value.dtype), value.tolist())
    if isinstance(value, dict):
        return {key: _as_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_as_plain(item) for item in value])
    return value


def _run(lib, program):
    lib.manual_seed(7)
    return _as_plain(program(lib))


def _tensor_dataset(lib, n=10):
    return lib.utils.data.TensorDataset(lib.arange(2.0 * n).reshape(n, 2), lib.arange(n))


def _epochs(loader, count=2):
    return [[batch for batch in loader] for _ in range(count)]


PROGRAMS = {
    "shuffled_batches_two_epochs": lambda lib: _epochs(
        lib.utils.data.DataLoader(_tensor_dataset(lib), batch_size=4, shuffle=True)),
    "sequential_batches": lambda lib: _epochs(lib.utils.data.DataLoader(_tensor_dataset(lib), batch_size=3)),
    "drop_last": lambda lib: _epochs(
        lib.utils.data.DataLoader(_tensor_dataset(lib, 11), batch_size=4, shuffle=True, drop_last=True)),
    "lengths": lambda lib: [len(lib.utils.data.DataLoader(_tensor_dataset(lib, n), batch_size=4, drop_last=d))
                            for n in (1, 4, 9) for d in (False, True)],
    "rand_after_loop": lambda lib: (_epochs(lib.utils.data.DataLoader(list(range(5)), batch_size=2)),
                                    lib.rand(3)),
    "rand_after_shuffled_loop": lambda lib: (
        _epochs(lib.utils.data.DataLoader(list(range(5)), batch_size=2, shuffle=True), 1), lib.rand(3)),
    "own_generator": lambda lib: _epochs(lib.utils.data.DataLoader(
        list(range(9)), batch_size=4, shuffle=True, generator=lib.Generator().manual_seed(3))),
    "collate_tuples_numbers_strings": lambda lib: lib.utils.data.default_collate(
        [(1, 2.5, "a", True), (3, 4.0, "b", False)]),
    "collate_dicts_and_lists": lambda lib: lib.utils.data.default_collate(
        [{"x": lib.ones(2), "y": [1, 2]}, {"x": lib.zeros(2), "y": [3, 4]}]),
    "list_dataset_of_pairs": lambda lib: _epochs(
        lib.utils.data.DataLoader([(lib.tensor([float(i)]), i) for i in range(5)], batch_size=2,
                                  shuffle=True)),
    "batch_size_none": lambda lib: _epochs(
        lib.utils.data.DataLoader(_tensor_dataset(lib, 3), batch_size=None)),
    "random_split_lengths": lambda lib: [s.indices for s in lib.utils.data.random_split(range(10), [3, 7])],
    "random_split_fractions": lambda lib: [
        list(s) for s in lib.utils.data.random_split(range(11), [0.7, 0.2, 0.1])],
    "random_split_generator": lambda lib: [s.indices for s in lib.utils.data.random_split(
        range(8), [4, 4], generator=lib.Generator().manual_seed(42))],
    "subset_loader": lambda lib: _epochs(lib.utils.data.DataLoader(
        lib.utils.data.random_split(_tensor_dataset(lib), [6, 4])[0], batch_size=4, shuffle=True)),
    "sampler_with_replacement": lambda lib: list(lib.utils.data.RandomSampler(
        range(10), replacement=True, num_samples=45)),
    "sampler_more_samples_than_data": lambda lib: list(
        lib.utils.data.RandomSampler(range(4), num_samples=10)),
    "subset_random_sampler": lambda lib: list(lib.utils.data.SubsetRandomSampler([5, 6, 7, 8])),
    "batch_sampler": lambda lib: list(lib.utils.data.BatchSampler(range(7), 3, drop_last=False)),
    "requires_grad_dataset": lambda lib: _epochs(lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.ones(4, 2, requires_grad=True)), batch_size=3, shuffle=True), 1),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_data_pipeline_matches_torch(name):
    assert _run(engine, PROGRAMS[name]) == _run(torch, PROGRAMS[name])


class Squares:
    """A map-style dataset written as tutorials write one (a Dataset subclass with __len__/__getitem__)."""

    def __init__(self, lib, n):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return self.lib.tensor([float(index)]), index * index


def test_custom_dataset_subclass_batches_like_torch():
    def program(lib):
        dataset = type("SquaresDataset", (Squares, lib.utils.data.Dataset), {})(lib, 7)
        return _epochs(lib.utils.data.DataLoader(dataset, batch_size=3, shuffle=True))

    assert _run(engine, program) == _run(torch, program)


def test_batches_of_a_grad_dataset_keep_the_graph():
    """Batches of tensors that require grad come from indexing and stacking, so they carry a grad_fn."""
    dataset = engine.utils.data.TensorDataset(engine.ones(4, 2, requires_grad=True))
    (batch,) = next(iter(engine.utils.data.DataLoader(dataset, batch_size=2)))
    reference = torch.utils.data.TensorDataset(torch.ones(4, 2, requires_grad=True))
    (expected,) = next(iter(torch.utils.data.DataLoader(reference, batch_size=2)))
    assert batch.grad_fn.name() == expected.grad_fn.name()


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.utils.data.DataLoader([1, 2], batch_size=0),
        lambda lib: lib.utils.data.DataLoader([1, 2], sampler=[0, 1], shuffle=True),
        lambda lib: lib.utils.data.TensorDataset(lib.ones(3), lib.ones(2)),
        lambda lib: lib.utils.data.random_split(range(5), [2, 2]),
        lambda lib: lib.utils.data.Dataset()[0],
    ],
)
def test_data_errors_match_torch(call):
    outcomes = []
    for lib in (engine, torch):
        with pytest.raises(Exception) as caught:
            call(lib)
        outcomes.append((type(caught.value).__name__, str(caught.value)))
    assert outcomes[0] == outcomes[1]
