"""Time and peak memory of the drift report at real size, with and without sampling, and what sampling changes.

    python bench/drift_report.py [--work DIR] [--clients 20000] [--samples 50000 10000] [--no-html]

1. Generates a Home Credit folder (`--clients` train clients, test clients in the real proportion) and builds its
   features with the training code, then resamples the rows (with replacement) to the real size: 307,511
   reference rows and 48,744 current rows. A few shifts are planted in the current rows, strong and mild, so the
   drifted-feature sets have something to disagree about. The two tables are cached in --work as Parquet.
2. Runs the report on every feature (the `python -m drift report` path: Evidently on all columns, summary, HTML
   and JSON) once at full size and once per --samples size, each in a fresh process so its peak memory is its own.
3. Prints time, peak resident memory, the drifted-feature count, and the features that sampling adds or misses
   compared with the full-size run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REFERENCE_ROWS, CURRENT_ROWS = 307_511, 48_744
# column -> (kind, amount): planted in the current rows; "scale" multiplies, "add" adds
PLANTED = {
    "AMT_CREDIT": ("scale", 1.5),  # strong
    "DAYS_BIRTH": ("scale", 0.85),  # strong: younger applicants
    "AMT_INCOME_TOTAL": ("scale", 1.05),  # mild
    "EXT_SOURCE_2": ("add", 0.02),  # mild
}


def prepare(work: Path, clients: int, seed: int, sizes: tuple[int, int]) -> tuple[Path, Path]:
    reference_path, current_path = work / "reference.parquet", work / "current.parquet"
    if reference_path.is_file() and current_path.is_file():
        return reference_path, current_path
    sys.path.insert(0, str(PROJECT_ROOT))
    import numpy as np

    from training.data.loader import load_tables
    from training.features.build import build_feature_tables

    folder = work / "generated"
    if not (folder / "application_train.parquet").is_file():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "training",
                "generate",
                "--out",
                str(folder),
                "--clients",
                str(clients),
                "--seed",
                str(seed),
                "--no-progress",
            ],
            check=True,
            cwd=PROJECT_ROOT,
        )
    tables = build_feature_tables(load_tables(folder))
    rng = np.random.default_rng(seed)
    train = tables.train.drop(columns=["TARGET"])
    reference = train.iloc[rng.integers(0, len(train), sizes[0])].reset_index(drop=True)
    current = tables.test.iloc[rng.integers(0, len(tables.test), sizes[1])].reset_index(drop=True)
    for column, (kind, amount) in PLANTED.items():
        if column in current.columns:
            current[column] = current[column] * amount if kind == "scale" else current[column] + amount
    reference.to_parquet(reference_path)
    current.to_parquet(current_path)
    (work / "categorical.json").write_text(json.dumps(tables.categorical))
    return reference_path, current_path


def vm_hwm_kib() -> int:
    """Peak resident memory of this process since its exec (ru_maxrss of a forked child can include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no VmHWM line: this benchmark reads memory the Linux way.")


def measure(work: Path, sample: int | None, html: bool) -> dict:
    """One report in this process; the parent reads its peak memory."""
    sys.path.insert(0, str(PROJECT_ROOT))
    import pandas as pd

    from drift.evidently_report import DriftReportDefinition, infer_categorical
    from drift.summary import summarize

    reference = pd.read_parquet(work / "reference.parquet")
    current = pd.read_parquet(work / "current.parquet")
    if sample:
        reference = reference.sample(n=min(sample, len(reference)), random_state=0)
        current = current.sample(n=min(sample, len(current)), random_state=0)
    categorical = infer_categorical(reference, json.loads((work / "categorical.json").read_text()))
    started = time.perf_counter()
    run = DriftReportDefinition(list(reference.columns), categorical).run(reference, current)
    summary = summarize(run.as_dict(), skipped=run.skipped)
    computed = time.perf_counter() - started
    if html:
        run.save(work / f"out-{sample or 'full'}", "all")
    return {
        "peak_rss_gb": round(vm_hwm_kib() / 2**20, 2),
        "sample": sample,
        "reference_rows": len(reference),
        "current_rows": len(current),
        "features": summary.tested,
        "compute_s": round(computed, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "drifted": sorted(summary.drifted),
        "methods": summary.methods,
    }


def window_noise(work: Path, sizes: list[int], repeats: int, columns: int) -> None:
    """False drift with no drift at all: windows drawn from the reference pool itself, compared with a
    20,000-row reference (the bundle's reference size), as the monitor does for each window."""
    sys.path.insert(0, str(PROJECT_ROOT))
    import numpy as np
    import pandas as pd

    from drift.evidently_report import DriftReportDefinition, infer_categorical
    from drift.summary import summarize

    pool = pd.read_parquet(work / "reference.parquet")
    categorical = infer_categorical(pool, json.loads((work / "categorical.json").read_text()))
    chosen = [c for c in pool.columns if c not in categorical and pool[c].notna().mean() > 0.5][:columns]
    rng = np.random.default_rng(1)
    reference = pool.iloc[rng.choice(len(pool), 20_000, replace=False)]
    definition = DriftReportDefinition(chosen)
    print(f"window noise: {len(chosen)} numeric features, reference 20,000 rows, {repeats} windows per size")
    for size in sizes:
        shares = []
        for _ in range(repeats):
            window = pool.iloc[rng.choice(len(pool), size, replace=False)]
            shares.append(summarize(definition.run(reference, window).as_dict()).share_drifted)
        print(
            f"  {size:>6,} events: share of features flagged without drift {np.mean(shares):.1%} "
            f"(max {np.max(shares):.1%})"
        )


def run_child(work: Path, sample: int | None, html: bool) -> dict:
    command = [sys.executable, __file__, "--work", str(work), "--child", str(sample or 0)]
    if not html:
        command.append("--no-html")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    if process.wait() != 0:
        raise SystemExit(f"the measured run (sample={sample}) failed with exit code {process.returncode}")
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "data" / "bench-drift")
    parser.add_argument(
        "--clients", type=int, default=20_000, help="train clients generated before resampling"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=int, nargs="*", default=[50_000, 10_000])
    parser.add_argument("--no-html", action="store_true", help="time the computation only")
    parser.add_argument(
        "--rows",
        type=int,
        nargs=2,
        default=[REFERENCE_ROWS, CURRENT_ROWS],
        metavar=("REF", "CUR"),
        help="rows after resampling (default: the real size)",
    )
    parser.add_argument(
        "--noise",
        type=int,
        nargs="*",
        metavar="EVENTS",
        help="only measure false drift on windows of these sizes drawn without drift (after preparing)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure(args.work, args.child or None, not args.no_html)))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    prepare(args.work, args.clients, args.seed, (args.rows[0], args.rows[1]))
    print(
        f"prepared {args.rows[0]:,} reference and {args.rows[1]:,} current rows in "
        f"{time.perf_counter() - started:.0f} s (cached in {args.work})"
    )
    print(f"planted in the current rows: {PLANTED}")
    if args.noise:
        window_noise(args.work, args.noise, repeats=3, columns=60)
        return 0
    full = run_child(args.work, None, not args.no_html)
    results = [full] + [run_child(args.work, s, not args.no_html) for s in args.samples]
    print(
        f"{'rows (ref / cur)':<22}{'features':>9}{'compute s':>11}{'total s':>9}{'peak GB':>9}{'drifted':>9}"
        "  vs full size"
    )
    for r in results:
        added = sorted(set(r["drifted"]) - set(full["drifted"]))
        missed = sorted(set(full["drifted"]) - set(r["drifted"]))
        diff = "same set" if not added and not missed else f"+{added} -{missed}"
        print(
            f"{r['reference_rows']:>9,} / {r['current_rows']:<9,}{r['features']:>9}{r['compute_s']:>11}"
            f"{r['total_s']:>9}{r['peak_rss_gb']:>9}{len(r['drifted']):>9}  {diff}"
        )
    print("methods: " + "; ".join(f"{r['reference_rows']:,} rows: {r['methods']}" for r in results))
    print("drifted at full size: " + ", ".join(full["drifted"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
