"""The app's plain modules on real sandbox runs: gradient check, toggles, training ledger, backward plan."""

from __future__ import annotations

import numpy as np
import pytest

import sandbox
from explorer.backwardplan import backward_program, forward_part, root_choices
from explorer.gradcheck import Budget, check_gradients, nudge_program
from explorer.presets import preset_code
from explorer.runinfo import (
    backward_calls,
    detach_toggles,
    inspector_rows,
    leaf_toggles,
    statement_toggles,
    value_text,
)
from explorer.training import TrainingSettings, training_history, training_script
from sandbox import Limits


def run(source: str):
    return sandbox.run(source, limits=Limits(record_max_backward_details=60))


# --- finite differences ------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["seed10", "seed15", "seed16", "seed_zero", "training"])
def test_finite_differences_agree_with_autograd_on_the_presets(preset):
    source = preset_code(preset)
    record = run(source)
    checks = check_gradients(source, record, run)
    if preset == "seed16":  # it never calls backward()
        assert checks == []
        return
    assert checks
    for check in checks:
        assert check.reason is None, (check.label, check.reason)
        assert check.agrees, (check.label, check.autograd, check.numeric)


def test_the_vjp_preset_estimates_2048_times_w():
    source = preset_code("seed15")
    [check] = check_gradients(source, run(source), run)
    np.testing.assert_allclose(check.numeric, 2048 * np.array([0.1, 1.0, 0.0001, 0.01, 0.001]), rtol=2e-2,
                               atol=0.05)


def test_a_wrong_gradient_is_caught():
    # Autograd is right, so compare the estimate with a deliberately wrong "autograd" value instead.
    source = preset_code("seed10")
    [check] = check_gradients(source, run(source), run)
    assert not np.allclose(check.numeric, 2 * np.asarray(check.autograd), rtol=2e-2)


def test_a_leaf_made_inside_a_loop_is_reported_not_checked():
    source = (
        "import torch\n"
        "total = torch.zeros(1)\n"
        "for i in range(2):\n"
        "    w = torch.ones(1, requires_grad=True)\n"
        "    total = total + w * 3\n"
        "total.sum().backward()\n"
    )
    checks = check_gradients(source, run(source), run)
    assert checks and all(check.reason == "gc_nested" for check in checks)
    assert checks[0].reason_params == {"line": 4}


def test_large_leaves_are_checked_on_their_first_elements():
    source = "import torch\nx = torch.ones(30, requires_grad=True)\n(x * x).sum().backward()\n"
    [check] = check_gradients(source, run(source), run, max_elements=4)
    assert (check.checked, check.total) == (4, 30)
    assert check.agrees


