"""Run a corpus program under real torch and under `python -m engine`, and compare what each prints.

    python -m tests.corpus.run            every program, one line each, and the match count
    python -m tests.corpus.run --sandbox  the same through `python -m sandbox` (the app's path)
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
TIMEOUT = 300


@dataclass(frozen=True)
class Run:
    stdout: str
    error: str | None  # the error's last line ("ValueError: ...") when the program raised


def _last_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run(program: Path, engine: bool, through: str = "engine") -> Run:
    """The program's stdout and, if it failed, the last line of its traceback (`through`: the engine's
    command line, "engine" or "sandbox", when `engine`)."""
    command = [sys.executable, "-m", through, str(program)] if engine else [sys.executable, str(program)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    return Run(done.stdout, _last_error_line(done.stderr) if done.returncode else None)


def programs() -> list[Path]:
    return sorted(PROGRAMS.glob("*.py"))


def main() -> int:
    through = "sandbox" if "--sandbox" in sys.argv[1:] else "engine"
    matched = 0
    for program in programs():
        same = run(program, engine=True, through=through) == run(program, engine=False)
        matched += same
        print(f"{'match' if same else 'DIFF '}  {program.stem}")
    print(f"{matched}/{len(programs())} programs print what torch prints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
