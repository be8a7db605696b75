"""The Training page's programs and what is read back from their runs.

The settings (which model, how many epochs, the learning rate, where the gradients are emptied, manual
update or `optim.SGD`) become a plain PyTorch script. The script runs in the sandbox like any other
program, and the per-epoch ledger is read from its run record: each epoch makes one `backward()` call,
whose event holds the loss, the gradients it left and the parameter values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

MODELS = ("weights", "linear")
ZERO_PLACES = ("before_backward", "after_step", "never")
UPDATES = ("manual", "sgd")
LEARNING_RATES = (0.0001, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1)
MAX_EPOCHS = 50

PARAMETERS = {"weights": ("weights",), "linear": ("w", "b")}


@dataclass(frozen=True)
class TrainingSettings:
    """What the Training page's controls choose. The defaults reproduce the seed lesson's loop."""

    model: str = "weights"
    epochs: int = 5
    lr: float = 0.001
    zero_at: str = "after_step"
    update: str = "manual"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}")
        if self.zero_at not in ZERO_PLACES:
            raise ValueError(f"unknown zero_() placement {self.zero_at!r}")
        if self.update not in UPDATES:
            raise ValueError(f"unknown update {self.update!r}")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be in 1..{MAX_EPOCHS}")
        if not self.lr > 0:
            raise ValueError("the learning rate must be positive")

    @property
    def parameters(self) -> tuple[str, ...]:
        return PARAMETERS[self.model]


def counterpart(settings: TrainingSettings) -> TrainingSettings:
    """The same run with the other choice about emptying gradients: never, or after the step."""
    other = "after_step" if settings.zero_at == "never" else "never"
    return replace(settings, zero_at=other)


def _lr_text(lr: float) -> str:
    return repr(float(lr))


_SETUP = {
    "weights": "weights = torch.ones(4, requires_grad=True)\n",
    "linear": (
        "X = torch.tensor([1.0, 2.0, 3.0, 4.0])\n"
        "Y = torch.tensor([2.0, 4.0, 6.0, 8.0])\n"
        "w = torch.zeros(1, requires_grad=True)\n"
        "b = torch.zeros(1, requires_grad=True)\n"
    ),
}
_FORWARD = {
    "weights": (
        "    model_output = (weights * 5).sum()\n"
        "    model_output.backward()\n"
        "\n"
        "    print(weights.grad)\n"
    ),
    "linear": (
        "    prediction = w * X + b\n"
        "    loss = ((prediction - Y) ** 2).mean()\n"
        "    loss.backward()\n"
        "\n"
        "    print(loss.item(), w.grad, b.grad)\n"
    ),
}


def _manual_zero(params: tuple[str, ...], guarded: bool) -> str:
    if not guarded:
        return "".join(f"    {p}.grad.zero_()\n" for p in params)
    # Before the first backward() there is no .grad yet to empty.
    lines = f"    if {params[0]}.grad is not None:\n"
    return lines + "".join(f"        {p}.grad.zero_()\n" for p in params)


def training_script(settings: TrainingSettings) -> str:
    """The PyTorch program for these settings, as the learner would write it."""
    params = settings.parameters
    sgd = settings.update == "sgd"
    lines = ["import torch\n", "\n", _SETUP[settings.model]]
    if sgd:
        lines.append(f"optimizer = torch.optim.SGD([{', '.join(params)}], lr={_lr_text(settings.lr)})\n")
    lines += ["\n", f"for epoch in range({settings.epochs}):\n"]
    if settings.zero_at == "before_backward":
        lines.append("    optimizer.zero_grad()\n" if sgd else _manual_zero(params, guarded=True))
    lines.append(_FORWARD[settings.model])
    if sgd:
        lines.append("    optimizer.step()\n")
    else:
        lines.append("    with torch.no_grad():\n")
        lines += [f"        {p} -= {_lr_text(settings.lr)} * {p}.grad\n" for p in params]
    if settings.zero_at == "after_step":
        lines.append("\n")
        lines.append("    optimizer.zero_grad()\n" if sgd else _manual_zero(params, guarded=False))
    return "".join(lines)


@dataclass(frozen=True)
class EpochRow:
    """One epoch: the loss, each parameter's .grad just before and right after backward(), and its value
    after the update."""

    epoch: int
    loss: float
    grads: dict[str, np.ndarray | None]
    values: dict[str, np.ndarray]
    grads_before: dict[str, np.ndarray | None] = field(default_factory=dict)


@dataclass(frozen=True)
class TrainingHistory:
    """Every epoch of one training run, or the error that stopped it."""

    rows: tuple[EpochRow, ...]
    parameters: tuple[str, ...]
    error: Any = None


def _backward_calls(record: Any) -> list[Any]:
    return [event for event in record.events if type(event).__name__ == "BackwardCall"]


def training_history(record: Any, parameters: tuple[str, ...]) -> TrainingHistory:
    """The per-epoch ledger of a training run: one row per backward() call.

    Args:
        record: the sandbox's RunRecord of a training script.
        parameters: the variables holding the parameters (their tensors keep their identity across
            in-place updates).

    Returns:
        The rows, and the run's error if it stopped early.
    """
    ids = {name: record.names[name] for name in parameters if name in record.names}
    calls = _backward_calls(record)
    rows = []
    for index, call in enumerate(calls):
        later = calls[index + 1].graph if index + 1 < len(calls) else record.graph
        root = call.graph.tensors.get(call.root)
        rows.append(EpochRow(
            epoch=index + 1,
            loss=float("nan") if root is None else float(np.asarray(root.value, dtype=np.float64).sum()),
            grads={name: _copy(call.grads_after.get(tid)) for name, tid in ids.items()},
            grads_before={name: _copy(call.grads_before.get(tid)) for name, tid in ids.items()},
            values={name: np.array(later.tensors[tid].value if tid in later.tensors
                                   else record.graph.tensors[tid].value) for name, tid in ids.items()},
        ))
    return TrainingHistory(tuple(rows), tuple(ids), record.error)


def _copy(array: np.ndarray | None) -> np.ndarray | None:
    return None if array is None else np.array(array)


def chart_lines(values: dict[str, np.ndarray | None]) -> dict[str, Any]:
    """What to chart per parameter: one number when all its entries are equal (the lesson's four weights
    move together, and four identical lines would hide each other), else the array."""
    lines: dict[str, Any] = {}
    for name, value in values.items():
        array = None if value is None else np.asarray(value)
        uniform = array is not None and array.size > 0 and bool(np.all(array == array.flat[0]))
        lines[name] = float(array.reshape(-1)[0]) if uniform else value
    return lines


# --- the epoch-by-epoch picture ----------------------------------------------------------------------

@dataclass(frozen=True)
class GradEntry:
    """One parameter's `.grad` around one backward(): what was there, what backward() added, the result."""

    name: str
    before: np.ndarray | None
    contribution: np.ndarray | None
    after: np.ndarray | None


