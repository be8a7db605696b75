"""Views and figures built from a real sandbox run record (the seed lesson pasted as a program)."""

from __future__ import annotations

import numpy as np
import pytest

from figures import backward_animation, backward_states, ledger_from_record
from graph import Kind, Style, graph_from_backward, graph_from_record, no_grad_regions

sandbox = pytest.importorskip("sandbox")

LESSON = """import torch
x = torch.randn(3, requires_grad=True)
y = x + 2
z = y * 3
z = z + 3
z = z.mean()
z.backward()
a = torch.rand(2, 2, requires_grad=True)
b = a.detach()
with torch.no_grad():
    print((x + 2).requires_grad)
weights = torch.ones(4, requires_grad=True)
for epoch in range(3):
    model_output = (weights * 5).sum()
    model_output.backward()
    with torch.no_grad():
        weights -= 0.001 * weights.grad
"""


@pytest.fixture(scope="module")
def record():
    result = sandbox.run(LESSON)
    assert result.error is None, result.error
    return result


def _node(view, label):
    return next(n for n, d in view.nodes(data=True) if d["label"] == label)


def test_record_views_carry_labels_lines_and_cuts(record):
    view = graph_from_record(record)
    x = _node(view, "x")
    assert (view.nodes[x]["kind"], view.nodes[x]["line"]) == (Kind.LEAF, 2)
    add = next(iter(view.successors(next(iter(view.successors(x))))))
    made_y = view.nodes[add]
    assert (made_y["label"], made_y["line"], made_y["variable"]) == ("AddBackward0", 3, "y")
    assert view.edges[_node(view, "a"), _node(view, "b")]["style"] == Style.DETACH
    # (x + 2) under no_grad, then the update's temporary in each of the three epochs
    assert len(no_grad_regions(view)) == 4
    assert len(no_grad_regions(graph_from_record(record, "tensor"))) == 4


def test_each_backward_call_animates_one_frame_per_step(record):
    calls = [event for event in record.events if hasattr(event, "steps")]
    assert len(calls) == 4
    for call in calls:
        figure = backward_animation(graph_from_backward(call))
        assert len(figure.frames) == len(call.steps)
        final = backward_states(call)[-1].grads
        for tensor_id, grad in call.grads_after.items():
            np.testing.assert_allclose(final[f"t:{tensor_id}"], grad)


def test_ledger_of_the_training_loop_climbs(record):
    ledger = ledger_from_record(record)[1:]
    np.testing.assert_allclose([row.grads["weights"][0] for row in ledger], [5.0, 10.0, 15.0])
