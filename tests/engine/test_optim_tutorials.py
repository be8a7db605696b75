"""RMSprop, AdamW, Adagrad, SGD's momentum forms and the lr schedulers against torch, value for value.

Both libraries take the same steps from the same parameters and gradients; the parameters after every
step, the printed optimizer and the learning rates must be identical.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import engine

OPTIMIZERS = {
    "RMSprop": lambda lib, p: lib.optim.RMSprop(p, lr=0.01),
    "RMSprop_momentum_centered": lambda lib, p: lib.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True),
    "RMSprop_weight_decay": lambda lib, p: lib.optim.RMSprop(p, lr=0.02, alpha=0.9, weight_decay=0.1),
    "Adam": lambda lib, p: lib.optim.Adam(p, lr=0.05),
    "AdamW": lambda lib, p: lib.optim.AdamW(p, lr=0.05),
    "AdamW_amsgrad": lambda lib, p: lib.optim.AdamW(p, lr=0.05, weight_decay=0.1, amsgrad=True),
    "Adagrad": lambda lib, p: lib.optim.Adagrad(p, lr=0.1),
    "Adagrad_decay": lambda lib, p: lib.optim.Adagrad(
        p, lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1),
    "SGD_momentum": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.9),
    "SGD_nesterov": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "SGD_dampening": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3),
}


def _train(lib, make_optimizer, steps=6):
    """Steps driven by the same gradients in both libraries, so only the optimizers' arithmetic differs.

    (Gradients computed by a model can differ in the last float32 bit where the summation order does.)
    """
    values = np.random.default_rng(0)
    params = [lib.nn.Parameter(lib.tensor(values.standard_normal(shape).astype(np.float32)))
              for shape in ((2, 3), (4,), (1, 4))]
    optimizer = make_optimizer(lib, params)
    history = [str(optimizer)]
    for _ in range(steps):
        optimizer.zero_grad()
        for param in params:
            param.grad = lib.tensor(values.standard_normal(tuple(param.shape)).astype(np.float32))
        optimizer.step()
        history.append([param.detach().numpy().tolist() for param in params])
    return history


def _assert_same_training(make_optimizer):
    """Same printed optimizer; SGD bit for bit, the adaptive optimizers within float32 rounding.

    The adaptive ones divide by square roots, which torch's vectorised float32 kernels round
    differently from numpy's in the last bit now and then.
    """
    ours, theirs = _train(engine, make_optimizer), _train(torch, make_optimizer)
    assert ours[0] == theirs[0]
    for our_step, their_step in zip(ours[1:], theirs[1:], strict=True):
        for our_param, their_param in zip(our_step, their_step, strict=True):
            if "SGD" in ours[0]:
                assert our_param == their_param
            else:
                np.testing.assert_allclose(our_param, their_param, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_trains_like_torch(name):
    _assert_same_training(OPTIMIZERS[name])


def test_param_groups_with_own_options_train_like_torch():
    def make(lib, params):
        params = list(params)
        return lib.optim.RMSprop([{"params": params[:2]}, {"params": params[2:], "lr": 0.1}], lr=0.01)

    _assert_same_training(make)


SCHEDULERS = {
    "StepLR": lambda lib, o: lib.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "ExponentialLR": lambda lib, o: lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5),
    "CosineAnnealingLR_eta_min": lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, 4, eta_min=0.01),
    "LambdaLR": lambda lib, o: lib.optim.lr_scheduler.LambdaLR(o, lambda epoch: 0.95**epoch),
}


def _schedule(lib, make_scheduler, steps=23):
    parameter = lib.nn.Parameter(lib.ones(1))
    optimizer = lib.optim.SGD([parameter], lr=0.1, momentum=0.9)
    scheduler = make_scheduler(lib, optimizer)
    rates = [scheduler.get_last_lr()]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        rates.append((scheduler.get_last_lr(), optimizer.param_groups[0]["lr"], scheduler.last_epoch))
    return rates, optimizer.param_groups[0]["initial_lr"], scheduler.base_lrs


@pytest.mark.parametrize("name", SCHEDULERS)
def test_scheduler_rates_match_torch(name):
    assert _schedule(engine, SCHEDULERS[name]) == _schedule(torch, SCHEDULERS[name])


def test_scheduler_stepped_before_optimizer_warns_like_torch():
    messages = []
    for lib in (engine, torch):
        optimizer = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scheduler.step()
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] != []


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, p: lib.optim.RMSprop(p, lr=-1),
        lambda lib, p: lib.optim.RMSprop(p, alpha=-0.5),
        lambda lib, p: lib.optim.Adagrad(p, lr_decay=-1),
        lambda lib, p: lib.optim.Adagrad(p, initial_accumulator_value=-1),
        lambda lib, p: lib.optim.AdamW(p, betas=(1.0, 0.9)),
        lambda lib, p: lib.optim.SGD(p, lr=0.1, nesterov=True),
    ],
)
def test_optimizer_argument_errors_match_torch(call):
    outcomes = []
    for lib in (engine, torch):
        with pytest.raises(ValueError) as caught:
            call(lib, [lib.nn.Parameter(lib.ones(1))])
        outcomes.append(str(caught.value))
    assert outcomes[0] == outcomes[1]


def test_optimizer_classes_print_as_torch_names_them():
    names = "SGD", "Adam", "AdamW", "RMSprop", "Adagrad"
    assert [repr(getattr(engine.optim, n)) for n in names] == [repr(getattr(torch.optim, n)) for n in names]
