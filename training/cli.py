"""`python -m training COMMAND`: one command per stage. A stage module is imported only when its command runs.

Each stage module exposes `add_arguments(parser)` and `run(args) -> int` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("training.synthetic.cli", "write a generated dataset in the official Home Credit schema"),
    "calibrate": ("training.synthetic.calibrate", "rebuild the generator's statistics file from real data"),
    "validate": ("training.data.cli", "load and validate a folder of Home Credit tables"),
    "features": ("training.features.cli", "build the per-client feature tables (train and portfolio)"),
    "select": ("training.selection.cli", "compare models with cross-validation and choose the threshold"),
    "run": ("training.pipeline", "the whole pipeline: data, features, selection, report, registration"),
    "document-run": ("training.run_docs", "copy a run's tables and figures into the methodology note"),
}


def dispatch(
    prog: str, description: str, commands: dict[str, tuple[str, str]], argv: Sequence[str] | None = None
) -> int:
    """Parse `argv` for one of `commands`, importing only the chosen command's module, and run it.

    Shared by the product's command-line packages (`python -m training`, `python -m drift`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if a in commands), None)
    parser = argparse.ArgumentParser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in commands.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).add_arguments(sub_parser)
    args = parser.parse_args(argv)
    return int(importlib.import_module(commands[args.command][0]).run(args))


def main(argv: Sequence[str] | None = None) -> int:
    return dispatch("python -m training", __doc__.splitlines()[0], COMMANDS, argv)
