"""Resource bombs: each stops with a LimitExceeded error naming the limit and the line, in bounded memory.

The limits here are the defaults unless a smaller one keeps the test quick; what is checked is which
limit stops the program, never how long it took.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from engine import _grad_mode, _printing, _trace
from tests.sandbox.helpers import run

# Openings shared by several bombs.
COLUMN_AND_ROW = "import torch\nt = torch.ones(30000, 1)\nu = torch.ones(1, 30000)\n"
SHARED_ROWS = "a = [0] * 10**6\nb = [0] * 10**6\nb[-1] = 1\nA = [a] * 10**6\nB = [b] * 10**6\n"
DEEP_TUPLE = "t = ()\nfor i in range(300):\n    t = (t,)\n"
TORCH_NN = "import torch\nimport torch.nn as nn\n"
TORCH_F = "import torch\nimport torch.nn.functional as F\n"
TORCH = "import torch\n"
LONG_TEXTS = "s1 = 'a' * 999999 + 'b'\ns2 = 'a' * 999999 + 'c'\n"
BIG_INTS = "a = 2 ** 99999 + 1\nb = 2 ** 99999 + 2\n"
COLLIDING = "P = 2**61 - 1\n"  # k * P all hash to 0
WITH_GRAD = "import torch\nx = torch.ones(5000, requires_grad=True)\n(x * 2).sum().backward()\n"
ROWS = "import torch\nrows = [[0.0] * 10000] * 10000\nx = torch.ones(1, requires_grad=True)\n"

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
    "broadcast_through_a_method": (
        COLUMN_AND_ROW + "z = t.mul(u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_through_a_keyword": (
        COLUMN_AND_ROW + "z = torch.add(t, other=u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_of_three": (
        TORCH + "c = torch.ones(1000, 1, 1) > 0\na = torch.ones(1, 1000, 1)\nb = torch.ones(1, 1, 1000)\n"
        "z = torch.where(c, a, b)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_of_a_scalar_where": (
        TORCH + "z = torch.where(torch.ones(30000, 1) > 0, torch.ones(1, 30000), 0.0)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_normal": (
        COLUMN_AND_ROW + "z = torch.normal(t, u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_clamp_keyword": (
        COLUMN_AND_ROW + "z = torch.clamp(t, min=u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_in_place": (
        COLUMN_AND_ROW + "t += u",
        "max_tensor_elements",
        {},
    ),
    "broadcast_power": (
        COLUMN_AND_ROW + "z = t ** u",
        "max_tensor_elements",
        {},
    ),
    "broadcast_rsub": (
        COLUMN_AND_ROW + "z = torch.rsub(t, u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_allclose": (
        COLUMN_AND_ROW + "torch.allclose(t, u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_copy": (
        COLUMN_AND_ROW + "t.copy_(u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_comparison": (
        COLUMN_AND_ROW + "z = t < u",
        "max_tensor_elements",
        {},
    ),
    "broadcast_mse_loss": (
        TORCH_F + "z = F.mse_loss(torch.ones(30000, 1), torch.ones(1, 30000))",
        "max_tensor_elements",
        {},
    ),
    "broadcast_loss_module": (
        TORCH_NN + "loss = nn.MSELoss()\nz = loss(torch.ones(30000, 1), torch.ones(1, 30000))",
        "max_tensor_elements",
        {},
    ),
    "broadcast_bce_module": (
        TORCH_NN + "loss = nn.BCELoss()\nz = loss(torch.ones(30000, 1) * 0.5, torch.ones(1, 30000))",
        "max_tensor_elements",
        {},
    ),
    "broadcast_inside_list_equality": (
        COLUMN_AND_ROW + "[t] == [u]",
        "max_tensor_elements",
        {},
    ),
    "broadcast_inside_membership": (
        COLUMN_AND_ROW + "t in [u]",
        "max_tensor_elements",
        {},
    ),
    "broadcast_inside_count": (
        COLUMN_AND_ROW + "[u].count(t)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_inside_max": (
        COLUMN_AND_ROW + "max(t, u)",
        "max_tensor_elements",
        {},
    ),
    "broadcast_inside_max_of_list": (
        COLUMN_AND_ROW + "max([t, u])",
        "max_tensor_elements",
        {},
    ),
    "broadcast_inside_sorted": (
        COLUMN_AND_ROW + "sorted([t, u])",
        "max_tensor_elements",
        {},
    ),
    "broadcast_backward_gradient": (
        TORCH + "x = torch.ones(2, requires_grad=True)\ny = x * 2\n"
        "y.backward(torch.ones(30000, 1).expand(30000, 30000))",
        "max_tensor_elements",
        {},
    ),
    "linear_function_output": (
        TORCH_F + "z = F.linear(torch.ones(30000, 1), torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "linear_function_keywords": (
        TORCH_F + "z = F.linear(input=torch.ones(30000, 1), weight=torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "linear_layer_output": (
        TORCH_NN + "layer = nn.Linear(1, 30000)\nz = layer(torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "linear_layer_inside_sequential": (
        TORCH_NN + "model = nn.Sequential(nn.Linear(1, 30000))\nz = model(torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "linear_layer_after_own_module": (
        TORCH_NN + "class Big(nn.Module):\n    def forward(self, x):\n        return torch.ones(30000, 1)\n"
        "model = nn.Sequential(Big(), nn.Linear(1, 30000))\nz = model(torch.ones(1))",
        "max_tensor_elements",
        {},
    ),
    "linear_layer_in_module_list": (
        TORCH_NN + "layers = nn.ModuleList([nn.Linear(1, 30000)])\nz = layers[0](torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "linear_forward_unbound": (
        TORCH_NN + "layer = nn.Linear(1, 30000)\nz = nn.Linear.forward(layer, torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "linear_forward_through_super": (
        TORCH_NN + "class L(nn.Linear):\n    def forward(self, x):\n        return super().forward(x)\n"
        "z = L(1, 30000)(torch.ones(30000, 1))",
        "max_tensor_elements",
        {},
    ),
    "integer_matmul_work": (
        TORCH + "a = torch.ones(2000, 2000, dtype=torch.int64)\nz = a @ a",
        "max_matmul_work",
        {},
    ),
    "half_matmul_work": (
        TORCH + "a = torch.ones(1000, 1000, dtype=torch.float16)\nz = torch.matmul(a, a)",
        "max_matmul_work",
        {},
    ),
    "batched_matmul_broadcast": (
        TORCH + "a = torch.ones(1000, 1, 50, 50)\nb = torch.ones(1, 1000, 50, 50)\nz = a @ b",
        "max_tensor_elements",
        {},
    ),
    "batched_matmul_elements": (
        TORCH + "a = torch.ones(100, 300, 300)\nz = torch.bmm(a, a)",
        "max_tensor_elements",
        {},
    ),
    "tensor_of_one_row_repeated": (
        TORCH + "row = [0.0] * 10000\nz = torch.tensor([row] * 10000)",
        "max_sequence_length",
        {},
    ),
    "tensor_data_keyword": (
        TORCH + "z = torch.tensor(data=[[0.0] * 10000] * 10000)",
        "max_sequence_length",
        {},
    ),
    "as_tensor_of_repeated_rows": (
        TORCH + "z = torch.as_tensor([[0.0] * 10000] * 10000)",
        "max_sequence_length",
        {},
    ),
    "new_tensor_of_repeated_rows": (
        TORCH + "z = torch.ones(1).new_tensor([[0.0] * 10000] * 10000)",
        "max_sequence_length",
        {},
    ),
    "parameter_of_repeated_rows": (
        TORCH_NN + "p = nn.Parameter(torch.tensor([[0.0] * 10000] * 10000))",
        "max_sequence_length",
        {},
    ),
    "tensor_of_a_list_inside_itself": (
        TORCH + "a = []\na.append(a)\nz = torch.tensor(a)",
        "max_sequence_length",
        {},
    ),
    "index_with_repeated_rows": (
        TORCH + "x = torch.ones(10)\nz = x[[[0] * 10000] * 10000]",
        "max_tensor_elements",
        {},
    ),
    "index_assignment_with_repeated_rows": (
        TORCH + "x = torch.ones(10)\nx[[[0] * 10000] * 10000] = 1.0",
        "max_tensor_elements",
        {},
    ),
    "index_with_a_long_index_tensor": (
        TORCH + "x = torch.ones(2, 400)\nz = x[torch.zeros(5000000, dtype=torch.long)]",
        "max_tensor_elements",
        {},
    ),
    "index_with_broadcasting_lists": (
        TORCH + "x = torch.ones(3000, 3000)\ni = list(range(3000))\nz = x[[[v] for v in i], i]",
        "max_tensor_elements",
        {},
    ),
    "index_after_ellipsis": (
        TORCH + "x = torch.ones(10, 10, 10)\nz = x[..., [0] * 100000]",
        "max_tensor_elements",
        {},
    ),
    "arange_of_a_tensor": (
        TORCH + "z = torch.arange(torch.tensor(10**12))",
        "max_tensor_elements",
        {},
    ),
    "arange_tiny_step": (
        TORCH + "z = torch.arange(0, 1, 1e-12)",
        "max_tensor_elements",
        {},
    ),
    "arange_end_keyword": (
        TORCH + "z = torch.arange(end=10**12)",
        "max_tensor_elements",
        {},
    ),
    "linspace_steps_keyword": (
        TORCH + "z = torch.linspace(0, 1, steps=10**10)",
        "max_tensor_elements",
        {},
    ),
    "randperm_huge": (
        TORCH + "z = torch.randperm(10**10)",
        "max_tensor_elements",
        {},
    ),
    "legacy_tensor_shape": (TORCH + "z = torch.Tensor(100000, 100000)", "max_tensor_elements", {}),
    "legacy_typed_tensor_shape": (TORCH + "z = torch.FloatTensor(10**5, 10**5)", "max_tensor_elements", {}),
    "multinomial_huge": (
        TORCH + "z = torch.multinomial(torch.ones(2), 10**10, True)", "max_tensor_elements", {}
    ),
    "multinomial_method_huge": (
        TORCH + "z = torch.ones(3, 2).multinomial(num_samples=10**10, replacement=True)",
        "max_tensor_elements",
        {},
    ),
    "randint_size_keyword": (
        TORCH + "z = torch.randint(10, size=(100000, 100000))",
        "max_tensor_elements",
        {},
    ),
    "normal_size_keyword": (
        TORCH + "z = torch.normal(0.0, 1.0, size=(100000, 100000))",
        "max_tensor_elements",
        {},
    ),
    "empty_size_keyword": (
        TORCH + "z = torch.empty(size=(100000, 100000))",
        "max_tensor_elements",
        {},
    ),
    "ones_of_tensor_sizes": (
        TORCH + "z = torch.ones(torch.tensor(100000), torch.tensor(100000))",
        "max_tensor_elements",
        {},
    ),
    "ones_of_float_tensor_sizes": (
        TORCH + "z = torch.ones(torch.tensor(30000.0), torch.tensor(30000.0))",
        "max_tensor_elements",
        {},
    ),
    "ones_of_a_size": (
        TORCH + "z = torch.ones(torch.Size([100000, 100000]))",
        "max_tensor_elements",
        {},
    ),
    "eye_keyword": (
        TORCH + "z = torch.eye(n=100000)",
        "max_tensor_elements",
        {},
    ),
    "new_full_huge": (
        TORCH + "z = torch.ones(1).new_full((100000, 100000), 1.0)",
        "max_tensor_elements",
        {},
    ),
    "cat_keyword": (
        TORCH + "x = torch.ones(10**6)\nz = torch.cat(tensors=[x] * 100)",
        "max_tensor_elements",
        {},
    ),
    "stack_tuple": (
        TORCH + "x = torch.ones(10**6)\nz = torch.stack((x,) * 100)",
        "max_tensor_elements",
        {},
    ),
    "layer_keywords": (
        TORCH_NN + "layer = nn.Linear(in_features=10**5, out_features=10**5)",
        "max_tensor_elements",
        {},
    ),
    "expand_huge": (
        TORCH + "z = torch.ones(1).expand(10**7)",
        "max_tensor_elements",
        {},
    ),
    "int_from_bytes": (
        "x = (0).from_bytes(b'\\xff' * 10**6, 'big')",
        "max_int_bits",
        {},
    ),
    "int_of_hex_text": (
        "x = int('f' * 10**6, 16)",
        "max_int_bits",
        {},
    ),
    "int_of_binary_bytes": (
        "x = int(b'1' * 10**6, 2)",
        "max_int_bits",
        {},
    ),
    "int_base_keyword": (
        "x = int('f' * 10**6, base=16)",
        "max_int_bits",
        {},
    ),
    "int_grows_by_adding": (
        "x = 2 ** 99999\nwhile True:\n    x = x + x",
        "max_int_bits",
        {},
    ),
    "int_grows_by_subtracting": (
        "x = 2 ** 99999\nwhile True:\n    x = x - (-x)",
        "max_int_bits",
        {},
    ),
    "int_grows_in_place": (
        "x = 2 ** 99999\nwhile True:\n    x += x",
        "max_int_bits",
        {},
    ),
    "int_grows_in_sum": (
        "x = 2 ** 99999\nsum([x] * 1000)",
        "max_int_bits",
        {},
    ),
    "modular_power": (
        "a = 2 ** 99990 - 1\npow(3, a, a - 2)",
        "max_int_bits",
        {},
    ),
    "comb_of_huge_numbers": (
        "import math\nmath.comb(10**30, 10**5)",
        "max_int_bits",
        {},
    ),
    "perm_of_huge_numbers": (
        "import math\nmath.perm(10**30, 10**5)",
        "max_int_bits",
        {},
    ),
    "to_bytes_length_keyword": (
        "(1).to_bytes(length=2 * 10**9, byteorder='big')",
        "max_string_length",
        {},
    ),
    "equal_shared_lists": (
        SHARED_ROWS + "A == B",
        "max_compare_items",
        {},
    ),
    "unequal_shared_lists": (
        SHARED_ROWS + "A != B",
        "max_compare_items",
        {},
    ),
    "membership_in_shared_list": (
        SHARED_ROWS + "b in A",
        "max_compare_items",
        {},
    ),
    "count_in_shared_list": (
        SHARED_ROWS + "A.count(b)",
        "max_compare_items",
        {},
    ),
    "index_in_shared_list": (
        SHARED_ROWS + "A.index(b)",
        "max_compare_items",
        {},
    ),
    "sort_shared_lists": (
        SHARED_ROWS + "L = [A, B]\nL.sort()",
        "max_compare_items",
        {},
    ),
    "sorted_by_shared_keys": (
        SHARED_ROWS + "sorted([1, 2], key=lambda v: A if v == 1 else B)",
        "max_compare_items",
        {},
    ),
    "max_of_shared_lists": (
        SHARED_ROWS + "max([A, B])",
        "max_compare_items",
        {},
    ),
    "max_of_two_shared_lists": (
        SHARED_ROWS + "max(A, B)",
        "max_compare_items",
        {},
    ),
    "tuple_count_shared": (
        "a = (0,) * 10**6\nb = (0,) * 10**6\nA = (a,) * 10**6\nA.count(b)",
        "max_compare_items",
        {},
    ),
    "dict_values_membership": (
        "a = [0] * 10**6\nb = [0] * 10**6\nb[-1] = 1\nd = {i: a for i in range(1000)}\nb in d.values()",
        "max_compare_items",
        {},
    ),
    "dict_equality_shared": (
        "a = [0] * 10**6\nb = [0] * 10**6\nA = {i: a for i in range(1000)}\n"
        "B = {i: b for i in range(1000)}\nA == B",
        "max_compare_items",
        {},
    ),
    "hash_of_shared_tuples": (
        "t = (0,) * 10**6\nT = (t,) * 10**6\ns = {T}",
        "max_compare_items",
        {},
    ),
    "hash_of_shared_tuples_as_key": (
        "t = (0,) * 10**6\nT = (t,) * 10**6\nd = {}\nd[T] = 1",
        "max_compare_items",
        {},
    ),
    "range_membership_of_a_float": (
        "5.5 in range(10**12)",
        "max_compare_items",
        {},
    ),
    "range_count_of_a_float": (
        "range(10**12).count(5.5)",
        "max_compare_items",
        {},
    ),
    "range_index_of_a_float": (
        "range(10**12).index(-1.5)",
        "max_compare_items",
        {},
    ),
    "deep_tuple_dict_key": (
        DEEP_TUPLE + "d = {t: 1}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_set_item": (
        DEEP_TUPLE + "s = {t}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_get": (
        DEEP_TUPLE + "{}.get(t)",
        "max_compare_items",
        {},
    ),
    "deep_tuple_in_dict": (
        DEEP_TUPLE + "t in {}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_set_add": (
        DEEP_TUPLE + "s = set()\ns.add(t)",
        "max_compare_items",
        {},
    ),
    "deep_tuple_store": (
        DEEP_TUPLE + "d = {}\nd[t] = 1",
        "max_compare_items",
        {},
    ),
    "deep_tuple_comprehension": (
        DEEP_TUPLE + "d = {t: 1 for _ in range(1)}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_dict_of_pairs": (
        DEEP_TUPLE + "d = dict(zip([t], [1]))",
        "max_compare_items",
        {},
    ),
    "deep_tuple_fromkeys": (
        DEEP_TUPLE + "d = {}.fromkeys([t])",
        "max_compare_items",
        {},
    ),
    "deep_tuple_setdefault": (
        DEEP_TUPLE + "d = {}\nd.setdefault(t, 1)",
        "max_compare_items",
        {},
    ),
    "deep_tuple_update": (
        DEEP_TUPLE + "d = {}\nd.update([(t, 1)])",
        "max_compare_items",
        {},
    ),
    "deep_tuple_union": (
        DEEP_TUPLE + "s = set().union([t])",
        "max_compare_items",
        {},
    ),
    "deep_tuple_frozenset": (
        DEEP_TUPLE + "s = frozenset([t])",
        "max_compare_items",
        {},
    ),
    "deep_tuple_from_exception_args": (
        DEEP_TUPLE + "d = {ValueError(t).args: 1}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_from_zip": (
        "t = ()\nfor i in range(300):\n    t = next(iter(zip([t])))\nd = {t: 1}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_from_items": (
        "t = ()\nfor i in range(300):\n    t = next(iter({0: t}.items()))\nd = {t: 1}",
        "max_compare_items",
        {},
    ),
    "deep_tuple_equality": (
        DEEP_TUPLE + "u = ()\nfor i in range(300):\n    u = (u,)\nt == u",
        "max_compare_items",
        {},
    ),
    "deep_tuple_sorted": (
        DEEP_TUPLE + "sorted([t, t])",
        "max_compare_items",
        {},
    ),
    "percent_format_of_shared_rows": (
        "x = [[0] * 10**6] * 10**6\ns = '%s' % (x,)",
        "max_string_length",
        {},
    ),
    "percent_repr_of_shared_rows": (
        "x = [[0] * 10**6] * 10**6\ns = '%r' % (x,)",
        "max_string_length",
        {},
    ),
    "percent_mapping_of_shared_rows": (
        "x = [[0] * 10**6] * 10**6\ns = '%(a)s' % {'a': x}",
        "max_string_length",
        {},
    ),
    "exception_of_shared_rows": (
        "x = [[0] * 10**6] * 10**6\nraise ValueError(x)",
        "max_string_length",
        {},
    ),
    "exception_printed": (
        "x = [[0] * 10**6] * 10**6\nprint(ValueError(x))",
        "max_output_chars",
        {},
    ),
    "exception_repr": (
        "x = [[0] * 10**6] * 10**6\ns = repr(KeyError(x))",
        "max_string_length",
        {},
    ),
    "slice_printed": (
        "x = [[0] * 10**6] * 10**6\nprint(slice(x))",
        "max_output_chars",
        {},
    ),
    "values_view_printed": (
        "x = [[0] * 10**6] * 10**6\nprint({1: x}.values())",
        "max_output_chars",
        {},
    ),
    "own_repr_in_a_list": (
        "class A:\n    def __repr__(self):\n        return 'a' * 10**6\ns = str([A()] * 1000)",
        "max_string_length",
        {},
    ),
    "own_repr_printed_in_a_list": (
        "class A:\n    def __repr__(self):\n        return 'a' * 10**6\nprint([A()] * 1000)",
        "max_string_length",
        {},
    ),
    "own_repr_in_an_fstring": (
        "class A:\n    def __repr__(self):\n        return 'a' * 10**6\ns = f'{[A()] * 1000}'",
        "max_string_length",
        {},
    ),
    "own_str_printed_many_times": (
        "class A:\n    def __str__(self):\n        return 'a' * 10**6\nprint(*[A()] * 1000)",
        "max_output_chars",
        {},
    ),
    "own_extra_repr_of_modules": (
        TORCH_NN + "class M(nn.Module):\n    def extra_repr(self):\n        return 'x' * 10**6\n"
        "s = str(nn.Sequential(*[M() for i in range(200)]))",
        "max_string_length",
        {},
    ),
    "module_attribute_printed": (
        TORCH_NN + "m = nn.Softmax(dim=0)\nm.dim = [[0] * 10**6] * 10**6\nprint(m)",
        "max_output_chars",
        {},
    ),
    "module_names_printed": (
        TORCH_NN + "m = nn.Sequential()\nfor i in range(300):\n"
        "    m.add_module(str(i) + 'x' * 10**6, nn.Identity())\ns = str(m)",
        "max_string_length",
        {},
    ),
    "optimizer_option_printed": (
        TORCH + "x = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([x], lr=0.1)\n"
        "opt.param_groups[0]['lr'] = [[0] * 10**6] * 10**6\nprint(opt)",
        "max_output_chars",
        {},
    ),
    "optimizer_keys_printed": (
        TORCH + "x = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([x], lr=0.1)\n"
        "for i in range(300):\n    opt.param_groups[0][str(i) + 'k' * 10**6] = 1\ns = str(opt)",
        "max_string_length",
        {},
    ),
    "loaded_optimizer_state_printed": (
        TORCH + "x = torch.ones(2, requires_grad=True)\nopt = torch.optim.SGD([x], lr=0.1)\n"
        "d = [[0] * 10**6] * 10**6\n"
        "opt.load_state_dict({'state': {}, 'param_groups': [{'params': [0], 'lr': d}]})\nprint(opt)",
        "max_output_chars",
        {},
    ),
    "grad_fn_metadata_printed": (
        TORCH + "x = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n"
        "y.grad_fn.metadata['a'] = [[0] * 10**6] * 10**6\nprint(y.grad_fn.metadata)",
        "max_output_chars",
        {},
    ),
    "long_separator": (
        "print(*range(1000), sep='x' * 10**6)",
        "max_output_chars",
        {},
    ),
    "endless_str_of_an_error": (
        "class A:\n    def __str__(self):\n        while True:\n            pass\nraise ValueError(A())",
        "max_steps",
        {"max_steps": 10000},
    ),
    "endless_str_of_an_assertion": (
        "class A:\n    def __str__(self):\n        while True:\n            pass\nassert False, A()",
        "max_steps",
        {"max_steps": 10000},
    ),
    "recursive_str_of_an_error": (
        "class A:\n    def __str__(self):\n        return str(self)\nraise ValueError(A())",
        "max_recursion_depth",
        {},
    ),
    "nested_generator_expressions": (
        "g = iter(range(10))\nfor i in range(1000):\n    g = (x for x in g)\nnext(g)",
        "max_recursion_depth",
        {},
    ),
    "nested_maps": (
        "g = range(10)\nfor i in range(1000):\n    g = map(abs, g)\nlist(g)",
        "max_recursion_depth",
        {},
    ),
    "nested_maps_second_iterable": (
        "g = range(10)\nfor i in range(1000):\n    g = map(max, [1], g)\nlist(g)",
        "max_recursion_depth",
        {},
    ),
    "nested_filters": (
        "g = range(10)\nfor i in range(1000):\n    g = filter(None, g)\nlist(g)",
        "max_recursion_depth",
        {},
    ),
    "nested_zips": (
        "g = range(10)\nfor i in range(1000):\n    g = zip(g)\nnext(iter(g))",
        "max_recursion_depth",
        {},
    ),
    "nested_enumerates": (
        "g = range(10)\nfor i in range(1000):\n    g = enumerate(g)\nnext(g)",
        "max_recursion_depth",
        {},
    ),
    "nested_iters": (
        "g = [1]\nfor i in range(1000):\n    g = iter(g)\nnext(g)",
        "max_recursion_depth",
        {},
    ),
    "long_string_in_shared_list": (
        LONG_TEXTS + "s1 in [s2] * 10**6",
        "max_compare_items",
        {},
    ),
    "long_string_count": (
        LONG_TEXTS + "L = [s2] * 10**6\nL.count(s1)",
        "max_compare_items",
        {},
    ),
    "long_string_lists_equal": (
        LONG_TEXTS + "[s1] * 10**6 == [s2] * 10**6",
        "max_compare_items",
        {},
    ),
    "long_strings_sorted_in_place": (
        LONG_TEXTS + "L = [s1, s2] * 500000\nL.sort()",
        "max_compare_items",
        {},
    ),
    "long_strings_sorted": (
        LONG_TEXTS + "sorted([s1, s2] * 500000)",
        "max_compare_items",
        {},
    ),
    "long_strings_max": (
        LONG_TEXTS + "max([s1, s2] * 500000)",
        "max_compare_items",
        {},
    ),
    "long_bytes_in_shared_list": (
        "b1 = b'a' * 999999 + b'b'\nb2 = b'a' * 999999 + b'c'\nb1 in [b2] * 10**6",
        "max_compare_items",
        {},
    ),
    "big_ints_sorted": (
        BIG_INTS + "L = [a, b] * 500000\nL.sort()",
        "max_compare_items",
        {},
    ),
    "big_int_in_shared_list": (
        BIG_INTS + "a in [b] * 10**6",
        "max_compare_items",
        {},
    ),
    "big_ints_hashed": (
        BIG_INTS + "s = set([a, b] * 500000)",
        "max_compare_items",
        {},
    ),
    "big_ints_max": (
        BIG_INTS + "max([a, b] * 500000)",
        "max_compare_items",
        {},
    ),
    "colliding_keys_in_one_set": (
        COLLIDING + "L = [k * P for k in range(200000)]\ns = set(L)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_keys_in_one_display": (
        COLLIDING + "L = [k * P for k in range(200000)]\ns = {*L}",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_keys_in_fromkeys": (
        COLLIDING + "L = [k * P for k in range(200000)]\nd = {}.fromkeys(L)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_keys_in_update": (
        COLLIDING + "L = [k * P for k in range(200000)]\ns = set()\ns.update(L)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_keys_in_dict": (
        COLLIDING + "d = dict([(k * P, 0) for k in range(200000)])",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_keys_in_a_comprehension": (
        COLLIDING + "s = {k * P for k in range(200000)}",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_keys_one_by_one": (
        COLLIDING + "s = set()\nfor k in range(200000):\n    s.add(k * P)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_set_copied": (
        COLLIDING + "s = set()\nfor k in range(20000):\n    s.add(k * P)\nwhile True:\n    t = set(s)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_set_unions": (
        COLLIDING + "s = set()\nfor k in range(20000):\n    s.add(k * P)\nwhile True:\n    t = s | s",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "colliding_negative_keys": (
        "d = {}\nfor k in range(200000):\n    d[-k * (2**61 - 1) - 1] = 1",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "slow_matrix_products": (
        TORCH + "x = torch.ones(2000, 2000)\nwhile True:\n    y = x @ x",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "slow_reductions": (
        TORCH + "x = torch.ones(5000000)\nwhile True:\n    y = x.exp().sum()",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "slow_sorts": (
        "L = list(range(10**6))\nwhile True:\n    L.sort(reverse=True)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "slow_inserts_at_the_front": (
        "L = [0] * 10**6\nwhile True:\n    L.insert(0, 1)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "slow_string_copies": (
        "s = 'a' * 900000\nwhile True:\n    t = s + 'b'",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "nonzero_of_many_dimensions": (
        TORCH + "x = torch.ones(5, 5, 5, 5, 5, 5, 5, 5, 5)\nz = x.nonzero()",
        "max_tensor_elements",
        {},
    ),
    "where_of_one_argument": (
        TORCH + "x = torch.ones(2500, 2000)\nz = torch.where(x)",
        "max_tensor_elements",
        {},
    ),
    "tolist_of_a_big_tensor": (
        TORCH + "values = torch.ones(5000000).tolist()",
        "max_sequence_length",
        {},
    ),
    "format_width_argument": (
        "'{:{}}'.format(1, 10**9)",
        "max_string_length",
        {},
    ),
    "format_zero_padding": (
        "format(1, '0>999999999')",
        "max_string_length",
        {},
    ),
    "fstring_width_of_20_digits": (
        "w = '9' * 20\ns = f'{1:{w}}'",
        "max_string_length",
        {},
    ),
    "fstring_precision": (
        "s = f'{1.5:.999999f}'",
        "max_string_length",
        {},
    ),
    "percent_width_and_precision": (
        "'%*.*f' % (10**9, 10**9, 1.0)",
        "max_string_length",
        {},
    ),
    "bytes_percent_width": (
        "b'%1000000000d' % 1",
        "max_string_length",
        {},
    ),
    "bytes_center": (
        "b'a'.center(10**10)",
        "max_string_length",
        {},
    ),
    "upper_triples_a_ligature": (
        "s = '\\ufb03' * 10**6\nt = s.upper()",
        "max_string_length",
        {},
    ),
    "encode_quadruples": (
        "s = '\\U0010ffff' * 10**6\nt = s.encode('utf-32')",
        "max_string_length",
        {},
    ),
    "hex_with_separators": (
        "b = b'a' * 10**6\nh = b.hex('-', 1)",
        "max_string_length",
        {},
    ),
    "join_of_a_generator": (
        "','.join(str(i) for i in range(10**7))",
        "max_steps",
        {"max_steps": 100000},
    ),
    "join_of_a_map": (
        "','.join(map(str, range(10**7)))",
        "max_steps",
        {"max_steps": 100000},
    ),
    "tuple_repeated": (
        "t = (0,) * 10**9",
        "max_sequence_length",
        {},
    ),
    "list_repeated_in_place": (
        "L = [0] * 10**6\nL *= 2",
        "max_sequence_length",
        {},
    ),
    "slice_assigned_a_range": (
        "L = [0]\nL[:] = range(10**9)",
        "max_sequence_length",
        {},
    ),
    "slice_assigned_itself": (
        "L = [0] * 10**6\nL[0:0] = L",
        "max_sequence_length",
        {},
    ),
    "slice_assigned_a_generator": (
        "L = [0]\nL[:] = (i for i in range(10**9))",
        "max_steps",
        {"max_steps": 100000},
    ),
    "extend_with_a_generator": (
        "L = []\nL.extend(i for i in range(10**9))",
        "max_steps",
        {"max_steps": 100000},
    ),
    "update_with_two_ranges": (
        "s = set()\ns.update(range(10**6), range(10**6, 2 * 10**6))",
        "max_steps",
        {"max_steps": 100000},
    ),
    "star_arguments": (
        "def f(*a):\n    return len(a)\nf(*range(10**9))",
        "max_sequence_length",
        {},
    ),
    "star_keywords": (
        "def f(**k):\n    return len(k)\nf(**{str(i): i for i in range(2 * 10**6)})",
        "max_sequence_length",
        {},
    ),
    "unpacking_a_range": (
        "a, *b = range(10**9)",
        "max_sequence_length",
        {},
    ),
    "bool_shifted": (
        "True << 10**9",
        "max_int_bits",
        {},
    ),
    "lcm_of_many": (
        "import math\nmath.lcm(*range(1, 10000))",
        "max_int_bits",
        {},
    ),
    "prod_of_big_ints": (
        "import math\nmath.prod([2**50000, 2**60000])",
        "max_int_bits",
        {},
    ),
    "fsum_of_a_range": (
        "import math\nmath.fsum(range(10**8))",
        "max_steps",
        {"max_steps": 100000},
    ),
    "repeated_rows_given_to_add": (
        ROWS + "torch.add(x, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_where": (
        ROWS + "torch.where(x > 0, rows, 0.0)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_clamp": (
        ROWS + "torch.clamp(x, min=rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_copy": (
        ROWS + "x.copy_(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_full": (
        ROWS + "torch.full((2,), rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_fill": (
        ROWS + "x.fill_(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_new_full": (
        ROWS + "x.new_full((2,), rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_pow": (
        ROWS + "torch.pow(x, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_maximum": (
        ROWS + "torch.maximum(x, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_allclose": (
        ROWS + "torch.allclose(x, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_to": (
        ROWS + "x.to(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_view": (
        ROWS + "x.view(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_reshape": (
        ROWS + "x.reshape(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_ones": (
        ROWS + "torch.ones(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_zeros_like": (
        ROWS + "torch.zeros_like(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_randint": (
        ROWS + "torch.randint(0, 10, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_permute": (
        ROWS + "x.permute(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_sum": (
        ROWS + "x.sum(dim=rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_narrow": (
        ROWS + "x.narrow(0, rows, 1)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_split": (
        ROWS + "x.split(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_softmax": (
        ROWS + "torch.softmax(x, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_backward": (
        ROWS + "(x * 2).backward(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_given_to_a_layer": (
        ROWS + "import torch.nn as nn\nnn.Linear(1, 1)(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_as_a_parameter": (
        ROWS + "import torch.nn as nn\nnn.Parameter(rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_as_an_optimizer_option": (
        ROWS + "torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_as_a_constant": (
        ROWS + "import torch.nn as nn\nnn.init.constant_(x, rows)",
        "max_tensor_elements",
        {},
    ),
    "repeated_rows_as_a_mask": (
        ROWS + "z = torch.ones(3)\nz[rows] = 1.0",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_summed_over_its_empty_dimension": (
        TORCH + "x = torch.zeros(0, 10**9)\ny = x.sum(0)",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_mean": (
        TORCH + "x = torch.zeros(0, 10**9)\ny = x.mean(0)",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_product": (
        TORCH + "x = torch.zeros(0, 10**9)\ny = x.prod(0)",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_transposed_sum": (
        TORCH + "x = torch.zeros(10**9, 0)\ny = x.t().sum(0)",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_to_list": (
        TORCH + "x = torch.zeros(10**8, 0)\nrows = x.tolist()",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_split": (
        TORCH + "x = torch.zeros(10**8, 0)\nparts = x.split(1)",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_chunks": (
        TORCH + "x = torch.zeros(10**8, 0)\nparts = x.chunk(10**8)",
        "max_tensor_elements",
        {},
    ),
    "empty_tensor_rows": (
        TORCH + "x = torch.zeros(10**8, 0)\nfor row in x:\n    pass",
        "max_tensor_elements",
        {},
    ),
    "empty_view_expanded": (
        TORCH + "x = torch.zeros(0, 1)\ny = x.expand(0, 10**12)",
        "max_tensor_elements",
        {},
    ),
    "empty_of_huge_sizes": (
        TORCH + "x = torch.zeros(2**40, 2**40, 0)",
        "max_tensor_elements",
        {},
    ),
    "empty_matrices_multiplied": (
        TORCH + "a = torch.zeros(30000, 0)\nb = torch.zeros(0, 30000)\ny = a @ b",
        "max_tensor_elements",
        {},
    ),
    "empty_layer_output": (
        TORCH_NN + "layer = nn.Linear(0, 30000)\ny = layer(torch.zeros(30000, 0))",
        "max_tensor_elements",
        {},
    ),
    "parameter_listed_a_million_times": (
        WITH_GRAD + "opt = torch.optim.SGD([x] * 10**6, lr=0.1)\nopt.step()",
        "max_tensor_elements",
        {},
    ),
    "parameter_listed_a_million_times_adam": (
        WITH_GRAD + "opt = torch.optim.Adam([x] * 10**6)\nopt.step()",
        "max_tensor_elements",
        {},
    ),
    "parameter_repeated_by_a_generator": (
        WITH_GRAD + "opt = torch.optim.SGD((x for _ in range(10**6)), lr=0.1)\nopt.step()",
        "max_tensor_elements",
        {},
    ),
    "layer_repeated_in_a_sequential": (
        TORCH_NN + "layer = nn.Linear(10, 10)\nmodel = nn.Sequential(*[layer] * 10**5)\n"
        "while True:\n    y = model(torch.ones(10))",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "layer_list_trained_again": (
        TORCH_NN + "layers = nn.ModuleList([nn.Linear(1, 1)] * 10**5)\nwhile True:\n    layers.train()",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "stack_of_many_scalars": (
        TORCH + "x = torch.ones(1)\nwhile True:\n    y = torch.stack([x] * 10**5)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
    "tensor_of_a_long_list": (
        TORCH + "values = [0.5] * 10**5\nwhile True:\n    y = torch.tensor(values)",
        "max_seconds",
        {"max_seconds": 0.3},
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bomb_is_stopped_by_its_limit(name: str) -> None:
    source, limit_name, limits = BOMBS[name]
    if limit_name != "max_seconds":
        # On a busy machine the wall-time limit could fire before the limit this bomb is about.
        limits = {"max_seconds": 60, **limits}
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


# Programs that crashed the interpreter itself (CPython recurses in C without a stack check when it hashes
# a deeply nested tuple or resumes a deep chain of iterators). They run in a child process, so a regression
# shows as a failed test rather than a dead test run.
CRASHERS = {
    "deep_tuple_hash": "t = ()\nfor i in range(300000):\n    t = (t,)\nd = {t: 1}",
    "deep_tuple_set": "t = ()\nfor i in range(300000):\n    t = (t,)\ns = {t}",
    "deep_generator_chain": "g = iter(range(10))\nfor i in range(100000):\n    g = (x for x in g)\nnext(g)",
    "deep_iter_chain": "g = [1]\nfor i in range(100000):\n    g = iter(g)\nnext(g)",
    "deep_enumerate_chain": "g = range(10)\nfor i in range(100000):\n    g = enumerate(g)\nnext(g)",
}

_CHILD = """
import json, sys
from sandbox import interpret as run
results = {}
for name, source in json.loads(sys.stdin.read()).items():
    error = run(source).error
    results[name] = None if error is None else [error.kind, error.params.get("limit_name")]
print(json.dumps(results))
"""


def test_programs_that_crashed_the_interpreter_are_stopped_by_a_limit() -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps(CRASHERS),
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    results = json.loads(child.stdout)
    assert results == {
        "deep_tuple_hash": ["LimitExceeded", "max_compare_items"],
        "deep_tuple_set": ["LimitExceeded", "max_compare_items"],
        "deep_generator_chain": ["LimitExceeded", "max_recursion_depth"],
        "deep_iter_chain": ["LimitExceeded", "max_recursion_depth"],
        "deep_enumerate_chain": ["LimitExceeded", "max_recursion_depth"],
    }
