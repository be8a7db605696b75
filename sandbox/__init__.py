"""The sandbox: runs a pasted PyTorch program on the engine, safely, and records what happened.

    import sandbox
    record = sandbox.run(source)            # never raises; record.error says how it ended
    record.output, record.events, record.graph, record.names

Two layers (docs/sandbox.md has the threat model):

- `sandbox.run` hands the program to a disposable worker process, confined by the operating system
  (resource limits, seccomp), killed at its deadline, whose record comes back as plain data. This is
  the only way a server may run a program.
- Inside the worker, `sandbox.interpret` runs it: the program is never handed to `exec`, `eval` or
  `compile`; `ast.parse` reads it, and an interpreter walks the tree, allowing only a subset of Python
  against read-only views of the engine's torch-like modules, with limits, line numbers and the trace.
  Calling `interpret` directly runs the program in the caller's process: for tests and tools only.
"""

from __future__ import annotations

from sandbox.errors import ERROR_KINDS, SandboxError
from sandbox.limits import Limits
from sandbox.messages import MESSAGES, render
from sandbox.pool import Superseded, active_layers, run
from sandbox.record import (
    BackwardCall,
    Event,
    GradsZeroed,
    LoopIteration,
    OptimizerStep,
    RunRecord,
    TensorCreated,
    WarningShown,
)
from sandbox.runner import run as interpret

__all__ = [
    "ERROR_KINDS",
    "MESSAGES",
    "BackwardCall",
    "Event",
    "GradsZeroed",
    "Limits",
    "LoopIteration",
    "OptimizerStep",
    "RunRecord",
    "SandboxError",
    "TensorCreated",
    "WarningShown",
    "Superseded",
    "active_layers",
    "interpret",
    "render",
    "run",
]
