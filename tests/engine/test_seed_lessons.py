"""The seed lesson's four sections, each run under torch and under the engine and compared.

Random draws of the notebook are replaced by fixed values so every printed digit can be compared.
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

ADDRESS = re.compile(r"0x[0-9a-f]+")


def _printed(lesson, lib) -> str:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        lesson(lib)
    return ADDRESS.sub("0x…", buffer.getvalue())


def lesson_autograd_package(torch):
    x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
    y = x + 2
    print(x)
    print(y)
    print(y.grad_fn)
    z = y * 3
    print(z)
    z = z + 3
    print(z)
    print(z.grad_fn.next_functions)


def lesson_backward(torch):
    x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
    z = ((x + 2) * 3 + 3).mean()
    z.backward()
    print(x.grad)


def lesson_vector_jacobian(torch):
    x = torch.tensor([-1.1477, 1.2997, 0.3202, -0.8102, -1.2584], requires_grad=True)
    print(x)
    y = x * 2
    for _ in range(10):
        y = y * 2
    print(y)
    print(y.shape)
    w = torch.tensor([0.1, 1.0, 0.0001, 0.01, 0.001], dtype=torch.float32)
    y.backward(w)
    print(x.grad)


def lesson_requires_grad_(torch):
    a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]])
    print(a.requires_grad)
    b = (a * 5) / (a - 1)
    print(b.grad_fn)
    a.requires_grad_(True)
    print(a.requires_grad)
    b = (a**2).sum()
    print(b.grad_fn)


def lesson_detach(torch):
    a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]], requires_grad=True)
    print(a.requires_grad)
    print(a)
    b = a.detach()
    print(b.requires_grad)
    print(b)


def lesson_no_grad(torch):
    x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
    print(x.requires_grad)
    with torch.no_grad():
        print((x + 2).requires_grad)
    print((x + 2).requires_grad)


def lesson_empty_gradients(torch):
    weights = torch.ones(4, requires_grad=True)
    for _ in range(3):
        model_output = (weights * 5).sum()
        model_output.backward()
        print(weights.grad)
        with torch.no_grad():
            weights -= 0.001 * weights.grad
        weights.grad.zero_()
    print(weights)


def lesson_gradients_accumulate_without_zero(torch):
    weights = torch.ones(4, requires_grad=True)
    for _ in range(3):
        (weights * 5).sum().backward()
        print(weights.grad)


LESSONS = [
    lesson_autograd_package, lesson_backward, lesson_vector_jacobian, lesson_requires_grad_, lesson_detach,
    lesson_no_grad, lesson_empty_gradients, lesson_gradients_accumulate_without_zero,
]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda f: f.__name__)
def test_seed_lesson_prints_what_torch_prints(lesson):
    assert _printed(lesson, engine) == _printed(lesson, torch)


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
