"""Resource bombs: each stops with a LimitExceeded error naming the limit and the line, in bounded memory.

The limits here are the defaults unless a smaller one keeps the test quick; what is checked is which
limit stops the program, never how long it took.
"""

from __future__ import annotations

import resource

import pytest

from engine import _grad_mode, _printing, _trace
from tests.sandbox.helpers import run

# name -> (program, the Limits field that must stop it, smaller limits for speed)
BOMBS: dict[str, tuple[str, str, dict[str, int]]] = {
    "huge_tensor": ("import torch\ntorch.ones(10**6, 10**6)", "max_tensor_elements", {}),
    "huge_zeros_tuple": ("import torch\ntorch.zeros((10**5, 10**5))", "max_tensor_elements", {}),
    "huge_random": ("import torch\ntorch.randn(10**5, 10**5)", "max_tensor_elements", {}),
    "huge_full": ("import torch\ntorch.full((10**5, 10**5), 1.0)", "max_tensor_elements", {}),
    "huge_arange": ("import torch\ntorch.arange(0, 10**12)", "max_tensor_elements", {}),
    "huge_eye": ("import torch\ntorch.eye(10**6)", "max_tensor_elements", {}),
    "broadcast_blowup": (
        "import torch\nv = torch.ones(10**5)\nm = v[:, None] * v",
        "max_tensor_elements",
        {},
    ),
    "outer_product_matmul": (
        "import torch\nv = torch.ones(10**5, 1)\nm = v @ v.T",
        "max_tensor_elements",
        {},
    ),
    "huge_layer": ("import torch.nn as nn\nlayer = nn.Linear(10**5, 10**5)", "max_tensor_elements", {}),
    "huge_concatenation": (
        "import torch\nv = torch.ones(10**6)\nw = torch.cat([v] * 1000)",
        "max_tensor_elements",
        {},
    ),
    "many_tensors": (
        "import torch\nkeep = []\nfor i in range(1000):\n    keep.append(torch.ones(10**6))",
        "max_tensor_bytes",
        {},
    ),
    "growing_tensor": (
        "import torch\nv = torch.ones(2)\nwhile True:\n    v = torch.cat([v, v])",
        "max_tensor_elements",
        {},
    ),
    "tower_of_powers": ("10 ** 10 ** 10", "max_int_bits", {}),
    "big_power": ("x = 2 ** 10 ** 7", "max_int_bits", {}),
    "big_shift": ("x = 1 << 10 ** 9", "max_int_bits", {}),
    "repeated_squaring": ("x = 3\nwhile True:\n    x = x * x", "max_int_bits", {}),
    "huge_factorial": ("import math\nmath.factorial(10**6)", "max_int_bits", {}),
    "endless_loop": ("while True:\n    pass", "max_steps", {"max_steps": 100_000}),
    "counting_forever": ("i = 0\nwhile True:\n    i += 1", "max_steps", {"max_steps": 100_000}),
    "huge_range_loop": ("for i in range(10**12):\n    pass", "max_steps", {"max_steps": 100_000}),
    "builtin_sum_of_huge_range": ("sum(range(10**12))", "max_steps", {"max_steps": 100_000}),
    "any_over_huge_generator": (
        "any(v > 10**13 for v in range(10**12))",
        "max_steps",
        {"max_steps": 100_000},
    ),
    "max_of_huge_range": ("max(range(10**12))", "max_steps", {"max_steps": 100_000}),
    "huge_comprehension": (
        "x = [i for i in range(10**9)]",
        "max_sequence_length",
        {"max_sequence_length": 10_000},
    ),
    "list_of_huge_range": ("list(range(10**9))", "max_sequence_length", {}),
    "tensor_to_huge_list": (
        "import torch\nvalues = torch.zeros(2000, 1000).flatten().tolist()",
        "max_sequence_length",
        {},
    ),
    "sorted_huge_range": ("sorted(range(10**9))", "max_sequence_length", {}),
    "giant_string": ("'a' * 10**10", "max_string_length", {}),
    "giant_list": ("[0] * 10**9", "max_sequence_length", {}),
    "doubling_string": ("s = 'a'\nwhile True:\n    s = s + s", "max_string_length", {}),
    "doubling_list": ("items = [0]\nwhile True:\n    items = items + items", "max_sequence_length", {}),
    "extending_itself": ("items = [0]\nwhile True:\n    items.extend(items)", "max_sequence_length", {}),
    "set_from_huge_range": ("s = set()\ns.update(range(10**9))", "max_sequence_length", {}),
    "list_plus_range": ("items = []\nitems += range(10**9)", "max_sequence_length", {}),
    "padding_bomb": ("'a'.center(10**10)", "max_string_length", {}),
    "zfill_bomb": ("'1'.zfill(10**10)", "max_string_length", {}),
    "tab_bomb": ("'a\\t'.expandtabs(10**9)", "max_string_length", {}),
    "replace_bomb": ("s = 'a' * 1000\ns.replace('a', s).replace('a', s)", "max_string_length", {}),
    "translate_bomb": ("s = 'a' * 10**6\ns.translate({97: 'b' * 10**6})", "max_string_length", {}),
    "join_bomb": ("','.join(['x' * 1000] * 10**4)", "max_string_length", {}),
    "to_bytes_bomb": ("(1).to_bytes(10**10, 'big')", "max_string_length", {}),
    "percent_width": ("'%*d' % (10**9, 1)", "max_string_length", {}),
    "percent_literal_width": ("'%1000000000d' % 1", "max_string_length", {}),
    "fstring_width": ("f'{1:1000000000}'", "max_string_length", {}),
    "format_width": ("'{:>{w}}'.format(1, w=10**9)", "max_string_length", {}),
    "nested_list_repr": ("x = [[0] * 10**6] * 10**6\ns = str(x)", "max_string_length", {}),
    "print_flood": ("while True:\n    print('flood' * 100)", "max_output_chars", {}),
    "print_nested_list": ("x = [[0] * 1000] * 1000\nprint(x)", "max_output_chars", {}),
    "print_full_tensor": (
        "import torch\ntorch.nn.functional.relu\nfrom torch import zeros\nprint(zeros(10**6).tolist())",
        "max_output_chars",
        {},
    ),
    "deep_recursion": ("def f(n):\n    return f(n + 1)\nf(0)", "max_recursion_depth", {}),
    "branching_recursion": ("def f():\n    return [f() for _ in range(2)]\nf()", "max_recursion_depth", {}),
    "mutual_recursion": (
        "def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\na(0)",
        "max_recursion_depth",
        {},
    ),
    "graph_flood": (
        "import torch\nx = torch.ones(1, requires_grad=True)\ny = x\nfor _ in range(10**6):\n    y = y * 1",
        "max_graph_nodes",
        {"max_graph_nodes": 2_000},
    ),
    "memory_of_many_lists": (
        "x = [[0] * 10**6 for _ in range(1000)]",
        "max_memory_bytes",
        {"max_memory_bytes": 200 * 2**20},
    ),
    "source_too_long": ("x = 1\n" * 20_000, "max_source_chars", {}),
    "deeply_nested_expression": ("x = " + "1 + " * 20_000 + "1", "max_nesting", {}),
    "unary_tower": ("x = " + "- " * 40_000 + "1", "max_nesting", {}),
    "nested_expression_over_the_limit": ("x = " + "1 + " * 600 + "1", "max_nesting", {}),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bomb_is_stopped_by_its_limit(name: str) -> None:
    source, limit_name, limits = BOMBS[name]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record = run(source, **limits)
    peak_growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert record.error is not None, f"{name} was not stopped"
    assert record.error.kind == "LimitExceeded", str(record.error)
    assert record.error.params["limit_name"] == limit_name
    assert limit_name in record.error.message
    assert record.error.line is not None and 1 <= record.error.line <= source.count("\n") + 1
    assert record.error.text("vi") != record.error.text("en")
    assert peak_growth_kib < 600 * 1024
    assert _trace.active() is None and _grad_mode.is_grad_enabled()


def test_limit_error_names_the_line_where_it_happened() -> None:
    record = run("x = 1\ny = 2\nwhile True:\n    x += 1\n", max_steps=10_000)
    assert record.error is not None and record.error.line in (3, 4)
    assert str(record.error).startswith(f"line {record.error.line}: LimitExceeded: the program ran more than")


def test_time_limit_stops_a_slow_program() -> None:
    record = run(
        "import torch\nv = torch.ones(1000)\nwhile True:\n    v = v.exp().log()",
        max_seconds=0.2,
        max_steps=10**9,
    )
    assert record.error is not None and record.error.params["limit_name"] == "max_seconds"


def test_printed_output_up_to_the_limit_is_kept() -> None:
    record = run("for i in range(10**6):\n    print(i)", max_output_chars=50)
    assert record.output == "".join(f"{i}\n" for i in range(30))[:50]
    assert record.error is not None and record.error.params["limit_name"] == "max_output_chars"


def test_program_cannot_catch_a_limit() -> None:
    source = (
        "while True:\n    try:\n        while True:\n            pass\n    except Exception:\n        pass\n"
        "    finally:\n        print('cleanup')\n"
    )
    record = run(source, max_steps=1_000)
    assert record.error is not None and record.error.kind == "LimitExceeded"
    assert record.output.count("cleanup") <= 1


def test_limits_are_configurable_and_generous_by_default() -> None:
    assert run("s = 0\nfor i in range(50_000):\n    s += i\nprint(s)").output == "1249975000\n"
    assert run("for i in range(10):\n    pass", max_steps=5).error is not None


def test_a_stopped_run_leaves_the_engine_as_it_was() -> None:
    options = _printing.get_printoptions()
    record = run(
        "import torch\ntorch.set_grad_enabled(False)\nwith torch.no_grad():\n    while True:\n        pass",
        max_steps=1_000,
    )
    assert record.error is not None
    assert _grad_mode.is_grad_enabled() and _trace.active() is None
    assert _printing.get_printoptions() == options
