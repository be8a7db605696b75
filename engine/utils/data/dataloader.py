"""DataLoader: batches of a dataset's samples, in sampler order, put together by a collate function.

Work happens in the calling process (num_workers is accepted and changes nothing but speed in torch,
so the batches are the same). As in torch, starting an iteration draws one 64-bit seed from the
loader's generator (the default one unless given), whether or not it shuffles, so the random numbers
drawn after a loop match torch's too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from engine import _creation, _dtype
from engine._tensor import Tensor
from engine.utils.data.dataset import TensorDataset
from engine.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler, draw_seed


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, recursing into tuples, lists and dicts as torch does."""
    from engine import stack

    elem = batch[0]
    if isinstance(elem, Tensor):
        stacked = _stack_plain(batch)
        return stack(list(batch), 0) if stacked is None else stacked
    if isinstance(elem, np.ndarray):
        return stack([_creation.from_numpy(np.asarray(b)) for b in batch], 0)
    if isinstance(elem, bool | int | np.integer):
        return _creation.tensor(list(batch))
    if isinstance(elem, float | np.floating):
        # Python floats are doubles; torch keeps them as float64 whatever the default dtype.
        return _creation.tensor(list(batch), dtype=_dtype.float64)
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # Tuples become lists, as in torch; lists stay lists.
        return [default_collate(samples) for samples in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found "
        f"{type(elem)}"
    )


class DataLoader:
    """Iterates a dataset in batches: `for X, y in DataLoader(dataset, batch_size=64, shuffle=True)`."""

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Any = None,
                 multiprocessing_context: Any = None, generator: Any = None, **options: Any) -> None:
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
            )
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = None if batch_sampler is not None and batch_size is None else batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.generator = generator
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None else _no_collate)

    def __iter__(self) -> Iterator[Any]:
        draw_seed(self.generator)  # torch's per-iteration base seed, drawn even when nothing is shuffled
        return self._batches(iter(self.batch_sampler if self.batch_sampler is not None else self.sampler))

    def _batches(self, indices: Iterator[Any]) -> Iterator[Any]:
        for index in indices:
            if self.batch_sampler is None:
                yield self.collate_fn(self.dataset[index])
            elif self.collate_fn is default_collate and _plain_tensor_dataset(self.dataset):
                yield _rows(self.dataset, index)
            else:
                yield self.collate_fn([self.dataset[i] for i in index])

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


def _stack_plain(batch: Sequence[Tensor]) -> Tensor | None:
    """torch.stack for samples that need no grad and agree in shape and dtype (no graph to record, so
    numpy stacks them directly); None otherwise, for torch.stack to promote or to raise torch's error."""
    first = batch[0]._data
    for sample in batch:
        data = sample._data
        if sample._requires_grad or data.shape != first.shape or data.dtype != first.dtype:
            return None
    return Tensor._from_array(np.stack([sample._data for sample in batch]))._trace_created()


def _no_collate(sample: Any) -> Any:
    """batch_size=None: samples one at a time, numbers turned into tensors, tensors left alone."""
    if isinstance(sample, Tensor | str | bytes):
        return sample
    if isinstance(sample, bool | int | float | np.number):
        return _creation.tensor(sample)
    if isinstance(sample, tuple | list):
        return [_no_collate(item) for item in sample]
    return sample


def _plain_tensor_dataset(dataset: Any) -> bool:
    """A TensorDataset of tensors that need no grad: a batch is the same as one fancy-indexing read."""
    return type(dataset) is TensorDataset and not any(t._requires_grad for t in dataset.tensors)


def _rows(dataset: TensorDataset, index: list[int]) -> list[Tensor]:
    """The stacked batch of a TensorDataset in one read per tensor instead of one per sample."""
    positions = np.asarray(index, dtype=np.int64)
    return [
        Tensor._from_array(np.ascontiguousarray(t._data[positions]))._trace_created() for t in dataset.tensors
    ]