class _SlowClock:
    """A clock in which every program run takes one second."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def slow_run(self, source: str):
        self.now += 1.0
        return run(source)


def test_a_slow_program_is_checked_on_fewer_elements_within_the_budget():
    source = (
        "import torch\nx = torch.ones(6, requires_grad=True)\nw = torch.ones(3, requires_grad=True)\n"
        "((x * x).sum() + (w * 3).sum()).backward()\n"
    )
    clock = _SlowClock()
    checks = check_gradients(source, run(source), clock.slow_run, budget=Budget(4.5, clock=clock))
    # Each element costs two runs (2 s here): the second pair still fits in 4.5 s, a third would not.
    assert [(c.label, c.checked, c.total, c.reason) for c in checks] == [
        ("x", 2, 6, None), ("w", 0, 3, "gc_budget"),
    ]
    assert checks[0].agrees
    assert clock.now == 4.0


def test_the_nudge_goes_right_after_the_leaf():
    nudged = nudge_program(preset_code("seed3"), 3, "x", (3,), 1, 0.5)
    assert "x = torch.randn(3, requires_grad=True)\nwith torch.no_grad():\n" \
           "    x += torch.tensor([0.0, 0.5, 0.0], dtype=x.dtype)\n" in nudged


# --- what the toggles offer --------------------------------------------------------------------------


def test_toggles_of_the_seed_cells():
    source = preset_code("seed7")
    record = run(source)
    assert [(toggle.name, toggle.line, toggle.requires_grad) for toggle in leaf_toggles(record)] == [
        ("x", 3, True)]
    assert [(toggle.name, toggle.line) for toggle in detach_toggles(record, source)] == [
        ("y", 4), ("z", 10), ("z", 12)]
    lines = [toggle.line for toggle in statement_toggles(record, source)]
    assert lines == [3, 4, 10, 12]


def test_a_detached_assignment_is_offered_as_detached():
    source = preset_code("seed18")
    record = run(source)
    [toggle] = detach_toggles(record, source)
    assert (toggle.name, toggle.detached) == ("b", True)


def test_inspector_rows_of_a_leaf():
    from graph import graph_from_record

    source = preset_code("seed10")
    record = run(source)
    graph = graph_from_record(record)
    leaf = next(node for node, data in graph.nodes(data=True) if data["kind"] == "leaf")
    rows = {row.field: row.value for row in inspector_rows(graph.nodes[leaf], record, source)}
    assert rows["pg.field.grad"] == "tensor([1., 1., 1.])"
    assert rows["pg.field.requires_grad"] == "True"
    assert rows["pg.field.is_leaf"] == "True"
    assert rows["pg.field.line"] == "3: x = torch.randn(3, requires_grad=True)"
    assert value_text(None) == "None"


# --- training ledger ---------------------------------------------------------------------------------


def _grads(settings: TrainingSettings) -> list[list[float]]:
    history = training_history(run(training_script(settings)), settings.parameters)
    assert history.error is None
    return [list(row.grads["weights"]) for row in history.rows]


def test_grad_is_five_every_epoch_when_emptied():
    for zero_at in ("before_backward", "after_step"):
        for update in ("manual", "sgd"):
            assert _grads(TrainingSettings(zero_at=zero_at, update=update)) == [[5.0] * 4] * 5


def test_grad_climbs_without_zero():
    assert _grads(TrainingSettings(zero_at="never")) == [[5.0 * k] * 4 for k in range(1, 6)]


def test_weights_follow_the_update_rule():
    settings = TrainingSettings(epochs=3, lr=0.01)
    history = training_history(run(training_script(settings)), settings.parameters)
    weights = [row.values["weights"][0] for row in history.rows]
    np.testing.assert_allclose(weights, [0.95, 0.9, 0.85], rtol=1e-6)
    np.testing.assert_allclose([row.loss for row in history.rows], [20.0, 19.0, 18.0], rtol=1e-6)


def test_linear_regression_fits_y_equals_2x():
    settings = TrainingSettings(model="linear", epochs=50, lr=0.02, update="sgd")
    history = training_history(run(training_script(settings)), settings.parameters)
    assert len(history.rows) == 50
    assert history.rows[-1].loss < 0.05 < history.rows[0].loss
    assert abs(float(history.rows[-1].values["w"][0]) - 2.0) < 0.2


# --- the Backward page's program ---------------------------------------------------------------------


def test_root_choices_start_with_the_programs_own_backward_root():
    source = preset_code("seed15")
    choices = root_choices(run(forward_part(source)), source)
    assert choices[0].expression == "y"
    assert choices[0].shape == (5,)
    assert choices[0].gradient == "0.1, 1, 0.0001, 0.01, 0.001"


def test_backward_program_runs_and_reaches_the_leaf():
    source = preset_code("seed10")
    choice = root_choices(run(forward_part(source)), source)[0]
    script, lines = backward_program(source, choice, "", retain_graph=False, twice=False)
    assert lines == ["z.backward()"]
    [call] = backward_calls(run(script))
    assert [value.tolist() for value in call.grads_after.values()] == [[1.0, 1.0, 1.0]]


def test_a_program_whose_backward_is_in_a_loop_offers_no_new_root():
    source = preset_code("seed_zero")
    assert root_choices(run(forward_part(source)), source) == []


def test_a_receiver_expression_is_offered_when_its_variables_exist():
    source = "import torch\nx = torch.ones(2, requires_grad=True)\nz = x * 3\nz.mean().backward()\n"
    expressions = [choice.expression for choice in root_choices(run(forward_part(source)), source)]
    assert expressions == ["z.mean()", "z"]
