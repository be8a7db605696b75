"""The engine's modules import each other without cycles.

Every import counts, at module level or inside a function (a deferred import is how a cycle hides), except
those under `if TYPE_CHECKING:`. Importing `a.b.c` also runs the package `a.b`, so that is an edge too,
unless the importer lives inside `a.b` itself (its package is already running by then).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in ENGINE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(tree: ast.AST) -> list[str]:
    """Engine modules named by the import statements, skipping `if TYPE_CHECKING:` blocks."""
    names: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.append(submodule if submodule in MODULES else node.module)
        stack.extend(ast.iter_child_nodes(node))
    return [name for name in names if name in MODULES]


def _packages_run(target: str, importer: str) -> list[str]:
    """`target` and the packages above it that importing it runs, minus the importer's own packages."""
    parts = target.split(".")
    chain = [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
    return [name for name in chain if not importer.startswith(name + ".") and name != importer]


def import_graph(modules: dict[str, Path] = MODULES) -> dict[str, set[str]]:
    """Each engine module and the engine modules importing it runs."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target in _imported(ast.parse(path.read_text(), filename=str(path))):
            graph[name].update(_packages_run(target, name))
    return graph


def test_engine_modules_import_without_cycles():
    try:
        tuple(graphlib.TopologicalSorter(import_graph()).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_the_checker_sees_a_deferred_import_and_the_package_it_runs():
    tree = ast.parse("def f():\n    from engine._tensor import Tensor\n")
    assert _imported(tree) == ["engine._tensor"]
    runs = _packages_run("engine.autograd.graph", "engine._tensor")
    assert runs == ["engine.autograd", "engine.autograd.graph"]
    assert _packages_run("engine.ops._args", "engine.ops.unary") == ["engine.ops._args"]
