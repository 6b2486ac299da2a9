"""Batch scoring and feature builds on DuckDB and Spark local[N]: wall time, CPU time, clients per second, peak memory.

    python -m training generate --out DIR --clients 307511 --format parquet      # real size (307,511 + 48,744)
    python bench/batch_scoring.py --data DIR [--bundle BUNDLE] [--master local[2]] [--engines duckdb,spark]
        [--runs plain,reasons,features] [--conf KEY=VALUE ...] [--record FILE.jsonl] [--keep WORKDIR]

Each measurement is one command of the product run in its own process (the command a user types): wall time from
start to exit; CPU time (user + system) and peak resident memory of the command's whole process tree (for Spark:
the driver, the JVM and its Python workers), sampled every 0.2 s, the CPU split by process (driver, JVM, Python
workers, others); the 1-minute load average before, during (highest) and after. The engines run side by side: for
each kind of run, DuckDB then Spark, so both see the same machine. The peak memory adds the resident sizes of
the processes, so pages that Spark's forked Python workers share with their parent count more than once (an
upper bound).
Without --bundle, a model is trained first on 8,000 generated clients through the product's feature build
(300 trees, depth 6: the size of the realistic serving benchmark), outside the timings.
Targets: the application_test clients of a real-size folder scored, features included, in at most 60 s on DuckDB;
Spark local[2] within 3x of DuckDB at 1,000,000 clients; memory flat as the client count grows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

RUNS = ("startup", "plain", "reasons", "features")
# a Spark session started, one trivial job, stopped: what every Spark command pays before any work
STARTUP = (
    "from training.features.spark import spark_session; "
    "s = spark_session({master!r}, dict({conf!r})); s.range(1000).selectExpr('sum(id)').collect(); s.stop()"
)
SAMPLE_SECONDS = 0.2


def realistic_bundle(folder: Path, train_clients: int = 8_000) -> Path:
    from tests.bundle_factory import make_realistic_bundle

    return make_realistic_bundle(
        folder,
        train_clients=train_clients,
        fingerprint="bench-batch",
        reference_rows=2_000,
        history_rows=2_000,
    )


def process_kind(proc: object, root_pid: int) -> str:
    """driver (the command itself), jvm, workers (Spark's Python workers) or other (e.g. a helper process)."""
    import psutil

    assert isinstance(proc, psutil.Process)
    if proc.pid == root_pid:
        return "driver"
    name = proc.name()
    if name == "java":
        return "jvm"
    cmdline = " ".join(proc.cmdline())
    return "workers" if "pyspark" in cmdline and ("daemon" in cmdline or "worker" in cmdline) else "other"


def sample_tree(
    root: object,
    root_pid: int,
    cpu: dict[int, tuple[str, float]],
    threads: dict[tuple[int, int], tuple[str, float]],
) -> int:
    """One sample: each process's own CPU time so far (kept by pid), the JVM's CPU by thread, and the tree's
    resident memory. The kind is read again at each sample: spark-submit's shell becomes the JVM by exec."""
    import psutil

    assert isinstance(root, psutil.Process)
    try:
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    rss = 0
    for proc in tree:
        try:
            with proc.oneshot():
                times = proc.cpu_times()
                kind = process_kind(proc, root_pid)
                cpu[proc.pid] = (kind, times.user + times.system)
                rss += proc.memory_info().rss
            if kind == "jvm":
                sample_threads(proc.pid, threads)
        except psutil.Error:
            continue
    return rss


def sample_threads(pid: int, threads: dict[tuple[int, int], tuple[str, float]]) -> None:
    """CPU time of each thread of `pid` so far, from /proc (name: the thread's, digits dropped)."""
    import re

    ticks = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        threads[(pid, int(task.name))] = (re.sub(r"[#\d]+", "", name).strip(), used)


def thread_groups(threads: dict[tuple[int, int], tuple[str, float]]) -> dict[str, float]:
    groups: dict[str, float] = {}
    for name, used in threads.values():
        groups[name] = groups.get(name, 0.0) + used
    return dict(sorted(((k, round(v, 1)) for k, v in groups.items() if v >= 0.5), key=lambda kv: -kv[1]))


def measure(
    label: str, command: list[str], clients: int | None = None, code: Path = PROJECT_ROOT
) -> dict[str, object]:
    """Run `command` in `code` (the checkout whose modules `python -m` runs): wall time, CPU time of its process
    tree by kind of process, peak resident memory, load."""
    import psutil

    load_before = os.getloadavg()[0]
    load_high = load_before
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=code, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    root = psutil.Process(process.pid)
    cpu: dict[int, tuple[str, float]] = {}
    threads: dict[tuple[int, int], tuple[str, float]] = {}
    peak = 0
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read() if process.stdout else b""))
    reader.start()
    while process.poll() is None:
        peak = max(peak, sample_tree(root, process.pid, cpu, threads))
        load_high = max(load_high, os.getloadavg()[0])
        time.sleep(SAMPLE_SECONDS)
    reader.join()
    seconds = time.perf_counter() - started
    text = output[0].decode(errors="replace") if output else ""
    if process.returncode != 0:
        print(text[-3000:])
        raise SystemExit(f"{label} failed (exit {process.returncode})")
    by_kind: dict[str, float] = {}
    for kind, used in cpu.values():
        by_kind[kind] = by_kind.get(kind, 0.0) + used
    total = sum(by_kind.values())
    record = {
        "label": label,
        "command": " ".join(command),
        "utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "clients": clients,
        "seconds": round(seconds, 1),
        "cpu": round(total, 1),
        "cpu_by_process": {k: round(v, 1) for k, v in sorted(by_kind.items())},
        "jvm_threads": thread_groups(threads),
        "peak_gb": round(peak / 2**30, 2),
        "load": [round(load_before, 1), round(load_high, 1), round(os.getloadavg()[0], 1)],
    }
    rate = f"{clients / seconds:8,.0f} clients/s" if clients else " " * 18
    split = ", ".join(f"{k} {v:.1f}" for k, v in record["cpu_by_process"].items())  # type: ignore[union-attr]
    print(
        f"{label:<40} {seconds:7.1f} s  {rate}  CPU {total:7.1f} s ({split})  peak {record['peak_gb']:5.2f} GB"
        f"  load {record['load']}",
        flush=True,
    )
    if threads:
        print(f"    JVM CPU by thread: {record['jvm_threads']}", flush=True)
    last = [x for x in text.splitlines() if x.strip()]
    if last:
        print(f"    {last[-1][:200]}", flush=True)
    return record


