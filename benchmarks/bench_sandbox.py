"""Sandbox overhead: a program run through `sandbox.run` against the same text run as plain
Python with `torch` resolved to the engine (`python -m engine SCRIPT.py`). Target: at most 3x.
"""

from __future__ import annotations

import contextlib
import io
import runpy
import tempfile
from pathlib import Path

import sandbox
from benchmarks._harness import Result, measure
from engine.__main__ import torch_resolved_to_engine

SEED = Path(__file__).resolve().parent.parent / "tests" / "sandbox" / "programs" / "seed_lesson.py"

TRAINING = """
import torch
import torch.nn as nn
import torch.optim as optim


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        x = torch.relu(self.hidden(x))
        return self.out(x)


torch.manual_seed(0)
inputs = torch.randn(16, 3)
targets = inputs.sum(dim=1, keepdim=True) * 0.5
model = Regressor()
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.05)
for epoch in range(100):
    optimizer.zero_grad()
    loss = criterion(model(inputs), targets)
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.4f}")
"""


def _plain(path: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()), torch_resolved_to_engine():
        runpy.run_path(path, run_name="__main__")


def _ratio(name: str, source: str) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "program.py"
        path.write_text(source, encoding="utf-8")
        record = sandbox.run(source)
        if record.error is not None:
            raise RuntimeError(f"{name}: the program fails in the sandbox: {record.error}")
        ours = measure(lambda: sandbox.run(source), repeat=5)
        baseline = measure(lambda: _plain(str(path)), repeat=5)
    return Result(name, ours, baseline, "plain Python + engine", "<= 3x")


def run() -> list[Result]:
    return [
        _ratio("sandbox: seed lesson", SEED.read_text(encoding="utf-8")),
        _ratio("sandbox: 100-epoch training loop", TRAINING),
    ]
