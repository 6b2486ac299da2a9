"""Time `python -m training run --profile demo` end to end (data generation, features, selection, report,
registration) in a fresh data folder, with peak memory and the CPU the run actually got.

    .venv/bin/python bench/demo_profile.py [--keep DIR]

The target is 3 minutes on 2 cores. On a shared machine the wall time depends on the other jobs, so the CPU time
(user + system) is printed beside it, with the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep", type=Path, default=None, help="data folder to use and keep (default: a temp one)"
    )
    parser.add_argument("--profile", default="demo", help="profile to time (default demo)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-demo-"))
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["TRAINING_DATA_ROOT"] = str(root)
    command = [sys.executable, "-m", "training", "run", "--profile", args.profile, "--no-progress"]
    load_before = os.getloadavg()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    load_after = os.getloadavg()
    text = output.decode(errors="replace")
    if process.returncode != 0:
        print(text[-3000:])
        print(f"the run failed with exit code {process.returncode}")
        return 1
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = children.ru_utime + children.ru_stime
    summary = text[text.find("model ") :] if "model " in text else text[-2000:]
    print(summary.strip())
    reports = sorted((root / "reports").glob("*/report.md"))
    if reports:
        timings = re.search(r"Timings \(seconds\): (.*)\.", reports[-1].read_text())
        if timings:
            print(f"stages (s): {timings.group(1)}")
    print(
        f"\n{' '.join(command[1:])}: {wall:.1f} s wall, {cpu:.1f} s CPU (user+system), "
        f"peak RSS {children.ru_maxrss / 1024:.0f} MB; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (2 cores)"
    )
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
