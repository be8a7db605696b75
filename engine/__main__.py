"""Command line: run a PyTorch script on the engine.

    python -m engine SCRIPT.py [args]         the script as plain Python, `torch` resolved to the engine
    python -m engine --sandbox SCRIPT.py      the same as `python -m sandbox SCRIPT.py` (the web app's path)

Either way the script's output goes to stdout; an error ends with a last stderr line
`ErrorType: message` and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import runpy
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

# torch's module names -> the engine modules that stand in for them.
TORCH_ALIASES = {
    "torch": "engine",
    "torch.nn": "engine.nn",
    "torch.nn.functional": "engine.nn.functional",
    "torch.nn.init": "engine.nn.init",
    "torch.optim": "engine.optim",
    "torch.autograd": "engine.autograd",
    "torch.cuda": "engine.cuda",
    "torch.accelerator": "engine.accelerator",
    "torch.backends": "engine.backends",
    "torch.backends.mps": "engine.backends.mps",
    "torch.backends.cudnn": "engine.backends.cudnn",
    "torch.backends.cuda": "engine.backends.cuda",
    "torch.optim.lr_scheduler": "engine.optim.lr_scheduler",
    "torch.utils": "engine.utils",
    "torch.utils.data": "engine.utils.data",
}


@contextlib.contextmanager
def torch_resolved_to_engine() -> Iterator[None]:
    """`import torch` (and its submodules) gives the engine inside the block.

    This is for the user's own local scripts, run like `python script.py`; web input goes through the
    sandbox instead.
    """
    saved = {name: sys.modules.get(name) for name in TORCH_ALIASES}
    try:
        for alias, target in TORCH_ALIASES.items():
            try:
                sys.modules[alias] = importlib.import_module(target)
            except ImportError:  # a part of the engine that does not exist yet
                sys.modules.pop(alias, None)
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def run_plain(script: Path, args: Sequence[str]) -> int:
    """Run `script` with `torch` resolved to the engine; 1 (with the traceback on stderr) on error."""
    saved_argv = sys.argv
    sys.argv = [str(script), *args]
    try:
        with torch_resolved_to_engine():
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        # Like the interpreter: sys.exit(n) exits with n, sys.exit("message") prints it and exits with 1.
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - the script's own error, reported like Python does
        sys.stdout.flush()
        traceback.print_exc()
        return 1
    finally:
        sys.argv = saved_argv
    return 0


def run_sandboxed(script: Path) -> int:
    """Hand the script to `python -m sandbox` (kept as `--sandbox` so older links and docs still work).

    The sandbox sits above the engine, so it is started as a module by name rather than imported here.
    """
    saved_argv = sys.argv
    sys.argv = ["sandbox", str(script)]
    try:
        runpy.run_module("sandbox", run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = saved_argv
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m engine", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sandbox", action="store_true", help="run the script through the sandbox")
    parser.add_argument("script", type=Path, help="the Python script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script (plain mode)")
    options = parser.parse_args(argv)
    if not options.script.is_file():
        parser.error(f"no such file: {options.script}")
    if options.sandbox:
        return run_sandboxed(options.script)
    return run_plain(options.script, options.args)


if __name__ == "__main__":
    sys.exit(main())
