"""Command line: run a PyTorch script the way the web app runs pasted code.

    python -m sandbox SCRIPT.py

The program's output goes to stdout; an error ends with `  File "SCRIPT.py", line N` and
`ErrorType: message` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import sandbox


def run_script(script: Path) -> int:
    """Run `script` through the sandbox, print its output, report an error on stderr."""
    record = sandbox.run(script.read_text(encoding="utf-8"))
    sys.stdout.write(record.output)
    sys.stdout.flush()
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
