"""The layer rule: each package imports only the packages below it (docs/design.md's diagram).

    app.py, app_pages -> explorer -> figures -> graph -> sandbox -> engine
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each package and what it may import from the project; a package may always import itself.
ORDER = ["engine", "sandbox", "graph", "figures", "explorer", "app_pages"]
THIRD_PARTY_ALLOWED = {
    "engine": {"numpy"},
    "sandbox": {"numpy", "pyseccomp"},
    "graph": {"numpy", "networkx"},
    "figures": {"numpy", "networkx", "plotly"},
    "explorer": {"numpy", "networkx", "plotly"},  # above graph and figures: anything but streamlit
}
FORBIDDEN_LIBRARIES = {"torch", "streamlit", "plotly", "networkx", "scipy", "pandas"}


def _imports(path: Path) -> set[str]:
    """Top-level names of every module `path` imports, at module level or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ORDER)
def test_package_imports_only_the_layers_below_it(package: str) -> None:
    above = set(ORDER[ORDER.index(package) + 1:])
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & above)
        for path in _files(package)
        if _imports(path) & above
    }
    assert not wrong


@pytest.mark.parametrize("package", sorted(THIRD_PARTY_ALLOWED))
def test_package_uses_only_its_own_libraries(package: str) -> None:
    allowed = THIRD_PARTY_ALLOWED[package]
    wrong = {
        str(path.relative_to(ROOT)): sorted((_imports(path) & FORBIDDEN_LIBRARIES) - allowed)
        for path in _files(package)
        if (_imports(path) & FORBIDDEN_LIBRARIES) - allowed
    }
    assert not wrong


def test_no_layer_imports_the_pages() -> None:
    # app.py routes to the pages; tests and benchmarks drive them; no library code may depend on them.
    importers = [
        str(path.relative_to(ROOT))
        for package in ("engine", "sandbox", "graph", "figures", "explorer")
        for path in _files(package)
        if "app_pages" in _imports(path)
    ]
    assert importers == []


_LOADED = (
    "import sys, importlib; importlib.import_module({module!r}); "
    "print(sorted(m for m in ('networkx', 'plotly', 'streamlit', 'torch') if m in sys.modules))"
)


@pytest.mark.parametrize(
    ("module", "loaded"),
    [("engine", "[]"), ("sandbox", "[]"), ("graph", "['networkx']"), ("figures", "['networkx', 'plotly']")],
)
def test_importing_a_layer_loads_no_library_of_the_layers_above(module: str, loaded: str) -> None:
    result = subprocess.run([sys.executable, "-c", _LOADED.format(module=module)], capture_output=True,
                            text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == loaded
