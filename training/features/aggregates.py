"""Per-client aggregates of the six secondary tables, computed by DuckDB over the in-memory pandas frames.

DuckDB scans the frames in place (no copy) and streams the group-bys with a memory limit, so memory stays
flat on the real tables (27 million bureau_balance rows). Each family is one query generated from its
declarative definition (see `training.features.spec`).

Missing data: a client without rows in a table gets 0 for the row counts of that table (the `*_COUNT`
features that count rows, e.g. BUREAU_COUNT, PREV_REFUSED_COUNT) and a missing value for every other
feature.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import Protocol

import duckdb
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from training.data.errors import FeatureInputError
from training.features import bureau, credit_card, installments, pos_cash, previous
from training.features.spec import Family

FAMILIES: tuple[Family, ...] = (
    bureau.FAMILY,
    previous.FAMILY,
    pos_cash.FAMILY,
    installments.FAMILY,
    credit_card.FAMILY,
)

DEFAULT_THREADS = 2
DEFAULT_MEMORY_LIMIT = "4GB"


class SecondaryTables(Protocol):
    """The secondary tables of `training.data.loader.HomeCreditTables` (official Home Credit columns)."""

    bureau: pd.DataFrame
    bureau_balance: pd.DataFrame
    previous_application: pd.DataFrame
    pos_cash_balance: pd.DataFrame
    installments_payments: pd.DataFrame
    credit_card_balance: pd.DataFrame


def aggregate_texts() -> dict[str, tuple[str, str]]:
    """Every aggregate feature -> (French, English) description."""
    return {name: (fr, en) for family in FAMILIES for name, _sql, fr, en, _count in family.columns()}


def row_count_features() -> list[str]:
    """The aggregate features that count rows: 0 (not missing) for a client without rows."""
    return [name for family in FAMILIES for name, *_, is_count in family.columns() if is_count]


def aggregate_features(
    tables: SecondaryTables,
    client_ids: Iterable[int] | pd.Index,
    *,
    threads: int = DEFAULT_THREADS,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    progress: bool = False,
) -> pd.DataFrame:
    """Aggregates of the secondary tables for `client_ids`: float32, index SK_ID_CURR in the order given."""
    ids = pd.Index(
        np.asarray(list(client_ids) if not isinstance(client_ids, pd.Index) else client_ids, dtype=np.int64)
    )
    ids = ids.drop_duplicates()
    ids.name = "SK_ID_CURR"
    clients = pd.DataFrame({"SK_ID_CURR": ids.to_numpy()})
    parts = []
    with (
        tempfile.TemporaryDirectory(prefix="features-duckdb-") as spill,
        duckdb.connect(
            config={
                "threads": threads,
                "memory_limit": memory_limit,
                "temp_directory": spill,
                "preserve_insertion_order": False,
            }
        ) as con,
    ):
        con.register("clients", clients)
        for family in tqdm(FAMILIES, desc="aggregates", unit="table", disable=not progress):
            parts.append(_run_family(con, family, tables, ids))
    if not parts:
        return pd.DataFrame(index=ids)
    return pd.concat(parts, axis=1)


def _run_family(
    con: duckdb.DuckDBPyConnection, family: Family, tables: SecondaryTables, ids: pd.Index
) -> pd.DataFrame:
    for attribute, columns in family.tables.items():
        frame = getattr(tables, attribute)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise FeatureInputError(
                f"The table {attribute} lacks the columns {missing} that the {family.prefix}_* features "
                "need. Give the official Home Credit files (check them with "
                "`python -m training validate --data DIR`)."
            )
        con.register(attribute, _queryable(frame))
    try:
        result = con.execute(family.query().replace("{clients}", "clients")).df()
    finally:
        for attribute in family.tables:
            con.unregister(attribute)
    result = result.set_index("SK_ID_CURR").reindex(ids)
    counts = [name for name, *_, is_count in family.columns() if is_count]
    result[counts] = result[counts].fillna(0.0)
    return result.astype(np.float32)


def _queryable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as DuckDB should see it. A pandas category is read as an ENUM of its categories, compared to
    text constants at the cost of an integer; but a category column without any value has no text categories
    and would read as numbers, so such columns (only ever in tiny or empty tables) go as plain objects."""
    odd = [
        name
        for name, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype) and not pd.api.types.is_string_dtype(dtype.categories.dtype)
    ]
    return frame.astype(dict.fromkeys(odd, object)) if odd else frame
