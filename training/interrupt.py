"""A run stopped by Ctrl-C (SIGINT) or SIGTERM ends as KILLED in MLflow, with what it had logged kept.

Python turns SIGINT into KeyboardInterrupt; SIGTERM (what `docker stop`, systemd or a scheduler sends) would end the
process without unwinding, leaving the run RUNNING for ever. Inside `killed_on_signal`, either signal first ends
every run still open (the pipeline run and a nested candidate run) as KILLED, then raises KeyboardInterrupt, so the
`with mlflow.start_run()` blocks being left do not mark them FAILED.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import mlflow


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by a signal."""


def end_open_runs() -> None:
    while mlflow.active_run() is not None:
        mlflow.end_run(status="KILLED")


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    end_open_runs()
    raise Stopped(f"stopped by {signal.Signals(signum).name}")


SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def killed_on_signal() -> Iterator[None]:
    main = threading.current_thread() is threading.main_thread()  # handlers can only be set there
    previous = {s: signal.signal(s, _raise_stopped) for s in SIGNALS} if main else {}
    try:
        yield
    except KeyboardInterrupt:  # raised some other way (a signal outside the main thread's handler)
        end_open_runs()
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
