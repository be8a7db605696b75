"""torch.backends: the availability checks scripts make before choosing a device."""

from engine.backends import mps

__all__ = ["mps"]
