"""Loading a folder of Home Credit tables into memory, checked against the official schema and its keys.

Everything later (features, the portfolio, drift references) starts from `load_tables`, so a broken folder is
refused here with a message that says which file and which column to fix, rather than failing later as a
puzzling NaN or a join that silently drops clients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from training.data.errors import DataError
from training.data.reader import find_file, read_dictionary, read_table
from training.data.schema import DICTIONARY_STEM, TABLES

__all__ = ["DEFAULT_MAX_ORPHAN_SHARE", "DataError", "HomeCreditTables", "load_tables"]

logger = logging.getLogger(__name__)

# Share of a table's rows whose parent key may be absent before the key is called broken. The full Kaggle
# extract has a few percent of bureau_balance rows whose SK_ID_BUREAU is not in bureau; a folder mixing two
# extracts has (nearly) all of them.
DEFAULT_MAX_ORPHAN_SHARE = 0.10


@dataclass
class HomeCreditTables:
    application_train: pd.DataFrame  # SK_ID_CURR int32, TARGET int8, all official columns
    application_test: pd.DataFrame
    bureau: pd.DataFrame
    bureau_balance: pd.DataFrame
    previous_application: pd.DataFrame
    pos_cash_balance: pd.DataFrame  # file POS_CASH_balance
    installments_payments: pd.DataFrame
    credit_card_balance: pd.DataFrame
    columns_description: pd.DataFrame  # the data dictionary (cp1252 in the real file)
    notes: list[str] = field(default_factory=list)  # tolerated oddities (orphan keys below the threshold)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table by attribute name, the dictionary last."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "notes"}

    def summary(self) -> pd.DataFrame:
        """Rows, columns and memory per table (what `validate` prints)."""
        rows = [
            {
                "table": name,
                "rows": len(frame),
                "columns": frame.shape[1],
                "memory_mb": frame.memory_usage(deep=True).sum() / 2**20,
            }
            for name, frame in self.frames().items()
        ]
        return pd.DataFrame(rows).set_index("table")


def load_tables(
    folder: Path, *, progress: bool = False, max_orphan_share: float = DEFAULT_MAX_ORPHAN_SHARE
) -> HomeCreditTables:
    """Read and validate the eight tables and the dictionary of `folder` (CSV, CSV.gz or Parquet)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(
            f"The data folder {folder} does not exist. Give a folder holding the Home Credit files, "
            "or generate one with `python -m training generate --out DIR`."
        )
    paths = {
        spec.attribute: find_file(folder, spec.stem) for spec in TABLES
    }  # every file present before reading
    dictionary_path = find_file(folder, DICTIONARY_STEM)
    frames: dict[str, pd.DataFrame] = {}
    for spec in tqdm(TABLES, desc="loading tables", unit="table", disable=not progress):
        frames[spec.attribute] = read_table(paths[spec.attribute], spec.columns)
    tables = HomeCreditTables(**frames, columns_description=read_dictionary(dictionary_path))  # type: ignore[arg-type]
    _check_keys(tables, paths, max_orphan_share)
    return tables


