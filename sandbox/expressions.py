"""Compiling expressions: each AST node becomes a closure `(frame) -> value`.

Nothing here evaluates source text: the tree from `ast.parse` is walked once, and every node turns into
a small Python function that computes it, with the sandbox's checks built in (attribute policy, the value
check on everything that enters the program, size guards on operators).
"""

from __future__ import annotations

import ast
import operator
import types
from collections.abc import Callable
from typing import Any

from engine._tensor import Tensor
from sandbox.context import RunContext
from sandbox.errors import NotSupported, SecurityViolation
from sandbox.functions import ClassFrame, Frame, FunctionSpec, make_function
from sandbox.policy import READABLE_SPECIALS, SPECIAL_METHODS, UNBOUND_MARK
from sandbox.safe_builtins import FORBIDDEN_BUILTINS
from sandbox.scope import CLASS, FREE, LOCAL, Scope

Expr = Callable[[Frame], Any]
Store = Callable[[Frame, Any], None]

# Names refused wherever they appear (dunders, except the read-only __name__).
_ALLOWED_DUNDER_NAMES = frozenset({"__name__"})

_ORDERINGS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_IDENTITY: dict[type, Callable[[Any, Any], Any]] = {ast.Is: operator.is_, ast.IsNot: operator.is_not}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
_CONVERSIONS = {ord("r"): repr, ord("s"): str, ord("a"): ascii}
_EXPRESSION_METHODS: dict[type, Callable[..., Expr] | None] = {}
# Engine functions that take several tensors without broadcasting them together.
_NOT_BROADCASTING = frozenset(
    {
        "view_as",
        "reshape_as",
        "expand_as",
        "type_as",
        "equal",
        "new_tensor",
        "new_zeros",
        "new_ones",
        "new_empty",
        "new_full",
    }
)


def bound_names(tree: ast.AST) -> frozenset[str]:
    """Every name the program binds somewhere: a variable, parameter, function, class or import."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)


def refuse_name(name: str, node: ast.AST, bound: frozenset[str] = frozenset()) -> None:
    """Refuse names that lead out of the sandbox, before the program runs. A builtin the sandbox does
    not have is refused by name unless the program binds that name itself (`input = torch.randn(3)`):
    then every use is the program's own variable, and the builtin is not in reach anyway."""
    if name.startswith("__") and name.endswith("__") and name not in _ALLOWED_DUNDER_NAMES:
        raise SecurityViolation("name_forbidden", line=node.lineno, col=node.col_offset + 1, name=name)
    if name in FORBIDDEN_BUILTINS and name not in bound:
        message_id = "type_forbidden" if name == "type" else "builtin_forbidden"
        raise SecurityViolation(message_id, line=node.lineno, col=node.col_offset + 1, name=name)


def not_supported(node: ast.AST, construct: str) -> NotSupported:
    return NotSupported(
        "unsupported_syntax",
        line=getattr(node, "lineno", None),
        col=getattr(node, "col_offset", -1) + 1,
        construct=construct,
    )


