"""The run record: events in order, labels, backward details, the final graph and names; plain data."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import engine
import engine.nn as nn
from sandbox import BackwardCall, GradsZeroed, Limits, LoopIteration, OptimizerStep, TensorCreated
from sandbox import interpret as sandbox_run
from sandbox.recorder import named_parameters
from sandbox.runner import _Run
from tests.sandbox.helpers import run

TRAINING = """\
import torch
import torch.nn as nn
import torch.optim as optim

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)
        self.scale = nn.Parameter(torch.tensor(1.0))

    def forward(self, x):
        return self.fc(x) * self.scale

model = Net()
X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
Y = torch.tensor([[1.0], [2.0]])
optimizer = optim.SGD(model.parameters(), lr=0.01)
for epoch in range(3):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(X), Y)
    loss.backward()
    optimizer.step()
"""


def _labels(record) -> dict[str, int]:
    return {info.label: info.id for info in record.graph.tensors.values() if info.label is not None}


def test_rebinding_a_name_gives_a_subscripted_label() -> None:
    record = run("import torch\ny = torch.ones(2)\ny = y * 2\ny = y + 1\nz = y\n")
    labels = _labels(record)
    assert {"y", "y₂", "y₃"} <= set(labels)
    assert "z" not in labels  # a second name for the same tensor keeps its first label
    assert record.names == {"y": labels["y₃"], "z": labels["y₃"]}


def test_every_tensor_creation_is_an_event_with_its_line() -> None:
    record = run(
        "import torch\na = torch.ones(2, requires_grad=True)\nb = a * 2\nwith torch.no_grad():\n"
        "    c = a * 3\nd = b.detach()\n"
    )
    created = record.events_of(TensorCreated)
    assert [event.line for event in created] == [2, 3, 5, 6]
    tensors = record.graph.tensors
    labels = _labels(record)
    assert tensors[labels["c"]].made_in_no_grad and not tensors[labels["b"]].made_in_no_grad
    assert tensors[labels["d"]].detached_from == labels["b"]
    assert tensors[labels["b"]].source == "b = a * 2" and tensors[labels["b"]].line == 3


def test_attribute_and_parameter_labels() -> None:
    record = run(TRAINING)
    labels = _labels(record)
    assert {"model.fc.weight", "model.fc.bias", "model.scale", "X", "Y", "loss", "loss₂", "loss₃"} <= set(
        labels
    )
    assert record.names["model.fc.weight"] == labels["model.fc.weight"]
    assert record.graph.tensors[labels["model.fc.weight"]].is_parameter


def test_backward_call_records_graph_steps_and_gradients() -> None:
    record = run(
        "import torch\nw = torch.tensor([1.0, 2.0], requires_grad=True)\nloss = (w * w).sum()\n"
        "loss.backward()\n"
    )
    (call,) = record.events_of(BackwardCall)
    labels = _labels(record)
    assert call.line == 4 and call.root == labels["loss"] and call.gradient is None and call.error is None
    assert [node.name for node in call.graph.nodes.values()] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    assert [call.graph.nodes[step.node].name for step in call.steps] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    assert call.grads_before == {labels["w"]: None}
    assert call.grads_after[labels["w"]].tolist() == [2.0, 4.0]
    accumulate = call.steps[-1]
    assert accumulate.grad_before is None and accumulate.grad_after.tolist() == [2.0, 4.0]
    assert call.graph.nodes[-labels["w"]].tensor == labels["w"]


def test_backward_with_a_gradient_argument_keeps_it() -> None:
    record = run(
        "import torch\nx = torch.ones(3, requires_grad=True)\ny = x * 2\n"
        "y.backward(torch.tensor([0.1, 1.0, 10.0]))\n"
    )
    (call,) = record.events_of(BackwardCall)
    assert np.allclose(call.gradient, [0.1, 1.0, 10.0])


def test_failed_backward_is_in_the_timeline() -> None:
    record = run("import torch\nx = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward()\n")
    (call,) = record.events_of(BackwardCall)
    assert call.error == "RuntimeError: grad can be implicitly created only for scalar outputs"
    assert record.error is not None and record.error.line == 4


def test_second_backward_failure_is_attached_to_its_call() -> None:
    record = run(
        "import torch\nx = torch.ones(2, requires_grad=True)\ny = (x.exp()).sum()\ny.backward()\n"
        "y.backward()\n"
    )
    first, second = record.events_of(BackwardCall)
    assert first.error is None
    assert second.error is not None and second.error.startswith("RuntimeError: Trying to backward")


def test_training_loop_events_form_a_ledger() -> None:
    record = run(TRAINING)
    kinds = [type(e).__name__ for e in record.events if not isinstance(e, TensorCreated)]
    assert kinds == ["LoopIteration", "GradsZeroed", "BackwardCall", "OptimizerStep"] * 3
    iterations = record.events_of(LoopIteration)
    assert [(e.loop_line, e.line, e.index) for e in iterations] == [(18, 19, 0), (18, 19, 1), (18, 19, 2)]
    labels = _labels(record)
    parameters = {labels["model.fc.weight"], labels["model.fc.bias"], labels["model.scale"]}
    assert all(set(e.params) == parameters for e in record.events_of(OptimizerStep))
    assert all(set(e.tensors) == parameters and e.how == "set_to_none" for e in record.events_of(GradsZeroed))
    calls = record.events_of(BackwardCall)
    assert all(set(call.grads_after) == parameters for call in calls)


def test_nested_loops_mark_both_iterations() -> None:
    record = run(
        "import torch\nw = torch.ones(1, requires_grad=True)\nfor epoch in range(2):\n"
        "    for batch in range(2):\n        (w * 2).sum().backward()\n"
    )
    marks = [(e.loop_line, e.index) for e in record.events_of(LoopIteration)]
    assert marks == [(3, 0), (4, 0), (4, 1), (3, 1), (4, 0), (4, 1)]


def test_record_is_plain_picklable_data() -> None:
    record = run(TRAINING)
    copy = pickle.loads(pickle.dumps(record))
    assert copy.output == record.output and copy.names == record.names
    assert len(copy.events) == len(record.events)


def test_runs_are_deterministic() -> None:
    source = "import torch\ntorch.manual_seed(3)\nx = torch.randn(3, requires_grad=True)\n" + "\n".join(
        TRAINING.splitlines()[4:]
    )
    first, second = run(source), run(source)
    assert pickle.dumps(first) == pickle.dumps(second)


def test_seed_argument_makes_random_programs_reproducible() -> None:
    source = "import torch\nprint(torch.rand(3))"
    assert sandbox_run(source, seed=5).output == sandbox_run(source, seed=5).output
    assert sandbox_run(source, seed=5).output != sandbox_run(source, seed=6).output


def test_large_arrays_are_stored_as_a_preview() -> None:
    record = sandbox_run(
        "import torch\nbig = torch.arange(5000.0)\n", limits=Limits(record_array_elements=100)
    )
    info = record.graph.tensors[record.names["big"]]
    assert info.shape == (5000,) and info.value.size == 100 and info.value[-1] == 99.0


def test_arrays_are_cut_to_the_preview_while_the_program_runs() -> None:
    # The recorder copies gradients and graphs at every backward call: cut as they are copied, a training
    # loop over a big model keeps previews, not a full copy of every weight per epoch.
    source = (
        "import torch\nw = torch.arange(5000.0, requires_grad=True)\n"
        "for i in range(3):\n    (w * 2).sum().backward()\n"
    )
    program = _Run(source, Limits(record_array_elements=100), 0)
    program.execute()
    recorded = [event for event in program.recorder.events if isinstance(event, BackwardCall)]
    arrays = [
        array for call in recorded for array in (*call.grads_before.values(), *call.grads_after.values())
    ]
    arrays += [info.value for call in recorded for info in call.graph.tensors.values()]
    arrays += [step.grad_in for call in recorded for step in call.steps]
    assert len(recorded) == 3 and all(a is None or a.size <= 100 for a in arrays)
    assert any(a is not None and a.size == 100 and a[-1] == 198.0 for a in arrays)


def test_parameter_labels_follow_named_parameters_order() -> None:
    shared = nn.Linear(2, 2)

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), shared)
            self.again = shared
            self.layers = nn.ModuleList([nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 3), shared)])
            self.scale = nn.Parameter(engine.ones(2))
            self.empty = None

    model = Model()
    expected = [(name, id(p)) for name, p in model.named_parameters()]
    assert [(name, id(p)) for name, p in named_parameters(model)] == expected


def test_backward_details_are_capped() -> None:
    source = "import torch\nw = torch.ones(1, requires_grad=True)\nfor i in range(5):\n    w.sum().backward()"
    record = sandbox_run(source, limits=Limits(record_max_backward_details=2))
    calls = record.events_of(BackwardCall)
    assert [len(call.steps) > 0 for call in calls] == [True, True, False, False, False]
    assert all(call.grads_after for call in calls)
    # Past the cap a call still shows its root and leaves (a training ledger needs loss and weights).
    labels = {info.label for info in calls[-1].graph.tensors.values()}
    assert calls[-1].graph.nodes == {} and "w" in labels and calls[-1].root in calls[-1].graph.tensors


def test_event_count_is_capped() -> None:
    record = sandbox_run(
        "import torch\nfor i in range(100):\n    t = torch.ones(1)\n", limits=Limits(record_max_events=10)
    )
    assert len(record.events) == 10


def test_concurrent_runs_are_serialised_and_independent() -> None:
    import threading

    outputs: dict[int, str] = {}

    def worker(number: int) -> None:
        outputs[number] = run(f"import torch\nx = torch.ones(2) * {number}\nprint(x.sum().item())").output

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outputs == {n: f"{2.0 * n}\n" for n in range(4)}


def test_other_threads_are_neither_recorded_nor_limited() -> None:
    import threading
    import time

    import engine
    from engine import _trace

    records = []
    worker = threading.Thread(
        target=lambda: records.append(
            sandbox_run(
                "import torch\nt = torch.ones(2)\nwhile True:\n    pass",
                limits=Limits(max_steps=10**9, max_seconds=0.5, max_tensor_elements=100),
            )
        )
    )
    worker.start()
    deadline = time.monotonic() + 5
    while _trace.active() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    outside = engine.ones(1000) * 2  # larger than the run's tensor limit, made by another thread
    worker.join()
    (record,) = records
    assert outside.shape == (1000,)
    assert record.error is not None and record.error.params["limit_name"] == "max_seconds"
    assert [info.shape for info in record.graph.tensors.values()] == [(2,)]


def test_warnings_of_other_threads_are_not_the_programs_output(recwarn: pytest.WarningsRecorder) -> None:
    import threading
    import time
    import warnings

    from engine import _trace

    records = []
    worker = threading.Thread(
        target=lambda: records.append(
            sandbox_run(
                "while True:\n    pass",
                limits=Limits(max_steps=10**9, max_seconds=0.5, max_output_chars=10),
            )
        )
    )
    worker.start()
    deadline = time.monotonic() + 5
    while _trace.active() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    # Shown through the run's warning display while it runs: the warnings machinery is process-wide.
    warnings.warn("another session's warning, longer than the run's output limit", UserWarning, stacklevel=1)
    worker.join()
    (record,) = records
    assert record.output == ""
    assert record.error is not None and record.error.params["limit_name"] == "max_seconds"
    # ... it went where it would have gone without the run.
    assert "another session's warning" in str(recwarn.pop(UserWarning).message)
