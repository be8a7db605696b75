"""The benchmark harness: targets, ratios, timing and the runner's exit status."""

import itertools

import pytest

from benchmarks import _harness, run
from benchmarks._harness import Result, measure


def result(ours: float, target: str, baseline: float = 2.0) -> Result:
    return Result(name="op", ours=ours, baseline=baseline, baseline_name="torch", target=target)


@pytest.mark.parametrize(
    ("ours", "target", "met"),
    [
        (10.0, "<= 5x", True),
        (10.1, "<= 5x", False),
        (10.0, "< 5x", False),
        (1.0, "<1", True),
        (4.0, ">= 2x", True),
        (4.0, "> 2.5x", False),
    ],
)
def test_target_bounds_the_ratio_ours_over_baseline(ours: float, target: str, met: bool) -> None:
    assert result(ours, target).met is met


def test_ratio_below_one_means_ours_is_faster() -> None:
    assert result(1.0, "<= 1x", baseline=4.0).ratio == 0.25


@pytest.mark.parametrize("target", ["5x", "fast", "<= x", "== 2x", ""])
def test_malformed_target_is_rejected_when_the_result_is_made(target: str) -> None:
    with pytest.raises(ValueError, match="target"):
        result(1.0, target)


def test_measure_reports_the_fastest_round_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rounds of 2 calls lasting 6, 4 and 8 ticks: the best round is 4 ticks, i.e. 2 per call.
    clock = itertools.chain.from_iterable((start, start + length) for start, length in
                                          [(0, 6), (10, 4), (20, 8)])
    monkeypatch.setattr(_harness.time, "perf_counter", lambda: next(clock))
    calls = []
    assert measure(lambda: calls.append(1), repeat=3, number=2, warmup=1) == 2.0
    assert len(calls) == 1 + 3 * 2


def test_runner_fails_when_a_target_is_missed(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(run, "discover", lambda: ["fast", "slow"])
    measured = {"fast": [result(1.0, "<= 1x")], "slow": [result(20.0, "<= 5x")]}
    monkeypatch.setattr(run, "run_bench", measured.__getitem__)

    assert run.main(["--only", "fast"]) == 0
    assert run.main([]) == 1
    assert "target missed: op" in capsys.readouterr().out


def test_runner_reports_a_crashing_bench_and_fails(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def crash(name: str) -> list[Result]:
        raise RuntimeError("boom")

    monkeypatch.setattr(run, "discover", lambda: ["broken"])
    monkeypatch.setattr(run, "run_bench", crash)
    assert run.main([]) == 1
    assert "bench failed: broken" in capsys.readouterr().out


def test_table_shows_ratio_and_verdict() -> None:
    table = run.format_table([result(3e-3, "<= 1x", baseline=1e-3)])
    assert "3 ms" in table
    assert "3.00x" in table
    assert "NO" in table


def test_measure_pair_alternates_who_goes_first_and_keeps_each_sides_fastest_round(
        monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    order: list[str] = []
    # Each call moves a fake clock on: the warm-up calls first, then one duration per timed round.
    durations = {"ours": iter([9.0, 5.0, 3.0, 4.0]), "theirs": iter([9.0, 2.0, 6.0, 1.0])}

    def side(name: str):
        def call() -> None:
            order.append(name)
            now[0] += next(durations[name])

        return call

    monkeypatch.setattr(_harness.time, "perf_counter", lambda: now[0])
    ours, theirs = _harness.measure_pair(side("ours"), side("theirs"), repeat=3, number=1, warmup=1)
    assert (ours, theirs) == (3.0, 1.0)
    assert order == ["ours", "theirs", "ours", "theirs", "theirs", "ours", "ours", "theirs"]


def test_measure_pair_rejects_empty_rounds() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        _harness.measure_pair(lambda: None, lambda: None, repeat=0)
