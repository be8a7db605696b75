"""Layer rules: the graph package never loads plotly, and neither graph nor figures loads streamlit."""

from __future__ import annotations

import subprocess
import sys

import pytest

_CHECK = (
    "import sys, importlib; importlib.import_module({module!r}); "
    "print(sorted(m for m in ('plotly', 'streamlit', 'torch') if m in sys.modules))"
)


@pytest.mark.parametrize(("module", "loaded"), [("graph", "[]"), ("figures", "['plotly']")])
def test_package_loads_only_its_own_libraries(module, loaded):
    result = subprocess.run([sys.executable, "-c", _CHECK.format(module=module)], capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == loaded
