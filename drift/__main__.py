"""`python -m drift COMMAND`: drift analysis (report) and production monitoring (monitor).

Each command module exposes `add_arguments(parser)` and `run(args) -> int` (the exit code) and is imported
only when its command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from common.cli import Commands, dispatch

# command -> (module, one-line help)
COMMANDS: Commands = {
    "report": (
        "drift.report_command",
        "Evidently drift report between a reference and a current feature table (HTML, JSON and a summary)",
    ),
    "monitor": (
        "drift.monitor",
        "compare the logged predictions of a window with the model's reference; exit 0 ok, 1 alert, 2 error",
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    return dispatch("python -m drift", __doc__.splitlines()[0], COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
