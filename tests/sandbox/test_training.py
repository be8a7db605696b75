"""Tutorial-style training scripts (nn.Module subclasses, nn.Linear, MSELoss, SGD, Adam) print in the
sandbox exactly what they print with real torch."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import BackwardCall, LoopIteration, OptimizerStep
from tests.sandbox.helpers import normalise, python_output, run

PROGRAMS = Path(__file__).parent / "programs"
SCRIPTS = ["linear_regression.py", "mlp_classifier.py", "manual_gradient_descent.py", "minibatches.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_prints_what_torch_prints(script: str) -> None:
    source = (PROGRAMS / script).read_text(encoding="utf-8")
    expected, error = python_output(source)
    assert error is None
    record = run(source)
    assert record.error is None, str(record.error)
    assert normalise(record.output) == normalise(expected)


def test_training_record_has_one_ledger_entry_per_epoch() -> None:
    record = run((PROGRAMS / "linear_regression.py").read_text(encoding="utf-8"))
    iterations = record.events_of(LoopIteration)
    assert [event.index for event in iterations] == list(range(100))
    assert len(record.events_of(BackwardCall)) == 100
    assert len(record.events_of(OptimizerStep)) == 100
    assert {"model.linear.weight", "model.linear.bias"} <= set(record.names)


def test_user_module_methods_are_called_by_engine_code() -> None:
    source = """
import torch
import torch.nn as nn

class Doubler(nn.Module):
    def forward(self, x):
        return x * 2

class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(Doubler(), nn.ReLU(), Doubler())

    def forward(self, x):
        return self.body(x)

print(Stack()(torch.tensor([-1.0, 3.0])))
print(list(map(Doubler(), [torch.tensor(1.0)])))
print(sorted([3, 1, 2], key=lambda v: -v))
"""
    expected, error = python_output(source)
    assert error is None
    record = run(source)
    assert record.error is None, str(record.error)
    assert record.output == expected


def test_benchmark_programs_run_in_the_sandbox() -> None:
    from benchmarks.bench_sandbox import SEED, TRAINING

    for source in (SEED.read_text(encoding="utf-8"), TRAINING):
        record = run(source)
        assert record.error is None, str(record.error)
