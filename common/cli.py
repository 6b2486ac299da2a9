"""The command dispatcher of the product's command-line packages (`python -m training`, `python -m drift`).

Each command module exposes `add_arguments(parser)` and `run(args) -> int` (the exit code) and is imported only
when its command runs."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> (module, one-line help)
Commands = dict[str, tuple[str, str]]


def dispatch(prog: str, description: str, commands: Commands, argv: Sequence[str] | None = None) -> int:
    """Parse `argv` for one of `commands`, importing only the chosen command's module, and run it."""
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
