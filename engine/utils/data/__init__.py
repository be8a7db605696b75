"""torch.utils.data: datasets, samplers and the DataLoader that batches them."""

from engine.utils.data.dataloader import DataLoader, default_collate
from engine.utils.data.dataset import Dataset, Subset, TensorDataset, random_split
from engine.utils.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "DataLoader",
    "Dataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "random_split",
]
