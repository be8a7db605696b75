"""How runs end: syntax errors with position, runtime errors with torch's own message, our messages in two
languages, and the engine left as it was."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from engine import _grad_mode, _printing, _trace
from sandbox import ERROR_KINDS, MESSAGES, SandboxError, render
from tests.sandbox.helpers import python_run, run

SANDBOX_DIR = Path(__file__).resolve().parents[2] / "sandbox"


def test_syntax_error_has_line_and_column() -> None:
    record = run("x = 1\ny = (2 +\nprint(x)\n")
    assert record.error is not None and record.error.kind == "SyntaxError"
    assert record.error.line == 2 and record.error.col == 5
    assert record.output == "" and record.events == ()


def test_indentation_error_is_a_syntax_error() -> None:
    record = run("for i in range(3):\nprint(i)\n")
    assert record.error is not None and record.error.kind == "SyntaxError" and record.error.line == 2


def test_unsupported_syntax_names_the_construct_and_line() -> None:
    record = run("x = 1\nmatch x:\n    case 1:\n        pass\n")
    assert record.error is not None and record.error.kind == "NotSupportedError"
    assert record.error.line == 2 and "match" in record.error.message


TORCH_ERRORS = {
    "matmul_shapes": "import torch\na = torch.ones(2, 3)\nb = torch.ones(2, 3)\nc = a @ b",
    "implicit_gradient": "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 2).backward()",
    "second_backward": (
        "import torch\nx = torch.ones(2, requires_grad=True)\ny = x.exp().sum()\ny.backward()\ny.backward()"
    ),
    "no_grad_fn": "import torch\nx = torch.ones(2)\nx.sum().backward()",
    "integer_requires_grad": "import torch\nx = torch.tensor([1, 2], requires_grad=True)",
    "leaf_in_place": "import torch\nw = torch.ones(2, requires_grad=True)\nw += 1",
    "broadcast": "import torch\nx = torch.ones(2, 3) + torch.ones(4)",
    "item_of_vector": "import torch\ntorch.ones(3).item()",
}


@pytest.mark.parametrize("name", sorted(TORCH_ERRORS))
def test_runtime_error_carries_torchs_message(name: str) -> None:
    source = TORCH_ERRORS[name]
    _, expected = python_run(source)
    assert expected is not None
    record = run(source)
    assert record.error is not None
    assert record.error.kind == type(expected).__name__
    assert record.error.message == str(expected)
    last_line = source.count("\n") + 1
    assert str(record.error) == f"line {last_line}: {type(expected).__name__}: {expected}"
    assert record.error.message_id is None and record.error.text("vi") == record.error.message


def test_program_can_catch_engine_errors() -> None:
    record = run(
        "import torch\ntry:\n    torch.ones(2, 3) @ torch.ones(2, 3)\nexcept RuntimeError as e:\n"
        "    print('caught:', e)\n"
    )
    assert record.error is None and record.output.startswith(
        "caught: mat1 and mat2 shapes cannot be multiplied"
    )


def test_warnings_are_shown_in_the_output_with_their_line() -> None:
    record = run("import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\nprint(y.grad)\n")
    assert record.error is None
    warning, printed = record.output.splitlines()
    assert warning.startswith(
        "line 4: UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor"
    )
    assert printed == "None"


def test_every_message_exists_in_english_and_vietnamese() -> None:
    for message_id, texts in MESSAGES.items():
        assert set(texts) == {"en", "vi"}, message_id
        fields_en = set(re.findall(r"{(\w+)}", texts["en"]))
        fields_vi = set(re.findall(r"{(\w+)}", texts["vi"]))
        assert fields_en == fields_vi, message_id


def test_every_message_id_used_in_the_code_is_in_the_catalogue() -> None:
    used = set()
    for path in SANDBOX_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:Violation|NotSupported|LimitExceeded|abort)\(\s*"(\w+)"', text))
    assert used and used <= set(MESSAGES)


def test_error_can_be_shown_in_either_language() -> None:
    record = run("import os")
    error = record.error
    assert isinstance(error, SandboxError)
    assert error.text("en") == error.message == render(error.message_id, error.params, "en")
    assert error.text("vi").startswith("không được phép import 'os'")


def test_error_kinds_are_documented() -> None:
    assert {"SyntaxError", "NotSupportedError", "SecurityError", "LimitExceeded", "RuntimeError"} <= set(
        ERROR_KINDS
    )


def test_engine_state_is_restored_after_a_run() -> None:
    options = _printing.get_printoptions()
    limit = sys.getrecursionlimit()
    record = run(
        "import torch\ntorch.set_grad_enabled(False)\nfrom torch import nn\nraise ValueError('stop')\n"
    )
    assert record.error is not None and record.error.kind == "ValueError"
    assert _grad_mode.is_grad_enabled()
    assert _trace.active() is None
    assert _printing.get_printoptions() == options
    assert sys.getrecursionlimit() == limit


def test_print_options_set_by_a_program_do_not_leak() -> None:
    options = _printing.get_printoptions()
    _printing.set_printoptions(precision=2)
    try:
        changed = _printing.get_printoptions()
        run("import torch\nprint(torch.tensor([1.23456]))")
        assert _printing.get_printoptions() == changed
    finally:
        _printing.set_printoptions(**options)
