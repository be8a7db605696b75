"""Sandbox overhead.

- The interpreter: a program run through `sandbox.interpret` against the same text run as plain Python
  with `torch` resolved to the engine (`python -m engine SCRIPT.py`). Target: at most 3x.
- The worker round trip: the seed lesson through `sandbox.run` (a confined worker process) against
  `sandbox.interpret` in this process, medians. Target: at most 15 ms more.
- Beside a bomb: a tiny program's run while another session's program runs a long C call, against the
  same tiny run alone. Target: at most 100 ms more.
- A classroom: 30 simultaneous runs of the seed lesson from 30 threads, on a pool of one worker per
  core. Target: the slowest 5% finish within 3 s.
"""

from __future__ import annotations

import contextlib
import io
import runpy
import statistics
import tempfile
import threading
import time
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
        record = sandbox.interpret(source)
        if record.error is not None:
            raise RuntimeError(f"{name}: the program fails in the sandbox: {record.error}")
        ours = measure(lambda: sandbox.interpret(source), repeat=5)
        baseline = measure(lambda: _plain(str(path)), repeat=5)
    return Result(name, ours, baseline, "plain Python + engine", "<= 3x")


def _median(fn, calls: int = 21) -> float:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _round_trip(source: str) -> Result:
    sandbox.run(source)  # the fork server and the warm workers are up
    local = _median(lambda: sandbox.interpret(source))
    isolated = _median(lambda: sandbox.run(source))
    bound = (local + 0.015) / local
    return Result("sandbox: worker round trip, seed lesson (median)", isolated, local,
                  "in-process interpreter", f"<= {bound:.2f}x")


# One C call that runs for seconds (integer matrix products have no fast path); these limits let the
# interpreter's own cost check through, so only the worker's deadline stops it.
_BOMB = "import torch\na = torch.ones(3000, 3000, dtype=torch.int64)\nb = a @ a\n"
_BOMB_LIMITS = sandbox.Limits(max_seconds=4.0, max_matmul_work=10**15, max_tensor_elements=10**8)
_TINY = "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 2).sum().backward()\nprint(x.grad)\n"


def _beside_a_bomb() -> Result:
    alone = _median(lambda: sandbox.run(_TINY), calls=11)
    bomb = threading.Thread(target=lambda: sandbox.run(_BOMB, limits=_BOMB_LIMITS, session="bomb"))
    bomb.start()
    time.sleep(0.3)  # the bomb holds its worker
    beside = _median(lambda: sandbox.run(_TINY, session="tiny"), calls=11)
    bomb.join()
    return Result("sandbox: tiny run beside a running bomb (median)", beside, alone, "the same run alone",
                  f"<= {(alone + 0.1) / alone:.2f}x")


def _classroom(source: str, clicks: int = 30, budget: float = 3.0) -> Result:
    latencies: list[float] = []
    start = threading.Barrier(clicks)

    def click() -> None:
        start.wait()
        began = time.perf_counter()
        record = sandbox.run(source)
        latencies.append(time.perf_counter() - began)
        if record.error is not None:
            raise RuntimeError(f"classroom run failed: {record.error}")

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p95 = statistics.quantiles(latencies, n=20)[-1]
    return Result(f"sandbox: {clicks} simultaneous runs, seed lesson (p95)", p95, budget,
                  f"{budget:.0f} s budget", "<= 1x")


def run() -> list[Result]:
    seed = SEED.read_text(encoding="utf-8")
    return [
        _ratio("sandbox: seed lesson", seed),
        _ratio("sandbox: 100-epoch training loop", TRAINING),
        _round_trip(seed),
        _beside_a_bomb(),
        _classroom(seed),
    ]
