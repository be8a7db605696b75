"""torch.backends.cuda: a CPU-only build has no CUDA backend."""

from engine._device import _false

is_built = _false
