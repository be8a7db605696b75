"""`run(source)`: parse, check, compile and run a program in the sandbox, and return its record.

A run never raises (except KeyboardInterrupt/SystemExit) and never leaves the engine changed: grad mode,
print options, the RNG state and the trace recorder are restored, whatever the program did or however it
stopped. Runs are serialised by a lock, because grad mode and the trace hooks are process-wide.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import engine
from engine import _grad_mode, _printing, _trace
from engine._tensor import Tensor
from sandbox.call_guards import CallGuards
from sandbox.context import RunContext
from sandbox.errors import LimitExceeded, SandboxAbort, SandboxError, SecurityViolation, python_kind
from sandbox.guards import Guards
from sandbox.interpreter import Interpreter, error_line
from sandbox.limits import Limits
from sandbox.namespaces import build_math, engine_namespaces, exposed_c_functions
from sandbox.policy import Policy
from sandbox.record import RunRecord, WarningShown, finalize, warning_line
from sandbox.recorder import Recorder
from sandbox.safe_builtins import SafeBuiltins, guarded_math
from sandbox.scope import ScopeError, TooDeep, analyse
from sandbox.snapshot import GraphSnapshot
from sandbox.state import RunState, Watchdog

_RUN_LOCK = threading.Lock()
# Python frames the interpreter uses per call of a program function (statement, expression and call
# closures); the recursion limit is raised to fit max_recursion_depth of them.
_FRAMES_PER_CALL = 40
# ... and per level of syntax-tree nesting when compiling (and evaluating) a deeply nested expression.
_FRAMES_PER_LEVEL = 4
_YOUNG_THRESHOLD = 10_000


def run(source: str, *, limits: Limits | None = None, seed: int | None = 0) -> RunRecord:
    """Run `source` in the sandbox and return what happened.

    Args:
        source: the program text.
        limits: resource limits and record caps; `Limits()` when None.
        seed: passed to `engine.manual_seed` before the run so it is reproducible; None keeps the current
            generator state (and lets the run advance it).

    Returns:
        The run record: output, error (or None), events, final graph and names.
    """
    limits = limits or Limits()
    with _RUN_LOCK, _young_collections_less_often():
        program = _Run(source, limits, seed)
        try:
            return program.execute()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - a run must end in a record, whatever happened
            return program.failed(exc)


class _Run:
    """One run, from source text to record."""

    def __init__(self, source: str, limits: Limits, seed: int | None) -> None:
        self.source = source
        self.limits = limits
        self.seed = seed
        self.state = RunState(limits, source.splitlines())
        self.recorder: Recorder | None = None
        self.guards: Guards | None = None
        self.globals: dict[str, Any] = {"__name__": "__main__"}
        self.warnings: list[WarningShown] = []

    def execute(self) -> RunRecord:
        error = self._check_size()
        tree = None
        if error is None:
            tree, error = self._parse()
        graph, names = GraphSnapshot({}, {}), {}
        if tree is not None:
            with _saved_engine_state(self.seed), _recursion_room(self.limits):
                error = self._compile_and_run(tree)
                if self.recorder is not None:
                    graph, names = self.recorder.final_snapshot(self.globals)
        events = self.recorder.events if self.recorder is not None else []
        output = "".join(self.state.output)
        return finalize(self.source, output, error, events, graph, names, self.limits.record_array_elements,
                        self._shown_warnings(output))

    def _shown_warnings(self, output: str) -> tuple[WarningShown, ...]:
        # A warning cut short by the output limit is not whole in the output: it is left out.
        return tuple(w for w in self.warnings if output.startswith(warning_line(w), w.at))

    def failed(self, exc: BaseException) -> RunRecord:
        """The record of a run the sandbox itself could not finish: the output so far and the error."""
        error = exc.to_error() if isinstance(exc, SandboxAbort) else None
        if error is None:
            error = SandboxError(python_kind(type(exc)), _message(exc), self.state.line)
        output = "".join(self.state.output)
        return finalize(
            self.source, output, error, [], GraphSnapshot({}, {}), {}, self.limits.record_array_elements
        )

    # -- before running -------------------------------------------------------------------------------

    def _check_size(self) -> SandboxError | None:
        limit = self.limits.max_source_chars
        if len(self.source) <= limit:
            return None
        consumed, line = 0, 1
        for line, text in enumerate(self.source.splitlines(keepends=True), start=1):  # noqa: B007
            consumed += len(text)
            if consumed > limit:
                break
        return LimitExceeded("limit_source", line, limit=limit, limit_name="max_source_chars").to_error()

    def _parse(self) -> tuple[ast.Module | None, SandboxError | None]:
        try:
            return ast.parse(self.source, "<sandbox>", "exec"), None
        except SyntaxError as exc:
            detail = exc.msg or "invalid syntax"
            return None, SandboxError(
                "SyntaxError", detail, exc.lineno or 1, exc.offset, "syntax_error", {"detail": detail}
            )
        except ValueError as exc:  # null bytes
            return None, SandboxError("SyntaxError", str(exc), 1, None, "syntax_error", {"detail": str(exc)})
        except (RecursionError, MemoryError):  # expressions nested tens of thousands deep
            limit = self.limits.max_nesting
            return None, LimitExceeded("limit_nesting", 1, limit=limit, limit_name="max_nesting").to_error()

    def _context(self) -> RunContext:
        state = self.state
        guards = Guards(state)
        nn = engine_namespaces().get("torch.nn")
        module_class = nn.source.Module if nn is not None and hasattr(nn.source, "Module") else None
        self.recorder = recorder = Recorder(state, module_class)
        spaces = dict(engine_namespaces())
        spaces["math"] = build_math(guarded_math(guards))
        assignable = tuple(
            cls
            for cls in (
                module_class,
                _optional_class("engine.optim", "Optimizer"),
                _optional_class("engine.optim.lr_scheduler", "LRScheduler"),
            )
            if cls is not None
        )
        policy = Policy(guards, set(), assignable)
        self.safe_builtins = safe = SafeBuiltins(state, guards, policy)
        builtins = safe.build()
        policy.exposed_builtins.update(safe.exposed_c_functions() | exposed_c_functions())
        intercepts: dict[Any, Any] = {Tensor.backward: recorder.call_backward, int: safe.int}
        return RunContext(
            state=state,
            guards=guards,
            policy=policy,
            builtins=builtins,
            globals=self.globals,
            recorder=recorder,
            namespaces=spaces,
            call_guards=CallGuards(guards).build(engine, nn.source if nn is not None else None),
            intercepts=intercepts,
            labelled=(Tensor, module_class) if module_class else (Tensor,),
            module_class=module_class,
            base_classes=tuple(
                cls
                for cls in (module_class, _optional_class("engine.utils.data", "Dataset"))
                if cls is not None
            ),
        )

    # -- running --------------------------------------------------------------------------------------

    def _compile_and_run(self, tree: ast.Module) -> SandboxError | None:
        state = self.state
        try:
            context = self._context()
            self.guards = context.guards
            interpreter = Interpreter(context, analyse(tree, self.limits.max_nesting))
            self.safe_builtins.invoke = interpreter.invoke
            body = interpreter.compile_module(tree)
        except SandboxAbort as abort:
            return abort.to_error()
        except ScopeError as exc:
            return SandboxError(
                "SyntaxError",
                str(exc),
                exc.node.lineno,
                exc.node.col_offset + 1,
                "syntax_error",
                {"detail": str(exc)},
            )
        except TooDeep as exc:
            limit = self.limits.max_nesting
            return LimitExceeded("limit_nesting", exc.line, limit=limit, limit_name="max_nesting").to_error()
        try:
            serving = self.safe_builtins.serving()
            with _trace.recording(context.recorder), self._warnings(), Watchdog(state), serving:
                state.start()
                interpreter.run_module(body)
            return None
        except SandboxAbort as abort:
            if abort.line is None:
                abort.line = state.line
            return abort.to_error()
        except RecursionError:
            limit = self.limits.max_recursion_depth
            return LimitExceeded(
                "limit_recursion", state.line, limit=limit, limit_name="max_recursion_depth"
            ).to_error()
        except MemoryError:
            limit = self.limits.max_memory_bytes
            return LimitExceeded(
                "limit_memory", state.line, limit=limit, limit_name="max_memory_bytes"
            ).to_error()
        except Exception as exc:
            with self.safe_builtins.serving():  # its message may come from the program's own __str__
                return self._program_error(exc)
        finally:
            # Functions of the finished program may still be held by engine objects: refuse to run them.
            state.active = False
            state.aborted = SecurityViolation("program_finished")
            state.next_check = 0

    def _program_error(self, exc: Exception) -> SandboxError:
        """The error a program ended with. Its text may come from the program's own __str__ (an object
        given to ValueError), which still runs within the limits."""
        line = error_line(exc) or self.state.line
        guards = self.guards
        try:
            if guards is None:
                message = str(exc)
            else:
                guards.check_str_result(exc)  # ValueError([row] * 10**6): refused, not printed
                message = guards.stringify(str, exc)
        except SandboxAbort as abort:
            if abort.line is None:
                abort.line = line
            return abort.to_error()
        except Exception:  # noqa: BLE001 - an unprintable message: the kind and line still say enough
            message = ""
        return SandboxError(python_kind(type(exc)), message, line)

    @contextlib.contextmanager
    def _warnings(self) -> Iterator[None]:
        seen: set[tuple[str, str, int | None]] = set()
        state = self.state
        thread = threading.get_ident()
        elsewhere = warnings.showwarning

        def show(
            message: Any, category: type, filename: str, lineno: int, file: Any = None, line: Any = None
        ) -> None:
            if threading.get_ident() != thread:
                # The warnings machinery is process-wide: another session's warning is not this program's
                # output (and must not be stopped by this program's output limit).
                elsewhere(message, category, filename, lineno, file, line)
                return
            key = (category.__name__, str(message), state.line)
            if key not in seen:
                seen.add(key)
                warning = WarningShown(state.line, category.__name__, str(message), state.output_size)
                state.write(warning_line(warning))
                self.warnings.append(warning)

        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            yield


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:  # noqa: BLE001 - a message that cannot be made is left out
        return ""


def _optional_class(module_name: str, name: str) -> type | None:
    module = sys.modules.get(module_name)
    if module is None:
        try:
            module = __import__(module_name, fromlist=[name])
        except ImportError:
            return None
    value = getattr(module, name, None)
    return value if isinstance(value, type) else None


@contextlib.contextmanager
def _young_collections_less_often() -> Iterator[None]:
    """The interpreter makes many small short-lived objects (closures, frames, records); with Python's
    default threshold the cyclic collector runs every 700 of them and takes a tenth of a small run."""
    thresholds = gc.get_threshold()
    gc.set_threshold(_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextlib.contextmanager
def _recursion_room(limits: Limits) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    # The app calls run() from a shallow stack; the margin covers the frames below it.
    needed = 1000 + limits.max_recursion_depth * _FRAMES_PER_CALL + limits.max_nesting * _FRAMES_PER_LEVEL
    if needed > previous:
        sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@contextlib.contextmanager
def _saved_engine_state(seed: int | None) -> Iterator[None]:
    """Run with the engine's process-wide settings saved, and restore them afterwards.

    The random generator is seeded, not restored: after a run it is where the program left it, as after
    a script.
    """
    grad_mode = _grad_mode.is_grad_enabled()
    print_options = _printing.get_printoptions()
    default_dtype = engine.get_default_dtype() if hasattr(engine, "get_default_dtype") else None
    if seed is not None:
        engine.manual_seed(seed)
    try:
        yield
    finally:
        _grad_mode._set(grad_mode)
        _printing.set_printoptions(**print_options)
        if default_dtype is not None:
            engine.set_default_dtype(default_dtype)
