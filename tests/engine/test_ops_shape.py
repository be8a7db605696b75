"""Shape, view, indexing and joining ops against real torch.

Every case runs one function under both libraries (`lib` is `torch` or `engine`) on the same numbers
and compares what a lesson can see: values, printed text, the recorded graph (node names, the order
of `next_functions`, `(None, 0)` for inputs without a gradient), leaf gradients, version counters,
warnings, and the type and text of errors.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from tests.engine.torch_compare import graph, version

LIBS = (torch, engine)
_rng = np.random.default_rng(2024)


def values(*shape: int) -> np.ndarray:
    return _rng.standard_normal(shape).astype(np.float32)


def fixed_values(*shape: int) -> np.ndarray:
    """The same numbers for the same shape, so a failing random example replays exactly."""
    return np.random.default_rng(len(shape) * 31 + sum(shape)).standard_normal(shape).astype(np.float32)


def leaves(lib, arrays: tuple[np.ndarray, ...], grads: tuple[bool, ...]) -> list:
    return [lib.tensor(array, requires_grad=grad) for array, grad in zip(arrays, grads)]


def backward_with_weights(lib, out: Any) -> None:
    weights = np.random.default_rng(7).uniform(0.5, 1.5, size=tuple(out.shape)).astype(np.float32)
    (out * lib.tensor(weights).to(out.dtype)).sum().backward()


def run(function: Callable, arrays: tuple[np.ndarray, ...], grads: tuple[bool, ...] | None = None) -> dict:
    """Run `function(lib, *tensors)` under both libraries and collect what is compared."""
    grads = grads or tuple(a.dtype.kind == "f" for a in arrays)
    seen = {}
    for lib in LIBS:
        inputs = leaves(lib, arrays, grads)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = function(lib, *inputs)
        outputs = out if isinstance(out, tuple) else (out,)
        result = {
            "values": [o.detach().numpy().copy() for o in outputs],
            "dtypes": [str(o.dtype) for o in outputs],
            "reprs": [repr(o) for o in outputs],
            "graphs": [graph(o.grad_fn) for o in outputs],
            "warnings": [(w.category, str(w.message)) for w in caught],
            "same": [o is inputs[0] for o in outputs],
            # An empty tensor's strides change nothing torch does, and numpy picks its own.
            "strides": [o.stride() if o.numel() else None for o in outputs],
        }
        differentiable = [o for o in outputs if o.requires_grad]
        if differentiable:
            # Each output gets its own weight, so gradients from different outputs stay distinguishable.
            total = sum((o * lib.tensor(np.float32(i + 1)).to(o.dtype)).sum()
                        for i, o in enumerate(differentiable))
            total.backward()
            result["grads"] = [None if t.grad is None else t.grad.numpy().copy() for t in inputs]
        seen[lib] = result
    return seen


def assert_same(function: Callable, *arrays: np.ndarray, grads: tuple[bool, ...] | None = None,
                exact: bool = True, compare_warnings: bool = True) -> dict:
    seen = run(function, arrays, grads)
    theirs, ours = seen[torch], seen[engine]
    assert ours["graphs"] == theirs["graphs"]
    assert ours["dtypes"] == theirs["dtypes"]
    for a, b in zip(ours["values"], theirs["values"], strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    if exact:
        assert ours["reprs"] == theirs["reprs"]
    if compare_warnings:
        assert ours["warnings"] == theirs["warnings"]
    assert ours["strides"] == theirs["strides"]
    assert ours["same"] == theirs["same"]
    assert ("grads" in ours) == ("grads" in theirs)
    for a, b in zip(ours.get("grads", []), theirs.get("grads", []), strict=True):
        assert (a is None) == (b is None)
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    return seen


def assert_same_error(function: Callable, *arrays: np.ndarray, grads: tuple[bool, ...] | None = None) -> str:
    grads = grads or tuple(a.dtype.kind == "f" for a in arrays)
    caught = []
    for lib in LIBS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as info:
                function(lib, *leaves(lib, arrays, grads))
        caught.append((type(info.value), str(info.value)))
    assert caught[1] == caught[0]
    return caught[0][1]


M = values(2, 3)
X = values(2, 3, 4)
V = values(3)
S = np.float32(1.5) * np.ones((), dtype=np.float32)


# -- views and reshapes ----------------------------------------------------------------------------

VIEW_CASES = {
    "view": (lambda lib, x: x.view(6, 4), X),
    "view_tuple": (lambda lib, x: x.view((4, -1)), X),
    "view_list": (lambda lib, x: x.view([24]), X),
    "view_size": (lambda lib, x: x.view(x.shape), X),
    "view_0d": (lambda lib, x: x.view(1, 1), S),
    "view_of_view": (lambda lib, x: x.view(6, 4).view(2, 12), X),
    "view_split_transposed": (lambda lib, x: x.transpose(0, 1).view(3, 2, 2, 2), X),
    "view_as": (lambda lib, x: x.view_as(lib.zeros(24)), X),
    "reshape": (lambda lib, x: x.reshape(4, 6), X),
    "reshape_fn": (lambda lib, x: lib.reshape(x, (-1,)), X),
    "reshape_0d": (lambda lib, x: x.reshape(()), S),
    "reshape_copy": (lambda lib, x: x.transpose(0, 1).reshape(-1), X),
    "reshape_alias": (lambda lib, x: x.transpose(0, 1).reshape(3, 2, 2, 2), X),
    "reshape_alias_same": (lambda lib, x: x[:, 1].reshape(2, 4), X),
    "reshape_selected_contiguous": (lambda lib, x: x[1].reshape(12), X),
    "reshape_selected_copy": (lambda lib, x: x[:, 1].reshape(8), X),
    "reshape_as": (lambda lib, x: x.reshape_as(lib.zeros(4, 6)), X),
    "reshape_as_copy": (lambda lib, x: x.mT.reshape_as(lib.zeros(24)), X),
    "flatten": (lambda lib, x: x.flatten(), X),
    "flatten_from_1": (lambda lib, x: lib.flatten(x, 1), X),
    "flatten_middle": (lambda lib, x: x.flatten(0, 1), X),
    "flatten_same_dim": (lambda lib, x: x.flatten(1, 1), X),
    "flatten_0d": (lambda lib, x: x.flatten(), S),
    "flatten_transposed": (lambda lib, x: x.transpose(0, 2).flatten(), X),
    "t": (lambda lib, m: m.t(), M),
    "t_fn_1d": (lambda lib, v: lib.t(v), V),
    "t_0d": (lambda lib, s: s.t(), S),
    "T_2d": (lambda lib, m: m.T, M),
    "T_1d": (lambda lib, v: v.T, V),
    "T_3d": (lambda lib, x: x.T, X),
    "T_0d": (lambda lib, s: s.T, S),
    "mT": (lambda lib, x: x.mT, X),
    "transpose": (lambda lib, x: x.transpose(0, 2), X),
    "transpose_negative": (lambda lib, x: lib.transpose(x, -1, 1), X),
    "transpose_same_dim": (lambda lib, x: x.transpose(1, 1), X),
    "transpose_0d": (lambda lib, s: s.transpose(0, -1), S),
    "swapaxes": (lambda lib, x: lib.swapaxes(x, 0, 1), X),
    "permute": (lambda lib, x: x.permute(2, 0, 1), X),
    "permute_tuple": (lambda lib, x: lib.permute(x, (1, -1, 0)), X),
    "unsqueeze": (lambda lib, x: x.unsqueeze(-1), X),
    "unsqueeze_fn": (lambda lib, x: lib.unsqueeze(x, 1), X),
    "unsqueeze_0d": (lambda lib, s: s.unsqueeze(0), S),
    "squeeze_all": (lambda lib, x: x.unsqueeze(0).unsqueeze(2).squeeze(), X),
    "squeeze_dim": (lambda lib, x: x.unsqueeze(0).squeeze(0), X),
    "squeeze_dim_not_one": (lambda lib, x: lib.squeeze(x, 1), X),
    "squeeze_dims": (lambda lib, x: x.unsqueeze(0).squeeze((0, 1)), X),
    "squeeze_0d": (lambda lib, s: s.squeeze(), S),
    "squeeze_0d_dim": (lambda lib, s: s.squeeze(-1), S),
    "expand": (lambda lib, m: m.unsqueeze(0).expand(4, -1, -1), M),
    "expand_same": (lambda lib, m: m.expand(2, 3), M),
    "expand_new_dims": (lambda lib, v: v.expand(2, 2, 3), V),
    "expand_0d": (lambda lib, s: s.expand(3, 2), S),
    "expand_as": (lambda lib, m: m.expand_as(lib.zeros(5, 2, 3)), M),
    "broadcast_to": (lambda lib, v: lib.broadcast_to(v, (2, 3)), V),
    "narrow": (lambda lib, x: x.narrow(2, 1, 2), X),
    "narrow_negative_start": (lambda lib, x: lib.narrow(x, -1, -2, 1), X),
    "contiguous_already": (lambda lib, m: m.contiguous(), M),
    "contiguous_copy": (lambda lib, m: m.t().contiguous(), M),
    "clone": (lambda lib, m: m.clone(), M),
    "clone_then_view_fails_like_torch": (lambda lib, m: lib.clone(m.t()).reshape(6), M),
    "double": (lambda lib, m: m.double(), M),
    "half": (lambda lib, m: m.half(), M),
    "float_unchanged": (lambda lib, m: m.float(), M),
    "long_no_grad": (lambda lib, m: m.long(), M),
    "int_no_grad": (lambda lib, m: m.int(), M),
    "bool_no_grad": (lambda lib, m: m.bool(), M),
    "to_dtype": (lambda lib, m: m.to(lib.float64), M),
    "to_same": (lambda lib, m: m.to(lib.float32), M),
    "to_copy_same": (lambda lib, m: m.to(lib.float32, copy=True), M),
    "to_keyword": (lambda lib, m: m.to(dtype=lib.float64), M),
    "to_device_and_dtype": (lambda lib, m: m.to("cpu", lib.float64), M),
    "to_tensor": (lambda lib, m: m.to(lib.zeros(1, dtype=lib.float64)), M),
    "to_device": (lambda lib, m: m.to("cpu"), M),
    "type_dtype": (lambda lib, m: m.type(lib.float64), M),
    "type_name": (lambda lib, m: m.type("torch.DoubleTensor"), M),
    "type_same": (lambda lib, m: m.type(lib.float32), M),
    "chain": (lambda lib, x: x.permute(1, 0, 2).unsqueeze(0).expand(2, 3, 2, 4).flatten(0, 1).mT, X),
}


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_view_and_copy_ops_match_torch(name):
    function, array = VIEW_CASES[name]
    # torch warns about `x.T` once per process; its text is checked in a fresh process below.
    assert_same(function, array, compare_warnings=not name.startswith("T_"))


def test_T_warnings_match_a_fresh_torch_process():
    script = (
        "import warnings, torch\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    torch.zeros(()).T; torch.zeros(2, 3).T; torch.zeros(2, 3, 4).T\n"
        "print(repr([(w.category.__name__, str(w.message)) for w in caught]))\n"
    )
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    printed = printed.stdout
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine.zeros(()).T, engine.zeros(2, 3).T, engine.zeros(2, 3, 4).T
    assert repr([(w.category.__name__, str(w.message)) for w in caught]) == printed.strip()


def test_type_names_the_legacy_type():
    for dtype in ("float32", "float64", "int64", "bool", "float16", "uint8"):
        ours = engine.zeros(2, dtype=getattr(engine, dtype)).type()
        assert ours == torch.zeros(2, dtype=getattr(torch, dtype)).type()


def test_conversions_of_integer_tensors_make_fresh_leaves():
    for lib in LIBS:
        converted = lib.ones(3, dtype=lib.int64).float()
        assert converted.is_leaf and not converted.requires_grad and converted.dtype == lib.float32


@pytest.mark.parametrize("make", [
    lambda lib, x: x.view(6, 4), lambda lib, x: x[0], lambda lib, x: x.t(), lambda lib, x: x.permute(1, 0),
    lambda lib, x: x.unsqueeze(0), lambda lib, x: x[:, 1:], lambda lib, x: x.expand(2, 4, 6),
    lambda lib, x: x.reshape(24), lambda lib, x: x.split(2)[1], lambda lib, x: x.chunk(2, 1)[0],
    lambda lib, x: x.unbind(1)[2], lambda lib, x: x[...], lambda lib, x: x.squeeze(0),
])
def test_views_share_memory_and_version_with_their_base(make):
    results = []
    numbers = values(4, 6)
    for lib in LIBS:
        base = lib.tensor(numbers)
        view = make(lib, base)
        before = version(view)
        base.mul_(2)
        results.append((view._is_view(), view._base is base, before, version(view), version(base),
                        view.detach().numpy().copy()))
    ours, theirs = results[1], results[0]
    assert ours[:5] == theirs[:5]
    np.testing.assert_allclose(ours[5], theirs[5])


@pytest.mark.parametrize("make", [
    lambda lib, x: x.clone(), lambda lib, x: x.t().reshape(24), lambda lib, x: x[[0, 1]],
    lambda lib, x: x.double(), lambda lib, x: lib.cat([x, x]), lambda lib, x: x.t().contiguous(),
])
def test_copies_have_their_own_version_counter(make):
    for lib in LIBS:
        base = lib.tensor(values(4, 6))
        copy = make(lib, base)
        base.mul_(2)
        assert (copy._is_view(), copy._base, version(copy)) == (False, None, 0)


def test_contiguous_and_strides_match_torch():
    for function in (lambda lib, x: x, lambda lib, x: x.t(), lambda lib, x: x[:, ::2], lambda lib, x: x[1],
                     lambda lib, x: x.t().contiguous(), lambda lib, x: x.unsqueeze(0).expand(3, 4, 6)):
        ours = function(engine, engine.tensor(values(4, 6)))
        theirs = function(torch, torch.tensor(values(4, 6)))
        assert ours.is_contiguous() == theirs.is_contiguous()
        assert ours.stride() == theirs.stride()


VIEW_ERRORS = {
    "view_incompatible_size": (lambda lib, x: x.view(5, 5), X),
    "view_bad_inferred": (lambda lib, x: x.view(5, -1), X),
    "view_two_inferred": (lambda lib, x: x.view(-1, -1), X),
    "view_negative": (lambda lib, x: x.view(-2, 12), X),
    "view_ambiguous_empty": (lambda lib, x: x[:, :0].view(0, -1), X),
    "view_zero_inferred": (lambda lib, x: x.view(-1, 0), X),
    "view_not_contiguous": (lambda lib, x: x.transpose(0, 1).view(3, 8), X),
    "view_of_clone_keeps_transposed_strides": (lambda lib, m: lib.clone(m.t()).view(6), M),
    "view_float_size": (lambda lib, x: x.view(2.0, 12), X),
    "view_no_size": (lambda lib, x: x.view(), X),
    "reshape_bad": (lambda lib, x: x.reshape(5, 5), X),
    "reshape_float": (lambda lib, x: x.reshape((2.0, 12)), X),
    "flatten_order": (lambda lib, x: x.flatten(2, 1), X),
    "flatten_range": (lambda lib, x: x.flatten(0, 3), X),
    "t_3d": (lambda lib, x: x.t(), X),
    "mT_1d": (lambda lib, v: v.mT, V),
    "transpose_range": (lambda lib, x: x.transpose(0, 3), X),
    "permute_length": (lambda lib, x: x.permute(0, 1), X),
    "permute_repeat": (lambda lib, x: x.permute(0, 1, 1), X),
    "permute_range": (lambda lib, x: x.permute(0, 1, 3), X),
    "unsqueeze_range": (lambda lib, x: x.unsqueeze(4), X),
    "squeeze_range": (lambda lib, x: x.squeeze(-4), X),
    "expand_mismatch": (lambda lib, x: x.expand(3, 3, 4), X),
    "expand_fewer": (lambda lib, x: x.expand(3, 4), X),
    "expand_new_minus_one": (lambda lib, x: x.expand(-1, 2, 3, 4), X),
    "expand_negative": (lambda lib, x: x.expand(2, 3, -2), X),
    "expand_float": (lambda lib, x: x.expand((2.0, 3)), X),
    "narrow_past_end": (lambda lib, x: x.narrow(2, 3, 2), X),
    "type_unknown": (lambda lib, x: x.type("foo"), X),
    "to_accelerator": (lambda lib, x: x.to(5), X),
}


@pytest.mark.parametrize("name", sorted(VIEW_ERRORS))
def test_shape_errors_match_torch(name):
    function, array = VIEW_ERRORS[name]
    assert_same_error(function, array)


# -- indexing --------------------------------------------------------------------------------------

ALL = slice(None)

INDEXES = {
    "int": 1, "negative_int": -1, "pair": (0, 1), "triple": (0, 1, 2), "int_then_slice": (0, slice(1, 3)),
    "column": (ALL, 1), "lone_full_slice": ALL, "lone_slice_past_end": slice(0, 9),
    "lone_step": slice(None, None, 2), "empty_slice": slice(3, 1), "tuple_full_slices": (ALL,) * 3,
    "tuple_slice_past_end": (slice(0, 9),), "negative_start": (slice(-2, None), ALL),
    "short_stop": (ALL, slice(None, 2)), "stepped": (ALL, slice(-2, None, 2), slice(1, None, 2)),
    "ellipsis": Ellipsis, "ellipsis_int": (Ellipsis, 1), "int_ellipsis": (1, Ellipsis),
    "ellipsis_slice": (Ellipsis, ALL), "none": None, "none_none": (None, None),
    "none_ellipsis_none": (None, Ellipsis, None), "int_none": (0, None), "slice_none_int": (ALL, None, 1),
    "mixed_basic": (slice(1, None), None, slice(None, None, 2), 1), "empty_tuple": (),
    "list": [0, 1], "list_repeat": [1, 1, 0], "list_then_int": ([0, 1], 1), "int_then_list": (1, [0, 2]),
    "slice_list": (ALL, [0, 2]), "list_slice_list": ([0, 1], ALL, [1, 3]),
    "int_list_slice": (0, [0, 1], slice(1, 3)), "list_none": ([0, 1], None), "nested_list": [[0, 1], [1, 0]],
    "list_of_lists": ([[0, 1], [1, 0]],), "lists_broadcast": ([0, 1], [[0], [1]]), "bool_list": [True, False],
    "empty_list": [], "ellipsis_list": (Ellipsis, [0, 3]), "true": True, "false": False,
    "true_int": (True, 1), "list_in_list": [0, ALL], "tuple_in_tuple": ((0, 1), 2), "float_list": [0.5],
    "range": range(2), "range_and_list": (range(2), [0, 2]), "slice_range": (ALL, range(1, 3)),
    "stepped_range": (ALL, ALL, range(3, -1, -2)),
}


@pytest.mark.parametrize("name", sorted(INDEXES))
def test_getitem_matches_torch(name):
    index = INDEXES[name]
    assert_same(lambda lib, x: x[index], X)


@pytest.mark.parametrize("make_index", [
    lambda lib, x: x > 0, lambda lib, x: (slice(None), x[0] > 0), lambda lib, x: lib.tensor([1]),
    lambda lib, x: lib.tensor(1),
    lambda lib, x: lib.tensor([[0, 1]]), lambda lib, x: lib.tensor(True), lambda lib, x: (x[:, 0, 0] > 0, 1),
    lambda lib, x: lib.tensor([1, 0], dtype=lib.int32), lambda lib, x: (lib.tensor(0), lib.tensor(1)),
    lambda lib, x: (slice(None), x[0, :, 0] > 0),
])
def test_tensor_indexes_match_torch(make_index):
    assert_same(lambda lib, x: x[make_index(lib, x.detach())], X)


@pytest.mark.parametrize("index", [Ellipsis, None, True, (), (None, None)])
def test_index_on_0d_tensor(index):
    assert_same(lambda lib, s: s[index], S)


def test_iteration_yields_selects():
    assert_same(lambda lib, m: tuple(m), M)


INDEX_ERRORS = {
    "out_of_bounds": 5, "negative_out_of_bounds": -3, "second_dim": (0, 5), "after_none": (None, 0, 5),
    "after_ellipsis": (Ellipsis, 9), "after_ellipsis_int": (Ellipsis, 1, 9), "after_list": (ALL, [0], 9),
    "too_many": (0, 0, 0, 0), "list_out_of_bounds": [5], "second_list": ([0], [5]),
    "first_of_two": ([0, 9], [0, 7]), "first_bad_element": ([1, 5], [5, 1]), "list_negative": (ALL, [-4]),
    "list_after_slice": ([0], ALL, [9]), "broadcast": ([0, 1], [0, 1, 2]), "float": 1.0,
    "float_in_tuple": (0, 1.5),
    "string": "a", "string_in_tuple": (0, "a"), "dict": {}, "negative_step": slice(None, None, -1),
    "zero_step": slice(None, None, 0), "mask_shape": (slice(None), np.array([True, False])),
}


@pytest.mark.parametrize("name", sorted(INDEX_ERRORS))
def test_index_errors_match_torch(name):
    index = INDEX_ERRORS[name]

    def function(lib, x):
        if isinstance(index, tuple) and any(isinstance(i, np.ndarray) for i in index):
            return x[tuple(lib.tensor(i) if isinstance(i, np.ndarray) else i for i in index)]
        return x[index]

    assert_same_error(function, X)


@pytest.mark.parametrize("index", [0, 1, -1, (0,), slice(None), (slice(None),), [0], (0, None), (None, 0)])
def test_index_errors_on_0d_tensor(index):
    assert_same_error(lambda lib, s: s[index], S)


def test_float_tensor_index_error():
    assert_same_error(lambda lib, x: x[lib.tensor([1.0])], X)


def test_mask_shape_error():
    assert_same_error(lambda lib, x: x[:, lib.ones(3, 3, dtype=lib.bool)], X)


# -- writing through an index ----------------------------------------------------------------------

W = values(4)

SETITEMS = {
    "int_number": lambda lib, x, w: _written(x * 2, 0, 5.0),
    "pair_number": lambda lib, x, w: _written(x * 2, (0, 1), 5.0),
    "slice_tensor": lambda lib, x, w: _written(x * 2, (slice(None), slice(1, None)), lib.zeros(2, 2, 4)),
    "row_from_grad": lambda lib, x, w: _written(x * 2, (1, 2), w),
    "row_broadcast": lambda lib, x, w: _written(x * 2, 1, w),
    "row_leading_ones": lambda lib, x, w: _written(x * 2, (0, 0), w.view(1, 4)),
    "whole_number": lambda lib, x, w: _written(x * 2, Ellipsis, 1.0),
    "whole_slice_number": lambda lib, x, w: _written(x * 2, slice(None), 1.0),
    "whole_tensor": lambda lib, x, w: _written(x * 2, Ellipsis, w),
    "whole_slice_tensor": lambda lib, x, w: _written(x * 2, slice(None), w.view(1, 4)),
    "whole_same_shape": lambda lib, x, w: _written(x * 2, Ellipsis, w.expand(2, 3, 4).contiguous()),
    "whole_0d_tensor": lambda lib, x, w: _written(x * 2, slice(None), w[0]),
    "element_0d_tensor": lambda lib, x, w: _written(x * 2, (0, 0, 0), w[1]),
    "none": lambda lib, x, w: _written(x * 2, None, 1.0),
    "list": lambda lib, x, w: _written(x * 2, [0], 1.0),
    "lists_tensor": lambda lib, x, w: _written(x * 2, ([0, 1], [1, 2]), w),
    "mask": lambda lib, x, w: _written(x * 2, x > 0, 0.0),
    "mask_tensor": lambda lib, x, w: _written(x * 2, (x > 0)[..., 0], w),
    "int_and_list": lambda lib, x, w: _written(x * 2, (0, [0, 1]), 3.0),
    "int_and_list_tensor": lambda lib, x, w: _written(x * 2, (0, [0, 1]), w),
    "list_leading_ones": lambda lib, x, w: _written(x * 2, [0, 1], w.view(1, 1, 4)),
    "list_0d_value": lambda lib, x, w: _written(x * 2, [0, 1], w[0]),
    "twice": lambda lib, x, w: _written(_written(x * 2, 0, 3.0), 0, 4.0),
    "chained_index": lambda lib, x, w: _written_through(x * 2, lambda y: y[0], 1, w),
    "view_written": lambda lib, x, w: _written((x * 2)[1], 0, w),
    "transposed_view": lambda lib, x, w: _written((x * 2).transpose(0, 2), 0, 5.0),
    "reshaped_view": lambda lib, x, w: _written((x * 2).view(6, 4), slice(1, 3), w),
    "into_zeros": lambda lib, x, w: _written(lib.zeros(3, 4), 1, w * 2),
    "into_zeros_list": lambda lib, x, w: _written(lib.zeros(3, 4), [0, 2], w),
    "into_zeros_mask": lambda lib, x, w: _written(lib.zeros(3, 4), lib.zeros(3, 4) == 0, w.sum()),
    "into_zeros_view": lambda lib, x, w: _written(lib.zeros(3, 4)[1], 2, w[0]),
    "no_grad_anywhere": lambda lib, x, w: _written(lib.zeros(3, 4), 1, 7.0),
    "double_value": lambda lib, x, w: _written(x * 2, 0, w.double()),
    "bool_value": lambda lib, x, w: _written(x * 2, 0, True),
    "int_into_long": lambda lib, x, w: _written(lib.zeros(3, dtype=lib.int64), 0, 2.7),
    "numpy_number": lambda lib, x, w: _written(x * 2, 1, np.float64(2.5)),
}


def _written(tensor, index, value):
    tensor[index] = value
    return tensor


def _written_through(tensor, make_view, index, value):
    make_view(tensor)[index] = value
    return tensor


@pytest.mark.parametrize("name", sorted(SETITEMS))
def test_setitem_matches_torch(name):
    assert_same(SETITEMS[name], X, W)


@pytest.mark.parametrize("name", ["int_number", "view_written", "list", "twice", "whole_tensor"])
def test_setitem_bumps_the_shared_version_counter(name):
    versions = []
    for lib in LIBS:
        x, w = lib.tensor(X, requires_grad=True), lib.tensor(W, requires_grad=True)
        out = SETITEMS[name](lib, x, w)
        base = out._base if out._base is not None else out
        versions.append((version(out), version(base), base.is_leaf))
    assert versions[1] == versions[0]


def test_written_view_and_base_graphs_match_torch():
    results = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        view = y[1]
        view[0] = 5.0
        results.append((graph(view.grad_fn), graph(y.grad_fn), view.requires_grad))
        (view.sum() + y.sum() * 2).backward()
        results.append(x.grad.numpy().copy())
    assert results[2] == results[0]
    np.testing.assert_allclose(results[3], results[1])


def test_setitem_under_no_grad_just_writes():
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        with lib.no_grad():
            x[0] = 1.0
            x[1, [0, 2]] = 2.0
        assert x.is_leaf and x.requires_grad and version(x) == 2
        assert x[0, 0, 0].item() == 1.0 and x[1, 2, 1].item() == 2.0


def test_saved_view_modified_in_place_fails_backward_like_torch():
    messages = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        product = y[0] ** 2
        y[0, 0] = 0.0
        with pytest.raises(RuntimeError) as info:
            product.sum().backward()
        messages.append(str(info.value))
    assert messages[1] == messages[0]


def _views_then_write(lib, write_in_no_grad: bool):
    x = lib.tensor(X, requires_grad=True)
    y = x * 2
    row, sibling, flat = y[0], y[1], y.view(24)
    if write_in_no_grad:
        with lib.no_grad():
            y[1, 0] = 5.0
    else:
        row[0] = 5.0
    return x, y, (row, sibling, flat)


@pytest.mark.parametrize("write_in_no_grad", [False, True])
def test_views_made_before_a_write_derive_from_the_written_base(write_in_no_grad):
    seen = []
    for lib in LIBS:
        x, y, views = _views_then_write(lib, write_in_no_grad)
        seen.append([graph(v.grad_fn) for v in views] + [graph(y.grad_fn)])
        sum(v.sum() * (i + 1) for i, v in enumerate(views)).backward()
        seen.append(x.grad.numpy().copy())
    assert seen[2] == seen[0]
    np.testing.assert_allclose(seen[3], seen[1])


def test_retain_grad_follows_a_write():
    grads = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y[1] = 5.0
        (y * y).sum().backward()
        grads.append((y.grad.numpy().copy(), x.grad.numpy().copy()))
    for ours, theirs in zip(grads[1], grads[0], strict=True):
        np.testing.assert_allclose(ours, theirs)


def _no_grad_view(lib, base_requires_grad: bool = True):
    x = lib.tensor(X, requires_grad=True)
    base = x * 2 if base_requires_grad else lib.zeros(2, 3, 4)
    with lib.no_grad():
        view = base[0]
    return base, view


NO_GRAD_VIEW_ERRORS = {
    "write_whole": lambda lib, w: _written(_no_grad_view(lib)[1], Ellipsis, 2.0),
    "write_through_select": lambda lib, w: _written(_no_grad_view(lib)[1], 1, 2.0),
    "write_through_slice": lambda lib, w: _written(_no_grad_view(lib)[1], slice(1, 2), 2.0),
    "write_list": lambda lib, w: _written(_no_grad_view(lib)[1], [1], 2.0),
    "write_tracked_value": lambda lib, w: _written(_no_grad_view(lib, False)[1], Ellipsis, w),
    "base_written_later": lambda lib, w: _base_written(*_no_grad_view(lib), w).grad_fn,
    "detach_view_in_place": lambda lib, w: (lib.zeros(3)[1:]).detach_(),
}


def _base_written(base, view, value):
    base[1] = value
    return view


@pytest.mark.parametrize("name", sorted(NO_GRAD_VIEW_ERRORS))
def test_views_made_under_no_grad_refuse_tracked_writes_like_torch(name):
    assert_same_error(NO_GRAD_VIEW_ERRORS[name], W)


def test_untracked_write_into_a_no_grad_view_is_allowed():
    assert_same(lambda lib, w: _written(_no_grad_view(lib, False)[1], 1, 2.0), W)


SETITEM_ERRORS = {
    "leaf": lambda lib, x, w: _written(x, slice(None), 1.0),
    "leaf_view": lambda lib, x, w: _written(x, 0, 1.0),
    "leaf_list": lambda lib, x, w: _written(x, [0], 1.0),
    "leaf_int_and_list": lambda lib, x, w: _written(x, (0, [0]), 1.0),
    "view_of_leaf": lambda lib, x, w: _written(x[0], 0, 1.0),
    "wrong_shape": lambda lib, x, w: _written(x * 2, 0, lib.ones(2)),
    "wrong_column_shape": lambda lib, x, w: _written(x * 2, (slice(None), 0), lib.ones(3)),
    "too_many_dims": lambda lib, x, w: _written(x * 2, (0, 0), lib.ones(2, 4)),
    "index_put_shape": lambda lib, x, w: _written(x * 2, [0], lib.ones(3, 3)),
    "index_put_dtype": lambda lib, x, w: _written(x * 2, [0], w.double()),
    "string_value": lambda lib, x, w: _written(x * 2, 0, "a"),
    "list_value": lambda lib, x, w: _written(x * 2, 0, [1.0, 2.0]),
    "numpy_value": lambda lib, x, w: _written(x * 2, 0, np.ones(4)),
    "none_value": lambda lib, x, w: _written(x * 2, 0, None),
    "out_of_bounds": lambda lib, x, w: _written(x * 2, 2, 1.0),
    "0d_int": lambda lib, x, w: _written(x.sum(), 0, 1.0),
    "0d_slice": lambda lib, x, w: _written(x.sum(), slice(None), 1.0),
}


@pytest.mark.parametrize("name", sorted(SETITEM_ERRORS))
def test_setitem_errors_match_torch(name):
    assert_same_error(SETITEM_ERRORS[name], X, W)


# -- joining, splitting, where ---------------------------------------------------------------------

A23, B23, C43 = values(2, 3), values(2, 3), values(4, 3)

JOIN_CASES = {
    "cat": (lambda lib, a, b: lib.cat([a, b]), (A23, B23), None),
    "cat_dim1": (lambda lib, a, b: lib.cat((a, b), 1), (A23, B23), None),
    "cat_negative_dim": (lambda lib, a, b: lib.concat([a, b], dim=-1), (A23, B23), None),
    "concatenate": (lambda lib, a, b: lib.concatenate([a, b, a]), (A23, B23), None),
    "cat_one": (lambda lib, a: lib.cat([a]), (A23,), None),
    "cat_no_grad_part": (lambda lib, a, c: lib.cat([a, c]), (A23, C43), (True, False)),
    "cat_legacy_empty": (lambda lib, a: lib.cat([a, lib.zeros(0)]), (A23,), None),
    "cat_promotes": (lambda lib, a, b: lib.cat([a, b.double()]), (A23, B23), None),
    "cat_many": (lambda lib, a: lib.cat([a[i] for i in range(2)] * 3), (A23,), None),
    "stack": (lambda lib, a, b: lib.stack([a, b]), (A23, B23), None),
    "stack_dim1": (lambda lib, a, b: lib.stack([a, b], 1), (A23, B23), None),
    "stack_last": (lambda lib, a, b: lib.stack((a, b, a), -1), (A23, B23), None),
    "stack_0d": (lambda lib, a: lib.stack([a.sum(), a[0, 0]]), (A23,), None),
    "stack_no_grad_part": (lambda lib, a, b: lib.stack([a, b]), (A23, B23), (False, True)),
    "where": (lambda lib, a, b: lib.where(a > 0, a, b), (A23, B23), None),
    "where_scalar_other": (lambda lib, a: lib.where(a > 0, a, 0.0), (A23,), None),
    "where_scalar_input": (lambda lib, b: lib.where(b > 0, 1.0, b), (B23,), None),
    "where_broadcast": (lambda lib, a, v: lib.where(a > 0, a, v), (A23, V), None),
    "where_method": (lambda lib, a, b: a.where(b > 0, b), (A23, B23), None),
    "where_promotes": (lambda lib, a, b: lib.where(a > 0, a.double(), b), (A23, B23), None),
    "where_ints": (lambda lib, a: lib.where(a > 0, 1, 0), (A23,), None),
    "where_nonzero": (lambda lib, a: lib.where(a > 0), (A23,), None),
    "chunk": (lambda lib, a: a.chunk(2, 1), (A23,), None),
    "chunk_uneven": (lambda lib, v: lib.chunk(v, 2), (values(5),), None),
    "split": (lambda lib, a: a.split(2, 1), (A23,), None),
    "split_sizes": (lambda lib, a: lib.split(a, [1, 2], 1), (A23,), None),
    "unbind": (lambda lib, a: a.unbind(1), (A23,), None),
    "unbind_fn": (lambda lib, a: lib.unbind(a), (A23,), None),
}


@pytest.mark.parametrize("name", sorted(JOIN_CASES))
def test_joining_and_splitting_match_torch(name):
    function, arrays, grads = JOIN_CASES[name]
    if name.startswith(("chunk", "split", "unbind")):
        # torch shares one node among the pieces (outputs 0, 1, ...); here each piece has its own node
        # of the same name, so compare names per piece rather than the output numbers downstream.
        seen = run(function, arrays, grads)
        for key in ("values", "reprs", "graphs", "grads"):
            assert len(seen[engine][key]) == len(seen[torch][key])
        assert seen[engine]["reprs"] == seen[torch]["reprs"]
        assert seen[engine]["graphs"] == seen[torch]["graphs"]
        for a, b in zip(seen[engine]["grads"], seen[torch]["grads"], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    else:
        assert_same(function, *arrays, grads=grads)


JOIN_ERRORS = {
    "cat_empty": lambda lib, a: lib.cat([]),
    "cat_sizes": lambda lib, a: lib.cat([a, a.t()]),
    "cat_sizes_dim1": lambda lib, a: lib.cat([a, lib.ones(3, 3)], 1),
    "cat_ndim": lambda lib, a: lib.cat([a, a[0]]),
    "cat_dim": lambda lib, a: lib.cat([a, a], 2),
    "cat_0d": lambda lib, a: lib.cat([a[0, 0], a[0, 1]]),
    "cat_tensor": lambda lib, a: lib.cat(a),
    "cat_element": lambda lib, a: lib.cat([a, 1]),
    "stack_empty": lambda lib, a: lib.stack([]),
    "stack_sizes": lambda lib, a: lib.stack([a, a.t()]),
    "stack_dim": lambda lib, a: lib.stack([a, a], 3),
    "stack_tensor": lambda lib, a: lib.stack(a),
    "where_float_condition": lambda lib, a: lib.where(a, a, a),
    "where_broadcast": lambda lib, a: lib.where(a > 0, a, lib.ones(3, 3)),
    "split_sizes": lambda lib, a: a.split([1, 1], 1),
    "split_zero": lambda lib, a: a.split(0),
    "chunk_zero": lambda lib, a: a.chunk(0),
}


@pytest.mark.parametrize("name", sorted(JOIN_ERRORS))
def test_joining_errors_match_torch(name):
    assert_same_error(JOIN_ERRORS[name], A23)


def test_split_pieces_share_the_input_and_sum_its_gradient():
    for lib in LIBS:
        a = lib.tensor(A23, requires_grad=True)
        first, second = a.split([1, 2], 1)
        (first.sum() * 2 + second.sum()).backward()
        assert a.grad.tolist() == [[2.0, 1.0, 1.0], [2.0, 1.0, 1.0]]


# -- matmul beyond 2-D -----------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3, 4)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((3, 4), (2, 4, 5)),
    ((2, 3, 4), (2, 4, 5)), ((2, 2, 3, 4), (2, 2, 4, 5)), ((2, 3, 4), (5, 1, 4, 2)), ((1, 3, 4), (5, 4, 2)),
    ((5, 3, 4), (1, 4, 2)), ((1, 3, 4), (1, 4, 5)), ((2, 1, 3, 4), (2, 4, 5)), ((3,), (2, 2, 3, 4)),
    ((2, 2, 3, 4), (4,)), ((1, 2, 3, 4), (2, 4, 5)), ((1, 3, 4), (4, 5)), ((2, 3, 4), (4, 1)),
    ((1, 4), (2, 4, 3)), ((1, 3, 4), (2, 5, 4, 2)), ((4,), (1, 4, 3)), ((3, 1), (2, 1, 5)),
    ((1, 0, 4), (5, 4, 2)), ((0, 3, 4), (4, 2)),
]


@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_records_torchs_graph(shapes, grads):
    assert_same(lambda lib, a, b: a @ b, values(*shapes[0]), values(*shapes[1]), grads=grads, exact=False)


@pytest.mark.parametrize("make", [
    lambda lib, a, b: a.transpose(1, 2) @ b[0], lambda lib, a, b: a.transpose(1, 2) @ b[0, :, 0],
    lambda lib, a, b: lib.matmul(a[0].t().unsqueeze(0).expand(2, 3, 4), b[0]),
    lambda lib, a, b: a.transpose(1, 2) @ b.transpose(1, 2).transpose(1, 2),
])
@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)])
def test_matmul_of_strided_operands_records_torchs_graph(make, grads):
    assert_same(make, values(2, 4, 3), values(2, 4, 5), grads=grads, exact=False)


def test_matmul_1d_2d_squeezes_in_place():
    for lib in LIBS:
        out = lib.tensor(V, requires_grad=True) @ lib.tensor(values(3, 4))
        assert (version(out), out._is_view()) == (1, False)


MATMUL_ERRORS = [
    ((3,), (4, 5), (True, True)), ((2, 3, 4), (5, 6), (True, True)), ((2, 3, 4), (5,), (True, True)),
    ((3,), (2, 4, 5), (True, True)), ((3,), (2, 4, 5), (False, False)), ((2, 3, 4), (2, 5, 6), (True, True)),
    ((2, 3, 4), (3, 4, 6), (True, True)), ((2, 2, 3, 4), (3, 4, 5), (True, True)),
    ((2, 2, 3, 4), (2, 2, 5, 6), (False, False)), ((3, 4), (2, 5, 6), (False, False)),
    ((3, 4), (2, 5, 6), (True, False)),
]


@pytest.mark.parametrize("case", MATMUL_ERRORS, ids=str)
def test_matmul_errors_match_torch(case):
    left, right, grads = case
    assert_same_error(lambda lib, a, b: a @ b, values(*left), values(*right), grads=grads)


def test_batched_dtype_mismatch_matches_torch():
    assert_same_error(lambda lib, a, b: a @ b.double(), values(2, 3, 4), values(2, 4, 5))
    assert_same_error(lambda lib, a, b: lib.bmm(a, b.double()), values(2, 3, 4), values(2, 4, 5))


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3, 4)), ((2, 2, 3), (3, 4)), ((2, 2, 3), (3, 3, 4))],
                         ids=str)
def test_bmm_errors_match_torch(shapes):
    assert_same_error(lambda lib, a, b: lib.bmm(a, b), values(*shapes[0]), values(*shapes[1]))


# -- in-place reshapes -----------------------------------------------------------------------------

@pytest.mark.parametrize("function", [
    lambda lib, x: (x * 1).unsqueeze(1).squeeze_(), lambda lib, x: (x * 1).unsqueeze(1).squeeze_(1),
    lambda lib, x: (x * 1).unsqueeze(1).squeeze_((1,)), lambda lib, x: (x * 1).unsqueeze_(0),
])
def test_in_place_reshapes_match_torch(function):
    assert_same(function, M)


def test_in_place_reshape_of_a_leaf_fails_like_torch():
    assert_same_error(lambda lib, m: m.unsqueeze_(0), M)


# -- random index expressions ----------------------------------------------------------------------

@st.composite
def index_expressions(draw, shape=None):
    if shape is None:
        shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))
    items = []
    used_ellipsis = False
    for _ in range(draw(st.integers(0, len(shape) + 1))):
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis", "list"]))
        if kind == "int":
            items.append(draw(st.integers(-5, 4)))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-5, 5)))
            stop = draw(st.one_of(st.none(), st.integers(-5, 5)))
            step = draw(st.one_of(st.none(), st.integers(1, 3)))
            items.append(slice(start, stop, step))
        elif kind == "none":
            items.append(None)
        elif kind == "ellipsis" and not used_ellipsis:
            used_ellipsis = True
            items.append(Ellipsis)
        elif kind == "list":
            items.append(draw(st.lists(st.integers(-4, 3), min_size=1, max_size=3)))
    single = len(items) == 1 and draw(st.booleans())
    return shape, items[0] if single else tuple(items)


def _outcome(lib, function, arrays):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", run_single(lib, function, arrays)
    except Exception as error:  # noqa: BLE001 - the outcome being compared is the error itself
        return "error", (type(error), str(error))


def run_single(lib, function, arrays):
    inputs = leaves(lib, arrays, tuple(a.dtype.kind == "f" for a in arrays))
    out = function(lib, *inputs)
    facts = [out.detach().numpy().copy(), graph(out.grad_fn), version(out), out.numel() and out.stride()]
    if out.requires_grad:
        backward_with_weights(lib, out)
        facts.append([t.grad.numpy().copy() for t in inputs if t.grad is not None])
    return facts


def assert_same_outcome(function, *arrays):
    theirs = _outcome(torch, function, arrays)
    ours = _outcome(engine, function, arrays)
    assert ours[0] == theirs[0], (ours, theirs)
    if theirs[0] == "error":
        assert ours[1] == theirs[1]
        return
    for a, b in zip(ours[1], theirs[1], strict=True):
        if isinstance(b, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        elif isinstance(b, list):
            for x, y in zip(a, b, strict=True):
                np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-5)
        else:
            assert a == b


@settings(max_examples=300)
@given(index_expressions())
def test_random_getitem_matches_torch(case):
    shape, index = case
    assert_same_outcome(lambda lib, x: x[index], fixed_values(*shape))


@settings(max_examples=200)
@given(index_expressions(), st.sampled_from(["number", "tensor", "row"]))
def test_random_setitem_matches_torch(case, value_kind):
    shape, index = case

    def function(lib, x, w):
        y = x * 2
        if value_kind == "number":
            value = 3.0
        elif value_kind == "tensor":
            value = w.sum()
        else:
            value = w[: shape[-1]] if shape else w[0]
        y[index] = value
        return y

    assert_same_outcome(function, fixed_values(*shape), fixed_values(4))


VIEW_MAKERS = {
    "transpose": lambda y: y.transpose(0, -1), "select": lambda y: y[1], "slice": lambda y: y[:, ::2],
    "flat": lambda y: y.view(-1), "unsqueeze": lambda y: y.unsqueeze(1), "chain": lambda y: y.t()[1:, 0],
}


@settings(max_examples=200)
@given(st.data(), st.sampled_from(sorted(VIEW_MAKERS)), st.sampled_from(["number", "tensor"]))
def test_random_writes_through_views_match_torch(data, make_view, value_kind):
    view_shape = tuple(VIEW_MAKERS[make_view](torch.zeros(3, 4)).shape)
    _, index = data.draw(index_expressions(shape=view_shape))

    def function(lib, x, w):
        y = x * 2
        view = VIEW_MAKERS[make_view](y)
        view[index] = 3.0 if value_kind == "number" else w.sum()
        return lib.stack([y.sum(), (view * view).sum()])

    assert_same_outcome(function, fixed_values(3, 4), fixed_values(4))


@st.composite
def strided_reshapes(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    transforms = draw(st.lists(st.sampled_from(["transpose", "slice", "expand", "unsqueeze"]), max_size=2))
    size = int(np.prod(shape))
    target = draw(st.sampled_from([(-1,), (size,), _factor(size), _factor(size)[::-1], (1, -1), (-1, 1)]))
    return shape, transforms, target


def _factor(size: int) -> tuple[int, ...]:
    for divisor in (3, 2):
        if size % divisor == 0 and size > divisor:
            return (divisor, size // divisor)
    return (1, size)


def _transformed(tensor, transforms):
    for transform in transforms:
        if transform == "transpose" and tensor.ndim >= 2:
            tensor = tensor.transpose(0, -1)
        elif transform == "slice":
            tensor = tensor[..., ::2]
        elif transform == "expand":
            tensor = tensor.unsqueeze(0).expand(2, *tensor.shape)
        elif transform == "unsqueeze":
            tensor = tensor.unsqueeze(1)
    return tensor


@settings(max_examples=200)
@given(strided_reshapes(),
       st.sampled_from(["reshape", "view", "flatten", "contiguous", "clone", "double", "matmul", "rmatmul"]))
def test_random_strided_reshapes_match_torch(case, how):
    shape, transforms, target = case

    def function(lib, x):
        y = _transformed(x, transforms)
        if how == "reshape":
            return y.reshape(target)
        if how == "view":
            return y.view(target)
        if how == "flatten":
            return y.flatten()
        if how == "contiguous":
            return y.contiguous()
        if how == "clone":
            return y.clone()
        if how == "double":
            return y.double()
        if how == "matmul":
            return y @ lib.ones(y.shape[-1], 2)
        return lib.ones(3, y.shape[-2] if y.ndim > 1 else y.shape[-1]) @ y

    assert_same_outcome(function, fixed_values(*shape))
