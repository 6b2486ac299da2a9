"""Generate the real-size Home Credit dataset (307,511 train clients) in a temporary folder; print time and memory.

    python bench/generate_real_size.py [--clients N] [--format parquet|csv] [--load] [--keep DIR]

With --load, the folder is then validated by the loader in a separate process; its peak memory is read from
/proc/self/status (VmHWM), because ru_maxrss of a child started by fork+exec inherits the parent's peak.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.synthetic.generator import generate

REAL_TRAIN_CLIENTS = 307_511
_LOAD_SCRIPT = """
import sys, time
from pathlib import Path
from training.data.loader import load_tables
started = time.perf_counter()
tables = load_tables(Path(sys.argv[1]))
rows = int(tables.summary()["rows"].sum())
memory = tables.summary()["memory_mb"].sum()
status = Path("/proc/self/status").read_text().splitlines()
peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(f"load+validate: {rows:,} rows in {time.perf_counter() - started:.1f} s, "
      f"{memory:,.0f} MB of DataFrames, peak RSS {peak:,.0f} MB")
"""


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports kilobytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=REAL_TRAIN_CLIENTS)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--load", action="store_true", help="then load and validate the folder (separate process)"
    )
    parser.add_argument(
        "--keep", type=Path, help="write here and keep the files (default: a temporary folder)"
    )
    args = parser.parse_args()

    out = args.keep or Path(tempfile.mkdtemp(prefix="homecredit-bench-"))
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    try:
        started = time.perf_counter()
        rows = generate(out, clients=args.clients, seed=args.seed, fmt=args.format, progress=True)
        elapsed = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        secondary = sum(v for k, v in rows.items() if not k.startswith(("application", "columns")))
        for table, count in rows.items():
            print(f"  {table:<24}{count:>12,}")
        print(
            f"generate: {args.clients:,} train clients, {secondary:,} secondary rows, {size:,.0f} MB on disk"
        )
        print(f"generate: {elapsed:.1f} s, peak RSS {_peak_mb(resource.RUSAGE_SELF):,.0f} MB")
        if args.load:  # a fresh process, so that its peak memory is the loader's alone
            command = [sys.executable, "-c", _LOAD_SCRIPT, str(out)]
            subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
