"""The fork server and its workers: where programs run, never in the web server's process.

`python -m sandbox.forkserver FD` is started by `sandbox.pool` with a clean environment. It imports the
engine and the interpreter once, warms them with a small run, and then, single-threaded, waits on the
control socket FD. Each request (b"W" for the warm pool, b"F" for a worker wanted now) carries one end
of a fresh socket pair; the server forks a worker for it and answers with the worker's pid and a
pidfd, through which the pool can kill exactly that process.

A worker closes what it inherited, confines itself (`sandbox.confine`), says it is ready, reads one
program, runs it in the interpreter, sends the record as plain data (`sandbox.wire`) and exits. While
the program runs, it reports the running line a few times a second, so a run killed from outside can
still say where it was.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import fields, replace
from typing import Any

from sandbox import confine, runner, state, wire
from sandbox.limits import Limits
from sandbox.record import BackwardCall, RunRecord
from sandbox.snapshot import GraphSnapshot

LINE_REPORT_SECONDS = 0.1
_LIMIT_FIELDS = {f.name: f.type for f in fields(Limits)}
_WARM_UP = """
import torch
import torch.nn as nn
import torch.nn.functional as F
import math
torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
w = torch.ones(3, 3, requires_grad=True)
model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
opt = torch.optim.SGD(model.parameters(), lr=0.1)
y = (model(x) ** 2).mean() + (w @ x).sigmoid().sum() + F.mse_loss(x, x.detach() * 2)
y.backward()
opt.step()
opt.zero_grad()
with torch.no_grad():
    x -= 0.1 * x.grad
print(y, x.grad, f"{y.item():.3f}", math.sqrt(2))
"""


# --- the worker ----------------------------------------------------------------------------------------


def _send(sock: socket.socket, kind: bytes, payload: bytes) -> None:
    sock.sendall(wire.frame(kind, payload))


def _receive_job(sock: socket.socket) -> dict[str, Any] | None:
    reader = wire.FrameReader()
    while True:
        data = sock.recv(1 << 16)
        if not data:
            return None
        for kind, payload in reader.feed(data):
            if kind == wire.FRAME_JOB:
                return json.loads(payload)


def _limits(fields_given: dict[str, Any]) -> Limits:
    return Limits(**{name: value for name, value in fields_given.items() if name in _LIMIT_FIELDS})


def _report_lines(sock: socket.socket, done: threading.Event) -> None:
    """Send the running line every LINE_REPORT_SECONDS until the run is done."""
    last = -1
    while not done.wait(LINE_REPORT_SECONDS):
        line = state.current_line()
        if line != last:
            last = line
            try:
                _send(sock, wire.FRAME_LINE, wire.LINE.pack(line or 0))
            except OSError:
                return


def _sendable(record: RunRecord) -> bytes:
    """The record as bytes, its error rendered in both languages. Until it fits the wire's size limit,
    the backward calls lose their steps and graphs (keeping the `.grad` ledger, as calls past
    `record_max_backward_details` do), then the record loses its events and graph."""
    if record.error is not None:
        record = replace(record, error=record.error.rendered())
    data = wire.encode(record)
    if len(data) <= wire.MAX_RECORD_BYTES:
        return data
    record = replace(record, events=tuple(_without_details(e) for e in record.events))
    data = wire.encode(record)
    if len(data) <= wire.MAX_RECORD_BYTES:
        return data
    return wire.encode(replace(record, events=(), graph=GraphSnapshot({}, {}), names={}))


def _without_details(event: Any) -> Any:
    if isinstance(event, BackwardCall):
        return replace(event, steps=(), graph=GraphSnapshot({}, {}))
    return event


def worker_main(sock: socket.socket, settings: confine.Confinement, pre_touch: bool = True) -> None:
    """The body of one worker: confine, run one program, send its record."""
    state.open_memory_gauge()
    layers = confine.confine(settings)
    # The fork server's pages are shared copy-on-write: the first run in a worker pays a page copy for
    # every object it touches. A run of our own while the worker waits pays it before the program comes.
    if pre_touch:
        runner.run(_WARM_UP)
    _send(sock, wire.FRAME_READY, json.dumps({"layers": layers}).encode())
    job = _receive_job(sock)
    if job is None:
        return
    done = threading.Event()
    reporter = threading.Thread(target=_report_lines, args=(sock, done), daemon=True)
    reporter.start()
    record = runner.run(job["source"], limits=_limits(job.get("limits", {})), seed=job.get("seed", 0))
    done.set()
    reporter.join()
    _send(sock, wire.FRAME_RECORD, _sendable(record))


def _run_worker(sock: socket.socket, control: socket.socket, settings: confine.Confinement,
                pre_touch: bool) -> None:
    code = 0
    try:
        control.close()
        _quiet_standard_streams()
        worker_main(sock, settings, pre_touch)
    except BaseException:  # noqa: BLE001 - a worker never returns into the fork server's loop
        code = 1
    finally:
        os._exit(code)


def _quiet_standard_streams() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


# --- the fork server -----------------------------------------------------------------------------------


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _single_threaded(patience: float = 2.0) -> bool:
    # A thread that Python has joined (the warm-up run's watchdog) can take a moment to leave the kernel.
    deadline = time.monotonic() + patience
    while _thread_count() > 1:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def _warm_up() -> None:
    """Import and exercise what a run uses, so workers start with it loaded and never open a file."""
    runner.run(_WARM_UP)
    confine.seccomp_available()
    wire.decode(wire.encode(runner.run("import torch\nprint(torch.ones(2).sum())")))


def _fork_worker(control: socket.socket, sock: socket.socket, settings: confine.Confinement,
                 pre_touch: bool) -> None:
    if not _single_threaded():
        raise RuntimeError("the fork server must stay single-threaded")
    pid = os.fork()
    if pid == 0:
        _run_worker(sock, control, settings, pre_touch)
    sock.close()
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = -1
    fds = [pidfd] if pidfd >= 0 else []
    socket.send_fds(control, [wire.PID.pack(pid)], fds)
    if pidfd >= 0:
        os.close(pidfd)


def serve(control: socket.socket, settings: confine.Confinement) -> None:
    """Fork a worker for every socket the pool sends, until the pool closes the control socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not message:
            return
        if not fds:
            continue
        # "W": a worker for the warm pool, which pre-touches its pages; "F": one wanted right now.
        try:
            _fork_worker(control, socket.socket(fileno=fds[0]), settings, pre_touch=message == b"W")
        except OSError:  # the pool went away (its process exited): so does the fork server
            return


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[0]))
    settings = confine.Confinement(**json.loads(argv[1])) if len(argv) > 1 else confine.Confinement()
    _warm_up()
    # What the fork server holds is shared with every worker page by page; the collector never needs to
    # walk it (which would copy every page into each worker).
    gc.collect()
    gc.freeze()
    serve(control, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
