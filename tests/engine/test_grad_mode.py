"""Grad modes: no_grad, enable_grad and set_grad_enabled as context managers and decorators, as in torch."""

from __future__ import annotations

import pytest
import torch

import engine


def _flags(lib):
    x = lib.ones(2, requires_grad=True)

    @lib.no_grad()
    def called_no_grad(t):
        return t * 2

    @lib.no_grad
    def bare_no_grad(t):
        return t * 2

    @lib.set_grad_enabled(False)
    def disabled(t):
        return t * 2

    results = [called_no_grad(x).requires_grad, bare_no_grad(x).requires_grad, disabled(x).requires_grad]
    with lib.no_grad():
        results.append((x * 2).requires_grad)
        with lib.enable_grad():
            results.append((x * 2).requires_grad)
        results.append(lib.is_grad_enabled())
    with lib.set_grad_enabled(False):
        results.append((x * 2).requires_grad)
    results.append(lib.is_grad_enabled())
    lib.set_grad_enabled(False)
    results.append(lib.is_grad_enabled())
    lib.set_grad_enabled(True)
    results.append((x * 2).requires_grad)
    return results


def test_grad_modes_match_torch():
    assert _flags(engine) == _flags(torch)


@pytest.mark.parametrize("lib", [engine, torch], ids=["engine", "torch"])
def test_no_grad_restores_the_mode_after_an_error(lib):
    with pytest.raises(ValueError), lib.no_grad():
        raise ValueError("inside")
    assert lib.is_grad_enabled()


def test_results_made_under_no_grad_are_leaves():
    for lib in (engine, torch):
        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            y = x * 2
        assert (y.is_leaf, y.requires_grad, y.grad_fn) == (True, False, None)
