"""What a benchmark module returns (Result) and how it times things (measure)."""

from __future__ import annotations

import gc
import operator
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}
# A target bounds the ratio ours / baseline, e.g. "<= 5x" (at most five times slower) or "< 1x" (faster).
_TARGET = re.compile(r"^\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)\s*x?\s*$")


@dataclass(frozen=True)
class Result:
    """One measurement: our time against a baseline's, and the ratio we aim for."""

    name: str
    ours: float
    baseline: float
    baseline_name: str
    target: str
    unit: str = "s"

    def __post_init__(self) -> None:
        if not _TARGET.match(self.target):
            raise ValueError(f"{self.name}: target {self.target!r} is not like '<= 5x'")
        if self.baseline <= 0:
            raise ValueError(f"{self.name}: baseline must be positive, got {self.baseline}")

    @property
    def ratio(self) -> float:
        """ours / baseline: below 1 means we are faster."""
        return self.ours / self.baseline

    @property
    def met(self) -> bool:
        """Whether the ratio satisfies the target."""
        match = _TARGET.match(self.target)
        assert match is not None  # checked in __post_init__
        comparison, bound = match.groups()
        return _COMPARISONS[comparison](self.ratio, float(bound))


def measure(fn: Callable[[], object], repeat: int = 5, number: int = 1, warmup: int = 1) -> float:
    """Seconds per call of `fn`: the fastest of `repeat` rounds of `number` calls each.

    The minimum, not the mean, because noise (other processes, GC) only ever adds time.

    Args:
        fn: the work to time, called with no arguments.
        repeat: how many rounds to time.
        number: calls per round; raise it for work much shorter than a millisecond.
        warmup: untimed calls first, so caches and lazy imports are not counted.

    Returns:
        The best round's time divided by `number`.
    """
    if repeat < 1 or number < 1:
        raise ValueError("repeat and number must be at least 1")
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / number


def measure_pair(
    ours: Callable[[], object], theirs: Callable[[], object], repeat: int = 7, number: int = 1,
    warmup: int = 1,
) -> tuple[float, float]:
    """Seconds per call of `ours` and of `theirs`, timed in alternating rounds in one process.

    Timing one side to the end before starting the other lets anything that drifts during the run
    (other processes' load, the CPU clock, the allocator's state, caches) favour whichever went
    second. Interleaving gives both sides the same conditions; the order flips every round so
    neither always runs right after the other. Each side keeps its fastest round, as `measure` does,
    and garbage left by the previous round is collected before each round starts, so a side pays
    for its own collections only.

    Args:
        ours, theirs: the work to compare, each called with no arguments.
        repeat: how many rounds to time for each side.
        number: calls per round; raise it for work much shorter than a millisecond.
        warmup: untimed calls of each side first (caches, lazy imports, allocator warm-up).

    Returns:
        (ours, theirs): each side's best round time divided by `number`.
    """
    if repeat < 1 or number < 1:
        raise ValueError("repeat and number must be at least 1")
    sides = (ours, theirs)
    for _ in range(warmup):
        for fn in sides:
            fn()
    best = [float("inf"), float("inf")]
    for round_index in range(repeat):
        order = (0, 1) if round_index % 2 == 0 else (1, 0)
        for side in order:
            fn = sides[side]
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            best[side] = min(best[side], time.perf_counter() - start)
    return best[0] / number, best[1] / number
