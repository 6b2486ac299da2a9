"""Batch scoring on Apache Spark: features from the same declarations (`training.features.spark`), the registered
model shipped to the executors, a Parquet (or CSV) folder partitioned by decision.

Probabilities and decisions come from MLflow's `mlflow.pyfunc.spark_udf` over the registered pyfunc model
(`registry.pyfunc_model`), which ships the model to the executors and returns the probability and the decision
at the version's threshold. Reasons are not in the pyfunc's output (it returns no contributions), so with
`--explain` the bundle folder is shipped with `SparkContext.addFile` and each partition is scored by the data
plane's own `BatchModel.score_features`, as on DuckDB. The master comes from `--master` or from spark-submit,
never from the code.
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
from scoring_service.model_source import ModelSource

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

APP_NAME = "credit-batch-scoring"
_MODELS: dict[tuple[str, str], BatchModel] = {}  # per Python worker: the bundle is loaded once
# Up to this many clients, the book's tables are cut to the batch's clients through broadcast ids (about five
# credits a client: some 10 million ids, ~100 MB, sent to each executor); above, each family's own filter does.
CUT_CLIENTS = 2_000_000


def spark_session(master: str | None, conf: dict[str, str] | None = None) -> SparkSession:
    from training.features.spark import spark_session as session

    return session(master, conf, APP_NAME)


def bundle_folder(model_uri: str, tracking_uri: str | None, workdir: Path) -> tuple[Path, str, str]:
    """(bundle folder on this machine, version, MLflow model URI for spark_udf) of what `model_uri` names now."""
    from registry.bundle import load_metadata
    from registry.registration import download_bundle

    source: ModelSource[None] = ModelSource(
        model_uri, tracking_uri, build=lambda bundle, version: None, on_load=lambda _: None, poll_seconds=0
    )
    _key, version = source.resolve()
    ref = source.ref
    if ref.kind == "folder":
        folder = Path(ref.uri)
        return folder, version or load_metadata(folder).version, ""
    pinned = f"models:/{ref.name}/{version}" if ref.kind == "alias" else ref.uri
    folder = download_bundle(pinned, tracking_uri, workdir / "download")
    return folder, version or load_metadata(folder).version, pinned


def pyfunc_uri(folder: Path, registered: str, workdir: Path) -> str:
    """The MLflow model spark_udf loads: the registered one, or a bundle folder saved as the same pyfunc."""
    if registered:
        return registered
    import mlflow

    from registry.bundle import ModelBundle
    from registry.pyfunc_model import BUNDLE_ARTIFACT, CreditScoringModel
    from registry.registration import bundle_signature

    path = workdir / "pyfunc"
    mlflow.pyfunc.save_model(
        str(path),
        python_model=CreditScoringModel(),
        artifacts={BUNDLE_ARTIFACT: str(folder)},
        signature=bundle_signature(ModelBundle.load(folder)),
        code_paths=[str(Path(__file__).resolve().parents[2] / "registry")],
        # this copy lives for one run in this environment (env_manager="local"): without a list, MLflow would
        # infer one by loading the model in a separate Python process, seconds of CPU for nothing
        pip_requirements=[],
    )
    return str(path)


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


def scored_with_udf(spark: SparkSession, features: DataFrame, model_uri: str, model: BatchModel) -> DataFrame:
    """Probability and decision from the registered pyfunc, run on the executors by mlflow.pyfunc.spark_udf."""
    import mlflow.pyfunc
    from pyspark.sql import functions as F

    predict = mlflow.pyfunc.spark_udf(
        spark, model_uri, result_type="probability double, refused boolean", env_manager="local"
    )
    columns = [F.col(name) for name in model.inputs.features]
    scored = features.select(F.col(ID).cast("long").alias(ID), predict(F.struct(*columns)).alias("p"))
    return scored.select(
        ID,
        F.col("p.probability").alias("probability"),
        F.when(F.col("p.refused"), F.lit("refused")).otherwise(F.lit("granted")).alias("decision"),
        F.lit(model.inputs.threshold).alias("threshold"),
        F.lit(model.version).alias("model_version"),
    )


def scored_with_reasons(
    spark: SparkSession, features: DataFrame, folder: Path, model: BatchModel, options: BatchOptions
) -> DataFrame:
    """Everything, reasons included, by the data plane's code on each partition (the bundle shipped by addFile)."""
    spark.sparkContext.addFile(str(folder), recursive=True)
    name, version = folder.name, model.version
    top_k, language = options.top_k, options.language

    def score(batches: Iterator[object]) -> Iterator[object]:
        from pyspark import SparkFiles

        key = (name, version)
        if key not in _MODELS:
            _MODELS[key] = BatchModel.from_folder(SparkFiles.get(name), version)
        batch_model = _MODELS[key]
        for batch in batches:
            yield batch_model.score_features(batch, explain=True, top_k=top_k, language=language)  # type: ignore[arg-type]

    return features.mapInPandas(score, output_schema(top_k, explain=True))  # type: ignore[arg-type]


def run_spark(options: BatchOptions) -> BatchSummary:
    from training.data.batch import APPLICATION_COLUMNS, application_path
    from training.features.spark import client_frame, read_secondary, read_table

    started = time.perf_counter()
    fmt = output_format(options.out)
    if "://" in str(options.out):
        raise BatchError("--out must be a local path for now; write to a mounted folder.")
    spark = spark_session(options.master, options.spark_conf)
    workdir = Path(tempfile.mkdtemp(prefix="credit-batch-"))
    try:
        folder, version, registered = bundle_folder(options.model_uri, options.tracking_uri, workdir)
        model = BatchModel.from_folder(folder, version)
        path = application_path(options.data)
        applications = read_table(spark, path, APPLICATION_COLUMNS)
        clients = _check_applications(applications, path)
        data = Path(options.data)
        tables = read_secondary(spark, data if data.is_dir() else None)
        features = client_frame(spark, applications, tables, cut=clients <= CUT_CLIENTS)
        if options.explain:
            scored = scored_with_reasons(spark, features, folder, model, options)
        else:
            scored = scored_with_udf(spark, features, pyfunc_uri(folder, registered, workdir), model)

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
