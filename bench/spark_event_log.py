"""Where a Spark run's time goes, per stage, from its event log: tasks, run time, CPU, GC, rows read, shuffle, spill.

    python -m scoring_service.batch score ... --engine spark --conf spark.eventLog.enabled=true \
        --conf spark.eventLog.dir=/tmp/b16/events
    python bench/spark_event_log.py /tmp/b16/events/*

The executors' CPU (`executorCpuTime`) counts the JVM's work in tasks; the time a task waits for its Python
workers (mapInPandas, mapInArrow) is in its run time but not in its CPU. Whatever the JVM spends outside tasks
(start, planning, code generation and compilation, JIT, the driver's bookkeeping) is the difference between the
JVM's CPU time, measured outside, and the total below.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

METRICS = {
    "internal.metrics.executorRunTime": ("run_s", 1e-3),
    "internal.metrics.executorCpuTime": ("cpu_s", 1e-9),
    "internal.metrics.jvmGCTime": ("gc_s", 1e-3),
    "internal.metrics.executorDeserializeCpuTime": ("deser_s", 1e-9),
    "internal.metrics.input.recordsRead": ("rows_in", 1),
    "internal.metrics.shuffle.read.recordsRead": ("shuffle_rows_in", 1),
    "internal.metrics.shuffle.write.bytesWritten": ("shuffle_mb", 2**-20),
    "internal.metrics.shuffle.write.recordsWritten": ("shuffle_rows", 1),
    "internal.metrics.diskBytesSpilled": ("spill_mb", 2**-20),
    "internal.metrics.resultSize": ("result_mb", 2**-20),
}


def events_text(path: Path) -> str:
    """The events of one log: a file, or Spark 4's rolling folder of files (zstd-compressed by default)."""
    files = sorted(path.glob("events_*")) if path.is_dir() else [path]
    parts = []
    for file in files:
        if file.suffix == ".zstd":  # the zstd command reads Spark's frames; Python has no zstd in 3.11
            parts.append(
                subprocess.run(["zstd", "-dc", str(file)], capture_output=True, check=False).stdout.decode()
            )
        else:
            parts.append(file.read_text())
    return "\n".join(parts)


def stages(path: Path) -> list[dict[str, object]]:
    out = []
    for line in events_text(path).splitlines():
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:  # the last line of a log still being written
            continue
        if event.get("Event") != "SparkListenerStageCompleted":
            continue
        info = event["Stage Info"]
        row: dict[str, object] = {
            "stage": info["Stage ID"],
            "tasks": info["Number of Tasks"],
            "wall_s": (info.get("Completion Time", 0) - info.get("Submission Time", 0)) / 1000,
            "name": info["Stage Name"][:60],
        }
        for item in info.get("Accumulables", []):
            if item.get("Name") in METRICS:
                key, scale = METRICS[item["Name"]]
                row[key] = float(item["Value"]) * scale
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", type=Path, nargs="+", help="event log files")
    args = parser.parse_args(argv)
    keys = [
        "wall_s",
        "run_s",
        "cpu_s",
        "gc_s",
        "rows_in",
        "shuffle_rows_in",
        "shuffle_rows",
        "shuffle_mb",
        "spill_mb",
    ]
    for log in args.logs:
        rows = stages(log)
        print(f"{log}: {len(rows)} stages")
        print(f"{'stage':>5} {'tasks':>5} " + " ".join(f"{k:>15}" for k in keys) + "  name")
        for row in rows:
            values = " ".join(f"{row.get(k, 0):>15,.1f}" for k in keys)
            print(f"{row['stage']:>5} {row['tasks']:>5} {values}  {row['name']}")
        totals = {k: sum(float(r.get(k, 0)) for r in rows) for k in keys}  # type: ignore[arg-type]
        print(
            f"{'all':>5} {sum(int(r['tasks']) for r in rows):>5} "
            + " ".join(f"{totals[k]:>15,.1f}" for k in keys)
        )  # type: ignore[call-overload]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
