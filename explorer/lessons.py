"""The Learn page's four lessons, following the seed notebook's four sections.

Each lesson has a program (shown, run, drawn and openable in the Playground), made of the notebook's
cells from explorer.seed, and a predict-then-reveal question. The words are in the text catalogue under
`lesson.<id>.*`.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.seed import CELLS, program


@dataclass(frozen=True)
class Lesson:
    """One section of the seed lesson."""

    id: str
    code: str
    choices: tuple[str, ...]   # catalogue keys of the answers, in the order shown
    answer: int                # index of the right choice


# Cells 16, 18 and 19 of the notebook, abridged into one program around the question it asks.
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
# The notebook's loop for three epochs, not five: the staircase shows by the second print, and the graph
# beside the lesson stays small enough to read every label.
_ZERO = CELLS["zero"].replace("range(5)", "range(3)")

LESSONS: tuple[Lesson, ...] = (
    Lesson("grad_fn", program("3", "5", "7"),
           ("lesson.grad_fn.choice.acc_add", "lesson.grad_fn.choice.none_add",
            "lesson.grad_fn.choice.none_none"), 1),
    Lesson("vjp", program("14", "15"),
           ("lesson.vjp.choice.w", "lesson.vjp.choice.error", "lesson.vjp.choice.scaled"), 2),
    Lesson("stop", _STOP, ("lesson.stop.choice.true", "lesson.stop.choice.false",
                           "lesson.stop.choice.error"), 1),
    Lesson("zero", _ZERO, ("lesson.zero.choice.five", "lesson.zero.choice.zero",
                           "lesson.zero.choice.ten"), 2),
)
LESSONS_BY_ID = {lesson.id: lesson for lesson in LESSONS}
