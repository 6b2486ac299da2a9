"""`python -m scoring_service.batch score` on files: the same probabilities and decisions as the service's
Score and ScoreBatch over gRPC, reasons, optional tables, and clear errors that leave no output behind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring_service.batch.__main__ import main
from scoring_service.client import ScoringClient
from scoring_service.domain import ScoreRequest
from tests.batch_support import write_tiny_folder
from tests.server_support import serve

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_folder(tmp_path_factory.mktemp("batch") / "data")


def _score(data: Path, model: Path, out: Path, *extra: str) -> int:
    return main(
        ["score", "--data", str(data), "--model", str(model), "--out", str(out), "--no-progress", *extra]
    )


def test_batch_matches_score_and_score_batch_over_grpc(
    folder: Path, tiny_bundle_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.parquet"
    assert _score(folder, tiny_bundle_dir, out, "--explain", "--top-k", "3") == 0
    summary = capsys.readouterr().out
    batch = pd.read_parquet(out)
    assert "200 clients scored with model version 1 on duckdb" in summary
    assert list(batch.columns[:5]) == ["SK_ID_CURR", "probability", "decision", "threshold", "model_version"]
    assert batch["SK_ID_CURR"].is_unique and len(batch) == 200
    refused = int((batch["decision"] == "refused").sum())
    assert f"{refused:,} refused" in summary
    assert not list(tmp_path.glob(".*partial*"))

    ids = [int(i) for i in batch["SK_ID_CURR"]]
    with serve(tiny_bundle_dir, tmp_path) as (address, _), ScoringClient(address) as client:
        streamed = {r.client_id: r for r in client.score_batch(ids, explain=True)}
        singles = {i: client.score(ScoreRequest(client_id=i)) for i in ids[:20]}
    for row in batch.itertuples(index=False):
        service = streamed[row.SK_ID_CURR]
        assert abs(row.probability - service.probability) <= 1e-9
        assert row.decision == service.decision.value
        assert row.threshold == service.threshold and row.model_version == service.model_version
        assert service.reasons is not None
        top = [(r.group, r.sentence) for r in service.reasons.groups[:3]]
        assert [(row.reason_1_code, row.reason_1), (row.reason_2_code, row.reason_2)] == top[:2]
        assert row.reason_3_code == top[2][0]
        assert abs(row.reason_1_contribution - service.reasons.groups[0].contribution) <= 1e-9
    for client_id, result in singles.items():
        expected = batch.loc[batch["SK_ID_CURR"] == client_id].iloc[0]
        assert abs(expected["probability"] - result.probability) <= 1e-9
        assert expected["decision"] == result.decision.value


def test_new_applications_without_history_match_score_with_values(
    folder: Path, tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    """A single application file (no other table): the same probability as Score with the application's values."""
    applications = pd.read_parquet(folder / "application_test.parquet").head(5)
    single = tmp_path / "new.csv.gz"
    applications.to_csv(single, index=False)
    out = tmp_path / "scores.csv"
    assert _score(single, tiny_bundle_dir, out, "--explain", "--top-k", "2", "--language", "en") == 0
    batch = pd.read_csv(out)
    assert len(batch) == 5 and {"reason_1", "reason_2_contribution"} <= set(batch.columns)
    with serve(tiny_bundle_dir, tmp_path) as (address, _), ScoringClient(address) as client:
        for record, row in zip(applications.to_dict("records"), batch.itertuples(index=False), strict=True):
            values = {
                k: (v if isinstance(v, str) else float(v))
                for k, v in record.items()
                if k != "SK_ID_CURR" and not (not isinstance(v, str) and pd.isna(v))
            }
            result = client.score(ScoreRequest(values=values, explain=True, top_k=2, language="en"))
            assert abs(result.probability - row.probability) <= 1e-9
            assert result.decision.value == row.decision
            assert result.reasons is not None
            assert result.reasons.groups[0].sentence == row.reason_1