def grad_ledger(row: EpochRow) -> list[GradEntry]:
    """Per parameter, `.grad` before this epoch's backward(), its contribution and `.grad` after.

    backward() adds into `.grad`, so the contribution is after − before (before is None on the first
    call, or after `zero_grad(set_to_none=True)`: the contribution is then the whole of after).
    """
    entries = []
    for name, after in row.grads.items():
        before = row.grads_before.get(name)
        if after is None:
            contribution = None
        elif before is None:
            contribution = np.array(after)
        else:
            contribution = np.asarray(after) - np.asarray(before)
        entries.append(GradEntry(name, before, contribution, after))
    return entries


def is_flat(values: list[np.ndarray | None], tolerance: float = 1e-9) -> bool:
    """Whether every value equals the first (a line that stays level), ignoring missing ones."""
    present = [np.asarray(v, dtype=np.float64) for v in values if v is not None]
    if len(present) < 2:
        return True
    first = present[0]
    return all(v.shape == first.shape and np.allclose(v, first, rtol=0, atol=tolerance) for v in present)


Values = list[np.ndarray | None]


def compare_caption_keys(zeroing: Values, accumulating: Values) -> list[str]:
    """The catalogue keys of the staircase chart's caption, chosen by what the two lines really do.

    The caption first says what each line is; then it says "flat" only when the emptied line is level,
    and calls the other a staircase only when it differs from it.
    """
    keys = ["tr.compare.what"]
    keys.append("tr.compare.flat" if is_flat(zeroing) else "tr.compare.moving")
    same = len(zeroing) == len(accumulating) and all(
        (a is None) == (b is None) and (a is None or np.allclose(a, b))
        for a, b in zip(zeroing, accumulating))
    keys.append("tr.compare.same" if same else "tr.compare.piles")
    return keys


@dataclass(frozen=True)
class Playback:
    """Where the Training page's player is: how many epochs of the run are shown, and whether it plays.

    The page opens on the finished run (every epoch shown); Reset empties the picture, Step shows one
    more epoch, Play shows one more per tick until the last (playing from the end starts over).
    """

    total: int
    shown: int
    playing: bool = False

    @classmethod
    def finished(cls, total: int) -> Playback:
        return cls(total, total)

    @property
    def at_end(self) -> bool:
        return self.shown >= self.total

    def play(self) -> Playback:
        return Playback(self.total, 0 if self.at_end else self.shown, playing=True)

    def pause(self) -> Playback:
        return replace(self, playing=False)

    def toggle(self) -> Playback:
        return self.pause() if self.playing else self.play()

    def step(self) -> Playback:
        return Playback(self.total, min(self.shown + 1, self.total), playing=False)

    def reset(self) -> Playback:
        return Playback(self.total, 0, playing=False)

    def tick(self) -> Playback:
        """One beat of the play loop: one more epoch, stopping by itself after the last."""
        if not self.playing:
            return self
        shown = min(self.shown + 1, self.total)
        return Playback(self.total, shown, playing=shown < self.total)


def playback_for(stored: tuple[TrainingSettings, Playback] | None, settings: TrainingSettings) -> Playback:
    """The player for `settings`: the stored one when it belongs to the same settings, else the finished
    run (changing a control shows its whole run at once, as the page did before it had a player)."""
    if stored is not None and stored[0] == settings:
        return stored[1]
    return Playback.finished(settings.epochs)
