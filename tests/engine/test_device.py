"""The device idiom and the small API pieces tutorials start with, against real torch.

Each case is an expression run on both libraries; they must give the same repr, or raise the same error
type with the same message.
"""

from __future__ import annotations

import warnings

import pytest
import torch

import engine


def _outcome(lib, expression: str) -> str:
    try:
        return repr(eval(expression, {"torch": lib, "x": lib.ones(2)}))  # noqa: S307 - test expressions
    except Exception as error:  # noqa: BLE001 - the error is the outcome compared
        return f"{type(error).__name__}: {error}"


DEVICE_CASES = [
    "torch.device('cpu')",
    "torch.device('cuda:1')",
    "torch.device('cuda', 0)",
    "str(torch.device('cuda', 2))",
    "torch.device('gpu')",
    "torch.device('cuda:x')",
    "torch.device('cuda', -1)",
    "torch.device(torch.device('cpu'))",
    "torch.device('cpu') == 'cpu'",
    "torch.device('cpu') == torch.device('cpu')",
    "torch.device('cuda') == torch.device('cuda:0')",
    "x.device",
    "x.device == torch.device('cpu')",
    "x.device.type",
    "x.cpu() is x",
    "x.to('cpu') is x",
    "x.to(torch.device('cpu')) is x",
    "x.to('cpu', torch.float64)",
    "x.to(device='cpu', dtype=torch.int64)",
    "x.to(torch.float16)",
    "x.cuda()",
    "x.cuda(0)",
    "x.to('cuda')",
    "x.to('cuda:0')",
    "x.to(torch.device('cuda'))",
    "x.to('mps')",
    "x.to('xpu')",
    "torch.zeros(2, device='cuda')",
    "torch.randn(2, device=torch.device('cuda'))",
    "torch.tensor([1.0], device='cuda')",
    "torch.ones(2, device='cpu')",
    "torch.cuda.is_available()",
    "torch.cuda.device_count()",
    "torch.cuda.current_device()",
    "torch.cuda.manual_seed(1)",
    "torch.cuda.manual_seed_all(1)",
    "torch.accelerator.is_available()",
    "torch.accelerator.current_accelerator()",
    "torch.backends.mps.is_available()",
    "(torch.backends.cudnn.is_available(), torch.backends.cudnn.deterministic)",
    "torch.backends.cudnn.benchmark",
    "torch.backends.cuda.is_built()",
    "torch.are_deterministic_algorithms_enabled()",
    "torch.get_default_device()",
    "torch.nn.Linear(1, 1).to('cpu')",
    "torch.nn.Linear(1, 1).cpu()",
    "torch.nn.Linear(1, 1).cuda()",
    "torch.nn.Linear(1, 1).cuda(0)",
    "torch.nn.Linear(1, 1).to('cuda')",
    "torch.nn.Sequential().cuda()",
    "torch.nn.Linear(1, 1).to(torch.float64).weight.dtype",
    "torch.nn.Linear(1, 1).to('cpu', torch.float64).bias.dtype",
]


SMALL_CASES = [
    "type(x)",
    "type(torch.nn.Linear(1, 1))",
    "torch.nn.Linear",
    "torch.nn.MSELoss",
    "type(torch.float32)",
    "type(x.shape)",
    "type(torch.device('cpu'))",
    "type(torch.nn.Parameter(x))",
    "torch.Tensor",
    "torch.linspace(-10, 10, steps=1)",
    "torch.linspace(0, 1, steps=0)",
    "torch.result_type(torch.tensor(1), 1.0)",
    "torch.result_type(torch.tensor([1, 2]), torch.tensor(1.5))",
    "torch.get_default_dtype()",
    "torch.Tensor([1, 2])",
    "torch.Tensor([[1.5], [2]])",
    "torch.Tensor(2, 3).shape",
    "torch.Tensor()",
    "torch.Tensor(torch.Size([2, 1])).shape",
    "torch.Tensor(2.5)",
    "torch.Tensor([1, 2], requires_grad=True)",
    "torch.Tensor([[1], [2, 3]])",
    "torch.Tensor(torch.tensor([1, 2]))",
    "torch.FloatTensor([1, 2])",
    "torch.LongTensor([1.7, 2])",
    "torch.DoubleTensor(2).dtype",
    "torch.BoolTensor([1, 0])",
    "torch.FloatTensor",
    "isinstance(x, torch.FloatTensor)",
    "isinstance(x, torch.LongTensor)",
    "torch.randn(size=(2, 3)).shape",
    "torch.rand(size=(4,)).shape",
]


@pytest.mark.parametrize("expression", DEVICE_CASES + SMALL_CASES)
def test_expression_matches_torch(expression):
    assert _outcome(engine, expression) == _outcome(torch, expression)


def test_default_dtype_changes_factories_and_printing():
    expressions = "torch.tensor([1.5]), torch.ones(2), torch.arange(0.0, 2), torch.Tensor([1]), " \
                  "torch.nn.Linear(1, 1).weight.dtype, torch.tensor([1.0], dtype=torch.float32)"
    outcomes = []
    for lib in (engine, torch):
        lib.set_default_dtype(lib.float64)
        try:
            outcomes.append(_outcome(lib, expressions))
        finally:
            lib.set_default_dtype(lib.float32)
    assert outcomes[0] == outcomes[1]


def test_default_dtype_refuses_integers_like_torch():
    assert _outcome(engine, "torch.set_default_dtype(torch.int64)") == _outcome(
        torch, "torch.set_default_dtype(torch.int64)"
    )


def test_default_device_cuda_is_accepted_then_factories_fail():
    outcomes = []
    for lib in (engine, torch):
        lib.set_default_device("cuda")
        try:
            outcomes.append(_outcome(lib, "torch.zeros(1)"))
        finally:
            lib.set_default_device("cpu")
    assert outcomes[0] == outcomes[1] == "AssertionError: Torch not compiled with CUDA enabled"


@pytest.mark.parametrize(
    "options", [{"precision": 2}, {"sci_mode": False}, {"precision": 6, "linewidth": 40}]
)
def test_set_printoptions_prints_like_torch(options):
    texts = []
    for lib in (engine, torch):
        lib.set_printoptions(**options)
        try:
            texts.append(str(lib.tensor([1.234567, 1e-7, 250.0, 3.5, 7.25, 8.125])))
        finally:
            lib.set_printoptions(profile="default")
            lib.set_printoptions(sci_mode=None)
    assert texts[0] == texts[1]


def test_float_of_a_grad_tensor_warns_once_like_torch():
    """torch warns on float(t) when t requires grad, once per process, and not for int() or .item()."""
    engine._conversion._warned[0] = False
    t = engine.tensor([1.5], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        int(t), t.item()
        assert caught == []
        assert float(t) == 1.5
        float(t * 2)
    assert [str(w.message) for w in caught] == [engine._conversion.SCALAR_GRAD_WARNING]
    assert caught[0].category is UserWarning
