"""`python -m engine SCRIPT.py` (plain, torch resolved to the engine), `python -m sandbox SCRIPT.py`, and its
old spelling `python -m engine --sandbox SCRIPT.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).parent / "programs"


def _module(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _engine(*args: str) -> subprocess.CompletedProcess[str]:
    return _module("engine", *args)


def _torch(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_plain_mode_prints_what_torch_prints() -> None:
    script = PROGRAMS / "linear_regression.py"
    ours, theirs = _engine(str(script)), _torch(script)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout


def test_sandbox_mode_prints_what_torch_prints() -> None:
    script = PROGRAMS / "manual_gradient_descent.py"
    ours, theirs = _engine("--sandbox", str(script)), _torch(script)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout


def test_plain_mode_error_ends_with_type_and_message(tmp_path: Path) -> None:
    script = tmp_path / "broken.py"
    script.write_text("import torch\nprint('start')\ntorch.ones(2, 3) @ torch.ones(2, 3)\n", encoding="utf-8")
    result = _engine(str(script))
    assert result.returncode == 1
    assert result.stdout == "start\n"
    assert result.stderr.strip().splitlines()[-1] == (
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"
    )


def test_plain_mode_passes_arguments(tmp_path: Path) -> None:
    script = tmp_path / "args.py"
    script.write_text("import sys\nimport torch.nn.functional as F\nprint(sys.argv[1:])\n", encoding="utf-8")
    result = _engine(str(script), "--epochs", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['--epochs', '3']\n"


def test_sandbox_mode_error_ends_with_type_and_message(tmp_path: Path) -> None:
    script = tmp_path / "escape.py"
    script.write_text("print('start')\nimport os\n", encoding="utf-8")
    result = _engine("--sandbox", str(script))
    assert result.returncode == 1
    assert result.stdout == ""
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("SecurityError: import of 'os' is not allowed in the sandbox")
    assert "line 2" in result.stderr


def test_sandbox_mode_runtime_error_keeps_output(tmp_path: Path) -> None:
    script = tmp_path / "runtime.py"
    script.write_text(
        "import torch\nprint('start')\nx = torch.ones(3, requires_grad=True)\n(x * 2).backward()\n",
        encoding="utf-8",
    )
    result = _engine("--sandbox", str(script))
    assert result.returncode == 1
    assert result.stdout == "start\n"
    assert result.stderr.strip().splitlines()[-1] == (
        "RuntimeError: grad can be implicitly created only for scalar outputs"
    )


@pytest.mark.parametrize("command", [("sandbox",), ("engine", "--sandbox")], ids=["sandbox", "engine_alias"])
def test_sandbox_command_and_its_alias_print_the_same(command: tuple[str, ...], tmp_path: Path) -> None:
    script = PROGRAMS / "minibatches.py"
    ours, theirs = _module(*command, str(script)), _torch(script)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
