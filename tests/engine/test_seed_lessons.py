"""The seed lesson's four sections, each run under torch and under the engine and compared.

The engine's random numbers are torch's, so the notebook's draws are kept, seeded, and every printed digit
is compared.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from contextlib import redirect_stdout

import pytest
import torch

import engine
from explorer import seed

ADDRESS = re.compile(r"0x[0-9a-f]+")


def _printed(program: str, lib) -> str:
    """What `program` prints with `import torch` giving `lib` (real torch, or the engine)."""
    buffer = io.StringIO()
    saved = sys.modules.get("torch")
    sys.modules["torch"] = lib
    try:
        with redirect_stdout(buffer):
            exec(compile(program, "<lesson>", "exec"), {"__name__": "__main__"})  # our own lesson text
    finally:
        sys.modules["torch"] = saved
    return ADDRESS.sub("0x…", buffer.getvalue())


# The notebook's sections as the app teaches them (explorer.seed, the one copy of its cells); the
# notebook draws unseeded random numbers, so a seed is set first: the engine's generator is torch's.
SECTIONS = {
    "autograd_package": ("3", "5", "7"),
    "backward": ("3", "5", "7", "10"),
    "vector_jacobian": ("14", "15"),
    "requires_grad_and_detach": ("16", "18"),
    "no_grad": ("19",),
    "empty_gradients": ("zero",),
}


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_seed_lesson_prints_what_torch_prints(section):
    program = "import torch\ntorch.manual_seed(0)\n" + seed.program(*SECTIONS[section])
    assert _printed(program, engine) == _printed(program, torch)


def test_mean_backward_gives_ones():
    x = engine.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
    ((x + 2) * 3 + 3).mean().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_grad_accumulates_without_zero():
    weights = engine.ones(4, requires_grad=True)
    for epoch in range(1, 4):
        (weights * 5).sum().backward()
        assert weights.grad.tolist() == [5.0 * epoch] * 4


def test_zero_resets_accumulation():
    weights = engine.ones(4, requires_grad=True)
    for _ in range(3):
        (weights * 5).sum().backward()
        assert weights.grad.tolist() == [5.0] * 4
        weights.grad.zero_()


def test_vector_jacobian_product_scales_by_2048():
    x = engine.tensor([-1.1477, 1.2997, 0.3202, -0.8102, -1.2584], requires_grad=True)
    y = x * 2
    for _ in range(10):
        y = y * 2
    w = engine.tensor([0.1, 1.0, 0.0001, 0.01, 0.001])
    y.backward(w)
    assert x.grad.tolist() == pytest.approx([2048 * v for v in w.tolist()], rel=1e-6)


def test_detach_shares_data_but_not_history():
    a = engine.ones(2, requires_grad=True)
    b = a.detach()
    assert not b.requires_grad and b.grad_fn is None
    with engine.no_grad():
        a.mul_(3)
    assert b.tolist() == [3.0, 3.0]


def test_no_grad_results_are_leaves_without_grad():
    x = engine.ones(3, requires_grad=True)
    with engine.no_grad():
        y = x * 2
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None


def test_non_scalar_backward_needs_gradient():
    x = engine.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_importing_engine_loads_no_ui_library():
    code = (
        "import sys, engine, engine.nn, engine.optim\n"
        "print(sorted(m for m in ('networkx', 'plotly', 'streamlit', 'torch') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