def batch_command(python: str, args: argparse.Namespace, engine: str, bundle: Path, out: Path) -> list[str]:
    command = [
        python,
        "-m",
        "scoring_service.batch",
        "score",
        "--data",
        str(args.data),
        "--model",
        str(bundle),
    ]
    command += ["--out", str(out), "--engine", engine, "--no-progress"]
    if args.slice_clients and engine == "duckdb":
        command += ["--slice-clients", str(args.slice_clients)]
    return command + spark_options(args, engine)


def features_command(python: str, args: argparse.Namespace, engine: str, out: Path) -> list[str]:
    command = [python, "-m", "training", "features", "--data", str(args.data), "--out", str(out)]
    return [*command, "--engine", engine, "--no-progress", *spark_options(args, engine)]


def spark_options(args: argparse.Namespace, engine: str) -> list[str]:
    if engine != "spark":
        return []
    options = ["--master", args.master]
    for setting in args.conf:
        options += ["--conf", setting]
    return options


def count_clients(data: Path) -> tuple[int | None, int | None]:
    """(rows of the application file a batch scores, rows of both application files) of a Parquet folder."""
    import pyarrow.parquet as pq

    from training.data.batch import application_path

    app = application_path(data)
    if app.suffix != ".parquet":
        return None, None
    scored = pq.ParquetFile(app).metadata.num_rows
    train = data / "application_train.parquet"
    everyone = scored + pq.ParquetFile(train).metadata.num_rows if train.is_file() else None
    return scored, everyone


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of Home Credit tables (Parquet)")
    parser.add_argument("--bundle", type=Path, default=None, help="model bundle (default: trained first)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--engines", default="duckdb,spark", help="engines, in order (default duckdb,spark)")
    parser.add_argument("--only", choices=("duckdb", "spark"), default=None, help="one engine only")
    parser.add_argument(
        "--runs",
        default="plain,reasons,features",
        help=f"what to run, of {', '.join(RUNS)} (startup: Spark only)",
    )
    parser.add_argument(
        "--slice-clients",
        type=int,
        default=None,
        help="DuckDB batch: applications per slice (default: the command's)",
    )
    parser.add_argument("--skip-features", action="store_true", help="no training feature builds")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting")
    parser.add_argument("--record", type=Path, default=None, help="append each figure as a JSON line here")
    parser.add_argument("--keep", type=Path, default=None, help="work folder kept after the run")
    parser.add_argument(
        "--code",
        type=Path,
        default=PROJECT_ROOT,
        help="checkout whose code the commands run (e.g. a worktree of an older commit, for a before/after)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engines = [e for e in args.engines.split(",") if args.only in (None, e)]
    runs = [r for r in args.runs.split(",") if not (args.skip_features and r == "features")]
    unknown = [r for r in runs if r not in RUNS] + [e for e in engines if e not in ("duckdb", "spark")]
    if unknown:
        raise SystemExit(f"unknown run or engine: {', '.join(unknown)}")
    scored, everyone = count_clients(args.data)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-batch-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bundle = args.bundle
    if bundle is None and any(r in ("plain", "reasons") for r in runs):
        started = time.perf_counter()
        bundle = realistic_bundle(workdir / "bundle")
        print(f"bundle trained in {time.perf_counter() - started:.1f} s (outside the timings)")
    print(f"{args.data}: {scored or '?'} applications to score, {everyone or '?'} clients in all")
    python = sys.executable
    for run in runs:
        for engine in engines:
            where = f"{engine} {args.master}" if engine == "spark" else engine
            if run == "startup":
                if engine != "spark":
                    continue
                conf = [tuple(c.split("=", 1)) for c in args.conf]
                code = STARTUP.format(master=args.master, conf=conf)
                record = measure(f"spark session start {args.master}", [python, "-c", code], code=args.code)
            elif run == "features":
                out = workdir / f"features-{engine}"
                command = features_command(python, args, engine, out)
                record = measure(f"training features {where}", command, everyone, code=args.code)
            else:
                assert bundle is not None
                out = workdir / f"scores-{engine}-{run}.parquet"
                command = batch_command(python, args, engine, bundle, out)
                if run == "reasons":
                    command += ["--explain", "--top-k", "3"]
                label = f"batch {where}{', 3 reasons' if run == 'reasons' else ''}"
                record = measure(label, command, scored, code=args.code)
            if args.record:
                with args.record.open("a") as handle:
                    handle.write(
                        json.dumps({"data": str(args.data), "code": str(args.code), **record}) + "\n"
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
