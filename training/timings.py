"""Seconds per stage of a run, each stage timed from the end of the one before (the report lists them)."""

from __future__ import annotations

import time


class Timings:
    def __init__(self) -> None:
        self._start = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def mark(self, stage: str) -> None:
        """`stage` ends now: its seconds are the time since the previous mark (or the start)."""
        self.seconds[stage] = time.perf_counter() - self._start - sum(self.seconds.values())
