"""The Evidently report finds drift exactly where it was planted, and is read by metric type and column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drift.evidently_report import (
    EMPTY_IN_CURRENT,
    EMPTY_ON_BOTH_SIDES,
    DriftReportDefinition,
    infer_categorical,
)
from drift.summary import ONE_SIDE_EMPTY, summarize, top_features


def frames(n: int, shift: bool, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def make(planted: bool) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "income": rng.lognormal(11, 0.4, n) * (1.8 if planted else 1.0),
                "age": rng.normal(40, 10, n),
                "ext_score": rng.uniform(0, 1, n),
                "contract": rng.choice(["cash", "revolving"], n, p=[0.3, 0.7] if planted else [0.9, 0.1]),
                "gender": rng.choice(["F", "M"], n, p=[0.65, 0.35]),
            }
        )

    return make(False), make(shift)


@pytest.mark.parametrize("n", [300, 1500])  # p-value tests below 1,000 rows, distances above
def test_drift_found_exactly_where_planted(n: int) -> None:
    reference, current = frames(n, shift=True)
    definition = DriftReportDefinition(list(reference.columns), categorical=infer_categorical(reference))
    run = definition.run(reference, current)
    summary = summarize(run.as_dict(), skipped=run.skipped)
    assert set(summary.drifted) == {"income", "contract"}
    assert summary.tested == 5
    assert summary.share_drifted == pytest.approx(0.4)
    expected_kind = "p_value" if n <= 1000 else "distance"
    assert all(expected_kind in c.method for c in summary.columns)


def test_no_drift_when_nothing_changed() -> None:
    reference, current = frames(2000, shift=False, seed=1)
    definition = DriftReportDefinition(list(reference.columns), categorical=["contract", "gender"])
    summary = summarize(definition.run(reference, current).as_dict())
    assert summary.drifted == ()
    assert summary.weighted_score == 0.0


def test_explicit_method_is_used_and_read_back() -> None:
    reference, current = frames(2000, shift=True)
    definition = DriftReportDefinition(["income", "age"], categorical=[], method="psi", threshold=0.1)
    summary = summarize(definition.run(reference, current).as_dict())
    assert summary.methods == {"psi": 0.1}
    assert summary.column("income").drifted and not summary.column("age").drifted
    assert summary.column("income").score > 0.1


def test_column_empty_in_current_is_set_aside_not_fatal() -> None:
    reference, current = frames(500, shift=False)
    current["age"] = np.nan
    definition = DriftReportDefinition(list(reference.columns), categorical=["contract", "gender"])
    run = definition.run(reference, current)
    assert run.skipped == {"age": EMPTY_IN_CURRENT}
    summary = summarize(run.as_dict(), {"age": 3.0, "income": 1.0}, skipped=run.skipped)
    assert summary.column("age").drifted and summary.column("age").method == ONE_SIDE_EMPTY
    assert summary.to_dict()["skipped"] == {"age": EMPTY_IN_CURRENT}
    assert summary.weighted_score == pytest.approx(
        0.75
    )  # the emptied column carries 3 of 4 units of importance


def test_column_empty_on_both_sides_is_not_counted() -> None:
    reference, current = frames(300, shift=False)
    reference["age"] = np.nan
    current["age"] = np.nan
    run = DriftReportDefinition(["income", "age"]).run(reference, current)
    summary = summarize(run.as_dict(), skipped=run.skipped)
    assert run.skipped == {"age": EMPTY_ON_BOTH_SIDES}
    assert [c.column for c in summary.columns] == ["income"]


def test_missing_column_is_a_clear_error() -> None:
    reference, current = frames(100, shift=False)
    definition = DriftReportDefinition(["income", "absent"])
    with pytest.raises(ValueError, match="absent"):
        definition.run(reference, current)


def test_report_saves_html_and_json(tmp_path) -> None:
    reference, current = frames(300, shift=True)
    run = DriftReportDefinition(["income", "age"]).run(reference, current)
    html, js = run.save(tmp_path, "top")
    assert html.stat().st_size > 10_000 and "income" in html.read_text()
    assert js.read_text().startswith("{")


def test_no_logged_text_can_close_the_reports_script(tmp_path) -> None:
    reference, current = frames(300, shift=False)
    current.loc[:20, "contract"] = (
        "</script><script>alert(1)</script>"  # a what-if logged before levels were checked
    )
    reference.loc[:5, "gender"] = "<b>F</b>"
    run = DriftReportDefinition(["contract", "gender"], categorical=["contract", "gender"]).run(
        reference, current
    )
    html, _ = run.save(tmp_path, "top")
    text = html.read_text()
    assert "alert(1)" not in text and "<b>F</b>" not in text
    assert "(level unknown to the model)" in text


def test_summary_ignores_order_of_metrics() -> None:
    reference, current = frames(1500, shift=True)
    raw = (
        DriftReportDefinition(list(reference.columns), categorical=["contract", "gender"])
        .run(reference, current)
        .as_dict()
    )
    raw["metrics"] = list(reversed(raw["metrics"]))
    raw["tests"] = list(reversed(raw["tests"]))
    assert set(summarize(raw).drifted) == {"income", "contract"}


def test_top_features_by_importance() -> None:
    importance = {"a": 0.1, "b": 0.5, "c": 0.3, "gone": 0.9}
    assert top_features(importance, ["a", "b", "c"], 2) == ["b", "c"]
    assert top_features({}, ["x", "y", "z"], 2) == ["x", "y"]


def test_preset_with_drift_table_reads_the_same() -> None:
    reference, current = frames(300, shift=True)
    columns = list(reference.columns)
    plain = DriftReportDefinition(columns, categorical=["contract", "gender"]).run(reference, current)
    table = DriftReportDefinition(columns, categorical=["contract", "gender"], table=True).run(
        reference, current
    )
    assert summarize(plain.as_dict()).to_dict() == summarize(table.as_dict()).to_dict()
