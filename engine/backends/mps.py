"""torch.backends.mps: Apple's Metal backend, absent here as in any non-Mac torch build."""

from engine._device import _false

is_available = _false
is_built = _false
