"""The Playground's toggles rewrite the program's text: requires_grad, detach here, run under no_grad."""

from __future__ import annotations

import ast

import pytest

from explorer.codeedit import (
    CodeEditError,
    append_line,
    assigned_names,
    base_name,
    changed_lines,
    diff,
    is_detached,
    is_under_no_grad,
    set_detached,
    set_no_grad,
    set_requires_grad,
    statement_lines,
)
from explorer.presets import PRESETS

SEED = """\
import torch

x = torch.randn(3, requires_grad=True)
y = x + 2  # the add
z = y * 3
for _ in range(2):
  z = z * 2
print(z)
"""


def test_base_name_drops_the_rebinding_subscript():
    assert base_name("y₂") == "y"
    assert base_name("y₁₁") == "y"
    assert base_name("model.weight") == "model.weight"


def test_detach_wraps_the_value_and_keeps_the_comment():
    edited = set_detached(SEED, 4, "y", True)
    assert "y = (x + 2).detach()  # the add" in edited
    assert is_detached(edited, 4, "y")
    assert changed_lines(SEED, edited) == [4]


def test_detach_off_restores_the_original_text():
    assert set_detached(set_detached(SEED, 4, "y", True), 4, "y", False) == SEED


def test_detach_of_a_call_needs_no_parentheses():
    source = "import torch\nx = torch.ones(2, requires_grad=True)\ny = torch.exp(x)\n"
    assert "y = torch.exp(x).detach()" in set_detached(source, 3, "y", True)


def test_detach_is_idempotent():
    once = set_detached(SEED, 5, "z", True)
    assert set_detached(once, 5, "z", True) == once


def test_detach_refuses_a_line_that_does_not_assign_the_name():
    with pytest.raises(CodeEditError) as caught:
        set_detached(SEED, 8, "z", True)
    assert caught.value.message_id == "edit_not_assignment"


def test_requires_grad_off_removes_the_keyword():
    edited = set_requires_grad(SEED, 3, "x", False)
    assert "x = torch.randn(3)\n" in edited
    assert set_requires_grad(edited, 3, "x", True) == SEED


def test_requires_grad_on_a_factory_adds_the_keyword():
    source = "import torch\nw = torch.tensor([0.1, 1.0], dtype=torch.float32)\n"
    edited = set_requires_grad(source, 2, "w", True)
    assert "w = torch.tensor([0.1, 1.0], dtype=torch.float32, requires_grad=True)" in edited
    ast.parse(edited)


def test_requires_grad_keyword_in_a_call_without_arguments_and_with_a_trailing_comma():
    edited = set_requires_grad("import torch\nc = torch.ones()\n", 2, "c", True)
    assert "torch.ones(requires_grad=True)" in edited
    edited = set_requires_grad("import torch\nc = torch.ones(\n    3,\n)\n", 2, "c", True)
    assert "3, requires_grad=True\n)" in edited
    ast.parse(edited)


def test_requires_grad_off_also_flips_a_later_requires_grad_call():
    # The seed's In [16]: `a` is made without the flag and switched on three lines later.
    source = "import torch\na = torch.rand(2, 2)\nb = a * 5\na.requires_grad_(True)\nb = (a ** 2).sum()\n"
    edited = set_requires_grad(source, 2, "a", False)
    assert "a.requires_grad_(False)" in edited
    assert "a.requires_grad_(True)" not in edited


def test_requires_grad_of_a_non_factory_leaf_inserts_a_statement():
    source = "import torch\na = torch.ones(2, requires_grad=True)\nb = a.detach()\nprint(b)\n"
    edited = set_requires_grad(source, 3, "b", True)
    assert edited.splitlines()[3] == "b.requires_grad_()"
    # Switching it off again rewrites that statement rather than adding another.
    again = set_requires_grad(edited, 3, "b", False)
    assert again.count("requires_grad_") == 1
    assert "b.requires_grad_(False)" in again