def dotted_name(node: ast.AST) -> str | None:
    """`self.fc.weight` for an attribute chain on a name, else None (used as a tensor's label)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class ExpressionCompiler:
    """Turns expression nodes into closures; the statement compiler extends it."""

    # The names the program binds (set by compile_module before anything is compiled).
    bound: frozenset[str] = frozenset()

    def __init__(self, run: RunContext, scopes: dict[ast.AST, Scope]) -> None:
        self.run = run
        self.state = run.state
        self.guards = run.guards
        self.policy = run.policy
        self.scopes = scopes
        self.scope: Scope = scopes[next(node for node, s in scopes.items() if s.kind == "module")]
        self.qualname_prefix = ""
        self.class_depth = 0  # > 0 while compiling inside a class body (super() is allowed)
        self.first_parameter: str | None = None
        self.user_functions: set[Any] = set()
        layers = run.namespaces.get("torch.nn")
        sequential = layers.members.get("Sequential") if layers is not None else None
        if sequential is not None:
            run.intercepts[sequential.forward] = self._run_sequential
        guards = self.guards
        contains = guards.contains
        self.comparisons: dict[type, Callable[[Any, Any], Any]] = {
            **{kind: guards.compare(op) for kind, op in _ORDERINGS.items()},
            **_IDENTITY,
            ast.In: contains,
            ast.NotIn: lambda a, b: not contains(a, b),
        }
        self.binary: dict[type, Callable[[Any, Any], Any]] = {
            ast.Add: guards.add,
            ast.Sub: guards.sub,
            ast.Mult: guards.mul,
            ast.Div: guards.elementwise(operator.truediv),
            ast.FloorDiv: guards.elementwise(operator.floordiv),
            ast.Mod: guards.mod,
            ast.Pow: guards.pow,
            ast.LShift: guards.lshift,
            ast.RShift: operator.rshift,
            ast.BitOr: guards.elementwise(operator.or_),
            ast.BitXor: guards.elementwise(operator.xor),
            ast.BitAnd: guards.elementwise(operator.and_),
            ast.MatMult: guards.matmul,
        }

    # -- dispatch -------------------------------------------------------------------------------------

    def expr(self, node: ast.expr) -> Expr:
        kind = type(node)
        method = _EXPRESSION_METHODS.get(kind)
        if method is None:
            method = _EXPRESSION_METHODS[kind] = getattr(type(self), f"e_{kind.__name__}", None)
            if method is None:
                raise not_supported(node, _describe(node))
        return method(self, node)

    # -- leaves ---------------------------------------------------------------------------------------

    def e_Constant(self, node: ast.Constant) -> Expr:
        value = node.value
        return lambda frame: value

    def e_Name(self, node: ast.Name) -> Expr:
        refuse_name(node.id, node, self.bound)
        return self.name_loader(node.id, self.scope)

    def name_loader(self, name: str, scope: Scope) -> Expr:
        kind, hops = scope.resolve(name)
        if kind == LOCAL:
            return _local_loader(name)
        if kind == FREE:
            return _free_loader(name, hops)
        if kind == CLASS:
            outer_scope = scope.function_parent()
            assert outer_scope is not None
            fallback = self.name_loader(name, outer_scope)

            def load_in_class(frame: Frame) -> Any:
                try:
                    return frame.v[name]
                except KeyError:
                    return fallback(frame.up)

            return load_in_class
        return self._global_loader(name)

    def _global_loader(self, name: str) -> Expr:
        variables = self.run.globals
        builtins = self.run.builtins

        def load_global(frame: Frame) -> Any:
            try:
                return variables[name]
            except KeyError:
                try:
                    return builtins[name]
                except KeyError:
                    raise NameError(f"name '{name}' is not defined") from None

        return load_global

    # -- attributes and items -------------------------------------------------------------------------

    def check_attribute_name(self, node: ast.Attribute) -> None:
        name = node.attr
        if not name.startswith("_"):
            return
        through_super = (
            isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "super"
            and name in SPECIAL_METHODS
        )
        if not through_super and name not in READABLE_SPECIALS:
            raise SecurityViolation("private_attribute", line=node.lineno, col=node.col_offset + 1, name=name)

    def e_Attribute(self, node: ast.Attribute) -> Expr:
        self.check_attribute_name(node)
        value = self.expr(node.value)
        name = node.attr
        read = self.policy.getattr
        return lambda frame: read(value(frame), name)

    def e_Subscript(self, node: ast.Subscript) -> Expr:
        value = self.expr(node.value)
        index = self.expr(node.slice)
        check, check_item = self.policy.check, self.guards.check_item

        def subscript(frame: Frame) -> Any:
            container, key = value(frame), index(frame)
            check_item(container, key)
            return check(container[key])

        return subscript

    def e_Slice(self, node: ast.Slice) -> Expr:
        parts = [
            self.expr(part) if part is not None else None for part in (node.lower, node.upper, node.step)
        ]
        lower, upper, step = parts
        return lambda frame: slice(
            lower(frame) if lower else None, upper(frame) if upper else None, step(frame) if step else None
        )

    # -- operators ------------------------------------------------------------------------------------

    def e_BinOp(self, node: ast.BinOp) -> Expr:
        op = self.binary[type(node.op)]
        left, right = self.expr(node.left), self.expr(node.right)
        return lambda frame: op(left(frame), right(frame))

    def e_UnaryOp(self, node: ast.UnaryOp) -> Expr:
        op = _UNARY[type(node.op)]
        operand = self.expr(node.operand)
        return lambda frame: op(operand(frame))

    def e_BoolOp(self, node: ast.BoolOp) -> Expr:
        first, *rest = [self.expr(value) for value in node.values]
        if isinstance(node.op, ast.And):

            def evaluate_and(frame: Frame) -> Any:
                value = first(frame)
                for part in rest:
                    if not value:
                        return value
                    value = part(frame)
                return value

            return evaluate_and

        def evaluate_or(frame: Frame) -> Any:
            value = first(frame)
            for part in rest:
                if value:
                    return value
                value = part(frame)
            return value

        return evaluate_or

    def e_Compare(self, node: ast.Compare) -> Expr:
        left = self.expr(node.left)
        ops = [self.comparisons[type(op)] for op in node.ops]
        rights = [self.expr(value) for value in node.comparators]
        if len(ops) == 1:
            op, right = ops[0], rights[0]
            return lambda frame: op(left(frame), right(frame))
        pairs = list(zip(ops, rights))

        def compare_chain(frame: Frame) -> Any:
            current = left(frame)
            result: Any = True
            for op, right in pairs:
                following = right(frame)
                result = op(current, following)
                if not result:
                    return result
                current = following
            return result

        return compare_chain

    def e_IfExp(self, node: ast.IfExp) -> Expr:
        test, body, orelse = self.expr(node.test), self.expr(node.body), self.expr(node.orelse)
        return lambda frame: body(frame) if test(frame) else orelse(frame)

    def e_NamedExpr(self, node: ast.NamedExpr) -> Expr:
        value = self.expr(node.value)
        scope = self.scope
        while scope.kind == "comprehension":  # binds in the enclosing function, as in Python
            assert scope.parent is not None
            scope = scope.parent
        store = self.name_store(node.target.id, node.target, scope)

        def assign_expression(frame: Frame) -> Any:
            result = value(frame)
            store(frame, result)
            return result

        return assign_expression

    # -- displays -------------------------------------------------------------------------------------

    def _items(self, elements: list[ast.expr]) -> Callable[[Frame], list[Any]]:
        """The values of a display's elements, with `*iterable` expanded within the size limits."""
        parts = [
            (isinstance(e, ast.Starred), self.expr(e.value if isinstance(e, ast.Starred) else e))
            for e in elements
        ]
        if not any(starred for starred, _ in parts):
            plain = [part for _, part in parts]
            return lambda frame: [part(frame) for part in plain]
        bounded = self.guards.bounded_list
        check_size = self.guards.check_size

        def expand(frame: Frame) -> list[Any]:
            values: list[Any] = []
            for starred, part in parts:
                if starred:
                    values.extend(bounded(part(frame)))
                    check_size(values)
                else:
                    values.append(part(frame))
            return values

        return expand

    def e_List(self, node: ast.List) -> Expr:
        return self._items(node.elts)

    def e_Tuple(self, node: ast.Tuple) -> Expr:
        items = self._items(node.elts)
        return lambda frame: tuple(items(frame))

    def e_Set(self, node: ast.Set) -> Expr:
        items = self._items(node.elts)
        check_keys, hashed_set = self.guards.check_keys, self.guards.hashed_set

        def build_set(frame: Frame) -> set[Any]:
            values = items(frame)
            check_keys(values)
            return hashed_set(values)

        return build_set

    def e_Dict(self, node: ast.Dict) -> Expr:
        parts = [
            (self.expr(k) if k is not None else None, self.expr(v)) for k, v in zip(node.keys, node.values)
        ]
        guards = self.guards
        check_key, check_keys, bounded, hashed_dict = (
            guards.check_key,
            guards.check_keys,
            guards.bounded_list,
            guards.hashed_dict,
        )

        def build_dict(frame: Frame) -> dict[Any, Any]:
            result: dict[Any, Any] = {}
            for key, value in parts:
                if key is None:  # {**mapping}
                    mapping = value(frame)
                    names = bounded(mapping.keys())
                    check_keys(names)
                    hashed_dict(((k, mapping[k]) for k in names), result)
                else:
                    new_key = key(frame)
                    check_key(new_key)
                    result[new_key] = value(frame)
            return result

        return build_dict

    def e_JoinedStr(self, node: ast.JoinedStr) -> Expr:
        parts = [self.expr(value) for value in node.values]
        check_size = self.guards.check_size
        return lambda frame: check_size("".join([part(frame) for part in parts]))

    def e_FormattedValue(self, node: ast.FormattedValue) -> Expr:
        value = self.expr(node.value)
        spec = self.expr(node.format_spec) if node.format_spec is not None else None
        convert = _CONVERSIONS.get(node.conversion)
        guards = self.guards

        def format_value(frame: Frame) -> str:
            result = value(frame)
            if convert is not None:
                guards.check_str_result(result)
                result = guards.stringify(convert, result)
            format_spec = spec(frame) if spec is not None else ""
            guards.check_format_spec(format_spec)
            guards.check_str_result(result)
            return guards.stringify(format, result, format_spec)

        return format_value

    # -- comprehensions -------------------------------------------------------------------------------

    def _comprehension_loop(
        self,
        node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
    ) -> tuple[Expr, Callable[[Frame, Any], Any], Scope]:
        """(first iterable, generator of frames with the targets bound, the comprehension's scope)."""
        first_iterable = self.expr(node.generators[0].iter)  # evaluated in the enclosing scope
        scope = self.scopes[node]
        outer, self.scope = self.scope, scope
        levels = []
        for index, generator in enumerate(node.generators):
            if generator.is_async:
                raise not_supported(node, "async comprehension")
            iterable = None if index == 0 else self.expr(generator.iter)
            levels.append(
                (iterable, self.store_target(generator.target), [self.expr(c) for c in generator.ifs])
            )
        self.scope = outer
        check, ticking = self.policy.check, self.guards.ticking

        def frames(frame: Frame, iterator: Any, level: int = 0) -> Any:
            _, store, conditions = levels[level]
            # ticking counts steps and nesting: generator expressions over generator expressions nest.
            for item in ticking(iterator):
                store(frame, check(item))
                if all(condition(frame) for condition in conditions):
                    if level + 1 == len(levels):
                        yield frame
                    else:
                        yield from frames(frame, levels[level + 1][0](frame), level + 1)

        return first_iterable, frames, scope

    def _new_frame(self, frame: Frame) -> Frame:
        return Frame({}, frame.up if type(frame) is ClassFrame else frame, frame.cell)

    def _element_compiler(self, scope: Scope) -> Callable[[ast.expr], Expr]:
        def compile_in_scope(node: ast.expr) -> Expr:
            outer, self.scope = self.scope, scope
            try:
                return self.expr(node)
            finally:
                self.scope = outer

        return compile_in_scope

    def e_ListComp(self, node: ast.ListComp) -> Expr:
        first, frames, scope = self._comprehension_loop(node)
        element = self._element_compiler(scope)(node.elt)
        new_frame, limit = self._new_frame, self.guards.max_items
        too_long = self.guards.sequence_too_long

        def list_comprehension(frame: Frame) -> list[Any]:
            result = []
            for inner in frames(new_frame(frame), iter(first(frame))):
                result.append(element(inner))
                if len(result) > limit:
                    too_long("list", len(result))
            return result

        return list_comprehension

    def e_SetComp(self, node: ast.SetComp) -> Expr:
        first, frames, scope = self._comprehension_loop(node)
        element = self._element_compiler(scope)(node.elt)
        new_frame, check_key, limit = self._new_frame, self.guards.check_key, self.guards.max_items
        too_long = self.guards.sequence_too_long

        def set_comprehension(frame: Frame) -> set[Any]:
            result = set()
            for inner in frames(new_frame(frame), iter(first(frame))):
                item = element(inner)
                check_key(item)
                result.add(item)
                if len(result) > limit:
                    too_long("set", len(result))
            return result

        return set_comprehension

    def e_DictComp(self, node: ast.DictComp) -> Expr:
        first, frames, scope = self._comprehension_loop(node)
        compile_in_scope = self._element_compiler(scope)
        key, value = compile_in_scope(node.key), compile_in_scope(node.value)
        new_frame, check_key, limit = self._new_frame, self.guards.check_key, self.guards.max_items
        too_long = self.guards.sequence_too_long

        def dict_comprehension(frame: Frame) -> dict[Any, Any]:
            result = {}
            for inner in frames(new_frame(frame), iter(first(frame))):
                new_key = key(inner)
                check_key(new_key)
                result[new_key] = value(inner)
                if len(result) > limit:
                    too_long("dict", len(result))
            return result

        return dict_comprehension

    def e_GeneratorExp(self, node: ast.GeneratorExp) -> Expr:
        first, frames, scope = self._comprehension_loop(node)
        element = self._element_compiler(scope)(node.elt)
        new_frame = self._new_frame

        def generator(frame: Frame) -> Any:
            iterator = iter(first(frame))  # Python evaluates the first iterable right away
            return (element(inner) for inner in frames(new_frame(frame), iterator))

        return generator

    # -- calls ----------------------------------------------------------------------------------------

    def e_Call(self, node: ast.Call) -> Expr:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "super"
            and not node.args
            and not node.keywords
        ):
            return self._zero_argument_super(node)
        function = self.expr(node.func)
        invoke = self.invoke
        starred = any(isinstance(a, ast.Starred) for a in node.args)
        double_starred = any(k.arg is None for k in node.keywords)
        if starred or double_starred:
            return self._general_call(node, function)
        arguments = [self.expr(a) for a in node.args]
        keywords = [(k.arg, self.expr(k.value)) for k in node.keywords]
        if keywords:

            def call_with_keywords(frame: Frame) -> Any:
                return invoke(
                    function(frame),
                    [a(frame) for a in arguments],
                    {name: value(frame) for name, value in keywords},
                )

            return call_with_keywords
        if len(arguments) == 0:
            return lambda frame: invoke(function(frame), (), None)
        if len(arguments) == 1:
            only = arguments[0]
            return lambda frame: invoke(function(frame), (only(frame),), None)
        if len(arguments) == 2:
            first, second = arguments
            return lambda frame: invoke(function(frame), (first(frame), second(frame)), None)
        return lambda frame: invoke(function(frame), [a(frame) for a in arguments], None)

    def _general_call(self, node: ast.Call, function: Expr) -> Expr:
        arguments = self._items(node.args)
        keywords = [(k.arg, self.expr(k.value)) for k in node.keywords]
        invoke = self.invoke
        bounded = self.guards.bounded_list

        def call_general(frame: Frame) -> Any:
            callee = function(frame)
            values = arguments(frame)
            named: dict[str, Any] = {}
            for name, value in keywords:
                if name is not None:
                    if name in named:
                        raise TypeError(
                            f"{_callee_name(callee)} got multiple values for keyword argument '{name}'"
                        )
                    named[name] = value(frame)
                    continue
                mapping = value(frame)
                if not hasattr(mapping, "keys"):
                    raise TypeError(
                        f"{_callee_name(callee)} argument after ** must be a mapping, "
                        f"not {type(mapping).__name__}"
                    )
                for key in bounded(mapping.keys()):
                    if key in named:
                        raise TypeError(
                            f"{_callee_name(callee)} got multiple values for keyword argument '{key}'"
                        )
                    named[key] = mapping[key]
            return invoke(callee, values, named or None)

        return call_general

    def invoke(self, callee: Any, args: Any, kwargs: dict[str, Any] | None) -> Any:
        """Call `callee`: the program's own functions directly, anything else through the checks."""
        kind = type(callee)
        key = callee.__func__ if kind is types.MethodType else callee
        checked, checked_args = callee, args
        if type(key) is types.FunctionType:
            if key in self.user_functions:
                return callee(*args, **kwargs) if kwargs else callee(*args)
            method = key.__dict__.get(UNBOUND_MARK)
            if method is not None:
                # An engine method read off its class (`torch.Tensor.repeat(x, 2)`): checked as x.repeat(2).
                key = method
                if args:
                    checked, checked_args = types.MethodType(method, args[0]), args[1:]
        run = self.run
        module_class = run.module_class
        if (
            module_class is not None
            and isinstance(callee, module_class)
            and type(callee).__call__ is module_class.__call__
        ):
            # Calling a module runs its forward (Module.__call__ does nothing else): the forward's checks
            # apply. A forward set on the instance is what Module.__call__ finds first.
            own = callee.__dict__.get("forward")
            if own is not None:
                return self.invoke(own, args, kwargs)
            key = type(callee).forward
            if type(key) is types.FunctionType and key in self.user_functions:
                return callee(*args, **kwargs) if kwargs else callee(*args)
            checked = types.MethodType(key, callee)
        try:
            guard = run.call_guards.get(key)
            intercept = run.intercepts.get(key)
        except TypeError:  # unhashable callee
            guard = intercept = None
        if guard is not None:
            guard(checked, checked_args, kwargs or {})
        if _is_engine_code(getattr(key, "__module__", None)):
            self.guards.check_list_arguments(checked_args, kwargs)
        if getattr(key, "__name__", None) not in _NOT_BROADCASTING:
            self._check_broadcast_arguments(checked, checked_args, kwargs)
        if intercept is not None:
            return self.policy.check(intercept(checked, checked_args, kwargs or {}))
        result = callee(*args, **kwargs) if kwargs else callee(*args)
        # A list or string made by engine code (`x.tolist()`) is held to the same size limits.
        return self.guards.check_size(self.policy.check(result))

    def _check_broadcast_arguments(self, callee: Any, args: Any, kwargs: dict[str, Any] | None) -> None:
        """The tensors an engine function takes (its own tensor too, for a method) broadcast together."""
        owner = getattr(callee, "__self__", None)
        tensors = [value for value in (owner, *args) if isinstance(value, Tensor)]
        if kwargs:
            tensors.extend(value for value in kwargs.values() if isinstance(value, Tensor))
        if len(tensors) > 1:
            self.guards.check_broadcast(tensors)

    def _run_sequential(self, callee: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """nn.Sequential's forward, one child at a time through `invoke`, so each child's own checks
        apply (the engine's forward would call them directly)."""
        owner = getattr(callee, "__self__", None)
        sequential, inputs = (owner, args) if owner is not None else (args[0] if args else None, args[1:])
        if sequential is None or kwargs or len(inputs) != 1:
            return callee(*args, **kwargs)  # the engine's own error for a wrong call
        value, tick = inputs[0], self.state.tick
        for child in sequential:
            tick()
            value = self.invoke(child, (value,), None)
        return value

    def _zero_argument_super(self, node: ast.Call) -> Expr:
        first = self.first_parameter
        if self.class_depth == 0 or first is None:
            raise NotSupported("super_outside_method", line=node.lineno, col=node.col_offset + 1)

        def zero_argument_super(frame: Frame) -> Any:
            cell = frame.cell
            if cell is None or cell.value is None:
                raise RuntimeError("super(): __class__ cell not found")
            try:
                instance = frame.v[first]
            except KeyError:
                raise RuntimeError("super(): arg[0] deleted") from None
            return super(cell.value, instance)

        return zero_argument_super

    # -- functions ------------------------------------------------------------------------------------

    def e_Lambda(self, node: ast.Lambda) -> Expr:
        spec = self.function_spec(node, "<lambda>", lambda: self.expr(node.body), is_lambda=True)
        return self.function_maker(node, spec)

    def function_spec(
        self,
        node: ast.FunctionDef | ast.Lambda,
        name: str,
        compile_body: Callable[[], Any],
        is_lambda: bool = False,
    ) -> FunctionSpec:
        args = node.args
        for parameter in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if parameter is not None:
                refuse_name(parameter.arg, parameter, self.bound)
        positional = tuple(a.arg for a in [*args.posonlyargs, *args.args])
        saved = (self.scope, self.qualname_prefix, self.first_parameter)
        self.scope = self.scopes[node]
        qualname = f"{self.qualname_prefix}{name}"
        self.qualname_prefix = f"{qualname}.<locals>."
        self.first_parameter = positional[0] if positional else (args.vararg.arg if args.vararg else None)
        try:
            body = compile_body()
        finally:
            self.scope, self.qualname_prefix, self.first_parameter = saved
        return FunctionSpec(
            name=name,
            qualname=qualname,
            positional=positional,
            positional_only=len(args.posonlyargs),
            vararg=args.vararg.arg if args.vararg else None,
            keyword_only=tuple(a.arg for a in args.kwonlyargs),
            kwarg=args.kwarg.arg if args.kwarg else None,
            body=body,
            is_lambda=is_lambda,
        )

    def function_maker(self, node: ast.FunctionDef | ast.Lambda, spec: FunctionSpec) -> Expr:
        """A closure that makes the function object when the `def`/`lambda` runs."""
        defaults = [self.expr(d) for d in node.args.defaults]
        kwdefaults = [
            (a.arg, self.expr(d))
            for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults)
            if d is not None
        ]
        in_class = self.scope.kind == "class"
        call_user = self.call_user
        user_functions = self.user_functions

        def make(frame: Frame) -> Any:
            default_values = tuple(d(frame) for d in defaults)
            kwdefault_values = {name: d(frame) for name, d in kwdefaults}
            parent = frame.up if in_class else frame
            assert parent is not None
            function = make_function(spec, default_values, kwdefault_values, parent, frame.cell, call_user)
            user_functions.add(function)
            return function

        return make

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
        raise NotImplementedError  # provided by the statement compiler

    # -- assignment targets ---------------------------------------------------------------------------

    def name_store(
        self, name: str, node: ast.AST, scope: Scope | None = None, checked: bool = False
    ) -> Store:
        if not checked:
            refuse_name(name, node, self.bound)
        scope = scope or self.scope
        kind, hops = scope.resolve(name)
        if kind == CLASS and name.startswith("_") and not checked:
            # A class attribute named like the engine's private ones (_data, _grad) would let an object
            # of the program pass for a tensor inside engine code; the program could not read it anyway.
            raise SecurityViolation(
                "private_attribute", line=node.lineno, col=getattr(node, "col_offset", -1) + 1, name=name
            )
        labelled = self.run.labelled
        recorder = self.run.recorder
        if kind in (LOCAL, CLASS):

            def store_local(frame: Frame, value: Any) -> None:
                frame.v[name] = value
                if isinstance(value, labelled):
                    recorder.bind(name, value)

            return store_local
        if kind == FREE:

            def store_free(frame: Frame, value: Any) -> None:
                target = frame
                for _ in range(hops):
                    target = target.up  # type: ignore[assignment]
                target.v[name] = value
                if isinstance(value, labelled):
                    recorder.bind(name, value)

            return store_free
        variables = self.run.globals

        def store_global(frame: Frame, value: Any) -> None:
            variables[name] = value
            if isinstance(value, labelled):
                recorder.bind(name, value)

        return store_global

    def store_target(self, node: ast.expr) -> Store:
        if isinstance(node, ast.Name):
            return self.name_store(node.id, node)
        if isinstance(node, ast.Attribute):
            return self._attribute_store(node)
        if isinstance(node, ast.Subscript):
            container, index = self.expr(node.value), self.expr(node.slice)
            check_item = self.guards.check_item

            slice_items = self.guards.slice_items

            def store_item(frame: Frame, value: Any) -> None:
                target, key = container(frame), index(frame)
                check_item(target, key)
                if type(key) is slice and type(target) is list:
                    value = slice_items(target, value)
                target[key] = value

            return store_item
        if isinstance(node, ast.Tuple | ast.List):
            return self._unpacking_store(node)
        raise not_supported(node, f"assignment to {_describe(node)}")

    def _attribute_store(self, node: ast.Attribute) -> Store:
        if node.attr.startswith("_"):
            raise SecurityViolation(
                "private_attribute", line=node.lineno, col=node.col_offset + 1, name=node.attr
            )
        owner, name = self.expr(node.value), node.attr
        label = dotted_name(node)
        set_attribute = self.policy.setattr
        labelled, recorder = self.run.labelled, self.run.recorder

        def store_attribute(frame: Frame, value: Any) -> None:
            set_attribute(owner(frame), name, value)
            if label is not None and isinstance(value, labelled):
                recorder.bind(label, value)

        return store_attribute

    def _unpacking_store(self, node: ast.Tuple | ast.List) -> Store:
        starred = [i for i, e in enumerate(node.elts) if isinstance(e, ast.Starred)]
        if len(starred) > 1:
            raise not_supported(node, "more than one starred target")
        stores = [self.store_target(e.value if isinstance(e, ast.Starred) else e) for e in node.elts]
        star = starred[0] if starred else None
        count = len(stores)
        bounded, check = self.guards.bounded_list, self.policy.check

        def unpack(frame: Frame, value: Any) -> None:
            items = value if type(value) in (tuple, list) else bounded(value, "tuple")
            size = len(items)
            if star is None:
                if size != count:
                    if size < count:
                        raise ValueError(f"not enough values to unpack (expected {count}, got {size})")
                    raise ValueError(f"too many values to unpack (expected {count})")
                for store, item in zip(stores, items):
                    store(frame, check(item))
                return
            if size < count - 1:
                raise ValueError(f"not enough values to unpack (expected at least {count - 1}, got {size})")
            after = size - (count - 1 - star)
            for store, item in zip(stores[:star], items[:star]):
                store(frame, check(item))
            stores[star](frame, [check(item) for item in items[star:after]])
            for store, item in zip(stores[star + 1 :], items[after:]):
                store(frame, check(item))

        return unpack


