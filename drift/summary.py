"""What a drift run says, read from Evidently's JSON by metric type and column name (never by list position).

A column drifted when its ValueDrift test failed: that holds whatever method Evidently chose (a p-value below
the threshold or a distance above it), so the reading does not depend on the sample size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

VALUE_DRIFT = "evidently:metric_v2:ValueDrift"
# A column with values on one side only cannot go through Evidently; it has moved completely, so it counts as
# drifted (score 1 = all values gone); a column empty on both sides carries nothing and is not counted.
ONE_SIDE_EMPTY = "all values missing on one side"
EMPTY_IN_REFERENCE = "empty in the reference"
EMPTY_IN_CURRENT = "empty in the current data"
EMPTY_ON_BOTH_SIDES = "empty on both sides"
ONE_SIDE_REASONS = (EMPTY_IN_REFERENCE, EMPTY_IN_CURRENT)
DRIFTED_COLUMNS_COUNT = "evidently:metric_v2:DriftedColumnsCount"


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    method: str
    threshold: float
    score: float
    drifted: bool
    importance: float


@dataclass(frozen=True)
class DriftSummary:
    columns: tuple[ColumnDrift, ...]
    skipped: Mapping[str, str] = field(default_factory=dict)  # column -> why it was not compared
    weighting: str = "importance"  # or "uniform" when no importance was given

    @property
    def tested(self) -> int:
        return len(self.columns)

    @property
    def drifted(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns if c.drifted)

    @property
    def share_drifted(self) -> float:
        return len(self.drifted) / self.tested if self.tested else 0.0

    @property
    def weighted_score(self) -> float:
        return weighted_drift_score({c.column: c.drifted for c in self.columns}, self.importance_map())

    @property
    def methods(self) -> dict[str, float]:
        """Method name -> threshold, as Evidently resolved them."""
        return {c.method: c.threshold for c in self.columns}

    def importance_map(self) -> dict[str, float]:
        return {c.column: c.importance for c in self.columns}

    def column(self, name: str) -> ColumnDrift:
        for item in self.columns:
            if item.column == name:
                return item
        raise KeyError(f"The column {name} is not in this drift summary.")

    def restricted(self, names: Sequence[str]) -> DriftSummary:
        """The same results on a subset of columns (per-column tests do not depend on the other columns)."""
        keep = set(names)
        return DriftSummary(
            columns=tuple(c for c in self.columns if c.column in keep),
            skipped={k: v for k, v in self.skipped.items() if k in keep},
            weighting=self.weighting,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "tested": self.tested,
            "drifted": list(self.drifted),
            "drifted_count": len(self.drifted),
            "share_drifted": self.share_drifted,
            "weighted_score": self.weighted_score,
            "weighting": self.weighting,
            "methods": self.methods,
            "skipped": dict(self.skipped),
            "columns": [asdict(c) for c in sorted(self.columns, key=lambda c: -c.importance)],
        }


def weighted_drift_score(drifted: Mapping[str, bool], importance: Mapping[str, float]) -> float:
    """Share of the total importance carried by drifted columns, in [0, 1].

    Columns missing from `importance` weigh zero; if no column has a positive weight, every column weighs the
    same.
    """
    if not drifted:
        return 0.0
    weights = {c: max(float(importance.get(c, 0.0)), 0.0) for c in drifted}
    total = sum(weights.values())
    if total <= 0:
        return sum(drifted.values()) / len(drifted)
    return sum(w for c, w in weights.items() if drifted[c]) / total


def summarize(
    report: Mapping[str, Any],
    importance: Mapping[str, float] | None = None,
    skipped: Mapping[str, str] | None = None,
) -> DriftSummary:
    """Build the summary from `DriftRun.as_dict()` (Evidently's snapshot JSON)."""
    metrics = report.get("metrics")
    if not isinstance(metrics, list):
        raise ValueError("This is not an Evidently report: it has no 'metrics' list.")
    status_by_metric: dict[str, str] = {}
    for test in report.get("tests", []):
        metric_id = test.get("metric_config", {}).get("metric_id")
        if metric_id is not None and test.get("id") == "drift":
            status_by_metric[metric_id] = str(test["status"]).rsplit(".", 1)[-1]
    weights = dict(importance or {})
    columns: list[ColumnDrift] = []
    for metric in metrics:
        config = metric.get("config", {})
        if config.get("type") != VALUE_DRIFT:
            continue
        column = config["column"]
        status = status_by_metric.get(metric["id"])
        if status is None:
            raise ValueError(
                f"The report has no drift test for column {column}: build it with include_tests=True "
                "(drift.evidently_report.DriftReportDefinition does)."
            )
        columns.append(
            ColumnDrift(
                column=column,
                method=str(config.get("method")),
                threshold=float(config.get("threshold")),
                score=float(metric["value"]),
                drifted=status == "FAIL",
                importance=float(weights.get(column, 0.0)),
            )
        )
    for column, reason in (skipped or {}).items():
        if reason in ONE_SIDE_REASONS:
            columns.append(
                ColumnDrift(column, ONE_SIDE_EMPTY, 1.0, 1.0, True, float(weights.get(column, 0.0)))
            )
    positive = any(weights.get(c.column, 0.0) > 0 for c in columns)
    return DriftSummary(
        columns=tuple(columns), skipped=dict(skipped or {}), weighting="importance" if positive else "uniform"
    )


def top_features(importance: Mapping[str, float], available: Sequence[str], n: int) -> list[str]:
    """The n most important features among `available`; without importance, the first n available."""
    ranked = [c for c, _ in sorted(importance.items(), key=lambda kv: -kv[1]) if c in set(available)]
    if not ranked:
        return list(available)[:n]
    return ranked[:n]
