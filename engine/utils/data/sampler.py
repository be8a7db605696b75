"""Samplers: the order in which a DataLoader visits a dataset's indices.

RandomSampler reproduces torch's use of the generator exactly: without a generator of its own it draws
a 64-bit seed from the default generator when iteration starts and shuffles with a fresh Generator
seeded from it, so `manual_seed` fixes the order of every epoch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from engine import _random

# RandomSampler with replacement draws its indices in chunks of this many.
_REPLACEMENT_CHUNK = 32


def draw_seed(generator: _random.Generator | None) -> int:
    """`torch.empty((), dtype=torch.int64).random_(generator=g).item()`: a 64-bit word mod 2**63."""
    gen = generator or _random.default_generator
    return int(gen._words64(1)[0] % np.uint64(1 << 63))


class Sampler:
    """Base class: an iterable of dataset indices."""

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation per pass (or `num_samples` indices drawn with replacement)."""

    def __init__(self, data_source: Any, replacement: bool = False, num_samples: int | None = None,
                 generator: _random.Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            generator = _random.Generator().manual_seed(draw_seed(None))
        if self.replacement:
            yield from _with_replacement(generator, n, self.num_samples)
            return
        for _ in range(self.num_samples // n):
            yield from generator.randperm(n).tolist()
        yield from generator.randperm(n).tolist()[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


def _with_replacement(generator: _random.Generator, n: int, count: int) -> Iterator[int]:
    for _ in range(count // _REPLACEMENT_CHUNK):
        yield from generator.randint(0, n, (_REPLACEMENT_CHUNK,)).tolist()
    yield from generator.randint(0, n, (count % _REPLACEMENT_CHUNK,)).tolist()


class SubsetRandomSampler(Sampler):
    """The given indices in a random order, drawn as RandomSampler draws a permutation."""

    def __init__(self, indices: Sequence[int], generator: _random.Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        generator = self.generator or _random.default_generator
        for i in generator.randperm(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of `batch_size` (the last one shorter unless dropped)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        count = len(self.sampler)
        if self.drop_last:
            return count // self.batch_size
        return (count + self.batch_size - 1) // self.batch_size
