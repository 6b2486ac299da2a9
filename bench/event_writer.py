"""The event writer's pace and its idle cost: events per second written to PostgreSQL and SQLite (one COPY or
one multi-row insert per flush), the local PostgreSQL server's CPU per event, and the CPU the process uses while
the writer has nothing to do.

    python bench/event_writer.py --events 100000 --features 120 [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

A fresh PostgreSQL database is created and dropped (the URL names the server and an existing database to connect
to); the SQLite file lives in a temporary folder. Figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from scoring_service.event_store import PredictionEvent
from scoring_service.event_writer import EventWriter

try:  # how the scorer hands a known client's values to the writer (a list on code before 2026-12-03)
    from scoring_service.event_packing import SplitValues as _Split

    def scorer_values(numbers: np.ndarray, levels: list[object]) -> Sequence[object]:
        return _Split(numbers, levels)
except ImportError:

    def scorer_values(numbers: np.ndarray, levels: list[object]) -> Sequence[object]:
        return numbers.tolist() + levels


from scoring_service.scorer import Scorer

# how a what-if's values reach the writer: since 2026-12-03 as the scorer's rows (Scorer.what_if keeps them as
# the matrices do); before, as the list of the object row it was scored on, read by the writer thread
WHAT_IF_SPLIT = hasattr(Scorer, "what_if")


def what_if_values(
    row: np.ndarray, numbers: np.ndarray, levels: list[object]
) -> Sequence[object] | Callable[[], Sequence[object]]:
    return scorer_values(numbers, levels) if WHAT_IF_SPLIT else row.tolist


def events(count: int, features: int, short: bool = False, plain: bool = False) -> list[PredictionEvent]:
    """Events of `features` features each, numbers first then category levels, as the scorer hands a known
    client's (portfolio scores and batches: the bulk of the events); `plain`: as the scoring service hands a
    what-if's or a new application's (the same form since 2026-12-03; the object row's list before).
    By default the names and values are as wide as the real model's (names such as BUREAU_FEATURE_017_MEAN,
    full-precision numbers: about 4.6 kB of JSON for 120 features, above the size from which PostgreSQL
    compresses a value); `short` gives names F0, F1... and small whole numbers (about 1.3 kB), the width of the
    figures recorded before 2026-12-03."""
    numeric = [i for i in range(features) if i % 10]  # a tenth category levels
    if short:
        names = tuple(f"F{i}" for i in (*numeric, *range(0, features, 10)))
        numbers = np.array([float(i) for i in numeric])
        level = "level"
    else:
        names = tuple(f"BUREAU_FEATURE_{i:03d}_MEAN" for i in (*numeric, *range(0, features, 10)))
        # a third ratios at full precision, a third day counts, a third amounts
        kinds = (lambda i: 1.0 / (i + 3.0), lambda i: -37.0 * i, lambda i: 1125.5 * i)
        numbers = np.array([kinds[i % 3](i) for i in numeric])
        level = "Working"
    levels: list[object] = [level] * (features - len(numeric))
    matrix = np.tile(numbers, (count, 1))  # one row per client, as the scorer's matrix
    plain_rows = np.empty((count if plain else 0, features), dtype=object)  # a what-if's rows (names' order)
    plain_rows[:] = [*numbers.tolist(), *levels]
    now = time.time()
    return [
        PredictionEvent(
            now,
            uuid.uuid4().hex,
            100_000 + i,
            "1",
            names,
            what_if_values(plain_rows[i], matrix[i].copy(), levels)
            if plain
            else scorer_values(matrix[i], levels),
            0.1,
            "granted",
            0.35,
            0.2,
            False,
        )
        for i in range(count)
    ]


def server_cpu_seconds() -> float:
    """CPU seconds used so far by every process named postgres on this machine (the local server's backends,
    WAL writer, checkpointer...); 0 when none can be read."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if name == "postgres":
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def pace(url: str, batch: list[PredictionEvent]) -> tuple[float, float, float, dict[str, int]]:
    """(events per second from the first submit to the last row committed, events per CPU-second of this
    process over the same time: the second does not depend on how loaded the machine is, and the PostgreSQL
    server's CPU microseconds per event over that time)."""
    writer = EventWriter(url, batch_size=256, flush_seconds=1.0, max_queue=len(batch) + 1)
    writer.start()
    cpu, server, started = time.process_time(), server_cpu_seconds(), time.perf_counter()
    writer.submit_many(batch, time.monotonic() + 60)
    while writer.stats()["events_written"] + writer.stats()["events_dropped"] < len(batch):
        time.sleep(0.005)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    server_us = (server_cpu_seconds() - server) * 1e6 / len(batch)
    writer.stop()
    return len(batch) / seconds, len(batch) / cpu_seconds, server_us, writer.stats()


def idle_cpu(url: str, seconds: float) -> float:
    """Share of one core the process uses while a started writer has nothing to write."""
    writer = EventWriter(url, batch_size=256, flush_seconds=1.0)
    writer.start()
    writer.submit(events(1, 10)[0])
    time.sleep(1.5)  # the one event is written; from now on nothing comes
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    used = (time.process_time() - cpu) / (time.perf_counter() - wall)
    writer.stop()
    return used


def report(store: str, rate: float, per_cpu: float, server_us: float, stats: dict[str, int]) -> None:
    written, dropped = stats["events_written"], stats["events_dropped"]
    server = f", server {server_us:5.1f} CPU-us per event" if store == "PostgreSQL" else ""
    print(
        f"{store:<11} {rate:>9,.0f} events/s, {per_cpu:>9,.0f} per CPU-second{server} "
        f"({written:,} written, {dropped} dropped)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=120, help="features per event (the real model: 120)")
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL", ""), help="empty: skip")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument(
        "--short", action="store_true", help="short names and values (figures before 2026-12-03)"
    )
    parser.add_argument(
        "--plain", action="store_true", help="values as a what-if's row instead of the scorer's rows"
    )
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute load average, {os.cpu_count()} cores)")
    batch = events(args.events, args.features, args.short, args.plain)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'events.db'}"
        report("SQLite", *pace(url, batch))
        print(
            f"idle CPU    {idle_cpu(url, args.idle_seconds):>9.1%} of a core over {args.idle_seconds:.0f} s"
        )
    if args.postgres:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
            report("PostgreSQL", *pace(url, batch))
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
