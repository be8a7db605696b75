"""Training charts: the seed lesson's section 4, `.grad` with and without zero_()."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import engine as torch
from figures import EpochRecord, ledger_from_record, staircase_figure, training_figure
from graph import trace_backward


def _training_run(zero_grad: bool, epochs: int = 3):
    """Section 4 of the seed lesson; each backward call is recorded like the sandbox records it."""
    weights = torch.ones(4, requires_grad=True)
    calls = []
    for _ in range(epochs):
        model_output = (weights * 5).sum()
        calls.append(trace_backward(model_output, labels={"weights": weights, "model_output": model_output}))
        with torch.no_grad():
            weights -= 0.001 * weights.grad
        if zero_grad:
            weights.grad.zero_()
    return SimpleNamespace(events=tuple(calls))


def test_ledger_has_one_row_per_backward_call():
    ledger = ledger_from_record(_training_run(zero_grad=True))
    assert [row.epoch for row in ledger] == [1, 2, 3]
    assert ledger[0].loss == pytest.approx(20.0)
    np.testing.assert_array_equal(ledger[2].grads["weights"], [5.0, 5.0, 5.0, 5.0])
    assert ledger[1].weights["weights"] == pytest.approx([0.995] * 4)


def test_without_zero_grad_the_gradient_climbs_a_staircase():
    with_zero = [row.grads["weights"] for row in ledger_from_record(_training_run(zero_grad=True))]
    without_zero = [row.grads["weights"] for row in ledger_from_record(_training_run(zero_grad=False))]
    figure = staircase_figure(with_zero, without_zero)
    climbing, flat = figure.data
    assert climbing.line.shape == flat.line.shape == "hv"
    np.testing.assert_allclose(climbing.y, [5.0, 10.0, 15.0])
    np.testing.assert_allclose(flat.y, [5.0, 5.0, 5.0])
    assert (climbing.name, flat.name) == ("without .grad.zero_()", "with .grad.zero_()")
    vietnamese = staircase_figure(with_zero, without_zero, lang="vi")
    assert vietnamese.data[1].name == "có .grad.zero_()"


def test_training_figure_draws_loss_grads_and_weights():
    ledger = ledger_from_record(_training_run(zero_grad=True))
    figure = training_figure(ledger, theme="dark")
    names = [trace.name for trace in figure.data]
    assert names[0] == "loss"
    assert "weights[0].grad" in names and "weights[3]" in names
    assert [a.text for a in figure.layout.annotations] == ["loss", "gradient", "weight"]
    assert figure.layout.meta["background"] == "#0E1117"


def test_big_arrays_are_drawn_as_their_mean():
    ledger = [EpochRecord(epoch, 1.0 / epoch, {"W": np.full((3, 3), epoch)}, {"W": np.zeros((3, 3))})
              for epoch in (1, 2)]
    figure = training_figure(ledger, lang="vi")
    assert [trace.name for trace in figure.data] == ["hàm mất mát", "mean(W).grad", "mean(W)"]
    np.testing.assert_allclose(figure.data[1].y, [1.0, 2.0])
