"""A numeric check of autograd: central finite differences next to the `.grad` that backward() left.

For a backward call `root.backward(v)` the function being differentiated is f = Σ v·root (v = 1 for a
scalar root). For each element x_i of a leaf, the program is run twice more, with x_i nudged up and down
right after the line that creates the leaf; (f₊ − f₋) / (x₊ − x₋) estimates ∂f/∂x_i. The nudge is a code
edit (`with torch.no_grad(): x += torch.tensor(...)`), and the runs go through the sandbox like any
other program, so the check never touches live tensors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from explorer.codeedit import CodeEditError, ParsedSource, base_name, is_dotted_name
from explorer.state import nested_literal

MAX_ELEMENTS = 12      # elements checked per leaf: each costs two runs
RELATIVE_STEP = 1e-3   # nudge size, relative to the element's magnitude (at least this much absolute)
TOLERANCE = 2e-2       # float32 arithmetic: agreement to about 2 % of the gradient's scale
BUDGET_SECONDS = 4.0   # the whole check: a slow program gets fewer elements checked, not a long wait


class Budget:
    """The time a check may take; each element costs two runs, so the next one starts only if it fits."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.deadline = clock() + seconds
        self.slowest_pair = 0.0
        self.pairs = 0

    def allows_another_pair(self) -> bool:
        # The first pair always runs: without it there is nothing to show.
        return self.pairs == 0 or self.clock() + self.slowest_pair <= self.deadline

    def timed(self, work: Callable[[], Any]) -> Any:
        started = self.clock()
        result = work()
        self.slowest_pair = max(self.slowest_pair, self.clock() - started)
        self.pairs += 1
        return result


@dataclass(frozen=True)
class LeafCheck:
    """The check of one leaf: autograd's gradient from this call, the estimate, and whether they agree."""

    label: str
    tensor_id: int
    autograd: np.ndarray | None
    numeric: np.ndarray | None        # NaN where an element was not checked
    max_error: float | None
    agrees: bool | None
    checked: int
    total: int
    reason: str | None = None          # catalogue id when the leaf could not be checked
    reason_params: dict[str, Any] = field(default_factory=dict)


def backward_calls(record: Any) -> list[Any]:
    """The BackwardCall events of a run, in order."""
    return [event for event in record.events if type(event).__name__ == "BackwardCall"]


def objective(call: Any) -> float | None:
    """f = Σ v·root for the call (v = the gradient passed to backward(), 1 when none was)."""
    if call.root not in call.graph.tensors:
        return None
    root = np.asarray(call.graph.tensors[call.root].value, dtype=np.float64)
    weights = 1.0 if call.gradient is None else np.asarray(call.gradient, dtype=np.float64)
    return float(np.sum(root * weights))


def _contribution(call: Any, tensor_id: int) -> np.ndarray | None:
    after = call.grads_after.get(tensor_id)
    if after is None:
        return None
    before = call.grads_before.get(tensor_id)
    after = np.asarray(after, dtype=np.float64)
    return after if before is None else after - np.asarray(before, dtype=np.float64)


def nudge_program(source: str, line: int, name: str, shape: tuple[int, ...], index: int, delta: float) -> str:
    """`source` with element `index` (flat) of the leaf `name`, made on `line`, moved by `delta`.

    Raises:
        CodeEditError: the leaf is made inside a loop, function or block (a nudge there would repeat),
            or shares its line with another statement.
    """
    parsed = ParsedSource(source)
    located = parsed.statement_at(line)
    if located.parents:
        raise CodeEditError("gc_nested", line=line)
    if not is_dotted_name(name):
        raise CodeEditError("gc_unnamed", name=name)
    size = int(np.prod(shape)) if shape else 1
    values = [0.0] * size
    values[index] = delta
    literal = nested_literal(values, tuple(shape))
    end = parsed.line_start(located.stmt.end_lineno + 1)
    head = parsed.text[:end]
    newline = "" if head.endswith("\n") or not head else "\n"
    nudge = (
        f"{newline}with {parsed.alias}.no_grad():\n"
        f"    {name} += {parsed.alias}.tensor({literal}, dtype={name}.dtype)\n"
    )
    return head + nudge + parsed.text[end:]


def _leaf_candidates(call: Any, record: Any) -> list[tuple[int, Any]]:
    """Leaves whose .grad this call changed, with a label and a line to nudge at."""
    found = []
    for tensor_id in call.grads_after:
        info = record.graph.tensors.get(tensor_id) or call.graph.tensors.get(tensor_id)
        if info is None or not info.is_leaf:
            continue
        found.append((tensor_id, info))
    return sorted(found, key=lambda item: item[0])


