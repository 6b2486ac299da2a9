"""The methodology note's run blocks come from the pipeline's outputs: the command copies them and rewrites the
block; the note in the repository still matches the files it cites."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from training.report import FIGURES
from training.run_docs import (
    METHODOLOGY,
    RUNS,
    RunDocsError,
    _threshold_rule,
    _versus_baseline,
    block_pattern,
    document_run,
    documented_runs,
    fr,
    render_block,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def fake_report(folder: Path, threshold: float = 0.512) -> Path:
    folder.mkdir(parents=True)
    rows = []
    for model, imbalance, auc, cost in [
        ("dummy", "none", 0.5, 0.809),
        ("logistic_regression", "class_weight", 0.759, 0.52),
        ("catboost", "undersample", 0.784, 0.493),
    ]:
        rows.append(
            {
                "stage": "baseline",
                "model": model,
                "imbalance": imbalance,
                "cv_auc": auc,
                "cv_auc_std": 0.006,
                "train_auc": 0.8,
                "cost_at_0.5": cost + 0.01,
                "cost_at_0.5_std": 0.01,
                "threshold": threshold,
                "cost_at_threshold": cost,
                "cost_at_threshold_std": 0.012,
                "accuracy": 0.73,
                "precision": 0.18,
                "recall": 0.69,
                "recall_std": 0.01,
                "fit_seconds": 30.0,
                "params": "{}",
            }
        )
    pd.DataFrame(rows).to_csv(folder / "model_comparison.csv", index=False)
    metrics = {
        "threshold": threshold,
        "holdout_auc": 0.788,
        "holdout_cost": 0.486,
        "holdout_cost_at_0.5": 0.487,
        "holdout_accuracy": 0.744,
        "holdout_recall": 0.684,
    }
    summary = {
        "n_train": 307_511,
        "n_test": 48_744,
        "default_rate": 0.0809,
        "n_features": 329,
        "n_holdout": 61_503,
        "n_development": 246_008,
        "n_searched": 50_000,
        "n_folds": 3,
        "model": "catboost",
        "imbalance": "undersample",
        "params": {},
        "metrics": metrics,
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    for name in FIGURES.values():
        (folder / name).write_bytes(PNG)
    (folder / "report.md").write_text("# a report with single clients in it\n")
    return folder


def test_french_numbers() -> None:
    assert fr(0.5123) == "0,512" and fr(8.09, 2) == "8,09"
    assert fr(307_511, 0) == "307\u202f511"


def test_the_command_copies_the_aggregates_and_rewrites_only_its_block(tmp_path: Path) -> None:
    report = fake_report(tmp_path / "reports" / "demo-1")
    note = tmp_path / "methodology.md"
    note.write_text("# Note\n\nbefore\n<!-- run:big -->\nold text\n<!-- /run:big -->\nafter\n")
    target = document_run(report, "big", note_path=note, runs=tmp_path / "runs")
    assert sorted(p.name for p in target.iterdir()) == sorted(
        ["model_comparison.csv", "summary.json", *FIGURES.values()]
    )
    assert not (target / "report.md").exists()  # single clients' explanations stay out of the docs
    text = note.read_text()
    assert text.startswith("# Note\n\nbefore\n<!-- run:big ") and text.endswith("<!-- /run:big -->\nafter\n")
    assert "old text" not in text
    assert "| CatBoost | sous-échantillonnage | 0,784 ± 0,006 | 0,503 | 0,512 | 0,493 ± 0,012 |" in text
    assert "échantillon stratifié de 50\u202f000 des 246\u202f008 clients" in text
    assert "AUC 0,788, coût 0,486 par demandeur" in text and "tout accorder coûterait 0,809" in text
    assert text.count("![") == 5 and "](runs/big/roc_pr_curves.png)" in text
    # a second run of the command gives the same note
    document_run(report, "big", note_path=note, runs=tmp_path / "runs")
    assert note.read_text() == text


def test_bad_requests_are_explained(tmp_path: Path) -> None:
    report = fake_report(tmp_path / "run")
    note = tmp_path / "methodology.md"
    note.write_text("# Note without blocks\n")
    with pytest.raises(RunDocsError, match=r"has no block for the run 'big'.*<!-- run:big -->"):
        document_run(report, "big", note_path=note, runs=tmp_path / "runs")
    assert note.read_text() == "# Note without blocks\n"  # nothing lost
    (report / "summary.json").unlink()
    with pytest.raises(RunDocsError, match=r"missing: summary\.json"):
        document_run(report, "big", note_path=note, runs=tmp_path / "runs")
    with pytest.raises(RunDocsError, match="lower-case"):
        document_run(report, "Big Run", note_path=note, runs=tmp_path / "runs")


def test_the_note_matches_the_run_files_it_cites() -> None:
    note = METHODOLOGY.read_text(encoding="utf-8")
    names = documented_runs(note)
    assert {"real-sample", "real-size-generated"} <= set(names)
    for name in names:
        found = block_pattern(name).search(note)
        assert found is not None
        assert found.group(0) == render_block(name, RUNS / name), (
            f"the block of {name} was edited by hand or its files changed: run `python -m training document-run`"
        )
        for figure in re.findall(rf"\]\(runs/{name}/([^)]+)\)", found.group(0)):
            assert (RUNS / name / figure).read_bytes()[:8] == PNG[:8]


def test_the_saving_against_the_baseline_is_claimed_only_when_its_interval_excludes_no_gain() -> None:
    assert "intervalle compris" in _versus_baseline(True, saving_high=-0.002)
    assert "n'exclut pas l'absence de gain" in _versus_baseline(True, saving_high=0.004)
    assert "n'est pas battue" in _versus_baseline(False, saving_high=-0.1)


def test_the_threshold_rule_is_named_as_the_run_set_it() -> None:
    bayes = _threshold_rule({"threshold_rule": "bayes", "metrics": {"threshold": 1 / 11}})
    assert "0,091" in bayes and "coût FP / (coût FP + coût FN)" in bayes
    # runs published before the rule say how their threshold was chosen then
    assert (
        _threshold_rule({"metrics": {"threshold": 0.088}})
        == "le seuil est choisi sur la probabilité calibrée"
    )
