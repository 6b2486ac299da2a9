"""How events are written to the event store: one transaction per call, the fastest form each store takes.

PostgreSQL with psycopg 3: one binary COPY of events with packed features (scoring_service.event_packing), each
feature list stored once; SQLite: one executemany of plain tuples; other drivers: SQLAlchemy's multi-row insert of
rows with JSON features. The schema is scoring_service.event_store's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from scoring_service.event_packing import feature_list_key, group_by_names, pack
from scoring_service.event_store import (
    FEATURE_LISTS,
    PACKED_COLUMNS,
    TABLE_NAME,
    WRITE_COLUMNS,
    PredictionEvent,
    json_text,
    prediction_events,
)

COPY_COLUMNS: tuple[str, ...] = (*(c for c in WRITE_COLUMNS if c != "features"), *PACKED_COLUMNS)
COPY_TYPES: tuple[str, ...] = (
    "timestamptz", "text", "int8", "text", "float8", "text", "float8", "float8", "bool", "text", "bytea", "text"
)  # fmt: skip
PACK_SLICE = 256  # events packed at once while the COPY streams the previous ones


def uses_copy(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


def write_events(
    engine: sa.Engine, events: Sequence[PredictionEvent], refuse: Callable[[PredictionEvent, Exception], None]
) -> int:
    """Writes `events` in one transaction and returns how many were written; an event that cannot be made a row
    is passed to `refuse` and left out (it would fail every retry). PostgreSQL with psycopg 3: one binary COPY of
    packed features; elsewhere one insert of rows with JSON features (insert_rows)."""
    if uses_copy(engine):
        return _copy_packed(engine, events, refuse)
    make, rows = row_maker(engine), []
    for event in events:
        try:
            rows.append(make(event))
        except Exception as exc:
            refuse(event, exc)
    insert_rows(engine, rows)
    return len(rows)


def _copy_packed(
    engine: sa.Engine, events: Sequence[PredictionEvent], refuse: Callable[[PredictionEvent, Exception], None]
) -> int:
    """One binary COPY; events packed a slice at a time while the server stores the slices before (on two
    cores, about twice the pace of packing everything first); each feature list stored once."""
    ready: list[tuple[PredictionEvent, Sequence[object]]] = []
    for event in events:
        try:
            ready.append((event, event.values()))
        except Exception as exc:
            refuse(event, exc)
    groups = [
        [ready[i] for i in group] for group in group_by_names(ready, lambda item: item[0].feature_names)
    ]
    written = 0
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor:
            cursor.executemany(
                f"INSERT INTO {FEATURE_LISTS} (feature_list, names) VALUES (%s, CAST(%s AS json)) "
                "ON CONFLICT (feature_list) DO NOTHING",
                [
                    (feature_list_key(g[0][0].feature_names), json_text(list(g[0][0].feature_names)))
                    for g in groups
                ],
            )
            with cursor.copy(
                f"COPY {TABLE_NAME} ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(list(COPY_TYPES))
                for group in groups:
                    for start in range(0, len(group), PACK_SLICE):
                        for row in _packed_rows(group[start : start + PACK_SLICE], refuse):
                            copy.write_row(row)
                            written += 1
    return written


def _packed_rows(
    ready: list[tuple[PredictionEvent, Sequence[object]]],
    refuse: Callable[[PredictionEvent, Exception], None],
) -> Iterator[tuple[object, ...]]:
    """COPY_COLUMNS' values of events of one feature list."""
    packed, kept = pack(
        ready[0][0].feature_names, [values for _, values in ready], lambda i, exc: refuse(ready[i][0], exc)
    )
    for row, i in enumerate(kept):
        event = ready[i][0]
        yield (
            datetime.fromtimestamp(event.event_time, tz=UTC),
            event.request_id,
            event.client_id,
            event.model_version,
            event.probability,
            event.decision,
            event.threshold,
            event.latency_ms,
            event.explained,
            packed.key,
            packed.row_numbers(row),
            packed.others[row],
        )


def row_maker(engine: sa.Engine) -> Callable[[PredictionEvent], Any]:
    """How insert_rows wants an event on this store: to_values(sqlite_time=True) for SQLite, to_row()
    elsewhere (PostgreSQL with psycopg 3 takes packed rows: write_events)."""
    if engine.dialect.name == "sqlite":
        return lambda event: event.to_values(sqlite_time=True)
    return lambda event: event.to_row(naive_time=False)


def insert_rows(engine: sa.Engine, rows: Iterable[Any]) -> None:
    """One transaction with features as JSON: one executemany of plain tuples on SQLite (without SQLAlchemy's
    per-row binding, which cost more than the insert), one multi-row executemany of dicts elsewhere; rows as
    row_maker(engine) makes them."""
    listed = list(rows)
    if not listed:
        return
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            marks = ", ".join("?" for _ in WRITE_COLUMNS)
            conn.exec_driver_sql(
                f"INSERT INTO {TABLE_NAME} ({', '.join(WRITE_COLUMNS)}) VALUES ({marks})", listed
            )
        else:
            conn.execute(prediction_events.insert(), listed)
