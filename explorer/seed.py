"""The seed lesson's programs, written once: every code cell of the Vietnamese notebook the app follows
(docs/seed/autograd_lesson_vi.txt), made runnable.

The presets, the lessons and the benchmarks build their programs from these cells, and
tests/app/test_seed_source.py checks each line against the notebook, so nothing here drifts from it.
Formatting is tidied (spaces around operators, four-space indents) and the notebook's comments are left
out; the code is the notebook's. A notebook cell uses variables from the cells above it: `program(...)`
joins cells into one program that runs alone.
"""

from __future__ import annotations

CELL_3 = """\
import torch

x = torch.randn(3, requires_grad=True)
y = x + 2
"""
CELL_5 = """\
print(x)
print(y)
print(y.grad_fn)
"""
CELL_7 = """\
z = y * 3
print(z)
z = z + 3
print(z)
"""
CELL_10 = """\
z = z.mean()
z.backward()
print(x.grad)
"""
CELL_14 = """\
import torch

x = torch.randn(5, requires_grad=True)
print(x)
y = x * 2
for _ in range(10):
    y = y * 2

print(y)
print(y.shape)
"""
CELL_15 = """\
w = torch.tensor([0.1, 1.0, 0.0001, 0.01, 0.001], dtype=torch.float32)
y.backward(w)
print(x.grad)
"""
CELL_16 = """\
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
CELL_18 = """\
import torch

a = torch.rand(2, 2, requires_grad=True)
print(a.requires_grad)
print(a)
b = a.detach()
print(b.requires_grad)
print(b)
"""
# The notebook's cell reuses an `x` from an earlier section; this preset makes its own.
CELL_19 = """\
import torch

x = torch.randn(3, requires_grad=True)
a = torch.rand(2, 2, requires_grad=True)
print(a.requires_grad)
with torch.no_grad():
    print((x + 2).requires_grad)
"""
CELL_ZERO = """\
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

CELLS: dict[str, str] = {
    "3": CELL_3, "5": CELL_5, "7": CELL_7, "10": CELL_10, "14": CELL_14, "15": CELL_15, "16": CELL_16,
    "18": CELL_18, "19": CELL_19, "zero": CELL_ZERO,
}


def program(*cells: str) -> str:
    """The cells joined, in order, into one program (a blank line between them)."""
    return "\n".join(CELLS[cell] for cell in cells)
