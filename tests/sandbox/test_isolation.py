"""The operating-system layer: programs run in confined, disposable workers, killed from outside.

These tests attack the second layer as if the interpreter had been bypassed: a probe process confines
itself exactly as a worker does and then tries what an escaped program would try.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import sandbox
from sandbox import pool as pool_module
from sandbox.confine import Confinement
from sandbox.limits import Limits
from sandbox.pool import Pool, PoolSettings, Superseded

ROOT = Path(__file__).resolve().parents[2]

# What an escaped program would try, each from inside a confined process; every line must be refused.
_PROBE = r"""
import json, os, socket, sys
sys.path.insert(0, sys.argv[1])
from sandbox import confine
layers = confine.confine(confine.Confinement(address_space_bytes=1024 * 2**20))
def attempt(fn):
    try:
        fn()
        return "allowed"
    except BaseException as exc:
        return type(exc).__name__
def subprocess_run():
    import subprocess
    subprocess.run(["/bin/true"])
results = {
    "layers": layers,
    "open_for_reading": attempt(lambda: open("/etc/passwd").read()),
    "open_for_writing": attempt(lambda: open("probe.txt", "w").write("x")),
    "list_directory": attempt(lambda: os.listdir("/")),
    "inet_socket": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
    "unix_socket": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
    "fork": attempt(os.fork),
    "exec": attempt(lambda: os.execv("/bin/true", ["true"])),
    "subprocess": attempt(subprocess_run),
    "signal_parent": attempt(lambda: os.kill(os.getppid(), 0)),
    "allocate_3_gib": attempt(lambda: bytearray(3 * 2**30)),
    "environment": sorted(os.environ),
}
import threading
worker = threading.Thread(target=lambda: None)
results["thread"] = attempt(lambda: (worker.start(), worker.join()))
import numpy as np
results["compute"] = attempt(lambda: float((np.ones((64, 64)) @ np.ones(64)).sum()))
sys.stdout.write(json.dumps(results))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    # stdout is a pipe: a file would refuse the write (the file-size limit is 0).
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT)], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "SECRET_TOKEN": "do-not-leak"}, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_every_layer_is_active_on_this_platform(probe: dict) -> None:
    assert probe["layers"] == {"empty_cwd": True, "environment": True, "rlimits": True, "seccomp": True}


@pytest.mark.parametrize(
    "attack",
    ["open_for_reading", "open_for_writing", "list_directory", "inet_socket", "unix_socket", "fork", "exec",
     "subprocess", "signal_parent"],
)
def test_os_layer_refuses_what_an_escaped_program_would_try(probe: dict, attack: str) -> None:
    assert probe[attack] == "PermissionError"


def test_address_space_limit_turns_a_huge_allocation_into_memory_error(probe: dict) -> None:
    assert probe["allocate_3_gib"] == "MemoryError"


def test_worker_sees_no_server_secret(probe: dict) -> None:
    assert probe["environment"] == ["LANG", "PATH"]


def test_threads_and_computing_still_work_when_confined(probe: dict) -> None:
    assert probe["thread"] == "allowed"
    assert probe["compute"] == "allowed"


# --- the pool ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_pool() -> Pool:
    pool = Pool(PoolSettings(2, Confinement()))
    pool.warm_up()
    yield pool
    pool.close()


def test_run_goes_through_a_worker_and_reports_its_layers(small_pool: Pool) -> None:
    record = small_pool.run("import torch\nprint(torch.ones(2) * 3)\n")
    assert record.error is None
    assert record.output == "tensor([3., 3.])\n"
    assert small_pool.layers["seccomp"] is True


# A single C call that runs for far longer than the time limit: integer matrix products have no fast
# path in numpy, and these limits let the interpreter's own cost check through.
_LONG_C_CALL = "import torch\na = torch.ones(3000, 3000, dtype=torch.int64)\nb = a @ a\nprint('never')\n"
_NO_COST_CHECK = Limits(max_seconds=1.0, max_matmul_work=10**15, max_tensor_elements=10**8)


def test_c_level_call_is_killed_at_the_time_limit(small_pool: Pool) -> None:
    record = small_pool.run(_LONG_C_CALL, limits=_NO_COST_CHECK)
    assert record.error is not None
    assert record.error.kind == "LimitExceeded"
    assert record.error.params["limit_name"] == "max_seconds"
    assert record.error.line == 3  # reported by the worker while it ran
    assert record.error.text("vi") == "chương trình chạy lâu hơn 1.0 giây (max_seconds)"


def test_tiny_run_beside_a_bomb_finishes_first(small_pool: Pool) -> None:
    finished: list[str] = []
    bomb = threading.Thread(target=lambda: (small_pool.run(_LONG_C_CALL, limits=_NO_COST_CHECK),
                                            finished.append("bomb")))
    bomb.start()
    time.sleep(0.2)  # the bomb is running in its worker
    record = small_pool.run("print(1 + 1)\n")
    finished.append("tiny")
    bomb.join()
    assert record.output == "2\n"
    assert finished == ["tiny", "bomb"]


def test_memory_limit_of_the_worker_gives_a_clear_error() -> None:
    pool = Pool(PoolSettings(1, Confinement(address_space_bytes=600 * 2**20)))
    try:
        limits = Limits(max_tensor_elements=10**9, max_tensor_bytes=2**33, max_memory_bytes=2**33)
        record = pool.run("import torch\nx = torch.ones(200_000_000)\n", limits=limits)
    finally:
        pool.close()
    assert record.error is not None
    assert record.error.kind == "LimitExceeded"
    assert record.error.line == 2


# Programs that change process-wide state: none of it may reach the next run.
_STATE_CHANGERS = {
    "grad_mode": "import torch\ntorch.set_grad_enabled(False)\n",
    "print_options": "import torch\ntorch.set_printoptions(precision=1)\n",
    "random_state": "import torch\ntorch.manual_seed(123)\nfor _ in range(5):\n    torch.randn(100)\n",
    "tensor_attribute": "import torch\nclass M(torch.nn.Module):\n    pass\nM().train(False)\n",
}
_OBSERVER = (
    "import torch\nx = torch.randn(3, requires_grad=True)\ny = (x * 2.123456).sum()\n"
    "print(y, torch.is_grad_enabled(), y.requires_grad)\n"
)


@pytest.mark.parametrize("first", sorted(_STATE_CHANGERS))
def test_one_run_cannot_change_the_next(small_pool: Pool, first: str) -> None:
    alone = small_pool.run(_OBSERVER).output
    small_pool.run(_STATE_CHANGERS[first])
    assert small_pool.run(_OBSERVER).output == alone


def test_newer_run_of_a_session_replaces_its_waiting_one() -> None:
    pool = Pool(PoolSettings(1, Confinement()))
    outcomes: dict[str, str] = {}

    def run(name: str, source: str, session: str, limits: Limits | None = None) -> None:
        try:
            outcomes[name] = pool.run(source, limits=limits, session=session).output
        except Superseded:
            outcomes[name] = "superseded"

    try:
        busy = threading.Thread(target=run, args=("busy", _LONG_C_CALL, "other", _NO_COST_CHECK))
        busy.start()
        time.sleep(0.3)  # the only worker is taken
        first = threading.Thread(target=run, args=("first", "print('first')\n", "learner"))
        first.start()
        time.sleep(0.2)  # the first run is waiting for the worker
        second = threading.Thread(target=run, args=("second", "print('second')\n", "learner"))
        second.start()
        for thread in (busy, first, second):
            thread.join(timeout=30)
    finally:
        pool.close()
    assert outcomes == {"busy": "", "first": "superseded", "second": "second\n"}


def test_shared_run_is_the_isolated_path() -> None:
    assert sandbox.run is pool_module.run
    record = sandbox.run("import torch\nprint(torch.zeros(1))\n")
    assert record.output == "tensor([0.])\n"


def test_record_comes_back_equal_to_the_interpreters(small_pool: Pool) -> None:
    source = (
        "import torch\ntorch.manual_seed(0)\nw = torch.randn(3, requires_grad=True)\n"
        "for epoch in range(3):\n    loss = ((w * 2) ** 2).sum()\n    loss.backward()\n"
        "    with torch.no_grad():\n        w -= 0.1 * w.grad\n    w.grad.zero_()\nprint(w)\n"
    )
    isolated, local = small_pool.run(source), sandbox.interpret(source)
    assert isolated.output == local.output
    assert [type(e) for e in isolated.events] == [type(e) for e in local.events]
    assert isolated.names == local.names
    for key, info in local.graph.tensors.items():
        np.testing.assert_array_equal(isolated.graph.tensors[key].value, info.value)


def test_a_fork_server_that_cannot_start_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = Pool(PoolSettings(1, Confinement()))

    def broken(self, confinement):
        raise OSError("no processes left")

    monkeypatch.setattr(pool_module._ForkServer, "__init__", broken)
    record = pool.run("print(1)\n")
    assert record.error is not None and record.error.message_id == "worker_unavailable"
    assert record.error.text("vi").startswith("máy chủ chưa khởi động được tiến trình")


def test_a_fork_server_that_died_is_started_again(small_pool: Pool) -> None:
    small_pool.run("print(1)\n")
    small_pool._server.process.kill()
    small_pool._server.process.wait()
    # The warm workers outlive it; once they are used up, a new fork server makes the next ones.
    outputs = [small_pool.run(f"print({n})\n").output for n in range(4)]
    assert outputs == ["0\n", "1\n", "2\n", "3\n"]


def test_a_warm_worker_that_died_while_waiting_is_replaced(small_pool: Pool) -> None:
    small_pool.warm_up()
    for worker in list(small_pool._warm):
        worker.kill()
    time.sleep(0.2)
    record = small_pool.run("print('still served')\n")
    assert record.output == "still served\n", record.error
