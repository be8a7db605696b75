"""In-place ops (`add_`, `+=`, `zero_`, ...) with torch's semantics, checked against torch.

What an in-place op must do: write into the tensor's own memory (aliases see it), bump the shared version
counter, refuse a leaf that requires grad while grad mode is on, rebase a non-leaf's history onto the
op's node, and make backward fail when a value saved for it has been overwritten since.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest
import torch

import engine
from engine import _trace
from tests.engine.torch_compare import graph, same_outcome, version

LIBS = pytest.mark.parametrize("lib", [engine, torch], ids=["engine", "torch"])


def summary(tensor) -> tuple:
    """Everything a lesson can observe about a tensor, in comparable form."""
    return (repr(tensor), version(tensor), tensor.requires_grad, tensor.is_leaf, graph(tensor.grad_fn))


def grads(*tensors) -> list:
    return [None if t.grad is None else np.round(t.grad.numpy(), 4).tolist() for t in tensors]


# -- leaves that require grad ---------------------------------------------------------------------------

LEAF_OPS = {
    "add_": lambda w: w.add_(1),
    "mul_": lambda w: w.mul_(2),
    "zero_": lambda w: w.zero_(),
    "fill_": lambda w: w.fill_(3),
    "copy_": lambda w: w.copy_(w.detach() * 2),
    "clamp_": lambda w: w.clamp_(0, 1),
    "exp_": lambda w: w.exp_(),
    "uniform_": lambda w: w.uniform_(),
    "normal_": lambda w: w.normal_(),
    "iadd": lambda w: w.__iadd__(1),
    "isub": lambda w: w.__isub__(1),
    "imul": lambda w: w.__imul__(2),
    "idiv": lambda w: w.__itruediv__(2),
}


@pytest.mark.parametrize("name", sorted(LEAF_OPS))
def test_leaf_that_requires_grad_refuses_in_place_ops(name):
    outcome = same_outcome(lambda lib: LEAF_OPS[name](lib.ones(3, requires_grad=True)))
    assert outcome == (RuntimeError, engine._tensor.LEAF_INPLACE)


def test_augmented_assignment_on_a_leaf_fails_like_torch():
    def scenario(lib):
        w = lib.ones(3, requires_grad=True)
        w += 1

    assert same_outcome(scenario)[0] is RuntimeError


def test_no_grad_update_writes_into_the_leaf():
    def scenario(lib):
        w = lib.ones(3, requires_grad=True)
        before = id(w)
        with lib.no_grad():
            w.add_(1)
            w -= 0.5
            w *= 4
        return summary(w), id(w) == before

    same_outcome(scenario)


# -- the seed lesson's training loop --------------------------------------------------------------------

def seed_loop(lib) -> tuple:
    weights = lib.ones(4, requires_grad=True)
    printed = io.StringIO()
    with redirect_stdout(printed):
        for _ in range(3):
            model_output = (weights * 3).sum()
            model_output.backward()
            print(weights.grad)
            with lib.no_grad():
                weights -= 0.001 * weights.grad
            weights.grad.zero_()
        print(weights)
    return printed.getvalue(), summary(weights), version(weights.grad)


def test_seed_training_loop_matches_torch():
    ours, theirs = seed_loop(engine), seed_loop(torch)
    assert ours == theirs
    assert "tensor([0.9910, 0.9910, 0.9910, 0.9910], requires_grad=True)" in ours[0]


def test_zero_tells_the_recorder_which_gradient_was_emptied():
    class Recorder:
        def __init__(self):
            self.zeroed = []

        def tensor_created(self, tensor):
            pass

        def grads_zeroed(self, tensors, how):
            self.zeroed.append((tensors, how))

    w = engine.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    with _trace.recording(Recorder()) as recorder:
        w.grad.zero_()
    assert recorder.zeroed == [([w.grad], "zero_")]
    assert w.grad.tolist() == [0.0, 0.0]


# -- memory, aliases and versions -----------------------------------------------------------------------

def test_detached_alias_sees_the_write_and_shares_the_version():
    def scenario(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        alias = y.detach()
        y.add_(1)
        alias.mul_(2)
        return summary(y), repr(alias), version(alias), version(y)

    same_outcome(scenario)


def test_numpy_view_of_a_plain_tensor_sees_the_write():
    x = engine.zeros(3)
    array = x.numpy()
    x.add_(2)
    x.fill_(5)
    assert array.tolist() == [5.0, 5.0, 5.0]
    assert version(x) == 2


def test_view_and_base_see_each_others_writes():
    def scenario(lib):
        base = lib.zeros(2, 3)
        row = base[0]
        row.add_(1)
        base.mul_(3)
        return repr(base), repr(row), version(base), version(row)

    same_outcome(scenario)


# -- in-place ops on views: the base records CopySlices -------------------------------------------------

VIEW_WRITES = {
    "row_mul_tensor": lambda lib, y, s: y[0].mul_(s),
    "row_iadd_then_setitem": lambda lib, y, s: _augmented_row(y, s),
    "column_exp": lambda lib, y, s: y[:, 1].exp_(),
    "transposed_mul": lambda lib, y, s: y.t().mul_(2),
    "view_of_view_clamp": lambda lib, y, s: y[1][1:].clamp_(min=2.5),
    "row_fill_tensor": lambda lib, y, s: y[0].fill_(s.sum()),
    "row_copy": lambda lib, y, s: y[1].copy_(s),
    "row_zero": lambda lib, y, s: y[0].zero_(),
    "reshaped_sigmoid": lambda lib, y, s: y.view(6).sigmoid_(),
}


def _augmented_row(y, s):
    y[0] += s


@pytest.mark.parametrize("name", sorted(VIEW_WRITES))
def test_in_place_on_a_view_records_copy_slices_like_torch(name):
    def scenario(lib):
        x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        s = lib.tensor([0.5, 1.5, 2.5], requires_grad=True)
        y = x * 1
        VIEW_WRITES[name](lib, y, s)
        observed = summary(y)
        y.backward(lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        return observed, grads(x, s)

    assert same_outcome(scenario)[0] == "ok"


def test_written_view_derives_from_the_rewritten_base():
    def scenario(lib):
        x = lib.ones(2, 3, requires_grad=True)
        y = x * 2
        row = y[0]
        row.exp_()
        after = row * 3
        after.sum().backward()
        return summary(row), summary(after), version(y), version(row), grads(x)

    same_outcome(scenario)


def test_plain_base_joins_the_graph_through_its_view():
    def scenario(lib):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a = lib.zeros(2, 3)
        a[1].add_(w)
        (a * a).sum().backward()
        return summary(a), grads(w)

    same_outcome(scenario)


def test_view_of_a_leaf_refuses_in_place_ops():
    outcome = same_outcome(lambda lib: lib.ones(2, 3, requires_grad=True)[0].add_(1))
    assert outcome[0] is RuntimeError


def test_view_of_a_leaf_is_written_under_no_grad():
    def scenario(lib):
        w = lib.ones(2, 3, requires_grad=True)
        with lib.no_grad():
            w[0].mul_(5)
            w.t()[2].sub_(1)
        return summary(w)

    same_outcome(scenario)


def test_saved_base_overwritten_through_a_view_fails_backward():
    def scenario(lib):
        x = lib.ones(2, 3, requires_grad=True)
        y = x * 2
        z = y * y
        y[0].add_(1)
        z.sum().backward()

    assert same_outcome(scenario)[0] is RuntimeError


def test_saved_view_value_overwritten_fails_backward():
    def scenario(lib):
        x = lib.ones(2, 3, requires_grad=True)
        y = x * 2
        row = y[1]
        z = row * row
        row.mul_(2)
        z.sum().backward()

    assert same_outcome(scenario)[0] is RuntimeError


def test_saved_result_is_unaffected_when_only_its_input_view_changes():
    def scenario(lib):
        x = lib.ones(2, 3, requires_grad=True)
        y = x * 2
        row = y[1]
        z = row.exp()
        row.mul_(2)
        z.sum().backward()
        return grads(x)

    same_outcome(scenario)


@pytest.mark.parametrize("count", [1, 2, 5])
def test_every_in_place_op_bumps_the_version_once(count):
    def scenario(lib):
        x = lib.zeros(2)
        versions = []
        for _ in range(count):
            x.add_(1)
            versions.append(version(x))
        x += 1
        x.zero_()
        versions.append(version(x))
        return versions

    same_outcome(scenario)


def test_in_place_returns_the_same_tensor():
    x = engine.ones(2)
    assert x.add_(1) is x and x.clamp_(0, 1) is x and x.zero_() is x and x.copy_(engine.ones(2)) is x


# -- rebased history ------------------------------------------------------------------------------------

NON_LEAF_OPS = {
    "add_": lambda lib, y, s: y.add_(1),
    "add_tensor_alpha": lambda lib, y, s: y.add_(s, alpha=2),
    "sub_": lambda lib, y, s: y.sub_(s),
    "mul_scalar": lambda lib, y, s: y.mul_(3),
    "mul_tensor": lambda lib, y, s: y.mul_(s),
    "div_": lambda lib, y, s: y.div_(s),
    "pow_scalar": lambda lib, y, s: y.pow_(2),
    "pow_tensor": lambda lib, y, s: y.pow_(s),
    "iadd": lambda lib, y, s: y.__iadd__(s),
    "isub_number": lambda lib, y, s: y.__isub__(0.5),
    "imul": lambda lib, y, s: y.__imul__(s),
    "itruediv": lambda lib, y, s: y.__itruediv__(2),
    "exp_": lambda lib, y, s: y.exp_(),
    "neg_": lambda lib, y, s: y.neg_(),
    "relu_": lambda lib, y, s: y.relu_(),
    "sigmoid_": lambda lib, y, s: y.sigmoid_(),
    "tanh_": lambda lib, y, s: y.tanh_(),
    "clamp_": lambda lib, y, s: y.clamp_(2.5, 5),
    "clamp_min_only": lambda lib, y, s: y.clamp_(min=3),
    "clamp_min_": lambda lib, y, s: y.clamp_min_(3),
    "clamp_max_": lambda lib, y, s: y.clamp_max_(3),
    "fill_number": lambda lib, y, s: y.fill_(2.0),
    "fill_tensor": lambda lib, y, s: y.fill_(s.sum()),
    "zero_": lambda lib, y, s: y.zero_(),
    "copy_": lambda lib, y, s: y.copy_(s),
    "copy_broadcast": lambda lib, y, s: y.copy_(s.sum(0, keepdim=True)),
    "uniform_": lambda lib, y, s: y.uniform_(),
    "normal_": lambda lib, y, s: y.normal_(),
    "sin_": lambda lib, y, s: y.sin_(),
    "floor_": lambda lib, y, s: y.floor_(),
}


@pytest.mark.parametrize("name", sorted(NON_LEAF_OPS))
def test_in_place_on_a_non_leaf_rebases_history_like_torch(name):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        s = lib.tensor([0.5, 1.5, 2.5], requires_grad=True)
        y = x * 2
        old = y.grad_fn
        result = NON_LEAF_OPS[name](lib, y, s)
        rebased = y.grad_fn.next_functions[0][0] is old
        shown = summary(y) if name not in ("uniform_", "normal_") else summary(y)[1:]
        y.backward(lib.tensor([1.0, 2.0, 3.0]))
        return result is y, rebased, shown, grads(x, s)

    outcome = same_outcome(scenario)
    assert outcome[0] == "ok" and outcome[1][:2] == (True, True)


def test_chain_of_in_place_ops_matches_torch():
    def scenario(lib):
        x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * 1.5
        y.add_(1).mul_(x).tanh_()
        y -= x
        y.clamp_(-0.5, 0.9)
        z = y.sum()
        z.backward()
        return summary(y), grads(x)

    same_outcome(scenario)


def test_plain_tensor_joins_the_graph_when_written_with_a_tensor_that_requires_grad():
    def scenario(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        a = lib.zeros(2)
        a.add_(w)
        a.mul_(w)
        b = lib.zeros(2)
        b.copy_(w)
        (a.sum() + b.sum()).backward()
        return summary(a), summary(b), grads(w)

    same_outcome(scenario)


def test_retain_grad_follows_the_rebased_tensor():
    def scenario(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.add_(1)
        (y * y).sum().backward()
        return grads(x, y)

    same_outcome(scenario)


def test_retain_grad_on_a_base_follows_an_in_place_op_on_its_view():
    def scenario(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        base = x * 2
        base.retain_grad()
        base[1:].mul_(3)
        (base * lib.tensor([1.0, 10.0, 100.0])).sum().backward()
        return grads(x, base)

    same_outcome(scenario)


def test_in_place_under_no_grad_leaves_history_alone():
    def scenario(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        with lib.no_grad():
            y.mul_(10)
        y.sum().backward()
        return summary(y), grads(x)

    same_outcome(scenario)


# -- values saved for backward that were overwritten -----------------------------------------------------

def _saved_input_modified(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def _saved_result_modified(lib):
    x = lib.ones(3, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _modified_through_detach(lib):
    x = lib.ones(3, requires_grad=True)
    y = x.exp()
    y.detach().zero_()
    y.sum().backward()


def _sigmoid_result_scaled(lib):
    x = lib.ones(3, requires_grad=True)
    y = x.sigmoid()
    y.mul_(2)
    y.sum().backward()


def _in_place_result_modified_again(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    y.exp_()
    y.exp_()
    y.sum().backward()


def _saved_then_modified_later(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    y.exp_()
    z = y * 1
    y.add_(1)
    z.sum().backward()


def _multiplied_by_itself(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    y.add_(1)
    y.mul_(y)
    y.backward(lib.ones(3))


def _leaf_modified_under_no_grad(lib):
    w = lib.ones(3, requires_grad=True)
    loss = (w * w).sum()
    with lib.no_grad():
        w -= 0.1
    loss.backward()


def _max_values_unaffected(lib):
    x = lib.tensor([1.0, 3.0, 2.0], requires_grad=True)
    y = x * 1
    values, _ = y.max(0)
    y.add_(1)
    values.backward()
    return grads(x)


def _second_backward_after_in_place(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    y.exp_()
    y.sum().backward()
    y.sum().backward()


def _retained_graph_after_in_place(lib):
    x = lib.ones(3, requires_grad=True)
    y = x * 2
    y.exp_()
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    return grads(x)


SAVED_VALUE_SCENARIOS = {
    "saved_input_modified": _saved_input_modified,
    "saved_result_modified": _saved_result_modified,
    "modified_through_detach": _modified_through_detach,
    "sigmoid_result_scaled": _sigmoid_result_scaled,
    "in_place_result_modified_again": _in_place_result_modified_again,
    "saved_then_modified_later": _saved_then_modified_later,
    "multiplied_by_itself": _multiplied_by_itself,
    "leaf_modified_under_no_grad": _leaf_modified_under_no_grad,
    "max_values_unaffected": _max_values_unaffected,
    "second_backward_after_in_place": _second_backward_after_in_place,
    "retained_graph_after_in_place": _retained_graph_after_in_place,
}


@pytest.mark.parametrize("name", sorted(SAVED_VALUE_SCENARIOS))
def test_overwritten_saved_values_fail_backward_like_torch(name):
    same_outcome(SAVED_VALUE_SCENARIOS[name])


# -- dtypes and shapes ----------------------------------------------------------------------------------

BAD_WRITES = {
    "int_plus_half": lambda lib: lib.tensor([1, 2, 3]).__iadd__(0.5),
    "int_add_float_tensor": lambda lib: lib.tensor([1, 2, 3]).add_(lib.tensor([0.5])),
    "int_true_divide": lambda lib: lib.tensor([1, 2, 3]).div_(2),
    "int_exp": lambda lib: lib.tensor([1, 2, 3]).exp_(),
    "int_sigmoid": lambda lib: lib.tensor([1, 2, 3]).sigmoid_(),
    "int_pow_half": lambda lib: lib.tensor([1, 2, 3]).pow_(0.5),
    "int_clamp_float_bounds": lambda lib: lib.tensor([1, 2, 3]).clamp_(0.5, 2.5),
    "bool_add_int": lambda lib: lib.tensor([True, False]).add_(1),
    "bool_neg": lambda lib: lib.tensor([True]).neg_(),
    "result_larger_than_self": lambda lib: lib.ones(3).add_(lib.ones(2, 3)),
    "shape_and_dtype_both_wrong": lambda lib: lib.tensor([1, 2, 3]).add_(lib.ones(2, 3) * 0.5),
    "column_widened": lambda lib: lib.ones(2, 1).add_(lib.ones(2, 3)),
    "scalar_widened": lambda lib: lib.tensor(1.0).add_(lib.ones(1)),
    "mismatched_sizes": lambda lib: lib.ones(3).add_(lib.ones(2)),
    "fill_with_vector": lambda lib: lib.ones(3).fill_(lib.tensor([2.5])),
    "copy_mismatched": lambda lib: lib.ones(3).copy_(lib.ones(2)),
    "copy_larger": lambda lib: lib.ones(3).copy_(lib.ones(2, 3)),
    "copy_from_list": lambda lib: lib.ones(3).copy_([1, 2, 3]),
    "uniform_int": lambda lib: lib.tensor([1, 2]).uniform_(),
    "normal_int": lambda lib: lib.tensor([1, 2]).normal_(),
    "uniform_reversed_bounds": lambda lib: lib.ones(3).uniform_(3, 2),
    "normal_negative_std": lambda lib: lib.ones(3).normal_(0, -1),
}


@pytest.mark.parametrize("name", sorted(BAD_WRITES))
def test_invalid_writes_fail_like_torch(name):
    outcome = same_outcome(BAD_WRITES[name])
    assert outcome[0] != "ok"


GOOD_WRITES = {
    "int_plus_int": lambda lib: lib.tensor([1, 2, 3]).add_(2),
    "int_plus_bool": lambda lib: lib.tensor([1, 2, 3]).__iadd__(True),
    "int_pow_int": lambda lib: lib.tensor([1, 2, 3]).pow_(2),
    "int_relu": lambda lib: lib.tensor([-1, 2]).relu_(),
    "int_neg": lambda lib: lib.tensor([1, 2, 3]).neg_(),
    "int_clamp_int_bounds": lambda lib: lib.tensor([1, 2, 3]).clamp_(0, 2),
    "int_fill_float_truncates": lambda lib: lib.tensor([1, 2, 3]).fill_(2.5),
    "int_copy_float_truncates": lambda lib: lib.tensor([1, 2, 3]).copy_(lib.tensor([2.5, 1.5, 3.7])),
    "copy_scalar_broadcast": lambda lib: lib.tensor([1, 2, 3]).copy_(lib.tensor(7)),
    "bool_and_bool": lambda lib: lib.tensor([True, False]).__iand__(lib.tensor([True, True])),
    "bool_mul_bool": lambda lib: lib.tensor([True, False]).mul_(True),
    "bool_zero": lambda lib: lib.tensor([True]).zero_(),
    "int_or_int": lambda lib: lib.tensor([1, 2]).__ior__(4),
    "float_add_int_tensor": lambda lib: lib.ones(2).add_(lib.tensor([1, 2])),
    "float_add_double_tensor": lambda lib: lib.ones(2).add_(lib.tensor([0.1, 0.2], dtype=lib.float64)),
    "double_add_float": lambda lib: lib.ones(2, dtype=lib.float64).add_(lib.tensor([0.1, 0.2])),
    "row_broadcast_into_matrix": lambda lib: lib.ones(2, 3).add_(lib.tensor([1.0, 2.0, 3.0])),
    "one_element_broadcast": lambda lib: lib.ones(3).mul_(lib.tensor([2.0])),
    "uniform_bounds_respected": lambda lib: bool((lib.ones(50).uniform_(2, 3) >= 2).all()),
    "normal_zero_std": lambda lib: lib.ones(3).normal_(std=0),
    "round_decimals": lambda lib: lib.tensor([1.234, 5.678]).round_(decimals=1),
    "logical_not_on_float": lambda lib: lib.tensor([0.0, 2.0]).logical_not_(),
}


@pytest.mark.parametrize("name", sorted(GOOD_WRITES))
def test_valid_writes_match_torch(name):
    def scenario(lib):
        result = GOOD_WRITES[name](lib)
        return repr(result) if isinstance(result, lib.Tensor) else result

    assert same_outcome(scenario)[0] == "ok"


@pytest.mark.parametrize("seed", [0, 3])
def test_uniform_and_normal_draw_what_torch_draws(seed):
    def scenario(lib):
        lib.manual_seed(seed)
        a = lib.empty(5).uniform_(-1, 1)
        b = lib.empty(2, 3).normal_(1.0, 0.5)
        c = lib.empty(4).uniform_()
        return [np.round(t.numpy(), 5).tolist() for t in (a, b, c)]

    same_outcome(scenario)


def test_expanded_tensor_cannot_be_written():
    def scenario(lib):
        lib.ones(1).expand(3).add_(1)

    assert same_outcome(scenario)[0] is RuntimeError
