"""Batch scoring and feature builds on DuckDB and Spark local[N]: wall time, clients per second, peak memory.

    python -m training generate --out DIR --clients 307511 --format parquet      # real size (307,511 + 48,744)
    python bench/batch_scoring.py --data DIR [--bundle BUNDLE] [--master local[2]] [--only duckdb|spark]
        [--skip-features] [--keep WORKDIR]

Each measurement is one command of the product run in its own process (the command a user types): wall time from
start to exit; CPU time and peak resident memory of the command's whole process tree (for Spark: the driver, the
JVM and its Python workers), sampled every half second (a process living less than that is missed).
Without --bundle, a model is trained first on 8,000 generated clients through the product's feature build
(300 trees, depth 6: the size of the realistic serving benchmark), outside the timings.
Targets: the application_test clients of a real-size folder scored, features included, in at most 60 s on DuckDB;
Spark local[2] within 3x of DuckDB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))


def realistic_bundle(folder: Path, train_clients: int = 8_000) -> Path:
    from tests.bundle_factory import make_realistic_bundle

    return make_realistic_bundle(
        folder,
        train_clients=train_clients,
        fingerprint="bench-batch",
        reference_rows=2_000,
        history_rows=2_000,
    )


def measure(label: str, command: list[str], clients: int | None = None) -> dict[str, object]:
    """Run `command`: its wall time, and the CPU time and peak resident memory of its whole process tree, sampled
    every half second (the JVM of a Spark run and its Python workers are not waited for by the command, so the
    kernel's accounting of the command alone would miss them)."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    root = psutil.Process(process.pid)
    cpu: dict[int, float] = {}
    peak = 0
    output = []
    import threading

    reader = threading.Thread(target=lambda: output.append(process.stdout.read() if process.stdout else b""))
    reader.start()
    while process.poll() is None:
        rss = 0
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for proc in tree:
            try:
                times = proc.cpu_times()
                cpu[proc.pid] = times.user + times.system + times.children_user + times.children_system
                rss += proc.memory_info().rss
            except psutil.Error:
                continue
        peak = max(peak, rss)
        time.sleep(0.5)
    reader.join()
    seconds = time.perf_counter() - started
    text = output[0].decode(errors="replace") if output else ""
    if process.returncode != 0:
        print(text[-3000:])
        raise SystemExit(f"{label} failed (exit {process.returncode})")
    peak_gb = peak / 2**30
    total_cpu = sum(cpu.values())
    rate = f"{clients / seconds:10,.0f} clients/s" if clients else " " * 20
    print(
        f"{label:<44} {seconds:8.1f} s  {rate}  peak RSS {peak_gb:5.2f} GB  (CPU {total_cpu:7.1f} s)",
        flush=True,
    )
    last = [x for x in text.splitlines() if x.strip()]
    if last:
        print(f"    {last[-1][:200]}", flush=True)
    return {"label": label, "seconds": seconds, "peak_gb": peak_gb, "cpu": total_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of Home Credit tables (real size)")
    parser.add_argument("--bundle", type=Path, default=None, help="model bundle (default: trained first)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--only", choices=("duckdb", "spark"), default=None, help="one engine only")
    parser.add_argument("--skip-features", action="store_true", help="no training feature builds")
    parser.add_argument("--keep", type=Path, default=None, help="work folder kept after the run")
    args = parser.parse_args(argv)

    import pyarrow.parquet as pq

    from training.data.batch import application_path

    app = application_path(args.data)
    clients = pq.ParquetFile(app).metadata.num_rows if app.suffix == ".parquet" else None
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-batch-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bundle = args.bundle
    if bundle is None:
        started = time.perf_counter()
        bundle = realistic_bundle(workdir / "bundle")
        print(f"bundle trained in {time.perf_counter() - started:.1f} s (outside the timings)")
    print(f"{app}: {clients or '?'} applications; load average {os.getloadavg()}")
    python = sys.executable
    engines = [e for e in ("duckdb", "spark") if args.only in (None, e)]
    for engine in engines:
        extra = ["--master", args.master] if engine == "spark" else []
        for explain in (False, True):
            out = workdir / f"scores-{engine}-{'reasons' if explain else 'plain'}.parquet"
            command = [python, "-m", "scoring_service.batch", "score", "--data", str(args.data)]
            command += [
                "--model",
                str(bundle),
                "--out",
                str(out),
                "--engine",
                engine,
                "--no-progress",
                *extra,
            ]
            if explain:
                command += ["--explain", "--top-k", "3"]
            label = f"batch {engine}{' ' + args.master if extra else ''}{', 3 reasons' if explain else ''}"
            measure(label, command, clients)
    if not args.skip_features:
        for engine in engines:
            extra = ["--master", args.master] if engine == "spark" else []
            command = [python, "-m", "training", "features", "--data", str(args.data)]
            command += [
                "--out",
                str(workdir / f"features-{engine}"),
                "--engine",
                engine,
                "--no-progress",
                *extra,
            ]
            measure(f"training features {engine}{' ' + args.master if extra else ''}", command)
    print(f"load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
