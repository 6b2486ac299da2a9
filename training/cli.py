"""`python -m training COMMAND`: one command per stage. A stage module is imported only when its command runs.

Each stage module exposes `add_arguments(parser)` and `run(args) -> int` (the exit code).
"""

from __future__ import annotations

from collections.abc import Sequence

from common.cli import Commands, dispatch
from common.logs import configure_logging

# command -> (module, one-line help)
COMMANDS: Commands = {
    "generate": ("training.synthetic.cli", "write a generated dataset in the official Home Credit schema"),
    "calibrate": ("training.synthetic.calibrate", "rebuild the generator's statistics file from real data"),
    "validate": ("training.data.cli", "load and validate a folder of Home Credit tables"),
    "features": ("training.features.cli", "build the per-client feature tables (train and portfolio)"),
    "select": ("training.selection.cli", "compare models with cross-validation and choose the threshold"),
    "run": ("training.pipeline", "the whole pipeline: data, features, selection, report, registration"),
    "document-run": ("training.run_docs", "copy a run's tables and figures into the methodology note"),
}


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging("WARNING")  # the stages' warnings as the service's JSON lines; results are printed
    return dispatch("python -m training", __doc__.splitlines()[0], COMMANDS, argv)
