"""Compiling statements, and running the program's functions and classes.

Each statement becomes a closure `(frame) -> signal` that first records its line and counts a step
(so endless loops stop and errors know where they happened). `None` means "go on"; BREAK, CONTINUE and
RETURN travel up to the loop or function that handles them.
"""

from __future__ import annotations
import __future__

import ast
import contextlib
import operator
from collections.abc import Callable
from typing import Any

from sandbox.context import RunContext
from sandbox.errors import NotSupported, SandboxAbort, SecurityViolation, is_builtin_exception
from sandbox.expressions import ExpressionCompiler, Store, bound_names, not_supported, refuse_name
from sandbox.functions import ClassCell, ClassFrame, Frame, FunctionSpec, bind_arguments
from sandbox.namespaces import Namespace
from sandbox.policy import SPECIAL_METHODS, USER_CLASS_MARK, is_user_class
from sandbox.scope import Scope, ScopeError

Statement = Callable[[Frame], Any]


class _Signal:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BREAK, CONTINUE, RETURN = _Signal("BREAK"), _Signal("CONTINUE"), _Signal("RETURN")
LINE_ATTRIBUTE = "sandbox_line"
_CLASS_BODY = (ast.FunctionDef, ast.Assign, ast.AnnAssign, ast.Pass, ast.Expr)
# Methods whose text ends up inside str()/repr()/print of a container or module (Guards.stringify).
_TEXT_METHODS = frozenset({"__repr__", "__str__", "extra_repr"})
_STATEMENT_METHODS: dict[type, Callable[..., Any] | None] = {}


def error_line(error: BaseException) -> int | None:
    """The program line an exception was raised on (set by the innermost statement it crossed)."""
    return getattr(error, LINE_ATTRIBUTE, None)


