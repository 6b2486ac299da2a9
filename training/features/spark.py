"""The same feature definitions executed by Apache Spark, for folders larger than one machine.

Nothing here defines a feature. The secondary-table aggregates are the SQL that `training.features.spec`
generates from the declarations, in Spark's dialect; the application features are the training code itself
(`application_features`, vectorised numpy) run on each partition through `mapInPandas`. So a feature added to
the declarations exists on both engines at once, and a parity test holds the two engines equal.

Every function is `DataFrame -> DataFrame` without an action: Spark plans the whole build and runs it when the
caller writes or collects the result. The session (and its master) comes from the caller, never from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from training.data.errors import DataError
from training.data.reader import find_file, optional_file
from training.data.schema import TABLES_BY_ATTRIBUTE, Kind
from training.features.aggregates import FAMILIES
from training.features.application import APPLICATION_CATEGORICAL, application_feature_names
from training.features.spark_jvm import LOCAL_JVM, ClassArchive, local_archive

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

ID = "SK_ID_CURR"
TARGET = "TARGET"
SECONDARY = tuple(attribute for family in FAMILIES for attribute in family.tables)
LOCAL_MEMORY = "4g"  # the driver's memory on a local master, as DuckDB's default memory limit
JAVA_OPTIONS = "spark.driver.extraJavaOptions"
ANSI = "spark.sql.ansi.enabled"


def spark_session(
    master: str | None, conf: Mapping[str, str] | None = None, app_name: str = "credit-features"
) -> SparkSession:
    """A session for a command. Without `master`, spark-submit's (or local[*] when run directly).

    `conf` (the command's --conf) overrides the defaults of `session_settings`."""
    import os
    import sys

    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    if master is None or master.startswith("local"):
        # local workers run this interpreter (its packages); a cluster's Python is set by PYSPARK_PYTHON
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    archive = None
    jvm_running = SparkContext._active_spark_context is not None  # its options can no longer change
    if master and local_cores(master) is not None and JAVA_OPTIONS not in (conf or {}) and not jvm_running:
        archive = local_archive((conf or {}).get("spark.driver.memory", LOCAL_MEMORY))
    for key, value in session_settings(master, conf, archive).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception:
        if archive is not None:
            archive.abandon()
        raise
    if archive is not None:
        jvm = session.sparkContext._jvm
        assert jvm is not None
        archive.started(int(jvm.java.lang.ProcessHandle.current().pid()))
    return session


def session_settings(
    master: str | None, conf: Mapping[str, str] | None = None, archive: ClassArchive | None = None
) -> dict[str, str]:
    """Spark settings of a command: Arrow between the JVM and Python; the aggregates' arithmetic without ANSI
    mode's overflow checks (`read_table` keeps the files' casts strict); on a local master, as many shuffle
    partitions as cores (Spark's 200 are meant for a cluster: on local[2] each shuffle would write and read 200
    blocks per task), the memory the DuckDB engine has (4 GB; in local mode the driver is the executor) and a
    short-lived JVM's options (`spark_jvm`: C1 compiler only, large generated methods compiled, the parallel GC,
    the class archive); then the user's --conf, which
    wins. On a cluster, partitions, memory and JVM options are the operator's settings."""
    # ANSI mode checks every addition of an aggregate for overflow through a closure allocated per row, which
    # costs the secondary tables' aggregation about a sixth of its CPU (local[2], C1 compiler); the sums and
    # counts of these tables are far from overflowing a long or a double
    settings = {"spark.sql.execution.arrow.pyspark.enabled": "true", ANSI: "false"}
    cores = local_cores(master) if master else None
    if cores is not None:
        settings["spark.sql.shuffle.partitions"] = str(cores)
        settings["spark.default.parallelism"] = str(cores)
        settings["spark.driver.memory"] = LOCAL_MEMORY
        settings[JAVA_OPTIONS] = " ".join([LOCAL_JVM, *(archive.java_options() if archive else [])])
    settings.update(conf or {})
    return settings


def local_cores(master: str) -> int | None:
    """The threads of a local master (local: 1, local[N]: N, local[*]: this machine's cores); None otherwise."""
    import os
    import re

    match = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", master.strip())
    if match is None:
        return None
    if match.group(1) is None:
        return 1
    return (os.cpu_count() or 1) if match.group(1) == "*" else int(match.group(1))


def spark_type(kind: Kind) -> DataType:
    from pyspark.sql import types as T

    return {
        "key": T.IntegerType(),
        "i8": T.ByteType(),
        "i16": T.ShortType(),
        "i32": T.IntegerType(),
        "f32": T.FloatType(),
        "cat": T.StringType(),
    }[kind]


def read_table(spark: SparkSession, path: Path | str, columns: Mapping[str, Kind]) -> DataFrame:
    """One Home Credit file (CSV, CSV.GZ or Parquet; a Parquet folder too) with the schema's columns and types.

    CSV is read as text and cast by name, so the columns' order in the file does not matter; a missing column
    is refused here, naming the file, as the DuckDB loader does."""
    from pyspark.sql import functions as F

    text = str(path)
    if text.endswith(".parquet"):
        frame = spark.read.parquet(text)
    else:
        frame = spark.read.option("header", True).option("mode", "FAILFAST").csv(text)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise DataError(
            f"{path} lacks the column(s) {shown} of the official schema. Use the original Kaggle file, or "
            "regenerate the folder; extra columns are allowed, missing ones are not."
        )
    with strict_casts(spark):
        return frame.select(
            [F.col(name).cast(spark_type(kind)).alias(name) for name, kind in columns.items()]
        )


@contextmanager
def strict_casts(spark: SparkSession) -> Iterator[None]:
    """Casts built inside are ANSI casts whatever the session's mode: a value that does not fit its column fails
    the command instead of becoming missing (a cast keeps the mode it was built with)."""
    before = spark.conf.get(ANSI) or "true"  # Spark 4's default when unset
    spark.conf.set(ANSI, "true")
    try:
        yield
    finally:
        spark.conf.set(ANSI, before)


def empty_table(spark: SparkSession, columns: Mapping[str, Kind]) -> DataFrame:
    from pyspark.sql import types as T

    schema = T.StructType([T.StructField(name, spark_type(kind)) for name, kind in columns.items()])
    return spark.createDataFrame([], schema)


def read_secondary(spark: SparkSession, folder: Path | None) -> dict[str, DataFrame]:
    """Every secondary table of `folder` the features read; an absent one is an empty table (optional)."""
    tables = {}
    for attribute in SECONDARY:
        spec = TABLES_BY_ATTRIBUTE[attribute]
        path = _optional(folder, spec.stem)
        tables[attribute] = (
            read_table(spark, path, spec.columns) if path is not None else empty_table(spark, spec.columns)
        )
    return tables


def _optional(folder: Path | None, stem: str) -> Path | None:
    if folder is not None and (folder / f"{stem}.parquet").is_dir():  # a table written by Spark
        return folder / f"{stem}.parquet"
    return optional_file(folder, stem)


def feature_schema() -> StructType:
    """SK_ID_CURR, then every feature the definitions produce: float, categorical features as text."""
    from pyspark.sql import types as T

    fields = [T.StructField(ID, T.IntegerType(), False)]
    for name in application_feature_names():
        fields.append(
            T.StructField(name, T.StringType() if name in APPLICATION_CATEGORICAL else T.FloatType())
        )
    for family in FAMILIES:
        fields.extend(T.StructField(name, T.FloatType()) for name, *_ in family.columns())
    return T.StructType(fields)


def _application_schema() -> StructType:
    from pyspark.sql import types as T

    schema = feature_schema()
    names = {ID, *application_feature_names()}
    return T.StructType([f for f in schema.fields if f.name in names])


def _application_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    from training.features.application import application_features

    for batch in batches:
        features = application_features(batch.set_index(ID))
        yield features.reset_index()


def application_frame(applications: DataFrame) -> DataFrame:
    """Application features of every row, computed by the training code on each partition."""
    return applications.mapInPandas(_application_batches, _application_schema())


def aggregate_frame(
    spark: SparkSession,
    tables: Mapping[str, DataFrame],
    clients: DataFrame,
    *,
    cut: bool = False,
    keep: bool = False,
) -> DataFrame:
    """Aggregates of the secondary tables for `clients` (a frame with SK_ID_CURR): the declarations' SQL, one
    query per family, joined on the clients; row counts are 0 (not missing) for a client without rows.
    `cut`: bureau_balance is first cut to these clients' credits (`cut_to_clients`), for a batch smaller than
    the book. `keep`: `clients` holds each id once and its columns are kept, the families joined to its rows
    (a batch's applications: no separate frame of ids, nor a sixth join of the applications to it)."""
    from pyspark.sql import functions as F

    ids = clients.select(ID).distinct()
    if cut:
        tables = cut_to_clients(tables, ids)
    view = f"clients_{id(ids)}"
    ids.createOrReplaceTempView(view)
    result = clients if keep else ids
    kept = [name for name in result.columns if name != ID]
    counts: list[str] = []
    for family in FAMILIES:
        for attribute in family.tables:
            tables[attribute].createOrReplaceTempView(attribute)
        part = spark.sql(family.query("spark").replace("{clients}", view))
        result = result.join(part, on=ID, how="left")
        counts.extend(name for name, *_, is_count in family.columns() if is_count)
    aggregates = [name for name in result.columns if name != ID and name not in kept]
    return result.fillna(0.0, subset=counts).select(
        ID, *kept, *[F.col(name).cast("float").alias(name) for name in aggregates]
    )


def cut_to_clients(tables: Mapping[str, DataFrame], ids: DataFrame) -> dict[str, DataFrame]:
    """bureau_balance cut to the credits of `ids`' clients before its per-credit summary, so that the summary is
    computed for the batch's credits only, not for the whole book's. The other tables are not cut here: each
    family's own `SK_ID_CURR IN {clients}` already filters them where they are read (a second filter on the same
    ids would probe every row of the book twice). The credits' ids are broadcast to every executor: the book's
    rows are filtered where they are read and never shuffled."""
    from pyspark.sql import functions as F

    wanted = F.broadcast(ids)
    credits = F.broadcast(tables["bureau"].join(wanted, on=ID, how="left_semi").select("SK_ID_BUREAU"))
    cut = dict(tables)
    cut["bureau_balance"] = tables["bureau_balance"].join(credits, on="SK_ID_BUREAU", how="left_semi")
    return cut


def client_frame(
    spark: SparkSession, applications: DataFrame, tables: Mapping[str, DataFrame], *, cut: bool = False
) -> DataFrame:
    """Every feature for each application (SK_ID_CURR first), in the order of `feature_schema`: the Spark
    counterpart of `training.features.build.client_features`. `cut`: see `aggregate_frame`."""
    app = application_frame(applications)
    aggregates = aggregate_frame(spark, tables, applications, cut=cut)
    names = [f.name for f in feature_schema().fields]
    return app.join(aggregates, on=ID, how="left").select(*names)


def build_feature_folder(spark: SparkSession, folder: Path, out: Path) -> dict[str, object]:
    """`python -m training features --engine spark`: the feature folder the model selection reads
    (train.parquet and test.parquet written by Spark as Parquet folders, features.json), from the same
    declarations as the DuckDB build. Columns without information on the training clients are dropped, as
    there; the model is then fitted on these tables as on DuckDB's."""
    import json

    from pyspark.sql import functions as F

    from training.data.reader import read_dictionary
    from training.data.schema import DICTIONARY_STEM
    from training.features.build import METADATA_FILE, TEST_FILE, TRAIN_FILE
    from training.features.descriptions import feature_descriptions

    train_spec, test_spec = TABLES_BY_ATTRIBUTE["application_train"], TABLES_BY_ATTRIBUTE["application_test"]
    train = read_table(spark, find_file(folder, train_spec.stem), train_spec.columns)
    test = read_table(spark, find_file(folder, test_spec.stem), test_spec.columns)
    tables = read_secondary(spark, folder)
    everyone = train.drop(TARGET).unionByName(test)
    features = client_frame(spark, everyone, tables).cache()
    target = train.select(ID, F.col(TARGET).cast("byte").alias(TARGET))
    train_features = features.join(target, on=ID, how="inner")
    test_features = features.join(test.select(ID), on=ID, how="left_semi")
    names = [f.name for f in feature_schema().fields if f.name != ID]
    stats = train_features.agg(
        F.count(F.lit(1)).alias("__rows"),
        *[F.count(F.col(n)).alias(f"{n}__n") for n in names],
        *[F.min(F.col(n)).alias(f"{n}__min") for n in names],
        *[F.max(F.col(n)).alias(f"{n}__max") for n in names],
    ).first()
    assert stats is not None
    rows = stats["__rows"]
    dropped = [
        n
        for n in names
        if stats[f"{n}__n"] == 0 or (stats[f"{n}__n"] == rows and stats[f"{n}__min"] == stats[f"{n}__max"])
    ]
    kept = [n for n in names if n not in dropped]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    train_features.select(ID, *kept, TARGET).orderBy(ID).write.mode("overwrite").parquet(
        str(out / TRAIN_FILE)
    )
    test_features.select(ID, *kept).orderBy(ID).write.mode("overwrite").parquet(str(out / TEST_FILE))
    features.unpersist()
    try:
        dictionary = read_dictionary(find_file(folder, DICTIONARY_STEM))
    except DataError:
        dictionary = None
    french, english = feature_descriptions(kept, dictionary)
    metadata = {
        "features": kept,
        "categorical": [c for c in APPLICATION_CATEGORICAL if c in kept],
        "dropped": dropped,
        "descriptions": french,
        "descriptions_en": english,
    }
    (out / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False))
    return {"features": len(kept), "dropped": dropped, "categorical": len(metadata["categorical"])}
