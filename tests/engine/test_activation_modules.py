"""Activation and utility modules against torch: print(model) text, outputs, grad_fn names and gradients,
and Dropout's training and evaluation behaviour under the same seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import engine

MODULES = {
    "Tanh": lambda nn: nn.Tanh(),
    "Sigmoid": lambda nn: nn.Sigmoid(),
    "ReLU": lambda nn: nn.ReLU(),
    "Softmax": lambda nn: nn.Softmax(dim=1),
    "LogSoftmax": lambda nn: nn.LogSoftmax(dim=-1),
    "Identity": lambda nn: nn.Identity(54, unused_argument=0.1),
    "Flatten": lambda nn: nn.Flatten(),
    "Flatten_all": lambda nn: nn.Flatten(0),
    "Unflatten": lambda nn: nn.Unflatten(1, (2, 3)),
    "Unflatten_size": lambda nn: nn.Unflatten(-1, (torch if nn is torch.nn else engine).Size([3, 2])),
    "Unflatten_inferred": lambda nn: nn.Unflatten(1, (-1, 2)),
    "Dropout": lambda nn: nn.Dropout(0.3),
}


def _run(lib, make):
    lib.manual_seed(1)
    module = make(lib.nn)
    x = lib.randn(4, 6, requires_grad=True)
    y = module(x * 1.0)
    y.sum().backward() if y.requires_grad else None
    grad_fn = y.grad_fn.name() if y.grad_fn is not None else None
    return repr(module), tuple(y.shape), y.tolist(), grad_fn, x.grad.tolist()


@pytest.mark.parametrize("name", MODULES)
def test_module_matches_torch(name):
    ours, theirs = _run(engine, MODULES[name]), _run(torch, MODULES[name])
    assert ours[:2] == theirs[:2]
    assert ours[3] == theirs[3]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-6, atol=1e-6)


def _model(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Flatten(), nn.Linear(6, 8), nn.Tanh(), nn.Dropout(0.25), nn.Linear(8, 6), nn.Sigmoid(),
        nn.Unflatten(1, (2, 3)), nn.Identity(), nn.Flatten(), nn.LogSoftmax(dim=1),
    )


def test_print_model_matches_torch():
    assert repr(_model(engine)) == repr(_model(torch))


def _dropout_run(lib):
    lib.manual_seed(0)
    model = _model(lib)
    x = lib.randn(5, 2, 3)
    trained = model(x).tolist()
    model.eval()
    evaluated = model(x).tolist()
    model.train()
    return trained, evaluated, model(x).tolist(), model.training, model[3].training


def test_dropout_draws_in_train_and_passes_through_in_eval_like_torch():
    ours, theirs = _dropout_run(engine), _dropout_run(torch)
    assert ours[3:] == theirs[3:]
    for our_values, their_values in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_allclose(our_values, their_values, rtol=1e-6, atol=1e-6)


def test_unflatten_refuses_a_bare_int_like_torch():
    outcomes = []
    for lib in (engine, torch):
        with pytest.raises(TypeError) as caught:
            lib.nn.Unflatten(1, 6)
        outcomes.append(str(caught.value))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    "name", ["Linear", "Tanh", "Dropout", "Sequential", "MSELoss", "Unflatten", "Module", "Parameter"]
)
def test_module_classes_print_as_torch_names_them(name):
    assert repr(getattr(engine.nn, name)) == repr(getattr(torch.nn, name))


def test_a_learners_subclass_keeps_its_own_name():
    class Net(engine.nn.Module):
        pass

    assert repr(Net) == f"<class '{__name__}.test_a_learners_subclass_keeps_its_own_name.<locals>.Net'>"
