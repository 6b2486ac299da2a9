"""A batch run: load the model version once, build the features of the file's clients, score, write, summarise.

The DuckDB engine runs in this process; the Spark engine (`scoring_service.batch.spark_job`) builds the same
features on a cluster and writes a partitioned folder. Both report the same summary.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from registry.bundle import ModelBundle
from scoring_service.batch.output import BatchError, ResultsWriter, output_format
from scoring_service.batch.scoring import BatchModel, output_schema
from scoring_service.model_source import ModelSource

ENGINES = ("duckdb", "spark")
# 25,000 applications with their history hold about 0.3 GB; a larger batch is scored slice after slice.
SLICE_CLIENTS = 25_000
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class BatchOptions:
    data: Path
    out: Path
    model_uri: str
    tracking_uri: str | None
    engine: str = "duckdb"
    explain: bool = False
    top_k: int = 3
    language: str = "fr"
    progress: bool = True
    threads: int = 2
    memory_limit: str = "4GB"
    slice_clients: int = SLICE_CLIENTS  # DuckDB: applications whose features are held at a time
    master: str | None = None  # Spark only; None: from spark-submit or the environment
    spark_conf: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchSummary:
    clients: int
    refused: int
    seconds: float
    out: Path
    engine: str
    model_version: str

    def text(self) -> str:
        share = self.refused / self.clients if self.clients else 0.0
        return (
            f"{self.clients:,} clients scored with model version {self.model_version} on {self.engine} in "
            f"{self.seconds:.1f} s ({self.clients / max(self.seconds, 1e-9):,.0f} clients/s): "
            f"{self.refused:,} refused ({share:.1%}); results in {self.out}"
        )


def fetch_model(model_uri: str, tracking_uri: str | None) -> tuple[ModelBundle, str]:
    """The bundle and version the URI names now (an alias is resolved once: a run scores with one version)."""
    source: ModelSource[None] = ModelSource(
        model_uri, tracking_uri, build=lambda bundle, version: None, on_load=lambda _: None, poll_seconds=0
    )
    _key, version = source.resolve()
    bundle = source.fetch(version)
    return bundle, version or bundle.metadata.version


def check_options(options: BatchOptions) -> None:
    output_format(options.out)
    if options.engine not in ENGINES:
        raise BatchError(f"--engine must be one of {', '.join(ENGINES)}, got {options.engine!r}.")
    if options.language not in LANGUAGES:
        raise BatchError(f"--language must be one of {', '.join(LANGUAGES)}, got {options.language!r}.")
    if options.slice_clients < 1:
        raise BatchError(f"--slice-clients must be at least 1, got {options.slice_clients}.")
    if not 1 <= options.top_k <= 100:
        raise BatchError(f"--top-k must be from 1 to 100, got {options.top_k}.")


def run_batch(options: BatchOptions) -> BatchSummary:
    check_options(options)
    if options.engine == "spark":
        from scoring_service.batch.spark_job import run_spark

        return run_spark(options)
    return run_duckdb(options)


def run_duckdb(options: BatchOptions) -> BatchSummary:
    """Everything in this process, a slice of clients at a time: each file is read once and its batch rows
    spilled by slice (`training.data.batch_slices`), then each slice's features are aggregated by DuckDB,
    scored by the data plane's code and appended to the output, which is renamed into place at the end."""
    from training.data.batch import application_path
    from training.data.batch_slices import batch_ids, sliced_batch
    from training.features.build import client_features

    started = time.perf_counter()
    bundle, version = fetch_model(options.model_uri, options.tracking_uri)
    model = BatchModel.from_bundle(bundle, version)
    clients = len(batch_ids(application_path(options.data)))
    schema = output_schema(options.explain, options.top_k)
    refused = 0
    bar = tqdm(total=clients, desc="batch", unit="client", disable=not options.progress)
    with (
        tempfile.TemporaryDirectory(prefix=".batch-slices-", dir=work_parent(options.out)) as work,
        ResultsWriter(options.out, schema) as writer,
        bar,
    ):
        bar.set_postfix_str("reading")
        for tables in sliced_batch(options.data, options.slice_clients, Path(work)):
            bar.set_postfix_str("features")
            features = client_features(
                tables.applications, tables, threads=options.threads, memory_limit=options.memory_limit
            )
            bar.set_postfix_str("scoring")
            results = model.score_features(
                features,
                explain=options.explain,
                top_k=options.top_k,
                language=options.language,
                on_rows=bar.update,
            )
            writer.write(results)
            refused += int((results["decision"] == "refused").sum())
    return BatchSummary(
        clients=writer.rows,
        refused=refused,
        seconds=time.perf_counter() - started,
        out=options.out,
        engine="duckdb",
        model_version=model.version,
    )


def work_parent(out: Path) -> Path:
    """Where a run spills its slices: beside its output, on the disk the user chose for it (not a memory-backed
    /tmp)."""
    parent = Path(out).parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent
