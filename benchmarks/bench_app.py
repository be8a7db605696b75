"""The app's speed: server time per interaction (AppTest, warm app), one backward step, cold load in Chromium.

    python -m benchmarks.run --only app

The targets are absolute budgets, so each result's baseline is its budget and the target is "<= 1x"
(or "< 1x" for the cold load): the ratio says which fraction of the budget is used.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks._harness import Result, measure
from explorer.presets import preset_code

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CHROMIUM = Path("/usr/bin/chromium")
NODE_POINTS = ".js-plotly-plot .scatterlayer path.point.plotly-customdata"  # the graph's nodes, once drawn

SEED = preset_code("seed10")  # the seed lesson's first sections (explorer.seed)
# 100 rounds of (leaf, AccumulateGrad, MulBackward0, AddBackward0, constant): 504 nodes. No two rounds form
# a chain the figure could fold, so all of them are drawn.
BIG = """\
import torch

total = torch.zeros(2)
for i in range(100):
    w = torch.randn(2, requires_grad=True)
    total = total + w * 2
loss = total.sum()
loss.backward()
"""


def _app(program: str, page: str = "app_pages/playground.py"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.context = {"locale": "en-US", "theme": "light"}
    at.session_state["program"] = program
    at.session_state["program_history"] = []
    at.run()
    at.switch_page(page).run()
    return at


def _interaction(program: str) -> float:
    """Seconds for the server to rerun the Playground after a click on a node.

    The run record stays cached (the program did not change), the figure is drawn anew: its cache is
    cleared before each click, so this is the cost of a click on a node not clicked before.
    """
    from app_pages.common import figure_of

    at = _app(program)
    nodes = at.selectbox(key="node").options
    picks = iter(nodes * 50)

    def click() -> None:
        figure_of.clear()
        at.selectbox(key="node").select(next(picks)).run()
        assert not at.exception, at.exception

    return measure(click, repeat=7, warmup=1)


def _graph_size(program: str) -> int:
    import sandbox
    from graph import graph_from_record

    return graph_from_record(sandbox.run(program)).number_of_nodes()


def _backward_step() -> float:
    """Seconds for one press of "next step" on the Backward page, the step's figure drawn anew."""
    from app_pages.common import step_figure

    at = _app(SEED, "app_pages/backward.py")
    count = int(at.slider(key="bw_step").max)

    def step() -> None:
        step_figure.clear()
        at.button(key="bw_next" if at.slider(key="bw_step").value < count else "bw_first").click().run()

    return measure(step, repeat=7, warmup=1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cold_load() -> float:
    """Seconds from opening the Playground in headless Chromium to its graph being drawn (fresh server)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/playground")
            page.wait_for_selector(NODE_POINTS, timeout=60_000)
            elapsed = time.perf_counter() - start
            browser.close()
        return elapsed
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _wait_healthy(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not start")


def run() -> list[Result]:
    nodes = _graph_size(BIG)
    results = [
        Result("app: node click, seed example (warm)", _interaction(SEED), 0.150, "budget 150 ms", "<= 1x"),
        Result(f"app: node click, {nodes}-node graph (warm)", _interaction(BIG), 0.600, "budget 600 ms",
               "<= 1x"),
        Result("app: one backward step (seed)", _backward_step(), 0.050, "budget 50 ms", "<= 1x"),
    ]
    if CHROMIUM.exists():
        results.append(Result("app: cold load to visible graph (Chromium)", _cold_load(), 3.0, "budget 3 s",
                              "< 1x"))
    else:
        print(f"{CHROMIUM} not found: cold load not measured", file=sys.stderr)
    return results


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.ours * 1000:.1f} ms (budget {result.baseline * 1000:.0f} ms)")
