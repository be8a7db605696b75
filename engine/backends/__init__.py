"""torch.backends: the availability checks and flags scripts set before choosing a device."""

from engine.backends import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
