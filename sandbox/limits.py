"""Resource limits of a sandboxed run, and the caps that keep its record small.

Every limit stops the run with a `LimitExceeded` error that names the field and the line. The defaults
suit a classroom: a few seconds of work, tensors of a few million elements, a few hundred MB.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one run may use. Any field can be overridden: `Limits(max_steps=10_000)`."""

    max_source_chars: int = 100_000
    max_nesting: int = 500  # depth of the syntax tree (expressions inside expressions, blocks in blocks)
    max_steps: int = 2_000_000  # statements, loop iterations and items consumed by builtins
    max_seconds: float = 5.0  # wall time, checked between steps
    max_recursion_depth: int = 100  # nested calls of the program's own functions
    max_tensor_elements: int = 5_000_000
    max_tensor_bytes: int = 256 * 2**20  # all live tensors together
    max_memory_bytes: int = 768 * 2**20  # growth of the process' resident memory (Linux), a backstop
    max_graph_nodes: int = 50_000  # live autograd nodes made by the run
    max_output_chars: int = 200_000
    max_int_bits: int = 100_000
    max_string_length: int = 1_000_000
    max_sequence_length: int = 1_000_000  # items of a list, tuple, dict or set
    # Elements one comparison, hash or sort may visit, all the way down: `[row] * 10**6 == other` visits
    # 10**12 (a long string or a big int counts as several). The default is about a third of a second of C.
    max_compare_items: int = 50_000_000
    # Multiply-adds of one matrix product on integer, bool or float16 tensors (numpy has no fast path
    # for them; float32/float64 products count a hundredth, float16 ones five times).
    max_matmul_work: int = 1_000_000_000

    # -- what the run record keeps (not errors: beyond these the record is truncated) --------------------
    record_array_elements: int = 1_000  # arrays longer than this are stored as their first N elements
    record_max_events: int = 20_000
    record_max_tensors: int = 500  # the first tensors made are kept alive for the final snapshot
    record_max_tensor_bytes: int = 16 * 2**20
    record_max_backward_details: int = 20  # the first backward calls keep their graph and steps
