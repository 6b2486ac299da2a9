"""`python -m drift report` on feature tables (Parquet and CSV) with a bundle's importance, and on the real sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from drift.__main__ import main
from registry.bundle import ModelBundle

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def small_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.bundle_factory import make_random_bundle

    return make_random_bundle(tmp_path_factory.mktemp("drift-bundle"))


def test_report_on_tables_with_importance(small_bundle_dir: Path, tmp_path: Path) -> None:
    reference = ModelBundle.load(small_bundle_dir).reference
    current = reference.sample(frac=1.0, random_state=1).copy()
    current["AMT_INCOME_TOTAL"] = current["AMT_INCOME_TOTAL"] * 2  # planted
    current["INST_LATE_DAYS_MEAN"] = np.nan  # emptied: cannot go through Evidently, counts as drifted
    reference.to_parquet(tmp_path / "reference.parquet")
    current.to_csv(tmp_path / "current.csv")
    out = tmp_path / "out"
    argv = [
        "report",
        "--reference",
        str(tmp_path / "reference.parquet"),
        "--current",
        str(tmp_path / "current.csv"),
    ]
    assert main([*argv, "--out", str(out), "--importance-from", str(small_bundle_dir), "--top", "5"]) == 0
    for name in ("all.html", "all.json", "top.html", "top.json", "summary.json", "summary.md"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["all"]["drifted"]) == {"AMT_INCOME_TOTAL", "INST_LATE_DAYS_MEAN"}
    features = ModelBundle.load(small_bundle_dir).metadata.features
    assert summary["all"]["tested"] == len(features)  # TARGET, PROBABILITY and the id are left out
    assert summary["all"]["weighting"] == "importance"
    importance = ModelBundle.load(small_bundle_dir).metadata.global_importance
    expected = (importance["AMT_INCOME_TOTAL"] + importance["INST_LATE_DAYS_MEAN"]) / sum(importance.values())
    assert summary["all"]["weighted_score"] == pytest.approx(expected)
    assert summary["top"]["features"] == list(importance)[:5]
    assert summary["all"]["skipped"] == {"INST_LATE_DAYS_MEAN": "empty in the current data"}
    assert "| AMT_INCOME_TOTAL |" in (out / "summary.md").read_text()


def test_report_errors_are_sentences(tmp_path: Path, caplog) -> None:
    argv = ["report", "--reference", str(tmp_path / "nope.parquet"), "--current", str(tmp_path / "x.csv")]
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in caplog.text
    pd.DataFrame({"a": [1.0, 2.0]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"b": [1.0, 2.0]}).to_parquet(tmp_path / "b.parquet")
    argv = ["report", "--reference", str(tmp_path / "a.parquet"), "--current", str(tmp_path / "b.parquet")]
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    assert "share no feature column" in caplog.text


@pytest.mark.real_data
def test_report_on_the_real_sample(real_sample_dir: Path, tmp_path: Path) -> None:
    """Train sample vs the full application_test: the test clients have no secondary rows in the sample, so every
    aggregate is empty or zero for them, while most application features hold."""
    out = tmp_path / "real"
    argv = [
        "report",
        "--reference",
        str(real_sample_dir),
        "--current",
        str(real_sample_dir),
        "--out",
        str(out),
    ]
    assert main([*argv, "--sample", "1000"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["reference_rows"] == 1000 and summary["current_rows"] == 1000
    groups = summary["groups"]
    assert groups["aggregates"]["share_drifted"] == 1.0
    assert groups["application"]["share_drifted"] < 0.5