class Interpreter(ExpressionCompiler):
    """Compiles a parsed program into closures and runs it."""

    def __init__(self, run: RunContext, scopes: dict[ast.AST, Scope]) -> None:
        super().__init__(run, scopes)
        self.handling: list[BaseException] = []  # exceptions being handled, for a bare `raise`
        guards = self.guards
        self.in_place: dict[type, Callable[[Any, Any], Any]] = {
            ast.Add: guards.iadd,
            ast.Sub: guards.isub,
            ast.Mult: guards.imul,
            ast.Div: guards.elementwise(operator.itruediv),
            ast.FloorDiv: guards.elementwise(operator.ifloordiv),
            ast.Mod: guards.mod,
            ast.Pow: guards.pow,
            ast.LShift: guards.lshift,
            ast.RShift: operator.irshift,
            ast.BitOr: guards.elementwise(operator.ior),
            ast.BitXor: guards.elementwise(operator.ixor),
            ast.BitAnd: guards.elementwise(operator.iand),
            ast.MatMult: guards.matmul,
        }

    # -- entry points ---------------------------------------------------------------------------------

    def compile_module(self, tree: ast.Module) -> Statement:
        self.bound = bound_names(tree)
        return self.block(tree.body)

    def run_module(self, body: Statement) -> None:
        body(Frame(self.run.globals, None))

    # -- blocks and statements ------------------------------------------------------------------------

    def block(self, statements: list[ast.stmt]) -> Statement:
        compiled = [self.statement(s) for s in statements]
        if len(compiled) == 1:
            return compiled[0]

        def run_block(frame: Frame) -> Any:
            for statement in compiled:
                signal = statement(frame)
                if signal is not None:
                    return signal
            return None

        return run_block

    def statement(self, node: ast.stmt) -> Statement:
        kind = type(node)
        method = _STATEMENT_METHODS.get(kind)
        if method is None:
            method = _STATEMENT_METHODS[kind] = getattr(Interpreter, f"s_{kind.__name__}", None)
            if method is None:
                raise not_supported(node, _statement_name(node))
        inner = method(self, node)
        line = node.lineno
        state = self.state

        def run_statement(frame: Frame) -> Any:
            state.line = line
            state.steps += 1
            if state.steps >= state.next_check:
                state.checkpoint()
            try:
                return inner(frame)
            except Exception as error:
                if getattr(error, LINE_ATTRIBUTE, None) is None:
                    _tag(error, line)
                raise
            except SandboxAbort as abort:
                if abort.line is None:
                    abort.line = line
                raise

        return run_statement

    def s_Expr(self, node: ast.Expr) -> Statement:
        value = self.expr(node.value)

        def run_expression(frame: Frame) -> None:
            value(frame)

        return run_expression

    def s_Pass(self, node: ast.Pass) -> Statement:
        return lambda frame: None

    def s_Break(self, node: ast.Break) -> Statement:
        return lambda frame: BREAK

    def s_Continue(self, node: ast.Continue) -> Statement:
        return lambda frame: CONTINUE

    def s_Return(self, node: ast.Return) -> Statement:
        value = self.expr(node.value) if node.value is not None else (lambda frame: None)

        def run_return(frame: Frame) -> Any:
            frame.ret = value(frame)
            return RETURN

        return run_return

    def s_Global(self, node: ast.Global) -> Statement:
        for name in node.names:
            refuse_name(name, node, self.bound)
        return lambda frame: None

    s_Nonlocal = s_Global

    # -- assignment -----------------------------------------------------------------------------------

    def s_Assign(self, node: ast.Assign) -> Statement:
        value = self.expr(node.value)
        stores = [self.store_target(target) for target in node.targets]
        if len(stores) == 1:
            store = stores[0]

            def assign(frame: Frame) -> None:
                store(frame, value(frame))

            return assign

        def assign_many(frame: Frame) -> None:
            result = value(frame)
            for store in stores:
                store(frame, result)

        return assign_many

    def s_AnnAssign(self, node: ast.AnnAssign) -> Statement:
        if node.value is None:  # `x: int` only declares
            return lambda frame: None
        store, value = self.store_target(node.target), self.expr(node.value)
        return lambda frame: store(frame, value(frame))

    def s_AugAssign(self, node: ast.AugAssign) -> Statement:
        op = self.in_place[type(node.op)]
        value = self.expr(node.value)
        target = node.target
        if isinstance(target, ast.Name):
            load, store = self.name_loader(target.id, self.scope), self.name_store(target.id, target)

            def augment_name(frame: Frame) -> None:
                store(frame, op(load(frame), value(frame)))

            return augment_name
        if isinstance(target, ast.Attribute):
            self.check_attribute_name(target)
            owner, name = self.expr(target.value), target.attr
            read, write = self.policy.getattr, self.policy.setattr

            def augment_attribute(frame: Frame) -> None:
                obj = owner(frame)
                write(obj, name, op(read(obj, name), value(frame)))

            return augment_attribute
        if isinstance(target, ast.Subscript):
            container, index = self.expr(target.value), self.expr(target.slice)
            check, check_item = self.policy.check, self.guards.check_item

            def augment_item(frame: Frame) -> None:
                obj, key = container(frame), index(frame)
                check_item(obj, key)
                obj[key] = op(check(obj[key]), value(frame))

            return augment_item
        raise not_supported(node, f"augmented assignment to {type(target).__name__}")

    def s_Delete(self, node: ast.Delete) -> Statement:
        deletions = [self._deletion(target) for target in node.targets]

        def delete(frame: Frame) -> None:
            for deletion in deletions:
                deletion(frame)

        return delete

    def _deletion(self, target: ast.expr) -> Statement:
        if isinstance(target, ast.Name):
            refuse_name(target.id, target, self.bound)
            name = target.id
            kind, _ = self.scope.resolve(name)
            variables = self.run.globals if kind == "global" else None

            def delete_name(frame: Frame) -> None:
                scope_variables = variables if variables is not None else frame.v
                try:
                    del scope_variables[name]
                except KeyError:
                    raise NameError(f"name '{name}' is not defined") from None

            return delete_name
        if isinstance(target, ast.Attribute):
            if target.attr.startswith("_"):
                raise SecurityViolation("private_attribute", line=target.lineno, name=target.attr)
            owner, attribute = self.expr(target.value), target.attr
            remove = self.policy.delattr
            return lambda frame: remove(owner(frame), attribute)
        if isinstance(target, ast.Subscript):
            container, index = self.expr(target.value), self.expr(target.slice)
            check_item = self.guards.check_item

            def delete_item(frame: Frame) -> None:
                obj, key = container(frame), index(frame)
                check_item(obj, key)
                del obj[key]

            return delete_item
        if isinstance(target, ast.Tuple | ast.List):
            parts = [self._deletion(e) for e in target.elts]

            def delete_all(frame: Frame) -> None:
                for part in parts:
                    part(frame)

            return delete_all
        raise not_supported(target, f"del of {type(target).__name__}")

    # -- control flow ---------------------------------------------------------------------------------

    def s_If(self, node: ast.If) -> Statement:
        test, body = self.expr(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None

        def run_if(frame: Frame) -> Any:
            if test(frame):
                return body(frame)
            if orelse is not None:
                return orelse(frame)
            return None

        return run_if

    def s_For(self, node: ast.For) -> Statement:
        iterable, store = self.expr(node.iter), self.store_target(node.target)
        body = self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None
        loops, state, check = self.state.loops, self.state, self.policy.check
        header = [node.lineno, node.body[0].lineno]

        def run_for(frame: Frame) -> Any:
            entry = [*header, -1, -1]
            loops.append(entry)
            try:
                for item in iterable(frame):
                    entry[2] += 1
                    state.steps += 1
                    if state.steps >= state.next_check:
                        state.checkpoint()
                    store(frame, check(item))
                    signal = body(frame)
                    if signal is not None:
                        if signal is BREAK:
                            return None
                        if signal is not CONTINUE:
                            return signal
            finally:
                loops.pop()
            return orelse(frame) if orelse is not None else None

        return run_for

    def s_While(self, node: ast.While) -> Statement:
        test, body = self.expr(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None
        loops, state = self.state.loops, self.state
        header = [node.lineno, node.body[0].lineno]

        def run_while(frame: Frame) -> Any:
            entry = [*header, -1, -1]
            loops.append(entry)
            try:
                while test(frame):
                    entry[2] += 1
                    state.steps += 1
                    if state.steps >= state.next_check:
                        state.checkpoint()
                    signal = body(frame)
                    if signal is not None:
                        if signal is BREAK:
                            return None
                        if signal is not CONTINUE:
                            return signal
            finally:
                loops.pop()
            return orelse(frame) if orelse is not None else None

        return run_while

    # -- exceptions -----------------------------------------------------------------------------------

    def s_Raise(self, node: ast.Raise) -> Statement:
        exception = self.expr(node.exc) if node.exc is not None else None
        cause = self.expr(node.cause) if node.cause is not None else None
        handling, line = self.handling, node.lineno

        def run_raise(frame: Frame) -> None:
            if exception is None:
                if not handling:
                    raise RuntimeError("No active exception to reraise")
                raise handling[-1]
            error = _exception_instance(exception(frame))
            _tag(error, line)
            if cause is None:
                raise error
            reason = cause(frame)
            if reason is not None:
                reason = _exception_instance(reason)
            raise error from reason

        return run_raise

    def s_Assert(self, node: ast.Assert) -> Statement:
        test = self.expr(node.test)
        message = self.expr(node.msg) if node.msg is not None else None

        def run_assert(frame: Frame) -> None:
            if not test(frame):
                raise AssertionError(message(frame)) if message is not None else AssertionError()

        return run_assert

    def s_Try(self, node: ast.Try) -> Statement:
        body = self.block(node.body)
        handlers = [self._handler(h) for h in node.handlers]
        orelse = self.block(node.orelse) if node.orelse else None
        final = self.block(node.finalbody) if node.finalbody else None
        handling = self.handling

        def run_try(frame: Frame) -> Any:
            try:
                try:
                    signal = body(frame)
                except (SandboxAbort, RecursionError, MemoryError):
                    # Limits the interpreter itself ran into: the program cannot catch them.
                    raise
                except Exception as error:
                    for matches, bind, handler_body in handlers:
                        if matches(frame, error):
                            bind(frame, error)
                            handling.append(error)
                            try:
                                return handler_body(frame)
                            finally:
                                handling.pop()
                                bind(frame, None)
                    raise
                if signal is None and orelse is not None:  # `else` runs only after a normal finish
                    return orelse(frame)
                return signal
            finally:
                if final is not None:
                    late_signal = final(frame)
                    if late_signal is not None:
                        return late_signal  # noqa: B012 - Python's own semantics: return/break in finally wins

        return run_try

    def _handler(self, node: ast.ExceptHandler) -> tuple[Callable[..., bool], Callable[..., None], Statement]:
        kinds = self.expr(node.type) if node.type is not None else None
        body = self.block(node.body)
        if node.name is None:

            def bind(frame: Frame, error: BaseException | None) -> None:
                return None
        else:
            store = self.name_store(node.name, node)
            name = node.name
            scope_kind, _ = self.scope.resolve(name)
            variables = self.run.globals if scope_kind == "global" else None

            program_exception = self.policy.program_exception

            def bind(frame: Frame, error: BaseException | None) -> None:
                if error is not None:
                    store(frame, program_exception(error))
                else:  # Python deletes the name when the handler ends
                    (variables if variables is not None else frame.v).pop(name, None)

        def matches(frame: Frame, error: BaseException) -> bool:
            if kinds is None:
                return True
            wanted = kinds(frame)
            for kind in wanted if isinstance(wanted, tuple) else (wanted,):
                if not (isinstance(kind, type) and issubclass(kind, BaseException)):
                    raise TypeError("catching classes that do not inherit from BaseException is not allowed")
            return isinstance(error, wanted)

        return matches, bind, body

    # -- with -----------------------------------------------------------------------------------------

    def s_With(self, node: ast.With) -> Statement:
        body = self.block(node.body)
        for item in reversed(node.items):
            body = self._with_item(item, body)
        return body

    def _with_item(self, item: ast.withitem, body: Statement) -> Statement:
        manager_of = self.expr(item.context_expr)
        store = self.store_target(item.optional_vars) if item.optional_vars is not None else None
        check = self.policy.check

        def run_with(frame: Frame) -> Any:
            manager = manager_of(frame)
            kind = type(manager)
            try:
                enter, leave = kind.__enter__, kind.__exit__
            except AttributeError:
                raise TypeError(
                    f"'{kind.__name__}' object does not support the context manager protocol"
                ) from None
            value = check(enter(manager))
            if store is not None:
                store(frame, value)
            try:
                signal = body(frame)
            except BaseException as error:
                suppressed = leave(manager, type(error), error, error.__traceback__)
                if suppressed and not isinstance(error, SandboxAbort):
                    return None
                raise
            leave(manager, None, None, None)
            return signal

        return run_with

    # -- imports --------------------------------------------------------------------------------------

    def _namespace(self, node: ast.AST, path: str) -> Namespace:
        namespace = self.run.namespaces.get(path)
        if namespace is None:
            allowed = ", ".join(sorted(self.run.namespaces))
            raise SecurityViolation(
                "import_forbidden", line=node.lineno, col=node.col_offset + 1, module=path, allowed=allowed
            )
        return namespace

    def s_Import(self, node: ast.Import) -> Statement:
        bindings: list[tuple[Store, Namespace]] = []
        for alias in node.names:
            namespace = self._namespace(node, alias.name)
            if alias.asname is not None:
                bindings.append((self.name_store(alias.asname, node), namespace))
            else:
                top = alias.name.partition(".")[0]
                bindings.append((self.name_store(top, node), self._namespace(node, top)))

        def run_import(frame: Frame) -> None:
            for store, namespace in bindings:
                store(frame, namespace)

        return run_import

    def s_ImportFrom(self, node: ast.ImportFrom) -> Statement:
        if node.module == "__future__" and node.level == 0:
            return self._future_import(node)
        module = "." * node.level + (node.module or "")
        namespace = self._namespace(node, module)
        bindings = []
        for alias in node.names:
            if alias.name == "*":
                raise NotSupported("star_import", line=node.lineno, col=node.col_offset + 1, module=module)
            if alias.name.startswith("_"):
                raise SecurityViolation(
                    "private_attribute", line=node.lineno, col=node.col_offset + 1, name=alias.name
                )
            bindings.append((alias.name, self.name_store(alias.asname or alias.name, node)))
        check = self.policy.check

        def run_import_from(frame: Frame) -> None:
            for name, store in bindings:
                try:
                    value = namespace.lookup(name)
                except AttributeError:
                    raise ImportError(f"cannot import name '{name}' from '{module}'") from None
                store(frame, check(value))

        return run_import_from

    @staticmethod
    def _future_import(node: ast.ImportFrom) -> Statement:
        # The features Python knows change nothing here; an unknown one is the compiler's SyntaxError.
        for alias in node.names:
            if alias.name not in __future__.all_feature_names:
                raise ScopeError(f"future feature {alias.name} is not defined", node)
        return lambda frame: None

    # -- functions ------------------------------------------------------------------------------------

    def s_FunctionDef(self, node: ast.FunctionDef) -> Statement:
        special = self.scope.kind == "class" and _check_method_name(node)
        if not special:
            refuse_name(node.name, node, self.bound)
        decorators = [self.expr(d) for d in node.decorator_list]
        spec = self.function_spec(node, node.name, lambda: self.block(node.body))
        make = self.function_maker(node, spec)
        store = self.name_store(node.name, node, checked=special)
        invoke = self.invoke

        def define(frame: Frame) -> None:
            wrappers = [d(frame) for d in decorators]
            function = make(frame)
            for wrapper in reversed(wrappers):
                function = invoke(wrapper, (function,), None)
            store(frame, function)

        return define

    def call_user(
        self,
        spec: FunctionSpec,
        defaults: tuple[Any, ...],
        kwdefaults: dict[str, Any],
        parent: Frame,
        cell: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        state = self.state
        if not state.active:
            raise SecurityViolation("program_finished")
        state.depth += 1
        try:
            if state.depth > state.limits.max_recursion_depth:
                state.abort("limit_recursion", "max_recursion_depth", state.limits.max_recursion_depth)
            frame = Frame(bind_arguments(spec, defaults, kwdefaults, args, kwargs), parent, cell)
            if spec.is_lambda:
                return spec.body(frame)
            if spec.body(frame) is RETURN:
                if spec.name in _TEXT_METHODS:
                    self.guards.count_text(frame.ret)
                return frame.ret
            return None
        finally:
            state.depth -= 1

    # -- classes --------------------------------------------------------------------------------------

    def s_ClassDef(self, node: ast.ClassDef) -> Statement:
        refuse_name(node.name, node, self.bound)
        if node.keywords:
            raise SecurityViolation(
                "class_keyword",
                line=node.lineno,
                col=node.col_offset + 1,
                name=node.name,
                keyword=node.keywords[0].arg or "**",
            )
        if node.decorator_list:
            raise NotSupported("class_decorator", line=node.lineno, col=node.col_offset + 1, name=node.name)
        for statement in node.body:
            if not isinstance(statement, _CLASS_BODY):
                raise NotSupported(
                    "class_body_statement",
                    line=statement.lineno,
                    col=statement.col_offset + 1,
                    name=node.name,
                )
        bases = [self.expr(b) for b in node.bases]
        saved = (self.scope, self.qualname_prefix)
        self.scope = self.scopes[node]
        self.qualname_prefix = f"{self.qualname_prefix}{node.name}."
        self.class_depth += 1
        try:
            body = self.block(node.body)
        finally:
            self.scope, self.qualname_prefix = saved
            self.class_depth -= 1
        store = self.name_store(node.name, node)
        name, qualname = node.name, f"{self.qualname_prefix}{node.name}"
        check_base = self._check_base

        def define_class(frame: Frame) -> None:
            base_classes = tuple(check_base(b(frame), name) for b in bases)
            cell = ClassCell()
            namespace: dict[str, Any] = {"__module__": "__main__", "__qualname__": qualname}
            body(ClassFrame(namespace, frame.up if type(frame) is ClassFrame else frame, cell))
            namespace[USER_CLASS_MARK] = True
            cls = type(name, base_classes, namespace)
            cell.value = cls
            store(frame, cls)

        return define_class

    def _check_base(self, base: Any, class_name: str) -> type:
        if is_user_class(base):
            return base
        if isinstance(base, type) and issubclass(base, self.run.base_classes):
            return base
        shown = getattr(base, "__name__", None) or type(base).__name__
        raise SecurityViolation("class_base", name=class_name, base=shown)


def _check_method_name(node: ast.FunctionDef) -> bool:
    """Whether a method defines an allowed special method; refuse the other special names."""
    name = node.name
    if not (name.startswith("__") and name.endswith("__")):
        return False
    if name not in SPECIAL_METHODS:
        raise SecurityViolation(
            "special_method",
            line=node.lineno,
            col=node.col_offset + 1,
            name=name,
            allowed=", ".join(SPECIAL_METHODS),
        )
    return True


def _exception_instance(value: Any) -> BaseException:
    if isinstance(value, type) and is_builtin_exception(value):
        return value()
    if isinstance(value, BaseException) and not isinstance(value, SandboxAbort):
        return value
    raise TypeError("exceptions must derive from BaseException")


def _tag(error: BaseException, line: int) -> None:
    with contextlib.suppress(AttributeError, TypeError):  # an exception type without a __dict__
        setattr(error, LINE_ATTRIBUTE, line)


def _statement_name(node: ast.stmt) -> str:
    names = {
        "AsyncFunctionDef": "async def",
        "AsyncFor": "async for",
        "AsyncWith": "async with",
        "Match": "match",
        "TryStar": "except*",
        "TypeAlias": "type aliases",
    }
    return names.get(type(node).__name__, f"the '{type(node).__name__}' statement")