def check_gradients(
    source: str,
    record: Any,
    run: Callable[[str], Any],
    call_index: int = 0,
    max_elements: int = MAX_ELEMENTS,
    budget: Budget | None = None,
) -> list[LeafCheck]:
    """Finite-difference estimates next to autograd's gradients, for every leaf one backward call reached.

    Args:
        source: the program.
        record: its run record.
        run: runs a program and returns its RunRecord (the page passes a cached sandbox.run).
        call_index: which backward() call of the run to check (0 = the first).
        max_elements: at most this many elements are checked per leaf.
        budget: the time the whole check may take (BUDGET_SECONDS from now when None); when it runs
            out, the leaf being checked keeps the elements done so far and later leaves say why not.

    Returns:
        One LeafCheck per leaf, in creation order; [] when the run has no such backward call.
    """
    calls = backward_calls(record)
    if not 0 <= call_index < len(calls) or calls[call_index].error:
        return []
    call = calls[call_index]
    budget = budget or Budget(BUDGET_SECONDS)
    return [
        _check_leaf(source, record, call, call_index, tensor_id, info, run, max_elements, budget)
        for tensor_id, info in _leaf_candidates(call, record)
    ]


def _check_leaf(
    source: str, record: Any, call: Any, call_index: int, tensor_id: int, info: Any,
    run: Callable[[str], Any], max_elements: int, budget: Budget,
) -> LeafCheck:
    label = info.label or f"#{tensor_id}"
    autograd = _contribution(call, tensor_id)
    shape = tuple(info.shape)
    total = int(np.prod(shape)) if shape else 1

    def failed(reason: str, **params: Any) -> LeafCheck:
        return LeafCheck(label, tensor_id, autograd, None, None, None, 0, total, reason, params)

    if info.label is None or info.line is None:
        return failed("gc_unnamed")
    if not np.issubdtype(np.asarray(info.value).dtype, np.floating):
        return failed("gc_not_float")
    name = base_name(info.label)
    value = np.asarray(_value_at_creation(record, tensor_id, info), dtype=np.float64).reshape(-1)
    numeric = np.full(total, np.nan)
    checked = 0
    for index in range(min(total, max_elements)):
        if not budget.allows_another_pair():
            break
        step = RELATIVE_STEP * max(1.0, abs(float(value[index])))
        try:
            plus, minus = budget.timed(lambda: (
                run(nudge_program(source, info.line, name, shape, index, step)),  # noqa: B023 - called now
                run(nudge_program(source, info.line, name, shape, index, -step)),  # noqa: B023
            ))
        except CodeEditError as error:
            return failed(error.message_id, **error.params)
        estimate = _difference(plus, minus, call_index, tensor_id, index, step)
        if estimate is None:
            return failed("gc_run_failed")
        numeric[index] = estimate
        checked += 1
    if checked == 0:
        return failed("gc_budget")
    return _verdict(label, tensor_id, autograd, numeric.reshape(shape), checked, total)


def _value_at_creation(record: Any, tensor_id: int, info: Any) -> np.ndarray:
    # The nudge is relative to the value the leaf starts with; the first event that shows it is enough.
    for event in record.events:
        graph = getattr(event, "graph", None)
        if graph is not None and tensor_id in graph.tensors:
            return graph.tensors[tensor_id].value
    return info.value


def _difference(
    plus: Any, minus: Any, call_index: int, tensor_id: int, index: int, step: float
) -> float | None:
    calls_plus, calls_minus = backward_calls(plus), backward_calls(minus)
    if len(calls_plus) <= call_index or len(calls_minus) <= call_index:
        return None
    f_plus, f_minus = objective(calls_plus[call_index]), objective(calls_minus[call_index])
    if f_plus is None or f_minus is None:
        return None
    # Divide by the nudge that float32 really made, not the one asked for.
    x_plus = _element(calls_plus[call_index], tensor_id, index)
    x_minus = _element(calls_minus[call_index], tensor_id, index)
    width = (x_plus - x_minus) if x_plus is not None and x_minus is not None else 2 * step
    if width == 0:
        width = 2 * step
    return (f_plus - f_minus) / width


def _element(call: Any, tensor_id: int, index: int) -> float | None:
    info = call.graph.tensors.get(tensor_id)
    if info is None:
        return None
    return float(np.asarray(info.value, dtype=np.float64).reshape(-1)[index])


def _verdict(
    label: str, tensor_id: int, autograd: np.ndarray | None, numeric: np.ndarray, checked: int, total: int
) -> LeafCheck:
    if autograd is None:
        return LeafCheck(label, tensor_id, None, numeric, None, None, checked, total, "gc_no_grad")
    flat_auto = np.asarray(autograd, dtype=np.float64).reshape(-1)[:checked]
    flat_num = numeric.reshape(-1)[:checked]
    error = float(np.max(np.abs(flat_auto - flat_num))) if checked else 0.0
    scale = max(1.0, float(np.max(np.abs(flat_auto))) if checked else 1.0)
    return LeafCheck(label, tensor_id, autograd, numeric, error, error <= TOLERANCE * scale, checked, total)


