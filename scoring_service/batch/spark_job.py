"""Batch scoring on Apache Spark: features from the same declarations (`training.features.spark`), the registered
model shipped to the executors, a Parquet (or CSV) folder partitioned by decision.

The model version's bundle folder is shipped with `SparkContext.addFile`, loaded once per Python worker, and each
Arrow batch of features (the model's columns only, in its order) is scored by the data plane's own
`BatchModel.score_features` through `mapInArrow`, as on DuckDB, with or without reasons. MLflow's
`mlflow.pyfunc.spark_udf` over the registered pyfunc does not fit this job: on a local master it loads the model
again in every task (it keeps a model per worker only when it ships it as an archive, on a cluster), it imports
MLflow in every Python worker and checks the pyfunc's signature on every batch, and it cannot return the reasons
(the pyfunc returns no contributions), so a second path existed for `--explain` anyway (docs/benchmarks.md, issue
16, fifth pass, has the figures). The master comes from `--master` or from spark-submit, never from the code.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from scoring_service.batch.output import BatchError, output_format, write_atomically
from scoring_service.batch.run import BatchOptions, BatchSummary
from scoring_service.batch.scoring import BASE_COLUMNS, ID, BatchModel, output_columns
from scoring_service.batch.scoring import output_schema as arrow_schema
from scoring_service.model_source import ModelSource
from training.data.batch import APPLICATION_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

APP_NAME = "credit-batch-scoring"
_MODELS: dict[tuple[str, str], BatchModel] = {}  # per Python worker: the bundle is loaded once
# Up to this many clients, bureau_balance is cut to the batch's credits through broadcast ids (about five credits a
# client: some 10 million ids, ~100 MB, sent to each executor); above, the whole table is summarised per credit.
CUT_CLIENTS = 2_000_000
# The batch's last stage joins five families and the applications, over 300 columns, wider than the 100 fields
# up to which Spark generates one loop per stage: above, every join copies each row it builds field by field
# (jstack samples of that stage sit in those copies). With the stage compiled whole, the command used 6 % less CPU at
# 1,000,000 clients (docs/benchmarks.md, issue 16, fifth pass). Below Int.MaxValue bytes per Arrow batch, Spark sums
# the buffer sizes of all the columns after every row it writes for Python (a tenth of that stage's samples); the
# batches stay bounded by their 10,000 rows (about 13 MB here). The command's --conf wins.
BATCH_SETTINGS = {
    "spark.sql.codegen.maxFields": "1000",
    "spark.sql.execution.arrow.maxBytesPerBatch": str(2**31 - 1),
}


def spark_session(master: str | None, conf: dict[str, str] | None = None) -> SparkSession:
    from training.features.spark import spark_session as session

    return session(master, {**BATCH_SETTINGS, **(conf or {})}, APP_NAME)


def bundle_folder(model_uri: str, tracking_uri: str | None, workdir: Path) -> tuple[Path, str]:
    """(bundle folder on this machine, version) of what `model_uri` names now."""
    from registry.bundle import load_metadata
    from registry.registration import download_bundle

    source: ModelSource[None] = ModelSource(
        model_uri, tracking_uri, build=lambda bundle, version: None, on_load=lambda _: None, poll_seconds=0
    )
    _key, version = source.resolve()
    ref = source.ref
    if ref.kind == "folder":
        folder = Path(ref.uri)
        return folder, version or load_metadata(folder).version
    pinned = f"models:/{ref.name}/{version}" if ref.kind == "alias" else ref.uri
    folder = download_bundle(pinned, tracking_uri, workdir / "download")
    return folder, version or load_metadata(folder).version


def output_schema(top_k: int, explain: bool) -> StructType:
    from pyspark.sql import types as T

    fields = []
    for name in output_columns(top_k) if explain else BASE_COLUMNS:
        if name == ID:
            kind: T.DataType = T.LongType()
        elif name in ("probability", "threshold") or name.endswith("_contribution"):
            kind = T.DoubleType()
        else:
            kind = T.StringType()
        fields.append(T.StructField(name, kind))
    return T.StructType(fields)


def scored_frame(
    spark: SparkSession, rows: DataFrame, folder: Path, model: BatchModel, options: BatchOptions
) -> DataFrame:
    """Every output column (reasons with `--explain`) of `rows` (each application's raw fields and its secondary
    aggregates) by the data plane's own code on each Arrow batch: the application features computed there by the
    training code (`application_features`), then `BatchModel.score_features`, the bundle shipped by addFile and
    loaded once per Python worker. Only the raw fields and the model's aggregates travel to Python, once."""
    spark.sparkContext.addFile(str(folder), recursive=True)
    name, version = folder.name, model.version
    explain, top_k, language = options.explain, options.top_k, options.language
    schema, types = output_schema(top_k, explain), arrow_schema(explain, top_k)
    aggregates = [f for f in model.inputs.features if f in rows.columns and f not in APPLICATION_COLUMNS]

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pandas as pd
        import pyarrow as pa
        from pyspark import SparkFiles

        from training.features.application import application_features

        key = (name, version)
        if key not in _MODELS:
            _MODELS[key] = BatchModel.from_folder(SparkFiles.get(name), version)
        batch_model = _MODELS[key]
        for batch in batches:
            raw = batch.to_pandas().set_index(ID)
            features = pd.concat([application_features(raw), raw[aggregates]], axis=1)
            scored = batch_model.score_features(features, explain=explain, top_k=top_k, language=language)
            yield pa.RecordBatch.from_pandas(scored, schema=types, preserve_index=False)

    inputs = rows.select(*APPLICATION_COLUMNS, *aggregates)
    return inputs.mapInArrow(score, schema)  # type: ignore[arg-type]


