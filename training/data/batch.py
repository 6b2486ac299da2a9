"""Loading applications to score: one application file, or a folder where only the application table is required.

Scoring is not training: a batch of new applications often comes without history (clients unknown to the
bureau, no previous loan), so every secondary table is optional and an absent one simply holds no rows (its
row counts become 0 and its other aggregates missing, as for a client without rows). The secondary tables are
cut to the batch's clients while they are read, so a month's applications against the whole book's history
do not hold the whole book in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from training.data.errors import DataError
from training.data.reader import SUFFIXES, optional_file, read_table
from training.data.schema import ARROW_TYPES, TABLES_BY_ATTRIBUTE

SECONDARY: tuple[str, ...] = (
    "bureau",
    "bureau_balance",
    "previous_application",
    "pos_cash_balance",
    "installments_payments",
    "credit_card_balance",
)
APPLICATION_STEMS: tuple[str, ...] = ("application_test", "application_train")
ID = "SK_ID_CURR"
# The official application columns (application_test: no TARGET); a TARGET column in the file is ignored.
APPLICATION_COLUMNS = TABLES_BY_ATTRIBUTE["application_test"].columns


@dataclass
class BatchTables:
    """Applications to score (SK_ID_CURR column, official columns) and the secondary tables cut to them."""

    applications: pd.DataFrame
    bureau: pd.DataFrame
    bureau_balance: pd.DataFrame
    previous_application: pd.DataFrame
    pos_cash_balance: pd.DataFrame
    installments_payments: pd.DataFrame
    credit_card_balance: pd.DataFrame
    application_file: Path
    files: dict[str, Path] = field(default_factory=dict)  # secondary table -> file read (absent: not there)


def application_path(data: Path) -> Path:
    """The application file of `data`: the file itself, or application_test (else application_train) in a folder."""
    data = Path(data)
    if data.is_file():
        if not data.name.endswith(SUFFIXES):
            raise DataError(
                f"{data} is neither CSV, CSV.GZ nor Parquet. Give an application file in one of those formats "
                "or a folder in the official Home Credit schema."
            )
        return data
    if not data.is_dir():
        raise DataError(
            f"{data} does not exist. Give a folder of Home Credit tables or one application file."
        )
    for stem in APPLICATION_STEMS:
        if (found := optional_file(data, stem)) is not None:
            return found
    raise DataError(
        f"{data} holds no application table: expected application_test (or application_train) as .csv, "
        ".csv.gz or .parquet. Only the application table is required; the other tables are optional."
    )


def load_batch(data: Path) -> BatchTables:
    """Read and check the applications of `data` and whatever secondary tables sit beside them."""
    path = application_path(data)
    applications = read_table(path, APPLICATION_COLUMNS)
    check_applications(applications, path)
    folder = Path(data) if Path(data).is_dir() else None
    clients = applications[ID].to_numpy()
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for attribute in SECONDARY:
        spec = TABLES_BY_ATTRIBUTE[attribute]
        found = optional_file(folder, spec.stem)
        if found is None:
            frames[attribute] = empty_table(attribute)
            continue
        files[attribute] = found
        if attribute == "bureau_balance":
            key, keep = "SK_ID_BUREAU", frames["bureau"]["SK_ID_BUREAU"].to_numpy()
        else:
            key, keep = ID, clients
        frames[attribute] = read_table(found, spec.columns, keep=(key, keep))
    return BatchTables(applications=applications, application_file=path, files=files, **frames)


def check_applications(applications: pd.DataFrame, path: Path) -> None:
    """At least one client, and none twice."""
    if applications.empty:
        raise DataError(f"{path} holds no application rows; give a file with at least one client.")
    duplicated = applications[ID][applications[ID].duplicated()]
    if len(duplicated):
        raise DataError(
            f"{path}, column {ID}: {len(duplicated)} duplicated id(s), e.g. {int(duplicated.iloc[0])}. "
            "Each client must appear once in a batch; remove the duplicates."
        )


def empty_table(attribute: str) -> pd.DataFrame:
    """The table with its official columns and dtypes, and no rows."""
    columns = TABLES_BY_ATTRIBUTE[attribute].columns
    schema = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in columns.items()])
    return schema.empty_table().to_pandas()
