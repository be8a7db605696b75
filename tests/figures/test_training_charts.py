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


# --- the epoch axis and the colours --------------------------------------------------------------------

from figures.theme import THEMES  # noqa: E402
from figures.training_charts import CHART_COLOURS, epoch_ticks  # noqa: E402


@pytest.mark.parametrize("count", [1, 2, 5, 9, 10, 17, 30, 50, 137])
def test_epoch_ticks_stay_few_inside_one_to_n(count):
    ticks = epoch_ticks(count)
    assert ticks[0] == 1 and ticks[-1] <= count
    assert len(ticks) <= 8
    assert ticks == sorted(set(ticks))


def test_fifty_epochs_are_labelled_every_ten():
    assert epoch_ticks(50) == [1, 10, 20, 30, 40, 50]
    assert epoch_ticks(5) == [1, 2, 3, 4, 5]


def _rows(count):
    return [EpochRecord(k, 1.0 / k, {"w": float(k)}, {"w": 1.0 - k / 100}) for k in range(1, count + 1)]


def test_the_epoch_axis_spans_one_to_n_even_while_the_lines_grow():
    figure = training_figure(_rows(3), epochs=50)
    for axis in (figure.layout.xaxis, figure.layout.xaxis2, figure.layout.xaxis3):
        assert tuple(axis.range) == (1, 50)
        assert max(axis.tickvals) <= 50 and min(axis.tickvals) >= 1
    assert all(trace.cliponaxis is False for trace in figure.data)  # end markers are not cut in half
    staircase = staircase_figure([5.0] * 3, [5.0, 10.0, 15.0], calls=50)
    assert tuple(staircase.layout.xaxis.range) == (1, 50)


def test_a_single_epoch_gets_a_unit_range_around_it():
    figure = training_figure(_rows(1))
    assert tuple(figure.layout.xaxis.range) == (0.5, 1.5)


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_chart_line_keeps_three_to_one_contrast_on_both_backgrounds(theme):
    ledger = [EpochRecord(k, 1.0, {"a": np.ones(4) * k, "b": 1.0, "c": 2.0}, {"a": np.ones(4), "b": 1.0})
              for k in (1, 2)]
    figures = (training_figure(ledger, theme=theme), staircase_figure([5.0], [5.0], theme=theme))
    colours = {trace.line.color for figure in figures for trace in figure.data}
    assert len(colours) >= 8 and colours <= set(CHART_COLOURS)
    for colour in colours:
        for background in (THEMES["light"].background, THEMES["dark"].background):
            assert contrast(colour, background) >= 3.0, (colour, background)
