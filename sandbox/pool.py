"""The server's side of isolation: a pool of warm, confined, single-use worker processes.

    record = run(source, limits=..., seed=0, session="browser-session-id")

`run` hands the program to a worker forked by the fork server (`sandbox.forkserver`), waits for its
record, and returns it decoded from plain data. The worker is killed at the time limit plus a short
grace, whatever the program does; then, or when it dies (a memory or CPU limit of the OS), the record
says so with a `LimitExceeded` error in the user's language.

Fairness: at most `size` runs at once (one per worker); a session has at most one run waiting, and a
newer one from the same session replaces it (the older call raises `Superseded`). There is no lock
around a run: a slow program only holds its own worker.

The pool size is the number of cores unless `AUTOGRAD_EXPLORER_WORKERS` or `[sandbox] workers` in
`.streamlit/config.toml` says otherwise; `AUTOGRAD_EXPLORER_WORKER_MEMORY_MB` (or `[sandbox]
worker_memory_mb`) sets a worker's address-space limit.
"""

from __future__ import annotations

import atexit
import collections
import dataclasses
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

from sandbox import wire
from sandbox.confine import Confinement
from sandbox.errors import LimitExceeded, SandboxError
from sandbox.limits import Limits
from sandbox.record import RunRecord
from sandbox.snapshot import GraphSnapshot

log = logging.getLogger("sandbox.pool")

ROOT = Path(__file__).resolve().parents[1]
CONFIG_FILE = ROOT / ".streamlit" / "config.toml"
# After the time limit, how long a worker has to finish its record before it is killed.
GRACE_SECONDS = 1.5
# How long a fresh worker may take to say it is ready.
START_SECONDS = 10.0
# Environment variables the fork server keeps: numerics settings some CPUs need for correct results.
_KEPT_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL", "TZ")


class Superseded(Exception):  # noqa: N818 - not a failure: a newer run of the same session replaced it
    """A newer run from the same session took this waiting run's place."""


class WorkerFailed(Exception):
    """The fork server or a worker broke the protocol (never the program's fault alone)."""


@dataclasses.dataclass(frozen=True)
class PoolSettings:
    """How many workers run at once and what each may use."""

    workers: int
    confinement: Confinement

    @classmethod
    def from_environment(cls) -> PoolSettings:
        section = _config_section()
        workers = _setting("AUTOGRAD_EXPLORER_WORKERS", section.get("workers"), os.cpu_count() or 1)
        memory_mb = _setting("AUTOGRAD_EXPLORER_WORKER_MEMORY_MB", section.get("worker_memory_mb"), 1536)
        return cls(max(1, workers), Confinement(address_space_bytes=memory_mb * 2**20))


