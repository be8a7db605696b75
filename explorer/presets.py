"""Ready-made programs: every cell of the seed lesson, made runnable on its own, and a training script.

A notebook cell uses variables from the cells above it; each preset here carries the code it needs from
those cells, so it runs alone. Titles live in the text catalogue under `preset.<id>`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A program the Playground can load."""

    id: str
    cell: str | None   # the seed notebook's cell ("In [3]"), None for presets that are not from the seed
    code: str


_CELL_3 = """\
import torch

x = torch.randn(3, requires_grad=True)
y = x + 2
"""
_CELL_5 = """\
print(x)
print(y)
print(y.grad_fn)
"""
_CELL_7 = """\
z = y * 3
print(z)
z = z + 3
print(z)
"""
_CELL_10 = """\
z = z.mean()
z.backward()
print(x.grad)
"""
_CELL_14 = """\
import torch

x = torch.randn(5, requires_grad=True)
print(x)
y = x * 2
for _ in range(10):
    y = y * 2

print(y)
print(y.shape)
"""
_CELL_15 = """\
w = torch.tensor([0.1, 1.0, 0.0001, 0.01, 0.001], dtype=torch.float32)
y.backward(w)
print(x.grad)
"""
_CELL_16 = """\
import torch

a = torch.rand(2, 2)
print(a.requires_grad)
b = (a * 5) / (a - 1)
print(b.grad_fn)
a.requires_grad_(True)
print(a.requires_grad)
b = (a ** 2).sum()
print(b.grad_fn)
"""
_CELL_18 = """\
import torch

a = torch.rand(2, 2, requires_grad=True)
print(a.requires_grad)
print(a)
b = a.detach()
print(b.requires_grad)
print(b)
"""
# The notebook's cell reuses an `x` from an earlier section; this preset makes its own.
_CELL_19 = """\
import torch

x = torch.randn(3, requires_grad=True)
a = torch.rand(2, 2, requires_grad=True)
print(a.requires_grad)
with torch.no_grad():
    print((x + 2).requires_grad)
"""
_CELL_ZERO = """\
import torch

weights = torch.ones(4, requires_grad=True)

for epoch in range(5):
    model_output = (weights * 5).sum()
    model_output.backward()

    print(weights.grad)
    with torch.no_grad():
        weights -= 0.001 * weights.grad

    weights.grad.zero_()
"""
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
    Preset("seed3", "In [3]", _CELL_3),
    Preset("seed5", "In [5]", _CELL_3 + "\n" + _CELL_5),
    Preset("seed7", "In [7]", _CELL_3 + "\n" + _CELL_5 + "\n" + _CELL_7),
    Preset("seed10", "In [10]", _CELL_3 + "\n" + _CELL_5 + "\n" + _CELL_7 + "\n" + _CELL_10),
    Preset("seed14", "In [14]", _CELL_14),
    Preset("seed15", "In [15]", _CELL_14 + "\n" + _CELL_15),
    Preset("seed16", "In [16]", _CELL_16),
    Preset("seed18", "In [18]", _CELL_18),
    Preset("seed19", "In [19]", _CELL_19),
    Preset("seed_zero", "In [None]", _CELL_ZERO),
    Preset("training", None, _TRAINING),
)
PRESETS_BY_ID = {preset.id: preset for preset in PRESETS}
DEFAULT_PRESET = "seed10"


def preset_code(preset_id: str) -> str:
    """The code of a preset; the default preset's for an unknown id."""
    return PRESETS_BY_ID.get(preset_id, PRESETS_BY_ID[DEFAULT_PRESET]).code
