"""The Learn page's four lessons, following the seed notebook's four sections.

Each lesson has a program (shown, run, drawn and openable in the Playground) and a predict-then-reveal
question. The words are in the text catalogue under `lesson.<id>.*`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One section of the seed lesson."""

    id: str
    code: str
    choices: tuple[str, ...]   # catalogue keys of the answers, in the order shown
    answer: int                # index of the right choice


_GRAD_FN = """\
import torch

x = torch.randn(3, requires_grad=True)
y = x + 2
print(x)
print(x.grad_fn)
print(y)
print(y.grad_fn)

z = y * 3
print(z)
z = z + 3
print(z)
"""
_VJP = """\
import torch

x = torch.randn(5, requires_grad=True)
y = x * 2
for _ in range(10):
    y = y * 2
print(y.shape)

w = torch.tensor([0.1, 1.0, 0.0001, 0.01, 0.001], dtype=torch.float32)
y.backward(w)
print(x.grad)
"""
_STOP = """\
import torch

a = torch.rand(2, 2)
print(a.requires_grad)
b = (a * 5) / (a - 1)
print(b.grad_fn)
a.requires_grad_(True)
b = (a ** 2).sum()
print(b.grad_fn)

c = a.detach()
print(c.requires_grad)
with torch.no_grad():
    d = a + 2
print(d.requires_grad)
"""
_ZERO = """\
import torch

weights = torch.ones(4, requires_grad=True)

for epoch in range(3):
    model_output = (weights * 5).sum()
    model_output.backward()

    print(weights.grad)
    with torch.no_grad():
        weights -= 0.001 * weights.grad

    weights.grad.zero_()
"""

LESSONS: tuple[Lesson, ...] = (
    Lesson("grad_fn", _GRAD_FN, ("lesson.grad_fn.choice.acc_add", "lesson.grad_fn.choice.none_add",
                                 "lesson.grad_fn.choice.none_none"), 1),
    Lesson("vjp", _VJP, ("lesson.vjp.choice.w", "lesson.vjp.choice.error", "lesson.vjp.choice.scaled"), 2),
    Lesson("stop", _STOP, ("lesson.stop.choice.true", "lesson.stop.choice.false",
                           "lesson.stop.choice.error"), 1),
    Lesson("zero", _ZERO, ("lesson.zero.choice.five", "lesson.zero.choice.zero",
                           "lesson.zero.choice.ten"), 2),
)
LESSONS_BY_ID = {lesson.id: lesson for lesson in LESSONS}
