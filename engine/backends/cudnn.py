"""torch.backends.cudnn: the flags reproducibility recipes set (`deterministic = True`), kept but unused."""

from engine._device import _false

is_available = _false
deterministic = False
benchmark = False
enabled = True
