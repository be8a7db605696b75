"""The mutable state of one run: the step budget, the clock, the current line, the printed output."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from sandbox.errors import LimitExceeded, SandboxAbort
from sandbox.limits import Limits

# Between two full checks (clock, memory) the interpreter only increments a counter.
CHECK_EVERY = 256
# ... and a watchdog asks for a check this often (seconds), however long each step takes.
CHECK_SECONDS = 0.02

try:
    _PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):  # pragma: no cover - not Linux
    _PAGE_SIZE = 4096
_STATM = "/proc/self/statm"
# The open /proc/self/statm of this process: a confined worker opens it before it may open nothing.
_statm: dict[int, int] = {}
# The run in progress in this process, for the worker's line reports.
_current: list[RunState] = []


def open_memory_gauge() -> None:
    """Open this process' /proc/self/statm now (once per process), for `resident_bytes`."""
    pid = os.getpid()
    if pid not in _statm:
        try:
            _statm.clear()
            _statm[pid] = os.open(_STATM, os.O_RDONLY)
        except OSError:  # not Linux, or no /proc: the memory check is off, the OS limits still hold
            _statm[pid] = -1


def resident_bytes() -> int:
    """The process' resident memory, or 0 where /proc is not available."""
    open_memory_gauge()
    fd = _statm[os.getpid()]
    if fd < 0:
        return 0
    try:
        return int(os.pread(fd, 256, 0).split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def current_line() -> int | None:
    """The line the run in progress is on (None before the first statement or between runs)."""
    return _current[-1].line if _current else None


class RunState:
    """Counters and flags shared by the interpreter, the builtins and the recorder during one run."""

    def __init__(self, limits: Limits, lines: list[str]) -> None:
        self.limits = limits
        self.lines = lines
        self.line: int | None = None
        self.steps = 0
        self.next_check = 0
        self.depth = 0
        self.active = True
        self.aborted: SandboxAbort | None = None
        self.output: list[str] = []
        self.output_size = 0
        # Text being made by str/repr/print/format (nesting depth), and how much of it the program's
        # own __repr__/__str__ methods returned so far (Guards.stringify).
        self.text_depth = 0
        self.text_chars = 0
        # Iterators pulling from iterators right now (Guards.ticking), and how deep that may go.
        self.iterators = 0
        self.max_iterators = 2 * limits.max_recursion_depth
        # Loops currently running: [loop_line, body_line, index, index_already_recorded].
        self.loops: list[list[Any]] = []
        self.deadline = time.monotonic() + limits.max_seconds
        self.memory_base = resident_bytes()

    # -- the step budget --------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the clock: the limits count from here."""
        _current[:] = [self]
        self.deadline = time.monotonic() + self.limits.max_seconds
        self.next_check = min(CHECK_EVERY, self.limits.max_steps + 1)

    def tick(self) -> None:
        self.steps += 1
        if self.steps >= self.next_check:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Check the step budget, the clock and memory; called every CHECK_EVERY steps."""
        if self.aborted is not None:
            # Once stopped, every later step (a `finally` block, an engine callback) stops again.
            raise self.aborted
        limits = self.limits
        if self.steps > limits.max_steps:
            self.abort("limit_steps", "max_steps", limits.max_steps)
        if time.monotonic() > self.deadline:
            self.abort("limit_time", "max_seconds", limits.max_seconds)
        self.check_memory()
        self.next_check = min(self.steps + CHECK_EVERY, limits.max_steps + 1)

    def check_memory(self) -> None:
        if self.memory_base and resident_bytes() - self.memory_base > self.limits.max_memory_bytes:
            self.abort("limit_memory", "max_memory_bytes", self.limits.max_memory_bytes)

    def abort(self, message_id: str, limit_name: str, limit: Any, **params: Any) -> None:
        """Stop the run with a LimitExceeded error naming `limit_name`."""
        error = LimitExceeded(message_id, self.line, limit=limit, limit_name=limit_name, **params)
        self.stop(error)

    def stop(self, error: SandboxAbort) -> None:
        if error.line is None:
            error.line = self.line
        self.aborted = error
        self.next_check = 0
        raise error

    # -- output ---------------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        room = self.limits.max_output_chars - self.output_size
        if len(text) > room:
            if room > 0:
                self.output.append(text[:room])
                self.output_size += room
            self.abort("limit_output", "max_output_chars", self.limits.max_output_chars)
        self.output.append(text)
        self.output_size += len(text)

    def output_room(self) -> int:
        return self.limits.max_output_chars - self.output_size


class Watchdog:
    """Asks a running program for a check (clock, memory) every CHECK_SECONDS from its own thread.

    The step count alone would let 256 slow steps pass between two checks (256 matrix products of a
    fifth of a second each); the watchdog sets `next_check` to 0, so the next step checks. A single C
    call still runs to its end: the guards keep each one bounded.
    """

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="sandbox-watchdog", daemon=True)

    def _watch(self) -> None:
        while not self.stopped.wait(CHECK_SECONDS):
            self.state.next_check = 0

    def __enter__(self) -> Watchdog:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()
