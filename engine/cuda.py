"""torch.cuda on a machine without CUDA: the questions answer "no", the actions fail as torch's do."""

from engine._device import _cuda_missing, _false, _nothing, _zero

is_available = _false
is_initialized = _false
device_count = _zero
# Seeding CUDA without CUDA is silently ignored by torch, so seeding code written for both still runs.
manual_seed = _nothing
manual_seed_all = _nothing
seed = _nothing
seed_all = _nothing
empty_cache = _nothing
current_device = _cuda_missing
get_device_name = _cuda_missing
get_device_properties = _cuda_missing
set_device = _cuda_missing
synchronize = _cuda_missing
memory_allocated = _cuda_missing
