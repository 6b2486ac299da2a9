"""The Spark engine against DuckDB on the same generated folder: every feature equal (relative 1e-9), the same
categories and clients; the batch command's outputs identical on both engines; the training feature folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring_service.batch.run import BatchOptions, run_batch
from tests.batch_support import write_tiny_folder
from training.data.batch import APPLICATION_COLUMNS, application_path, load_batch
from training.features.build import FeatureTables, build_feature_tables, client_features

pytestmark = [pytest.mark.integration, pytest.mark.spark]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_folder(tmp_path_factory.mktemp("spark") / "data", fmt="csv")


def assert_same_features(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert list(spark.columns) == list(duck.columns)
    assert spark.index.equals(duck.index)
    for name in duck.columns:
        left, right = duck[name], spark[name]
        if left.dtype == object:
            assert (left.astype(str).to_numpy() == right.astype(str).to_numpy()).all(), name
            continue
        a, b = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        known = ~np.isnan(a)
        np.testing.assert_allclose(b[known], a[known], rtol=1e-9, atol=0, err_msg=name)


@pytest.mark.parametrize("cut", [False, True], ids=["whole-tables", "cut-to-the-batch"])
def test_every_feature_is_the_same_on_spark_and_duckdb(spark, folder: Path, cut: bool) -> None:
    from training.features.spark import client_frame, read_secondary, read_table

    applications = read_table(spark, application_path(folder), APPLICATION_COLUMNS)
    built = client_frame(spark, applications, read_secondary(spark, folder), cut=cut).toPandas()
    on_spark = built.set_index("SK_ID_CURR").sort_index()
    assert on_spark.index.is_unique
    batch = load_batch(folder)
    on_duckdb = client_features(batch.applications, batch).sort_index()
    assert len(on_duckdb) == 200
    assert (on_duckdb["BUREAU_COUNT"] > 0).any() and (on_duckdb["INSTAL_COUNT"] > 0).any()
    assert_same_features(on_duckdb, on_spark)


def test_batch_outputs_are_identical_on_both_engines(
    spark, folder: Path, tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    def run(engine: str, out: Path, explain: bool) -> pd.DataFrame:
        options = BatchOptions(
            data=folder,
            out=out,
            model_uri=str(tiny_bundle_dir),
            tracking_uri=None,
            engine=engine,
            explain=explain,
            top_k=2,
            progress=False,
            master="local[2]",
        )
        summary = run_batch(options)
        assert summary.clients == 200 and summary.engine == engine
        frame = pd.read_parquet(out)
        frame["decision"] = frame["decision"].astype(str)
        return frame.sort_values("SK_ID_CURR").reset_index(drop=True)

    duck = run("duckdb", tmp_path / "duck.parquet", explain=True)
    with_reasons = run("spark", tmp_path / "spark_reasons.parquet", explain=True)
    udf = run("spark", tmp_path / "spark.parquet", explain=False)
    assert sorted(p.name for p in (tmp_path / "spark.parquet").iterdir() if p.is_dir()) == [
        "decision=granted",
        "decision=refused",
    ]
    assert not list(tmp_path.glob(".*partial*"))
    pd.testing.assert_frame_equal(with_reasons[duck.columns], duck, check_exact=False, rtol=1e-9, atol=0)
    base = ["SK_ID_CURR", "probability", "decision", "threshold", "model_version"]
    pd.testing.assert_frame_equal(udf[base], duck[base], check_exact=False, rtol=1e-9, atol=0)


def test_a_value_that_does_not_fit_its_column_fails_although_the_session_is_not_ansi(
    spark, folder: Path, tmp_path: Path
) -> None:
    from training.features.spark import ANSI, read_table

    applications = pd.read_csv(application_path(folder)).head(5)
    applications["AMT_INCOME_TOTAL"] = applications["AMT_INCOME_TOTAL"].astype(object)
    applications.loc[3, "AMT_INCOME_TOTAL"] = "a lot"
    path = tmp_path / "application_test.csv"
    applications.to_csv(path, index=False)
    assert spark.conf.get(ANSI) == "false"
    frame = read_table(spark, path, APPLICATION_COLUMNS)
    assert spark.conf.get(ANSI) == "false"
    with pytest.raises(Exception, match="CAST_INVALID_INPUT"):
        frame.select("AMT_INCOME_TOTAL").collect()


def test_training_features_on_spark_match_duckdb(spark, folder: Path, tmp_path: Path) -> None:
    from training.data.loader import load_tables
    from training.features.spark import build_feature_folder

    build_feature_folder(spark, folder, tmp_path / "features")
    on_spark = FeatureTables.load(tmp_path / "features")
    # the tiny folder keeps bureau rows of clients left out of both application files
    on_duckdb = build_feature_tables(load_tables(folder, max_orphan_share=1.0), threads=1)
    assert on_spark.dropped == on_duckdb.dropped
    assert on_spark.categorical == on_duckdb.categorical
    assert on_spark.descriptions == on_duckdb.descriptions
    assert_same_features(on_duckdb.test.sort_index(), on_spark.test)
    assert (on_spark.train["TARGET"].to_numpy() == on_duckdb.train.sort_index()["TARGET"].to_numpy()).all()
    assert_same_features(
        on_duckdb.train.sort_index().drop(columns="TARGET"), on_spark.train.drop(columns="TARGET")
    )
