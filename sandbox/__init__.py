"""The sandbox: runs a pasted PyTorch program on the engine, safely, and records what happened.

    import sandbox
    record = sandbox.run(source)            # never raises; record.error says how it ended
    record.output, record.events, record.graph, record.names

The program is never handed to `exec`, `eval` or `compile`: `ast.parse` reads it, and an interpreter
walks the tree, allowing only a subset of Python (see docs/sandbox.md for the subset and the limits)
against read-only views of the engine's torch-like modules.
"""

from __future__ import annotations

from sandbox.errors import ERROR_KINDS, SandboxError
from sandbox.limits import Limits
from sandbox.messages import MESSAGES, render
from sandbox.record import (
    BackwardCall,
    Event,
    GradsZeroed,
    LoopIteration,
    OptimizerStep,
    RunRecord,
    TensorCreated,
)
from sandbox.runner import run

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
    "render",
    "run",
]
