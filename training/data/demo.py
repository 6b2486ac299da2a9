"""The embedded default dataset: generated once into data/demo/raw, then reused.

A marker file records the seed, size and generator version; when any of them differs the folder is regenerated.
Generation goes to a temporary sibling folder renamed at the end, so an interrupted run never leaves a
half-written dataset that looks complete.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

DEMO_CLIENTS = 10_000  # train clients: features + a few CatBoost fits with CV stay within minutes on 2 cores
MARKER = "generated.json"


def demo_folder(data_root: Path) -> Path:
    return Path(data_root) / "demo" / "raw"


def ensure_demo_data(
    data_root: Path, *, clients: int = DEMO_CLIENTS, seed: int = 42, progress: bool = True
) -> Path:
    """The folder of the demo tables under `data_root`, generated now if absent or made with other settings."""
    from training.synthetic.generator import GENERATOR_VERSION, generate

    folder = demo_folder(data_root)
    wanted = {"clients": clients, "seed": seed, "generator_version": GENERATOR_VERSION, "format": "parquet"}
    marker = folder / MARKER
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".raw-", dir=folder.parent))
    try:
        rows = generate(staging, clients=clients, seed=seed, fmt="parquet", progress=progress)
        (staging / MARKER).write_text(json.dumps(wanted, indent=2) + "\n")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    if progress:
        print(f"demo data ready in {folder} ({sum(rows.values()):,} rows)")
    return folder
