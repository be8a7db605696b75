"""torch.utils: the `data` package (datasets, samplers, DataLoader)."""

from engine.utils import data

__all__ = ["data"]
