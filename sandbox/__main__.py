"""Command line: run a PyTorch script the way the web app runs pasted code.

    python -m sandbox SCRIPT.py

The program runs in a confined worker process, as in the app. What it prints goes to stdout; its
warnings go to stderr as Python prints them (`SCRIPT.py:LINE: UserWarning: message`, then the line);
an error ends with `  File "SCRIPT.py", line N` and `ErrorType: message` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import sandbox


def warning_text(script: Path, lines: list[str], warning: sandbox.WarningShown) -> str:
    """A warning as Python's warnings module shows it for a script."""
    where = f"{script}:{warning.line}" if warning.line is not None else str(script)
    text = f"{where}: {warning.category}: {warning.message}\n"
    if warning.line is not None and 0 < warning.line <= len(lines):
        text += f"  {lines[warning.line - 1].strip()}\n"
    return text


def run_script(script: Path) -> int:
    """Run `script` through the sandbox, print its output, report warnings and an error on stderr."""
    # The pool says which confinement layers it has only when one is missing: stderr is the script's.
    log = logging.getLogger("sandbox.pool")
    log.addHandler(logging.StreamHandler())
    log.setLevel(logging.WARNING)
    source = script.read_text(encoding="utf-8")
    record = sandbox.run(source)
    sys.stdout.write(record.stdout)
    sys.stdout.flush()
    lines = source.splitlines()
    for warning in record.warnings:
        sys.stderr.write(warning_text(script, lines, warning))
    if record.error is None:
        return 0
    error = record.error
    where = f'  File "{script}", line {error.line}' if error.line is not None else f'  File "{script}"'
    print(where, file=sys.stderr)
    print(f"{error.kind}: {error.message}" if error.message else error.kind, file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("script", type=Path, help="the Python script to run")
    options = parser.parse_args(argv)
    if not options.script.is_file():
        parser.error(f"no such file: {options.script}")
    return run_script(options.script)


if __name__ == "__main__":
    sys.exit(main())