def test_a_folder_with_only_the_application_table(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    data = write_tiny_folder(tmp_path / "apps", fmt="csv", only_applications=True)
    out = tmp_path / "scores.parquet"
    assert _score(data, tiny_bundle_dir, out) == 0
    batch = pd.read_parquet(out)
    assert len(batch) == 200 and np.isfinite(batch["probability"]).all()
    assert set(batch["decision"]) <= {"granted", "refused"}


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing column", "lacks the column(s) AMT_CREDIT"),
        ("wrong type", "column AMT_INCOME_TOTAL: a value does not fit"),
        ("empty file", "is empty or has no header line"),
        ("no rows", "holds no application rows"),
        ("duplicate ids", "duplicated id(s)"),
        ("bad output", "ending in .parquet or .csv"),
    ],
)
def test_malformed_inputs_fail_clearly_and_leave_no_output(
    damage: str,
    message: str,
    folder: Path,
    tiny_bundle_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    applications = pd.read_parquet(folder / "application_test.parquet").head(20)
    path = tmp_path / "in" / "application_test.csv"
    path.parent.mkdir()
    out = tmp_path / "out" / "scores.parquet"
    if damage == "missing column":
        applications = applications.drop(columns=["AMT_CREDIT"])
    elif damage == "wrong type":
        applications["AMT_INCOME_TOTAL"] = applications["AMT_INCOME_TOTAL"].astype(object)
        applications.loc[3, "AMT_INCOME_TOTAL"] = "a lot"
    elif damage == "no rows":
        applications = applications.head(0)
    elif damage == "duplicate ids":
        applications = pd.concat([applications, applications.head(1)])
    elif damage == "bad output":
        out = out.with_suffix(".xlsx")
    if damage == "empty file":
        path.write_text("")
    else:
        applications.to_csv(path, index=False)
    assert _score(path.parent, tiny_bundle_dir, out) == 2
    err = capsys.readouterr().err
    assert message in err and "No output was written" in err
    assert not out.parent.exists() or not any(out.parent.iterdir())


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_slices_give_the_results_of_one_slice_in_the_file_order(
    fmt: str, tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    """A batch scored 7 applications at a time (29 slices, each file read once and spilled by slice) gives every
    client exactly what the whole batch at once gives, in the application file's order, and leaves only the
    output behind."""
    data = write_tiny_folder(tmp_path / "data", fmt=fmt)
    whole, sliced = tmp_path / "whole" / "scores.parquet", tmp_path / "sliced" / "scores.csv"
    assert _score(data, tiny_bundle_dir, whole, "--explain", "--slice-clients", "100000") == 0
    assert _score(data, tiny_bundle_dir, sliced, "--explain", "--slice-clients", "7") == 0
    one, many = pd.read_parquet(whole), pd.read_csv(sliced)
    applications = pd.read_parquet(data / "application_test.parquet") if fmt == "parquet" else None
    order = applications["SK_ID_CURR"].tolist() if applications is not None else many["SK_ID_CURR"].tolist()
    assert one["SK_ID_CURR"].tolist() == order == many["SK_ID_CURR"].tolist()
    np.testing.assert_allclose(many["probability"], one["probability"], rtol=0, atol=1e-12)
    for column in ("decision", "reason_1_code", "reason_2_code", "reason_3", "model_version"):
        assert many[column].astype(str).tolist() == one[column].astype(str).tolist(), column
    assert [p.name for p in sliced.parent.iterdir()] == ["scores.csv"]
    assert [p.name for p in whole.parent.iterdir()] == ["scores.parquet"]


def test_a_failure_in_a_later_slice_leaves_no_output_and_keeps_the_previous(
    tiny_bundle_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad value found while the secondary tables are read, after earlier slices' rows were spilled: exit 2,
    the previous results file untouched, no spill or partial file left."""
    data = write_tiny_folder(tmp_path / "data", fmt="csv")
    installments = pd.read_csv(data / "installments_payments.csv")
    installments["AMT_PAYMENT"] = installments["AMT_PAYMENT"].astype(object)
    installments.loc[len(installments) - 1, "AMT_PAYMENT"] = "unknown"
    installments.to_csv(data / "installments_payments.csv", index=False)
    out = tmp_path / "out" / "scores.parquet"
    out.parent.mkdir()
    out.write_bytes(b"last month's results")
    assert _score(data, tiny_bundle_dir, out, "--slice-clients", "7") == 2
    assert "column AMT_PAYMENT: a value does not fit" in capsys.readouterr().err
    assert out.read_bytes() == b"last month's results"
    assert [p.name for p in out.parent.iterdir()] == ["scores.parquet"]
