"""DataLoader iteration against torch's: one shuffled epoch, batches of 64, in one process.

Two paths: a TensorDataset (the Quickstart / d2l shape, where the engine reads a batch with one indexing
per tensor) and a Dataset subclass whose __getitem__ builds each sample (every sample is fetched and
the batch stacked, as torch does). torch runs on one thread, as in the other engine benchmarks.

The Dataset-subclass epoch spends most of its time in the learner's own `features[index]` (two tensor
indexings per sample, each a trip through the op table, ~3x torch's per-op cost at this size); the
loader's own share (sampling, batching, stacking) is small, hence the looser target on that row.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np

from benchmarks._harness import Result, measure_pair

BASELINE = "torch 2.13 DataLoader"
SAMPLES = 6_000
FEATURES = 784
BATCH = 64


def _arrays() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((SAMPLES, FEATURES), dtype=np.float32), rng.integers(0, 10, SAMPLES)


def _epoch(loader: object) -> Callable[[], object]:
    """One pass over the loader, touching every batch."""

    def run() -> object:
        total = 0
        for _, y in loader:
            total += y.shape[0]
        return total

    return run


def _tensor_dataset_epoch(lib: ModuleType) -> Callable[[], object]:
    images, labels = _arrays()
    dataset = lib.utils.data.TensorDataset(lib.tensor(images), lib.tensor(labels))
    return _epoch(lib.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True))


def _custom_dataset_epoch(lib: ModuleType) -> Callable[[], object]:
    images, labels = _arrays()
    features, targets = lib.tensor(images[:1_000, :16]), lib.tensor(labels[:1_000])

    class Rows(lib.utils.data.Dataset):
        def __len__(self) -> int:
            return len(targets)

        def __getitem__(self, index: int) -> tuple[object, object]:
            return features[index], targets[index]

    return _epoch(lib.utils.data.DataLoader(Rows(), batch_size=BATCH, shuffle=True))


def _pair(name: str, make: Callable[[ModuleType], Callable[[], object]], target: str) -> Result:
    import torch

    import engine

    ours, theirs = measure_pair(make(engine), make(torch), repeat=7, number=1, warmup=1)
    return Result(name, ours, theirs, BASELINE, target)


def run() -> list[Result]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return [
            _pair(f"DataLoader epoch: TensorDataset {SAMPLES}x{FEATURES}, batch {BATCH}, shuffled",
                  _tensor_dataset_epoch, "<= 1.0x"),
            _pair(f"DataLoader epoch: Dataset subclass, 1,000 samples, batch {BATCH}, shuffled",
                  _custom_dataset_epoch, "<= 5.0x"),
        ]
    finally:
        torch.set_num_threads(threads)
