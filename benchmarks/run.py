"""Run every benchmarks/bench_*.py and print ours vs baseline.

    python -m benchmarks.run [--only NAME ...]

Each bench module exposes `run() -> list[Result]`. Exit status 1 when a target is missed or a bench fails.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # launched as `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import Result

BENCH_DIR = Path(__file__).resolve().parent
PREFIX = "bench_"


def discover() -> list[str]:
    """Names of the bench modules, without the bench_ prefix, sorted."""
    return sorted(path.stem.removeprefix(PREFIX) for path in BENCH_DIR.glob(f"{PREFIX}*.py"))


def run_bench(name: str) -> list[Result]:
    """Import benchmarks.bench_<name> and return what its run() measures."""
    module = importlib.import_module(f"benchmarks.{PREFIX}{name}")
    return list(module.run())


def format_amount(value: float, unit: str) -> str:
    if unit != "s":
        return f"{value:.4g} {unit}"
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value / 1e-9:.3g} ns"


def format_table(results: Sequence[Result]) -> str:
    """A plain-text table: one row per result."""
    header = ("benchmark", "ours", "baseline", "vs", "ratio", "target", "met")
    rows = [
        (
            r.name,
            format_amount(r.ours, r.unit),
            format_amount(r.baseline, r.unit),
            r.baseline_name,
            f"{r.ratio:.2f}x",
            r.target,
            "yes" if r.met else "NO",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in (header, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only bench_NAME.py (repeatable)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only or ()) - set(available))
    if unknown:
        parser.error(f"no bench named {', '.join(unknown)}; available: {', '.join(available) or 'none'}")

    results: list[Result] = []
    failed: list[str] = []
    for name in args.only or available:
        print(f"running {PREFIX}{name} ...", file=sys.stderr, flush=True)
        try:
            results.extend(run_bench(name))
        except Exception:
            traceback.print_exc()
            failed.append(name)

    if results:
        print(format_table(results))
    else:
        print("no results")
    missed = [r.name for r in results if not r.met]
    if missed:
        print(f"\ntarget missed: {', '.join(missed)}")
    if failed:
        print(f"\nbench failed: {', '.join(failed)}")
    return 1 if missed or failed else 0


if __name__ == "__main__":
    sys.exit(main())