def _is_engine_code(module: Any) -> bool:
    """Whether a callable's `__module__` is the engine's (not the sandbox's own builtins and wrappers)."""
    return (
        isinstance(module, str)
        and module.partition(".")[0] in ("engine", "torch")
        and not module.startswith("sandbox")
    )


def _local_loader(name: str) -> Expr:
    def load_local(frame: Frame) -> Any:
        try:
            return frame.v[name]
        except KeyError:
            raise UnboundLocalError(
                f"cannot access local variable '{name}' where it is not associated with a value"
            ) from None

    return load_local


def _free_loader(name: str, hops: int) -> Expr:
    def load_free(frame: Frame) -> Any:
        target = frame
        for _ in range(hops):
            target = target.up  # type: ignore[assignment]
        try:
            return target.v[name]
        except KeyError:
            raise NameError(
                f"cannot access free variable '{name}' where it is not associated with a value in "
                "enclosing scope"
            ) from None

    return load_free


def _callee_name(callee: Any) -> str:
    name = getattr(callee, "__qualname__", None) or type(callee).__name__
    return f"{name}()"


def _describe(node: ast.AST) -> str:
    names = {
        "Await": "await",
        "Yield": "yield",
        "YieldFrom": "yield from",
        "Starred": "a starred expression here",
        "AsyncFunctionDef": "async def",
        "AsyncFor": "async for",
        "AsyncWith": "async with",
        "Match": "match",
        "TryStar": "except*",
        "TypeAlias": "type aliases",
    }
    return names.get(type(node).__name__, f"'{type(node).__name__}'")
