"""Python's scoping rules, decided once before the program runs.

Every function, lambda, comprehension and class body gets a `Scope` with the names it binds. A name load
then resolves statically to LOCAL, FREE (a variable of an enclosing function, `hops` frames up),
GLOBAL or CLASS (a class body: its own namespace first, then as in the enclosing scope), exactly as the
Python compiler decides it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOCAL, FREE, GLOBAL, CLASS = "local", "free", "global", "class"

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCTIONS = (ast.FunctionDef, ast.Lambda)


@dataclass(eq=False)
class Scope:
    """The names one function, lambda, comprehension, class body or the module binds."""

    kind: str  # "module" | "function" | "class" | "comprehension"
    parent: Scope | None
    bound: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    declarations: dict[str, ast.AST] = field(default_factory=dict)  # the `nonlocal` statement of each name

    def resolve(self, name: str) -> tuple[str, int]:
        """How a load or store of `name` in this scope is looked up: (kind, frames up)."""
        if self.kind == "module" or name in self.globals:
            return GLOBAL, 0
        if self.kind == "class":
            return CLASS, 0
        if name in self.bound and name not in self.nonlocals:
            return LOCAL, 0
        return self._enclosing(name)

    def _enclosing(self, name: str) -> tuple[str, int]:
        hops = 0
        scope = self.parent
        while scope is not None:
            if scope.kind == "class":  # class bodies are invisible to the functions inside them
                scope = scope.parent
                continue
            hops += 1
            if scope.kind == "module" or name in scope.globals:
                return GLOBAL, 0
            if name in scope.bound and name not in scope.nonlocals:
                return FREE, hops
            scope = scope.parent
        return GLOBAL, 0

    def function_parent(self) -> Scope | None:
        """The nearest enclosing scope that has a frame (classes are skipped)."""
        scope = self.parent
        while scope is not None and scope.kind == "class":
            scope = scope.parent
        return scope


class ScopeError(Exception):
    """A scoping mistake Python reports as a SyntaxError (e.g. a nonlocal without binding)."""

    def __init__(self, message: str, node: ast.AST) -> None:
        super().__init__(message)
        self.node = node


class TooDeep(Exception):  # noqa: N818 - a limit, not a mistake of the program
    """The syntax tree is nested deeper than the limit (the compiler and interpreter recurse on it)."""

    def __init__(self, node: ast.AST) -> None:
        super().__init__("nested too deeply")
        self.line = getattr(node, "lineno", 1)


class _Binder(ast.NodeVisitor):
    """Collects the names bound in each scope."""

    def __init__(self, max_depth: int) -> None:
        self.scopes: dict[ast.AST, Scope] = {}
        self.current: Scope | None = None
        self.depth = 0
        self.max_depth = max_depth

    # ast.NodeVisitor's own dispatch is the slow part of a pass over the tree: look methods up once per
    # node type, and walk fields directly.
    def visit(self, node: ast.AST) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise TooDeep(node)
        kind = type(node)
        method = _VISITORS.get(kind)
        if method is None:
            method = _VISITORS[kind] = getattr(_Binder, f"visit_{kind.__name__}", _Binder.generic_visit)
        method(self, node)
        self.depth -= 1

    def generic_visit(self, node: ast.AST) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def run(self, tree: ast.Module) -> dict[ast.AST, Scope]:
        module = Scope("module", None)
        self.scopes[tree] = module
        self.current = module
        for statement in tree.body:
            self.visit(statement)
        return self.scopes

    def _bind(self, name: str) -> None:
        assert self.current is not None
        self.current.bound.add(name)

    def _enter(self, node: ast.AST, kind: str) -> Scope:
        scope = Scope(kind, self.current)
        self.scopes[node] = scope
        return scope

    def _within(self, scope: Scope, nodes: list[ast.AST]) -> None:
        outer, self.current = self.current, scope
        for node in nodes:
            self.visit(node)
        self.current = outer

    # -- binding constructs ---------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._bind(node.id)

    def visit_Global(self, node: ast.Global) -> None:
        assert self.current is not None
        self.current.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        assert self.current is not None
        if self.current.kind == "module":
            raise ScopeError("nonlocal declaration not allowed at module level", node)
        self.current.nonlocals.update(node.names)
        self.current.bound.update(node.names)
        for name in node.names:
            self.current.declarations.setdefault(name, node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name.partition(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # A walrus inside a comprehension binds in the enclosing function, as in Python.
        scope = self.current
        while scope is not None and scope.kind == "comprehension":
            scope = scope.parent
        assert scope is not None
        scope.bound.add(node.target.id)
        self.visit(node.value)

    # -- new scopes -----------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._bind(node.name)
        for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)
        scope = self._enter(node, "function")
        scope.bound.update(_parameter_names(node.args))
        self._within(scope, node.body)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for expression in [*node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)
        scope = self._enter(node, "function")
        scope.bound.update(_parameter_names(node.args))
        self._within(scope, [node.body])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name)
        for expression in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expression)
        scope = self._enter(node, "class")
        self._within(scope, node.body)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, elements: list[ast.AST]
    ) -> None:
        first, *others = node.generators
        self.visit(first.iter)  # evaluated in the enclosing scope
        scope = self._enter(node, "comprehension")
        parts: list[ast.AST] = [first.target, *first.ifs]
        for generator in others:
            parts += [generator.target, generator.iter, *generator.ifs]
        self._within(scope, parts + elements)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    def visit_SetComp(self, node: ast.SetComp) -> None:
        self._comprehension(node, [node.elt])

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        self._comprehension(node, [node.elt])

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    # Annotations are never evaluated (as with `from __future__ import annotations`).
    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        if node.value is not None:
            self.visit(node.value)

    def visit_arg(self, node: ast.arg) -> None:
        return None


_VISITORS: dict[type, Callable[[_Binder, Any], None]] = {}


def _parameter_names(args: ast.arguments) -> list[str]:
    names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


def analyse(tree: ast.Module, max_depth: int = 1_000) -> dict[ast.AST, Scope]:
    """The scope of every module, function, lambda, class body and comprehension node of `tree`.

    Raises TooDeep when the tree is nested more than `max_depth` nodes deep.
    """
    scopes = _Binder(max_depth).run(tree)
    for scope in scopes.values():
        for name in scope.nonlocals:
            kind, _ = scope._enclosing(name)
            if kind != FREE:
                raise ScopeError(f"no binding for nonlocal '{name}' found", scope.declarations[name])
    return scopes
