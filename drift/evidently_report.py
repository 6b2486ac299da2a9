"""The Evidently data-drift report: its definition is built once (columns, types, method), then run per
comparison.

Evidently refuses a column that is empty on one side, so such columns are set aside and named in the result
rather than failing the whole run; their missing-value rate is the finding.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.metrics import ValueDrift
from evidently.presets import DataDriftPreset

from common.errors import UserError
from drift.summary import EMPTY_IN_CURRENT, EMPTY_IN_REFERENCE, EMPTY_ON_BOTH_SIDES

UNKNOWN_LEVEL = "(level unknown to the model)"
INERT = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "\uff06"})


@dataclass
class DriftRun:
    """One comparison: the Evidently snapshot (HTML, JSON) and the columns that could not be compared."""

    snapshot: Any  # evidently.core.report.Snapshot
    columns: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON types (test statuses as strings), for reading results by metric type and column."""
        return json.loads(self.snapshot.json())

    def save(self, folder: Path, stem: str) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        html, js = folder / f"{stem}.html", folder / f"{stem}.json"
        self.snapshot.save_html(str(html))
        js.write_text(self.snapshot.json())
        return html, js


class ReportError(UserError, ValueError):
    """Two tables the report cannot compare; the message says which columns or rows and what to do."""


class DriftReportDefinition:
    """Which columns, of which type, compared by which method. Built once; `run` compares two frames."""

    def __init__(
        self,
        columns: Sequence[str],
        categorical: Sequence[str] = (),
        method: str | None = None,
        threshold: float | None = None,
        table: bool = False,
    ) -> None:
        """`table=True` uses Evidently's DataDriftPreset, whose HTML opens on the drift table of every column;
        it computes each column's drift three times and draws it twice, so it is about 2.5 times slower than the
        default (one ValueDrift metric per column, with its own distribution plot)."""
        if not columns:
            raise ReportError("The drift report needs at least one column to compare.")
        self.columns = tuple(dict.fromkeys(columns))
        self.categorical = frozenset(c for c in categorical if c in self.columns)
        self.method = method
        self.threshold = threshold
        self.table = table
        self._reports: dict[tuple[str, ...], Report] = {self.columns: self._build(self.columns)}

    def _build(self, columns: tuple[str, ...]) -> Report:
        # include_tests: the per-column test status says "drifted" whatever the method
        if self.table:
            preset = DataDriftPreset(columns=list(columns), method=self.method, threshold=self.threshold)
            return Report([preset], include_tests=True)
        metrics = [ValueDrift(column=c, method=self.method, threshold=self.threshold) for c in columns]
        return Report(metrics, include_tests=True)

    def _report_for(self, columns: tuple[str, ...]) -> Report:
        if columns not in self._reports:
            self._reports[columns] = self._build(columns)
        return self._reports[columns]

    def _definition(self, columns: Sequence[str]) -> DataDefinition:
        return DataDefinition(
            numerical_columns=[c for c in columns if c not in self.categorical],
            categorical_columns=[c for c in columns if c in self.categorical],
        )

    def _prepare(self, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        out: dict[str, pd.Series] = {}
        for column in columns:
            values = frame[column]
            if column in self.categorical:
                out[column] = (
                    values.astype(object)
                    .where(values.notna(), None)
                    .map(lambda v: v if v is None else str(v))
                )
            else:
                try:
                    numbers = pd.to_numeric(values, errors="raise")
                except (TypeError, ValueError) as exc:
                    raise ReportError(
                        f"The column {column} holds values that are not numbers ({exc}). Declare it categorical "
                        "or compare tables built by the same feature code."
                    ) from exc
                out[column] = numbers.astype(float).replace([np.inf, -np.inf], np.nan)
        return pd.DataFrame(out, index=frame.index)

    def run(self, reference: pd.DataFrame, current: pd.DataFrame) -> DriftRun:
        missing = [c for c in self.columns if c not in reference.columns or c not in current.columns]
        if missing:
            side = "reference" if any(c not in reference.columns for c in missing) else "current data"
            raise ReportError(
                f"{len(missing)} column(s) of the report are absent from the {side}: "
                f"{', '.join(missing[:10])}. "
                "Compare tables built by the same feature code, or restrict the report to common columns."
            )
        if reference.empty or current.empty:
            raise ReportError(
                f"Nothing to compare: {len(reference)} reference rows and {len(current)} current rows."
            )
        skipped: dict[str, str] = {}
        for column in self.columns:
            empty_ref, empty_cur = reference[column].isna().all(), current[column].isna().all()
            if empty_ref or empty_cur:
                skipped[column] = (
                    EMPTY_ON_BOTH_SIDES
                    if empty_ref and empty_cur
                    else EMPTY_IN_REFERENCE
                    if empty_ref
                    else EMPTY_IN_CURRENT
                )
        usable = tuple(c for c in self.columns if c not in skipped)
        if not usable:
            raise ReportError("Every column of the report is empty on one side: there is nothing to compare.")
        definition = self._definition(usable)
        prepared_ref, prepared_cur = self._prepare(reference, usable), self._prepare(current, usable)
        for column in usable:
            if column in self.categorical:  # text reaches Evidently's HTML: only known levels, made inert
                known = set(prepared_ref[column].dropna())
                prepared_cur[column] = prepared_cur[column].map(
                    lambda v, known=known: v if v is None or v in known else UNKNOWN_LEVEL
                )
                prepared_ref[column] = prepared_ref[column].map(inert_text)
                prepared_cur[column] = prepared_cur[column].map(inert_text)
        ref = Dataset.from_pandas(prepared_ref, data_definition=definition)
        cur = Dataset.from_pandas(prepared_cur, data_definition=definition)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # constant columns make numpy warn inside Evidently's histograms; the result is still defined
            warnings.simplefilter("ignore", RuntimeWarning)
            snapshot = self._report_for(usable).run(current_data=cur, reference_data=ref)
        return DriftRun(snapshot=snapshot, columns=usable, skipped=skipped)


def inert_text(value: str | None) -> str | None:
    """Text as it may appear in a report: Evidently writes data raw into a <script> block, so the characters
    that could close it or open markup are replaced by look-alikes (the text stays readable)."""
    if value is None:
        return None
    return value.translate(INERT)


def infer_categorical(frame: pd.DataFrame, declared: Sequence[str] = ()) -> list[str]:
    """Declared categorical features plus every non-numeric column of the frame."""
    found = [
        c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c]) or frame[c].dtype == bool
    ]
    return list(dict.fromkeys([*[c for c in declared if c in frame.columns], *found]))
