"""explorer.seed is the one source of the seed lesson's programs: its cells are the notebook's code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sandbox
from explorer.lessons import LESSONS_BY_ID
from explorer.presets import PRESETS_BY_ID
from explorer.seed import CELLS, program

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "seed" / "autograd_lesson_vi.txt"


def _normal(line: str) -> str:
    """A line without its comment and with no spaces: the notebook writes `x*2` where a cell has `x * 2`."""
    return re.sub(r"\s+", "", line.split("#")[0])


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_every_line_of_a_cell_is_in_the_notebook(cell):
    notebook = {_normal(line) for line in NOTEBOOK.read_text(encoding="utf-8").splitlines()}
    for line in CELLS[cell].splitlines():
        if line.strip():
            assert _normal(line) in notebook, f"cell {cell}: {line!r} is not the notebook's"


def test_presets_and_lessons_are_built_from_the_cells():
    assert PRESETS_BY_ID["seed10"].code == program("3", "5", "7", "10")
    assert LESSONS_BY_ID["vjp"].code == PRESETS_BY_ID["seed15"].code
    assert CELLS["zero"] == PRESETS_BY_ID["seed_zero"].code
    assert LESSONS_BY_ID["zero"].code == CELLS["zero"].replace("range(5)", "range(3)")
    assert LESSONS_BY_ID["zero"].code != CELLS["zero"]


@pytest.mark.parametrize("cells", [("3", "5", "7", "10"), ("14", "15"), ("16",), ("18",), ("19",), ("zero",)])
def test_joined_cells_run_on_their_own(cells):
    assert sandbox.run(program(*cells), seed=0).error is None