def run_spark(options: BatchOptions) -> BatchSummary:
    from training.data.batch import application_path
    from training.features.spark import aggregate_frame, read_secondary, read_table

    started = time.perf_counter()
    fmt = output_format(options.out)
    if "://" in str(options.out):
        raise BatchError("--out must be a local path for now; write to a mounted folder.")
    spark = spark_session(options.master, options.spark_conf)
    workdir = Path(tempfile.mkdtemp(prefix="credit-batch-"))
    try:
        folder, version = bundle_folder(options.model_uri, options.tracking_uri, workdir)
        model = BatchModel.from_folder(folder, version)
        path = application_path(options.data)
        applications = read_table(spark, path, APPLICATION_COLUMNS)
        clients = _check_applications(applications, path)
        data = Path(options.data)
        tables = read_secondary(spark, data if data.is_dir() else None)
        rows = aggregate_frame(spark, tables, applications, cut=clients <= CUT_CLIENTS, keep=True)
        scored = scored_frame(spark, rows, folder, model, options)

        def write(target: Path) -> None:
            writer = scored.write.partitionBy("decision")
            if fmt == ".parquet":
                writer.parquet(str(target))
            else:
                writer.option("header", True).csv(str(target))

        out = write_atomically(options.out, write)
        reader = spark.read.parquet if fmt == ".parquet" else spark.read.option("header", True).csv
        counts = {
            row["decision"]: int(row["count"])
            for row in reader(str(out)).groupBy("decision").count().collect()
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return BatchSummary(
        clients=sum(counts.values()),
        refused=counts.get("refused", 0),
        seconds=time.perf_counter() - started,
        out=out,
        engine="spark",
        model_version=model.version,
    )


def _check_applications(applications: DataFrame, path: Path) -> int:
    """The checks of the local loader: at least one client, each client once (one pass over the ids); returns
    the number of clients."""
    from pyspark.sql import functions as F

    stats = applications.agg(
        F.count(F.lit(1)).alias("rows"),
        F.countDistinct(ID).alias("clients"),
        F.count(ID).alias("ids"),
    ).first()
    assert stats is not None
    if stats["rows"] == 0:
        raise BatchError(f"{path} holds no application rows; give a file with at least one client.")
    if stats["ids"] < stats["rows"]:
        raise BatchError(f"{path}, column {ID}: missing ids. Every application needs its SK_ID_CURR.")
    if stats["clients"] < stats["rows"]:
        raise BatchError(
            f"{path}, column {ID}: {stats['rows'] - stats['clients']} duplicated id(s). Each client must "
            "appear once in a batch; remove the duplicates."
        )
    return int(stats["rows"])
