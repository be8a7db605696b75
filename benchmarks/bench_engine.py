"""Engine speed against torch's eager CPU mode: side by side in one process, and each alone in a fresh one.

Targets (from the engine issue): per-op overhead on tensors of at most 1,000 elements no slower than torch;
backward through a 1,000-op chain no slower than torch; forward + backward on 1e6-element elementwise ops
at most 1.5x torch.

How it measures, and why:
- Ours and torch's rounds alternate (`measure_pair`), so load from other processes, clock changes and
  the allocator's state hit both sides alike; each side keeps its fastest round.
- torch runs on one thread, as numpy's elementwise loops do: the comparison is core for core.
- On 1e6-element tensors the time goes mostly to memory, and glibc's malloc decides how much of it is
  fresh pages from the kernel (each first touch of a 4 KB page is a fault). Once a large block has
  been freed, malloc serves blocks that size from its heap, but it hands the top of the heap back to
  the kernel whenever more than its trim threshold (twice the largest block freed so far, at most
  64 MB) is free there. Whether an iteration ends that way depends on where its last live blocks sit:
  an engine-only process trims ~20 MB and faults it back in on every fwd+bwd (about 4x slower);
  torch's layout does not. In one process the two share one heap, and after the warm-up neither trims
  (the rows above the last). The last row runs each library alone in a fresh process, as the app runs
  the engine, and so measures the allocator as much as the engine: with MALLOC_MMAP_THRESHOLD_=33554432
  and MALLOC_TRIM_THRESHOLD_=268435456 in the environment the engine-alone run is ~4x faster (setting
  the trim threshold alone makes it slower: it turns off malloc's adaptive mmap threshold).
- OPENBLAS_CORETYPE (set on some machines here) only changes BLAS kernels; nothing below calls BLAS.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

from benchmarks._harness import Result, measure, measure_pair

SMALL = 1_000
LARGE = 1_000_000
CHAIN = 1_000
BASELINE = "torch 2.13 eager CPU"
ROOT = Path(__file__).resolve().parent.parent


def _small_ops(lib: ModuleType, data: np.ndarray) -> Callable[[], object]:
    x = lib.tensor(data, requires_grad=True)
    y = lib.tensor(data)

    def run() -> object:
        a = x * y
        b = a + x
        c = b.exp()
        d = c.sum()
        return d

    return run


def _chain_backward(lib: ModuleType) -> Callable[[], object]:
    def run() -> object:
        x = lib.ones(10, requires_grad=True)
        y = x
        for _ in range(CHAIN):
            y = y * 1.0001
        y.sum().backward()
        return x.grad

    return run


def _large_fwd_bwd(lib: ModuleType, data: np.ndarray) -> Callable[[], object]:
    x = lib.tensor(data, requires_grad=True)

    def run() -> object:
        x.grad = None
        y = (x * x + x).tanh().exp()
        y.sum().backward()
        return x.grad

    return run


def _data(size: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(size).astype(np.float32)


def _pair(name: str, make: Callable[[ModuleType], Callable[[], object]], target: str, number: int,
          repeat: int) -> Result:
    import torch

    import engine

    ours, theirs = measure_pair(make(engine), make(torch), repeat=repeat, number=number, warmup=2)
    return Result(name, ours, theirs, BASELINE, target)


def _alone(library: str) -> float:
    """Seconds per fwd+bwd on 1e6 elements in a new process that imports only `library`."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_engine", library], cwd=ROOT, check=True,
        capture_output=True, text=True,
    )
    return float(done.stdout.split()[-1])


def time_alone(library: str) -> float:
    """The timing `_alone` runs in the child process (imports `library` and nothing else that allocates)."""
    if library == "torch":
        import torch as lib

        lib.set_num_threads(1)
    else:
        import engine as lib
    return measure(_large_fwd_bwd(lib, _data(LARGE)), repeat=15, number=1, warmup=2)


def run() -> list[Result]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        results = [
            _pair("4 ops on 1,000 elements, requires_grad (per op x4)",
                  lambda lib: _small_ops(lib, _data(SMALL)), "<= 1.0x", number=200, repeat=25),
            _pair("backward through a 1,000-op chain", _chain_backward, "<= 1.0x", number=3, repeat=15),
            _pair("fwd+bwd, 1e6-element elementwise ops",
                  lambda lib: _large_fwd_bwd(lib, _data(LARGE)), "<= 1.5x", number=1, repeat=25),
        ]
    finally:
        torch.set_num_threads(threads)
    results.append(Result("fwd+bwd, 1e6 elements, each library alone in a fresh process",
                          _alone("engine"), _alone("torch"), BASELINE, "<= 1.5x"))
    return results


if __name__ == "__main__":  # the child process of `_alone`
    print(time_alone(sys.argv[1]))
