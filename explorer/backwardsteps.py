"""The Backward page's logic without Streamlit: which recorded call it replays, what it says when a
call failed, and the stepping / playing state machine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from explorer.backwardplan import RootChoice


def usable_calls(calls: list[Any]) -> list[int]:
    """Indices of the calls that ran and took at least one step (the ones worth replaying)."""
    return [index for index, call in enumerate(calls) if not call.error and call.steps]


def failure_hint(choice: RootChoice, gradient_text: str) -> str | None:
    """A hint for a call that cannot start: a non-scalar root with no gradient typed is torch's
    "grad can be implicitly created only for scalar outputs" (decided from the choice, not from the
    wording of torch's message)."""
    return "bw.implicit" if not choice.is_scalar and not gradient_text.strip() else None


@dataclass(frozen=True)
class SecondCall:
    """What the page says about the second of two backward() calls."""

    message_id: str          # "bw.second_error" or "bw.accumulated"
    error: str | None = None  # torch's message when the second call failed


def second_call(calls: list[Any], record: Any) -> SecondCall | None:
    """With "call it twice": whether the second call failed (without retain_graph) or added to .grad."""
    if len(calls) < 2:
        return None
    second = calls[1]
    failed = second.error or (record.error is not None and len(usable_calls(calls)) < 2)
    if failed:
        return SecondCall("bw.second_error", second.error or (record.error.message if record.error else ""))
    return SecondCall("bw.accumulated")


@dataclass(frozen=True)
class Player:
    """Where the replay is (`step`, 1-based, of `count`) and whether it plays on a timer."""

    step: int
    count: int
    playing: bool = False

    def clamped(self) -> Player:
        return replace(self, step=max(1, min(self.count, self.step)))

    def moved(self, delta: int = 0, to: int | None = None) -> Player:
        """A step button: go `delta` steps on, or `to` a step; moving by hand pauses."""
        target = to if to is not None else self.step + delta
        return replace(self, step=target, playing=False).clamped()

    def started(self) -> Player:
        """Play: from the start again when at the end."""
        return replace(self, step=1 if self.step >= self.count else self.step, playing=True)

    def paused(self) -> Player:
        return replace(self, playing=False)

    def ticked(self) -> Player:
        """The timer fired: one step on while playing; at the last step, stop."""
        if not self.playing:
            return self.clamped()
        if self.step >= self.count:
            return replace(self, playing=False).clamped()
        return replace(self, step=self.step + 1).clamped()

    @property
    def finished(self) -> bool:
        """Playing and at the last step: the page stops the timer (a full rerun)."""
        return self.playing and self.step >= self.count