def _config_section() -> dict[str, Any]:
    try:
        with CONFIG_FILE.open("rb") as handle:
            section = tomllib.load(handle).get("sandbox", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return section if isinstance(section, dict) else {}


def _setting(variable: str, configured: Any, default: int) -> int:
    for value in (os.environ.get(variable), configured):
        try:
            if value is not None:
                return int(value)
        except (TypeError, ValueError):
            log.warning("ignoring %s=%r: not a whole number", variable, value)
    return default


@dataclasses.dataclass
class _Worker:
    sock: socket.socket
    pid: int
    pidfd: int
    layers: dict[str, bool]
    reader: wire.FrameReader = dataclasses.field(default_factory=wire.FrameReader)

    def kill(self) -> None:
        try:
            if self.pidfd >= 0:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass

    def waiting(self) -> bool:
        """Whether a warm worker is still there: it sends nothing until it has a program, so anything
        readable on its socket is the end of it."""
        readable, _, _ = select.select([self.sock], [], [], 0)
        return not readable

    def close(self) -> None:
        self.sock.close()
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1


class _ForkServer:
    """The fork server process and the control socket to it."""

    def __init__(self, confinement: Confinement) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        environment = {name: os.environ[name] for name in _KEPT_VARIABLES if name in os.environ}
        # One thread per numerics library: the fork server must stay single-threaded to fork safely.
        environment.update(
            OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONPATH=str(ROOT),
            PYTHONDONTWRITEBYTECODE="1", PATH=os.defpath,
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sandbox.forkserver", str(theirs.fileno()),
             json.dumps(dataclasses.asdict(confinement))],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=environment,
            cwd=str(ROOT),
        )
        theirs.close()
        self.control = ours
        self.lock = threading.Lock()  # one fork request at a time on the control socket

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, for_pool: bool) -> _Worker:
        """A new worker, confined and ready; one `for_pool` first warms itself up while nobody waits."""
        mine, for_worker = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.control, [b"W" if for_pool else b"F"], [for_worker.fileno()])
                message, fds, _flags, _addr = socket.recv_fds(self.control, 16, 1)
        except BaseException:
            mine.close()
            raise
        finally:
            for_worker.close()
        if len(message) != 4:
            mine.close()
            raise WorkerFailed("the fork server did not answer")
        (pid,) = wire.PID.unpack(message)
        worker = _Worker(mine, pid, fds[0] if fds else -1, {})
        ready = _read_frames(worker, time.monotonic() + START_SECONDS, until=wire.FRAME_READY)
        if ready is None:
            worker.kill()
            worker.close()
            raise WorkerFailed("a worker did not start")
        worker.layers = json.loads(ready[1]).get("layers", {})
        return worker

    def stop(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()




def _announce(layers: dict[str, bool]) -> None:
    """One line on the server's log saying which confinement layers the workers have."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    off = [name for name, active in layers.items() if not active]
    on = ", ".join(name for name, active in layers.items() if active)
    if off:
        log.warning("sandbox workers run with %s; NOT available here: %s", on, ", ".join(off))
    else:
        log.info("sandbox workers run with %s", on)


def _read_frames(worker: _Worker, deadline: float, until: bytes, lines: list[int] | None = None
                 ) -> tuple[bytes, bytes] | None:
    """Read frames from `worker` until one of kind `until` (returned) or the deadline or EOF (None)."""
    reader = worker.reader
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        readable, _, _ = select.select([worker.sock], [], [], remaining)
        if not readable:
            return None
        try:
            data = worker.sock.recv(1 << 20)
        except OSError:
            return None
        if not data:
            return None
        for kind, payload in reader.feed(data):
            if kind == until:
                return kind, payload
            if kind == wire.FRAME_LINE and lines is not None and len(payload) == wire.LINE.size:
                lines.append(wire.LINE.unpack(payload)[0])


@dataclasses.dataclass
class _Ticket:
    session: str | None
    superseded: bool = False


class Pool:
    """Warm workers, a fork server to make more, and the queue of runs waiting for a free slot."""

    def __init__(self, settings: PoolSettings | None = None) -> None:
        self.settings = settings or PoolSettings.from_environment()
        self._server: _ForkServer | None = None
        self._server_lock = threading.Lock()
        self._warm: collections.deque[_Worker] = collections.deque()
        self._slots = threading.Condition()
        self._running = 0
        self._queue: collections.deque[_Ticket] = collections.deque()
        self._waiting: dict[str, _Ticket] = {}
        self.layers: dict[str, bool] = {}

    # -- workers --------------------------------------------------------------------------------------

    def _fork_server(self) -> _ForkServer:
        with self._server_lock:
            if self._server is None or not self._server.alive():
                self._server = _ForkServer(self.settings.confinement)
            return self._server

    def _new_worker(self, for_pool: bool = False) -> _Worker:
        for attempt in range(2):  # a fork server that died is started again once
            server = self._fork_server()
            try:
                worker = server.fork(for_pool)
                if worker.layers != self.layers:
                    self.layers = worker.layers
                    _announce(worker.layers)
                return worker
            except (OSError, WorkerFailed):
                if attempt:
                    raise
                with self._server_lock:
                    self._server = None
        raise WorkerFailed("no worker")  # pragma: no cover - the loop returns or raises

    def _take_worker(self) -> _Worker:
        while True:
            try:
                worker = self._warm.popleft()
            except IndexError:
                return self._new_worker()
            if worker.waiting():
                return worker
            worker.close()  # it died while it waited (the machine ran short of memory)

    def _refill(self) -> None:
        # Keep one warm worker per slot, made while the current program runs.
        try:
            while len(self._warm) < self.settings.workers:
                self._warm.append(self._new_worker(for_pool=True))
        except (OSError, WorkerFailed) as exc:
            log.warning("could not start a warm sandbox worker: %s", exc)

    def warm_up(self) -> dict[str, bool]:
        """Start the fork server and the warm workers now; returns the active confinement layers."""
        self._refill()
        return dict(self.layers)

    # -- slots ----------------------------------------------------------------------------------------

    def _acquire(self, session: str | None) -> _Ticket:
        ticket = _Ticket(session)
        with self._slots:
            if session is not None:
                older = self._waiting.get(session)
                if older is not None:
                    older.superseded = True
                self._waiting[session] = ticket
            self._queue.append(ticket)
            self._slots.notify_all()  # wakes the run this one replaced
            while True:
                self._drop_superseded()
                if ticket.superseded:
                    self._forget(ticket)
                    self._slots.notify_all()
                    raise Superseded
                if self._queue[0] is ticket and self._running < self.settings.workers:
                    break
                self._slots.wait()
            self._forget(ticket)
            self._running += 1
            self._slots.notify_all()
        return ticket

    def _drop_superseded(self) -> None:
        while self._queue and self._queue[0].superseded:
            self._queue.popleft()

    def _forget(self, ticket: _Ticket) -> None:
        if ticket in self._queue:
            self._queue.remove(ticket)
        if ticket.session is not None and self._waiting.get(ticket.session) is ticket:
            del self._waiting[ticket.session]

    def _release(self) -> None:
        with self._slots:
            self._running -= 1
            self._slots.notify_all()

    # -- running --------------------------------------------------------------------------------------

    def run(self, source: str, *, limits: Limits | None = None, seed: int | None = 0,
            session: str | None = None) -> RunRecord:
        """Run `source` in a fresh confined worker and return its record (never raises for the program's
        sake; `Superseded` when a newer run of the same session replaced this one while it waited)."""
        limits = limits or Limits()
        self._acquire(session)
        try:
            # A worker that dies between the check and the program cannot take it: the next one does.
            for _attempt in range(2):
                try:
                    worker = self._take_worker()
                except (OSError, WorkerFailed) as exc:
                    log.warning("no sandbox worker could be started: %s", exc)
                    break
                record = self._run_on(worker, source, limits, seed)
                if record is not None:
                    return record
            return _failed_record(source, LimitExceeded("worker_unavailable", None, limit_name="workers"))
        finally:
            self._release()
            # The replacement is made after the run, not during it: on a small machine forking one
            # while a program runs slows that program down.
            threading.Thread(target=self._refill, daemon=True).start()

    def _run_on(self, worker: _Worker, source: str, limits: Limits, seed: int | None) -> RunRecord | None:
        """The record of `source` run on `worker`; None when the worker could not even take it."""
        job = {"source": source, "limits": dataclasses.asdict(limits), "seed": seed}
        lines: list[int] = []
        started = time.monotonic()
        try:
            try:
                worker.sock.sendall(wire.frame(wire.FRAME_JOB, json.dumps(job).encode()))
            except OSError:
                return None
            deadline = started + limits.max_seconds + GRACE_SECONDS
            answer = _read_frames(worker, deadline, until=wire.FRAME_RECORD, lines=lines)
            line = lines[-1] or None if lines else None
            if answer is None:
                timed_out = time.monotonic() - started >= limits.max_seconds
                return _stopped_record(source, limits, line, timed_out=timed_out)
            try:
                return wire.decode(answer[1])
            except wire.WireError as exc:
                log.warning("refused a malformed record from a worker: %s", exc)
                return _stopped_record(source, limits, line, timed_out=False)
        finally:
            worker.kill()
            worker.close()

    def close(self) -> None:
        while self._warm:
            worker = self._warm.popleft()
            worker.kill()
            worker.close()
        with self._server_lock:
            if self._server is not None:
                self._server.stop()
                self._server = None


def _stopped_record(source: str, limits: Limits, line: int | None, *, timed_out: bool) -> RunRecord:
    """The record of a worker that was killed at its deadline or died on an OS limit."""
    if timed_out:
        abort = LimitExceeded("limit_time", line, limit=limits.max_seconds, limit_name="max_seconds")
    else:
        abort = LimitExceeded("limit_worker", line, limit_name="worker")
    return _failed_record(source, abort)


def _failed_record(source: str, abort: LimitExceeded) -> RunRecord:
    error: SandboxError = abort.to_error().rendered()
    return RunRecord(source=source, output="", error=error, events=(), graph=GraphSnapshot({}, {}), names={})


_pool: Pool | None = None
_pool_lock = threading.Lock()


def shared_pool() -> Pool:
    """The process' pool, made on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool()
            atexit.register(_pool.close)
        return _pool


def run(source: str, *, limits: Limits | None = None, seed: int | None = 0,
        session: str | None = None) -> RunRecord:
    """Run `source` in a confined worker of the shared pool (see `Pool.run`)."""
    return shared_pool().run(source, limits=limits, seed=seed, session=session)


def active_layers() -> dict[str, bool]:
    """The confinement layers the shared pool's workers have on this platform (starting it if needed)."""
    return shared_pool().warm_up()
