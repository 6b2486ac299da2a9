"""Generating a whole Home Credit folder: all tables in the official schema, files and names.

Clients get 6-digit SK_ID_CURR values; train and test clients are interleaved as in the real extract and both
have secondary-table rows. Each table builder draws from its own child seed, so the output is identical for a
seed whatever the machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from training.data.schema import DICTIONARY_STEM, TABLES
from training.synthetic.application import build_applications
from training.synthetic.behaviour import build_credit_card, build_installments, build_pos_cash, lateness
from training.synthetic.bureau import build_bureau
from training.synthetic.dictionary import columns_description
from training.synthetic.marginals import Calibration, unique_ids
from training.synthetic.previous import build_previous
from training.synthetic.risk import client_history, draw_target, risk_logit

GENERATOR_VERSION = "4"  # bump when the output for a given seed changes (invalidates cached demo data)
TEST_PER_TRAIN = 48_744 / 307_511  # the real ratio of test to train clients
FORMATS = ("parquet", "csv", "csv.gz")
MAX_CLIENTS = 700_000  # 6-digit ids for train and test together


def count_test_clients(clients: int) -> int:
    return round(clients * TEST_PER_TRAIN)


def _write(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        frame.to_parquet(path, index=False, engine="pyarrow")
    else:
        frame.to_csv(path, index=False, compression="gzip" if fmt == "csv.gz" else None)


def build_tables(
    clients: int, seed: int, calibration: Calibration, progress: bool = False
) -> dict[str, pd.DataFrame]:
    """Every table in memory, by HomeCreditTables attribute name (without the dictionary)."""
    if not 1 <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be between 1 and {MAX_CLIENTS:,} (got {clients:,})")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    n_test = count_test_clients(clients)
    total = clients + n_test
    steps = tqdm(total=6, desc="generating", unit="step", disable=not progress)

    ids = np.sort(unique_ids(streams[0], total, 100_002, 999_999))
    is_test = np.zeros(total, dtype=bool)
    is_test[streams[0].choice(total, size=n_test, replace=False)] = True
    apps, latent = build_applications(calibration, streams[1], ids)
    steps.update()
    bureau, bureau_balance = build_bureau(calibration, streams[2], ids, latent.quality, latent.wealth)
    steps.update()
    previous, plan = build_previous(calibration, streams[3], ids, latent.quality, latent.wealth)
    steps.update()
    late_p = lateness(streams[4], latent.quality)
    installments = build_installments(calibration, streams[4], previous, plan, late_p)
    pos_cash = build_pos_cash(calibration, streams[5], previous, plan, late_p)
    credit_card = build_credit_card(calibration, streams[5], previous, plan, late_p)
    steps.update()

    train = apps.loc[~is_test].reset_index(drop=True)
    history = client_history(ids, bureau, previous, installments)
    train.insert(1, "TARGET", draw_target(streams[6], risk_logit(train, history), calibration.target_rate))
    steps.update()
    frames = {
        "application_train": train,
        "application_test": apps.loc[is_test].reset_index(drop=True),
        "bureau": bureau,
        "bureau_balance": bureau_balance,
        "previous_application": previous,
        "pos_cash_balance": pos_cash,
        "installments_payments": installments,
        "credit_card_balance": credit_card,
    }
    steps.update()
    steps.close()
    return frames


def generate(
    out_dir: Path, *, clients: int, seed: int = 42, fmt: str = "parquet", progress: bool = False
) -> dict[str, int]:
    """Write a generated folder with the official file names; returns the rows written per table."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = build_tables(clients, seed, Calibration.load(), progress=progress)
    rows: dict[str, int] = {}
    for spec in tqdm(TABLES, desc="writing", unit="table", disable=not progress):
        frame = frames.pop(spec.attribute)
        _write(frame, out_dir / f"{spec.stem}.{fmt}", fmt)
        rows[spec.attribute] = len(frame)
        del frame
    dictionary = columns_description()
    dictionary.to_csv(out_dir / f"{DICTIONARY_STEM}.csv", encoding="cp1252")
    rows["columns_description"] = len(dictionary)
    return rows
