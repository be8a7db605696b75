"""Errors that teach: each learner mistake gets a hint in both languages; its fix makes the program run."""

from __future__ import annotations

import pytest

import sandbox
from explorer.errorhints import FIXES, RULES, available_fixes, empty_graph_key, hint_for
from explorer.i18n import TEXTS, t
from tests.app.conftest import start, texts

MISTAKES = {
    "backward_twice": "import torch\nx = torch.ones(2, requires_grad=True)\ny = (x * x).sum()\n"
                      "y.backward()\ny.backward()\n",
    "non_scalar": "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\ny.backward()\n",
    "leaf_inplace": "import torch\nw = torch.ones(2, requires_grad=True)\nloss = (w * 2).sum()\n"
                    "loss.backward()\nw -= 0.1 * w.grad\n",
    "saved_modified": "import torch\nx = torch.ones(2, requires_grad=True)\ny = x.exp()\ny.add_(1)\n"
                      "y.sum().backward()\n",
    "int_requires_grad": "import torch\nx = torch.tensor([1, 2], requires_grad=True)\n",
    "matmul_shapes": "import torch\nlayer = torch.nn.Linear(3, 1)\ny = layer(torch.ones(2, 4))\n",
    "mv_shapes": "import torch\ny = torch.ones(2, 3).mv(torch.ones(2))\n",
    "numpy_requires_grad": "import torch\nx = torch.ones(2, requires_grad=True)\nprint(x.numpy())\n",
}


def _error(source: str):
    record = sandbox.run(source)
    assert record.error is not None
    return record.error


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_learner_mistake_is_recognised(mistake):
    assert hint_for(_error(MISTAKES[mistake])).id == mistake


def test_the_shapes_of_a_linear_mismatch_fill_the_hint():
    hint = hint_for(_error(MISTAKES["matmul_shapes"]))
    assert hint.params == {"a": "2", "b": "4", "c": "3", "d": "1"}
    assert "2×4" in t("hint.matmul_shapes", "vi", **hint.params)


def test_other_errors_get_no_hint():
    assert hint_for(_error("import torch\nprint(undefined_name)\n")) is None
    assert hint_for(_error("x = = 1\n")) is None
    assert hint_for(None) is None


def test_every_hint_and_fix_has_its_texts():
    keys = {f"hint.{rule.id}" for rule in RULES} | {f"fix.{fix}" for rule in RULES for fix in rule.fixes}
    assert keys <= set(TEXTS)
    assert {fix for rule in RULES for fix in rule.fixes} <= set(FIXES)


@pytest.mark.parametrize("mistake, fix, expected_line", [
    ("backward_twice", "retain_graph", "y.backward(retain_graph=True)"),
    ("non_scalar", "ones_like", "y.backward(gradient=torch.ones_like(y))"),
    ("non_scalar", "sum", "y.sum().backward()"),
    ("leaf_inplace", "no_grad", "with torch.no_grad():"),
    ("numpy_requires_grad", "detach_numpy", "print(x.detach().tolist())"),
])
def test_each_fix_makes_the_program_run(mistake, fix, expected_line):
    source = MISTAKES[mistake]
    error = _error(source)
    fixes = dict(available_fixes(hint_for(error), source, error.line))
    fixed = fixes[fix]
    assert expected_line in fixed.splitlines()
    assert sandbox.run(fixed).error is None


def test_retain_graph_goes_on_the_call_in_a_loop_when_it_is_the_only_one():
    source = ("import torch\nx = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n"
              "for _ in range(2):\n    y.backward()\n")
    error = _error(source)
    fixed = dict(available_fixes(hint_for(error), source, error.line))["retain_graph"]
    assert "    y.backward(retain_graph=True)" in fixed.splitlines()
    assert sandbox.run(fixed).error is None


def test_no_fix_is_offered_when_the_line_no_longer_holds_the_call():
    error = _error(MISTAKES["non_scalar"])
    assert available_fixes(hint_for(error), "import torch\nprint(1)\n", error.line) == []


def test_the_empty_graph_message_says_whether_the_program_ran():
    assert empty_graph_key(sandbox.run("x = = 1\n")) == "common.did_not_run"
    assert empty_graph_key(sandbox.run("import torch\nprint(nope)\n")) == "common.stopped_early"
    assert empty_graph_key(sandbox.run("import torch\nx = torch.ones(2)\n")) == "common.empty_graph"


# --- on the page -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_playground_shows_torchs_message_then_the_hint_in_the_language(lang):
    at = start(lang, "app_pages/playground.py", program=MISTAKES["non_scalar"])
    assert "grad can be implicitly created only for scalar outputs" in at.error[0].value
    assert t("hint.non_scalar", lang) in [info.value for info in at.info]


def test_a_fix_button_fixes_the_program_in_one_click():
    at = start("en", "app_pages/playground.py", program=MISTAKES["backward_twice"])
    at.button(key="pg_fix_retain_graph").click().run()
    assert "y.backward(retain_graph=True)" in at.session_state["program"]
    assert not at.error
    assert "+y.backward(retain_graph=True)" in texts(at)  # the diff of what changed


def test_a_syntax_error_says_the_program_did_not_run():
    at = start("vi", "app_pages/playground.py", program="import torch\nx = = 1\n")
    infos = [info.value for info in at.info]
    assert t("common.did_not_run", "vi") in infos
    assert t("common.empty_graph", "vi") not in infos
