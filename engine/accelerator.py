"""torch.accelerator: the device-neutral questions of torch 2.6+, answered for a CPU-only engine."""

from engine._device import _false, _zero


def current_accelerator(check_available: bool = False) -> None:
    """No accelerator: None, which `torch.accelerator.current_accelerator() or "cpu"` idioms rely on."""
    return None


is_available = _false
device_count = _zero
