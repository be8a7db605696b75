"""engine.optim against torch.optim: printing, argument errors, zero_grad, state, and whole training runs.

The training runs fit the same tiny linear regression in both libraries, from the same weights, and
compare the loss at every one of 100 steps: the updates reproduce torch's float32 arithmetic, so the
losses agree to float32 rounding all the way.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import engine
import engine.nn as enn
from engine import _trace, optim

INPUTS = np.linspace(-1.0, 1.0, 16, dtype=np.float32).reshape(8, 2)
TARGETS = (INPUTS @ np.array([[2.0], [-3.0]], dtype=np.float32) + 0.5).astype(np.float32)
START_WEIGHT = np.array([[0.3, -0.2]], dtype=np.float32)
START_BIAS = np.array([0.1], dtype=np.float32)


def _model(lib):
    model = lib.nn.Linear(2, 1)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(START_WEIGHT))
        model.bias.copy_(lib.tensor(START_BIAS))
    return model


def _training_losses(lib, make_optimizer, steps: int = 100) -> list[float]:
    model = _model(lib)
    optimizer = make_optimizer(lib.optim, model.parameters())
    x, y = lib.tensor(INPUTS), lib.tensor(TARGETS)
    loss_function = lib.nn.MSELoss()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_function(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


OPTIMIZERS = {
    "sgd": lambda o, p: o.SGD(p, lr=0.1),
    "sgd_momentum": lambda o, p: o.SGD(p, lr=0.05, momentum=0.9),
    "sgd_dampening": lambda o, p: o.SGD(p, lr=0.05, momentum=0.9, dampening=0.3),
    "sgd_nesterov": lambda o, p: o.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    "sgd_weight_decay": lambda o, p: o.SGD(p, lr=0.1, weight_decay=0.01),
    "sgd_everything": lambda o, p: o.SGD(p, lr=0.03, momentum=0.5, weight_decay=0.1, nesterov=True),
    "sgd_maximize": lambda o, p: o.SGD(p, lr=0.001, maximize=True),
    "adam": lambda o, p: o.Adam(p, lr=0.05),
    "adam_betas": lambda o, p: o.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6),
    "adam_weight_decay": lambda o, p: o.Adam(p, lr=0.05, weight_decay=0.1),
    "adam_decoupled": lambda o, p: o.Adam(p, lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
    "adam_amsgrad": lambda o, p: o.Adam(p, lr=0.05, amsgrad=True),
    "adam_low_beta1": lambda o, p: o.Adam(p, lr=0.01, betas=(0.4, 0.95)),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_hundred_training_steps_give_torchs_losses(name):
    ours = _training_losses(engine, OPTIMIZERS[name])
    theirs = _training_losses(torch, OPTIMIZERS[name])
    np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=1e-7)
    # What a lesson prints: the losses with 4 decimals.
    assert [f"{loss:.4f}" for loss in ours] == [f"{loss:.4f}" for loss in theirs]


def _after_steps(lib, library_optim, make, start, grads):
    """The parameter after one optimizer step per given gradient (no forward pass involved)."""
    parameter = lib.nn.Parameter(lib.tensor(start))
    optimizer = make(library_optim, [parameter])
    for grad in grads:
        parameter.grad = lib.tensor(grad)
        optimizer.step()
    return parameter.detach().numpy()


_STEP_RNG = np.random.default_rng(3)
START = _STEP_RNG.standard_normal(500).astype(np.float32)
GRADS = [_STEP_RNG.standard_normal(500).astype(np.float32) for _ in range(5)]


@pytest.mark.parametrize(
    "make",
    [
        lambda o, p: o.SGD(p, lr=0.1),
        lambda o, p: o.SGD(p, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01),
        lambda o, p: o.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True),
    ],
)
def test_sgd_steps_are_bit_identical_to_torch(make):
    ours = _after_steps(engine, optim, make, START, GRADS)
    theirs = _after_steps(torch, torch.optim, make, START, GRADS)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "make",
    [
        lambda o, p: o.Adam(p, lr=0.1),
        lambda o, p: o.Adam(p, lr=0.1, betas=(0.4, 0.9), weight_decay=0.1),
        lambda o, p: o.Adam(p, lr=0.1, amsgrad=True, maximize=True),
        lambda o, p: o.Adam(p, lr=0.1, weight_decay=0.1, decoupled_weight_decay=True),
    ],
)
def test_adam_steps_match_torch(make):
    # Bit-identical except where torch's vectorised float32 sqrt (MKL) rounds the last bit differently.
    ours = _after_steps(engine, optim, make, START, GRADS)
    theirs = _after_steps(torch, torch.optim, make, START, GRADS)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_parameters_after_training_match_torch():
    def train(lib):
        model = _model(lib)
        optimizer = lib.optim.Adam(model.parameters(), lr=0.05)
        x, y = lib.tensor(INPUTS), lib.tensor(TARGETS)
        for _ in range(30):
            optimizer.zero_grad()
            lib.nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()
        return model, optimizer

    ours, our_optimizer = train(engine)
    theirs, their_optimizer = train(torch)
    np.testing.assert_allclose(ours.weight._data, theirs.weight.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours.bias._data, theirs.bias.detach().numpy(), rtol=1e-5)
    assert ours.weight._version == theirs.weight._version
    our_state = our_optimizer.state_dict()
    their_state = their_optimizer.state_dict()
    assert our_state["param_groups"] == their_state["param_groups"]
    assert list(our_state["state"]) == list(their_state["state"])
    for index, values in their_state["state"].items():
        assert list(our_state["state"][index]) == list(values)
        for key, value in values.items():
            assert repr(our_state["state"][index][key]) == repr(value) or np.allclose(
                our_state["state"][index][key]._data, value.numpy(), rtol=1e-5
            )


# -- printing and arguments ------------------------------------------------------------------------------


def _parameters(lib):
    return [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.zeros(1))]


@pytest.mark.parametrize(
    "make",
    [
        lambda o, p: o.SGD(p, lr=0.1),
        lambda o, p: o.SGD(p),
        lambda o, p: o.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        lambda o, p: o.Adam(p),
        lambda o, p: o.Adam(p, lr=0.01, betas=(0.8, 0.99), amsgrad=True),
        lambda o, p: o.SGD([{"params": p[:1]}, {"params": p[1:], "lr": 0.5}], lr=0.1),
    ],
)
def test_optimizer_reprs_match_torch(make):
    assert repr(make(optim, _parameters(engine))) == repr(make(torch.optim, _parameters(torch)))


def test_param_groups_and_defaults_match_torch():
    ours = optim.SGD(_parameters(engine), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(_parameters(torch), lr=0.1, momentum=0.9)
    assert ours.defaults == theirs.defaults
    assert [{k: v for k, v in g.items() if k != "params"} for g in ours.param_groups] == [
        {k: v for k, v in g.items() if k != "params"} for g in theirs.param_groups
    ]
    assert ours.state_dict() == theirs.state_dict()


def test_tensor_learning_rate_is_kept_as_a_float():
    ours = optim.SGD(_parameters(engine), lr=engine.tensor(0.1))
    theirs = torch.optim.SGD(_parameters(torch), lr=torch.tensor(0.1))
    assert repr(ours) == repr(theirs)


ARGUMENT_ERRORS = [
    lambda o, p: o.SGD(p, lr=-1),
    lambda o, p: o.SGD(p, lr=0.1, momentum=-1),
    lambda o, p: o.SGD(p, lr=0.1, weight_decay=-1),
    lambda o, p: o.SGD(p, lr=0.1, nesterov=True),
    lambda o, p: o.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    lambda o, p: o.Adam(p, lr=-1),
    lambda o, p: o.Adam(p, eps=-1),
    lambda o, p: o.Adam(p, betas=(1.0, 0.9)),
    lambda o, p: o.Adam(p, betas=(0.9, -0.1)),
    lambda o, p: o.Adam(p, weight_decay=-0.1),
    lambda o, p: o.SGD([], lr=0.1),
    lambda o, p: o.SGD(p[0], lr=0.1),
    lambda o, p: o.SGD([p[0] * 2], lr=0.1),
    lambda o, p: o.SGD([1.0], lr=0.1),
    lambda o, p: o.SGD([{"params": set(p)}], lr=0.1),
    lambda o, p: o.SGD([{"params": p}, {"params": p[:1], "lr": 0.5}], lr=0.1),
]


@pytest.mark.parametrize("make", ARGUMENT_ERRORS)
def test_argument_errors_match_torch(make):
    def failure(lib, library_optim):
        parameters = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.zeros(1))]
        with pytest.raises(Exception) as info:
            make(library_optim, parameters)
        return type(info.value).__name__, str(info.value)

    assert failure(engine, optim) == failure(torch, torch.optim)


def test_duplicate_parameters_warn_like_torch():
    weight, their_weight = enn.Parameter(engine.ones(1)), torch.nn.Parameter(torch.ones(1))
    with pytest.warns(UserWarning) as ours:
        optim.SGD([weight, weight], lr=0.1)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.optim.SGD([their_weight, their_weight], lr=0.1)
    assert str(ours[0].message) == str(theirs[0].message)


def test_named_parameters_are_accepted():
    model = enn.Linear(2, 1)
    optimizer = optim.SGD(model.named_parameters(), lr=0.1)
    assert optimizer.param_groups[0]["params"] == [model.weight, model.bias]
    assert optimizer.param_groups[0]["param_names"] == ["weight", "bias"]


# -- zero_grad and step -----------------------------------------------------------------------------------


class _Recorder:
    def __init__(self):
        self.events = []

    def tensor_created(self, tensor):
        pass

    def grads_zeroed(self, tensors, how):
        self.events.append(("zeroed", [id(t) for t in tensors], how))

    def optimizer_stepped(self, optimizer):
        self.events.append(("stepped", optimizer))


def _with_grads(lib):
    model = _model(lib)
    lib.nn.functional.mse_loss(model(lib.tensor(INPUTS)), lib.tensor(TARGETS)).backward()
    return model


def test_zero_grad_sets_grads_to_none_by_default():
    model = _with_grads(engine)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    recorder = _Recorder()
    with _trace.recording(recorder):
        optimizer.zero_grad()
    assert model.weight.grad is None and model.bias.grad is None
    assert recorder.events == [("zeroed", [id(model.weight), id(model.bias)], "set_to_none")]


def test_zero_grad_without_set_to_none_zeroes_the_same_tensors():
    model, their_model = _with_grads(engine), _with_grads(torch)
    grad = model.weight.grad
    recorder = _Recorder()
    with _trace.recording(recorder):
        optim.SGD(model.parameters(), lr=0.1).zero_grad(set_to_none=False)
    torch.optim.SGD(their_model.parameters(), lr=0.1).zero_grad(set_to_none=False)
    assert model.weight.grad is grad
    assert repr(model.weight.grad) == repr(their_model.weight.grad)
    assert recorder.events[0][2] == "zero_grad"


def test_grads_accumulate_when_zero_grad_is_skipped():
    model = _model(engine)
    x, y = engine.tensor(INPUTS), engine.tensor(TARGETS)
    engine.nn.functional.mse_loss(model(x), y).backward()
    once = model.weight.grad._data.copy()
    engine.nn.functional.mse_loss(model(x), y).backward()
    np.testing.assert_allclose(model.weight.grad._data, 2 * once, rtol=1e-6)


def test_step_reports_to_the_recorder_and_bumps_versions_like_torch():
    model, their_model = _with_grads(engine), _with_grads(torch)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    recorder = _Recorder()
    with _trace.recording(recorder):
        optimizer.step()
    torch.optim.SGD(their_model.parameters(), lr=0.1).step()
    assert recorder.events == [("stepped", optimizer)]
    assert model.weight._version == their_model.weight._version


def test_parameters_without_grads_are_left_alone():
    frozen, moving = enn.Parameter(engine.ones(2)), enn.Parameter(engine.ones(2))
    moving.grad = engine.ones(2)
    for optimizer in (optim.SGD([frozen, moving], lr=0.5, momentum=0.9), optim.Adam([frozen, moving])):
        optimizer.step()
        assert frozen.tolist() == [1.0, 1.0] and frozen._version == 0
        assert frozen not in optimizer.state


def test_step_with_closure_returns_its_loss():
    model, their_model = _model(engine), _model(torch)

    def closure_for(lib, module, optimizer):
        def closure():
            optimizer.zero_grad()
            loss = lib.nn.functional.mse_loss(module(lib.tensor(INPUTS)), lib.tensor(TARGETS))
            loss.backward()
            return loss

        return closure

    ours, theirs = optim.SGD(model.parameters(), lr=0.1), torch.optim.SGD(their_model.parameters(), lr=0.1)
    with engine.no_grad():
        our_loss = ours.step(closure_for(engine, model, ours))
    their_loss = theirs.step(closure_for(torch, their_model, theirs))
    assert repr(our_loss) == repr(their_loss)


def test_momentum_state_matches_torch():
    def momentum_state(lib, library_optim):
        model = _with_grads(lib)
        optimizer = library_optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        optimizer.step()
        optimizer.step()
        return optimizer.state_dict()["state"]

    ours, theirs = momentum_state(engine, optim), momentum_state(torch, torch.optim)
    assert list(ours) == list(theirs)
    for index in theirs:
        assert repr(ours[index]) == repr(theirs[index])


def test_load_state_dict_restores_adam_state():
    model = _with_grads(engine)
    first = optim.Adam(model.parameters(), lr=0.05)
    first.step()
    second = optim.Adam(model.parameters(), lr=0.01)
    second.load_state_dict(first.state_dict())
    assert second.param_groups[0]["lr"] == 0.05
    assert float(second.state[model.weight]["step"]) == 1.0
    with pytest.raises(ValueError, match="different number of parameter groups"):
        second.load_state_dict({"state": {}, "param_groups": []})
