"""Ready-made programs: every cell of the seed lesson (explorer.seed), made runnable on its own, and a
training script.

A notebook cell uses variables from the cells above it; each preset here carries the code it needs from
those cells, so it runs alone. Titles live in the text catalogue under `preset.<id>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.seed import CELLS, program


@dataclass(frozen=True)
class Preset:
    """A program the Playground can load."""

    id: str
    cell: str | None   # the seed notebook's cell ("In [3]"), None for presets that are not from the seed
    code: str


_TRAINING = """\
import torch
from torch import nn

torch.manual_seed(0)
X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
Y = torch.tensor([[2.0], [4.0], [6.0], [8.0]])

model = nn.Linear(1, 1)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

for epoch in range(10):
    prediction = model(X)
    loss = loss_fn(prediction, Y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(epoch, loss.item())

print(model.weight)
print(model.bias)
"""

PRESETS: tuple[Preset, ...] = (
    Preset("seed3", "In [3]", program("3")),
    Preset("seed5", "In [5]", program("3", "5")),
    Preset("seed7", "In [7]", program("3", "5", "7")),
    Preset("seed10", "In [10]", program("3", "5", "7", "10")),
    Preset("seed14", "In [14]", program("14")),
    Preset("seed15", "In [15]", program("14", "15")),
    Preset("seed16", "In [16]", CELLS["16"]),
    Preset("seed18", "In [18]", CELLS["18"]),
    Preset("seed19", "In [19]", CELLS["19"]),
    Preset("seed_zero", "In [None]", CELLS["zero"]),
    Preset("training", None, _TRAINING),
)
PRESETS_BY_ID = {preset.id: preset for preset in PRESETS}
DEFAULT_PRESET = "seed10"


def preset_code(preset_id: str) -> str:
    """The code of a preset; the default preset's for an unknown id."""
    return PRESETS_BY_ID.get(preset_id, PRESETS_BY_ID[DEFAULT_PRESET]).code