def test_requires_grad_of_a_module_parameter():
    source = "import torch\nfrom torch import nn\nmodel = nn.Linear(1, 1)\nprint(model.weight)\n"
    edited = set_requires_grad(source, 3, "model.weight", False)
    assert edited.splitlines()[3] == "model.weight.requires_grad_(False)"


def test_no_grad_wraps_one_statement():
    edited = set_no_grad(SEED, 5, True)
    assert "with torch.no_grad():\n    z = y * 3\n" in edited
    assert is_under_no_grad(edited, 6)
    assert set_no_grad(edited, 6, False) == SEED


def test_no_grad_inside_a_loop_keeps_the_loop_indentation():
    edited = set_no_grad(SEED, 7, True)
    assert "for _ in range(2):\n  with torch.no_grad():\n      z = z * 2\n" in edited
    ast.parse(edited)
    assert set_no_grad(edited, 8, False) == SEED


def test_no_grad_off_splits_a_block_and_leaves_the_others_inside():
    source = "import torch\nx = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n" \
             "    a = x * 2\n    b = x * 3\n    c = x * 4\n"
    edited = set_no_grad(source, 5, False)
    assert edited == (
        "import torch\nx = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n    a = x * 2\n"
        "b = x * 3\nwith torch.no_grad():\n    c = x * 4\n"
    )
    assert not is_under_no_grad(edited, 5)
    assert is_under_no_grad(edited, 4) and is_under_no_grad(edited, 7)


def test_no_grad_off_for_a_one_line_block():
    source = "import torch\nx = torch.ones(2, requires_grad=True)\nwith torch.no_grad(): y = x + 1\n"
    assert set_no_grad(source, 3, False).endswith("\ny = x + 1\n")


def test_no_grad_uses_the_programs_name_for_torch():
    source = "import engine as T\nx = T.ones(2, requires_grad=True)\ny = x * 2\n"
    assert "with T.no_grad():\n    y = x * 2" in set_no_grad(source, 3, True)


def test_no_grad_refuses_a_line_shared_by_two_statements():
    with pytest.raises(CodeEditError) as caught:
        set_no_grad("import torch\nx = torch.ones(2); y = x * 2\n", 2, True)
    assert caught.value.message_id == "edit_shared_line"


def test_no_grad_keeps_non_ascii_text_in_place():
    source = "import torch\nx = torch.ones(2, requires_grad=True)\nprint('đạo hàm', x * 2)  # ghi chú\n"
    edited = set_no_grad(source, 3, True)
    assert "    print('đạo hàm', x * 2)  # ghi chú\n" in edited
    ast.parse(edited)


def test_a_syntax_error_is_reported_with_its_line():
    with pytest.raises(CodeEditError) as caught:
        set_no_grad("x = (\n", 1, True)
    assert caught.value.message_id == "edit_syntax"


def test_statement_lines_lists_simple_statements_only():
    assert statement_lines(SEED) == [1, 3, 4, 5, 7, 8]
    assert statement_lines("x = (") == []


def test_assigned_names():
    assert assigned_names(SEED, 4) == ["y"]
    assert assigned_names(SEED, 8) == []


def test_diff_shows_the_old_and_new_line():
    text = diff(SEED, set_detached(SEED, 4, "y", True))
    assert "-y = x + 2  # the add" in text
    assert "+y = (x + 2).detach()  # the add" in text


def test_append_line_adds_a_newline_when_missing():
    assert append_line("x = 1", "y = 2") == "x = 1\ny = 2\n"
    assert append_line("", "y = 2") == "y = 2\n"


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.id)
def test_every_statement_of_every_preset_can_go_under_no_grad_and_back(preset):
    for line in statement_lines(preset.code):
        if line == 1 or preset.code.splitlines()[line - 1].lstrip().startswith(("import", "from")):
            continue
        wrapped = set_no_grad(preset.code, line, True)
        ast.parse(wrapped)
        if is_under_no_grad(preset.code, line):
            continue
        assert set_no_grad(wrapped, line + 1, False) == preset.code
