"""The seed lesson's code runs unchanged in the sandbox and prints what real torch prints."""

from __future__ import annotations

from pathlib import Path

from sandbox import BackwardCall, GradsZeroed, LoopIteration
from tests.sandbox.helpers import normalise, python_output, run

SEED_TEXT = Path(__file__).resolve().parents[2] / "docs" / "seed" / "autograd_lesson_vi.txt"
PROGRAM = Path(__file__).parent / "programs" / "seed_lesson.py"
# The notebook draws its inputs with randn/rand; the program uses the values the notebook printed.
RANDOM_LINES = {
    "x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)": (
        "x = torch.randn(3, requires_grad=True)"
    ),
    "x = torch.tensor([-1.1477,  1.2997,  0.3202, -0.8102, -1.2584], requires_grad=True)": (
        "x = torch.randn(5, requires_grad=True)"
    ),
    "a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]])": "a = torch.rand(2, 2)",
    "a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]], requires_grad=True)": (
        "a = torch.rand(2, 2, requires_grad=True)"
    ),
}


def test_program_is_the_seed_code_with_fixed_inputs() -> None:
    seed_lines = {line.rstrip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()}
    for line in PROGRAM.read_text(encoding="utf-8").splitlines():
        original = RANDOM_LINES.get(line.strip(), line)
        assert original.rstrip() in seed_lines, f"not in the seed: {line!r}"


def test_seed_prints_what_torch_prints() -> None:
    source = PROGRAM.read_text(encoding="utf-8")
    record = run(source)
    expected, error = python_output(source)
    assert error is None
    assert record.error is None
    assert normalise(record.output) == normalise(expected)


def test_seed_teaches_the_expected_gradients() -> None:
    record = run(PROGRAM.read_text(encoding="utf-8"))
    assert "tensor([1., 1., 1.])" in record.output
    assert record.output.count("tensor([5., 5., 5., 5.])") == 5
    calls = record.events_of(BackwardCall)
    assert len(calls) == 7
    # y = x * 2**11, y.backward(w): x.grad = 2048 * w
    vector_jacobian = calls[1]
    assert vector_jacobian.gradient is not None
    leaf = next(iter(vector_jacobian.grads_after))
    assert vector_jacobian.grads_after[leaf].tolist() == [2048 * w for w in vector_jacobian.gradient.tolist()]


def test_seed_training_loop_is_a_ledger_of_five_epochs() -> None:
    record = run(PROGRAM.read_text(encoding="utf-8"))
    iterations = record.events_of(LoopIteration)
    assert [event.index for event in iterations] == [0, 1, 2, 3, 4]
    zeroed = record.events_of(GradsZeroed)
    assert len(zeroed) == 5 and all(event.how == "zero_" for event in zeroed)
    weights = record.names["weights"]
    assert all(event.tensors == (weights,) for event in zeroed)