def _check_keys(tables: HomeCreditTables, paths: dict[str, Path], max_orphan_share: float) -> None:
    for spec in TABLES:
        if spec.primary_key is None:
            continue
        keys = getattr(tables, spec.attribute)[spec.primary_key]
        duplicated = keys[keys.duplicated()]
        if len(duplicated):
            raise DataError(
                f"{paths[spec.attribute]}, column {spec.primary_key}: {len(duplicated)} duplicated id(s), "
                f"e.g. {int(duplicated.iloc[0])}. Each {spec.primary_key} must appear once; "
                "remove the duplicates."
            )
    train_ids = tables.application_train["SK_ID_CURR"].to_numpy()
    test_ids = tables.application_test["SK_ID_CURR"].to_numpy()
    both = np.intersect1d(train_ids, test_ids)
    if len(both):
        raise DataError(
            f"{paths['application_test']}, column SK_ID_CURR: {len(both)} client(s) are also in "
            f"application_train, e.g. {int(both[0])}. A client is either a training or a test client; "
            "fix one of the two files."
        )
    target = tables.application_train["TARGET"]
    if not target.isin([0, 1]).all():
        raise DataError(
            f"{paths['application_train']}, column TARGET: values other than 0 and 1 "
            f"({sorted(set(target.unique()) - {0, 1})[:5]}). TARGET must be 1 for default and 0 otherwise."
        )
    clients = np.concatenate([train_ids, test_ids])
    for attribute in (
        "bureau",
        "previous_application",
        "pos_cash_balance",
        "installments_payments",
        "credit_card_balance",
    ):
        _check_parent(
            tables, paths, attribute, "SK_ID_CURR", clients, "the application files", max_orphan_share
        )
    bureau_ids = tables.bureau["SK_ID_BUREAU"].to_numpy()
    _check_parent(tables, paths, "bureau_balance", "SK_ID_BUREAU", bureau_ids, "bureau", max_orphan_share)
    for attribute in ("pos_cash_balance", "installments_payments", "credit_card_balance"):
        _check_same_client(tables, paths, attribute)


def _is_member(values: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """np.isin for non-negative int ids, through a lookup table (fast on tens of millions of rows)."""
    if len(values) == 0 or len(universe) == 0:
        return np.zeros(len(values), dtype=bool)
    top = int(max(values.max(), universe.max())) + 1
    if values.min() < 0 or universe.min() < 0 or top > 200_000_000:
        return np.isin(values, universe)
    present = np.zeros(top, dtype=bool)
    present[universe] = True
    return present[values]


def _check_parent(
    tables: HomeCreditTables,
    paths: dict[str, Path],
    attribute: str,
    column: str,
    parents: np.ndarray,
    parent_name: str,
    max_orphan_share: float,
) -> None:
    values = getattr(tables, attribute)[column].to_numpy()
    orphans = ~_is_member(values, parents)
    count = int(orphans.sum())
    if count == 0:
        return
    share = count / len(values)
    example = int(values[orphans][0])
    message = (
        f"{paths[attribute]}, column {column}: {count} row(s) ({share:.1%}) "
        f"refer to ids absent from {parent_name}"
    )
    if share > max_orphan_share:
        raise DataError(
            f"{message}, e.g. {example}. The key is broken: the files do not come from the same extract. "
            f"Use matching files (at most {max_orphan_share:.0%} of such rows are tolerated)."
        )
    note = f"{message}; tolerated (at most {max_orphan_share:.0%})."
    logger.warning(note)
    tables.notes.append(note)


def _check_same_client(tables: HomeCreditTables, paths: dict[str, Path], attribute: str) -> None:
    """A monthly or payment row of a previous credit must belong to the client who applied for that credit."""
    previous = tables.previous_application
    child = getattr(tables, attribute)
    if len(previous) == 0 or len(child) == 0:
        return
    prev_ids = previous["SK_ID_PREV"].to_numpy()
    owner = pd.Series(previous["SK_ID_CURR"].to_numpy(), index=prev_ids)
    child_prev = child["SK_ID_PREV"].to_numpy()
    known = _is_member(child_prev, prev_ids)
    expected = owner.reindex(child_prev[known]).to_numpy()
    wrong = expected != child["SK_ID_CURR"].to_numpy()[known]
    if wrong.any():
        example = int(child_prev[known][wrong][0])
        raise DataError(
            f"{paths[attribute]}, column SK_ID_CURR: {int(wrong.sum())} row(s) of a previous credit belong "
            "to "
            f"another client than in previous_application (e.g. SK_ID_PREV {example}). The key is broken; "
            "use matching files."
        )
    orphans = int((~known).sum())
    if orphans:  # normal in the real data: some credits' applications are outside the extract
        tables.notes.append(
            f"{paths[attribute]}: {orphans} row(s) with an SK_ID_PREV absent from previous_application."
        )
