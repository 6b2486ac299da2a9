"""`python -m training calibrate --real DIR`: rebuild calibration.json, the generator's statistics, from real data.

The file holds aggregates only (column dtypes, quantiles, null rates, category frequencies, per-parent row counts),
never a row, so it can be committed while the real data cannot.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from common.errors import exit_with
from training.data.loader import DataError, HomeCreditTables, load_tables
from training.data.schema import TABLES

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"
QUANTILES: tuple[float, ...] = (
    0,
    0.005,
    0.01,
    0.025,
    0.05,
    *np.round(np.arange(0.1, 0.95, 0.05), 2),
    0.95,
    0.975,
)
QUANTILES = (*QUANTILES, 0.99, 0.995, 1.0)
POINT_MASS = (
    0.02  # a value holding this share of a column becomes an explicit point (0, sentinels, round amounts)
)
DISCRETE_LEVELS = 30  # numeric columns with at most this many distinct values keep their exact frequencies
# Levels of the full data too rare to appear in a 1% sample, kept so that generated data has the real quirks
# (frequency per row of the full application_train / bureau, from the competition's published counts).
RARE_LEVELS: dict[str, dict[str, dict[str, float]]] = {
    "application_train": {
        "CODE_GENDER": {"XNA": 4 / 307511},
        "NAME_FAMILY_STATUS": {"Unknown": 2 / 307511},
        "NAME_INCOME_TYPE": {
            "Unemployed": 22 / 307511,
            "Student": 18 / 307511,
            "Businessman": 10 / 307511,
            "Maternity leave": 5 / 307511,
        },
        "NAME_EDUCATION_TYPE": {"Academic degree": 164 / 307511},
    },
    "bureau": {"CREDIT_ACTIVE": {"Bad debt": 21 / 1716428}},
}


def _round(values: np.ndarray | list[float]) -> list[float]:
    return [float(f"{v:.6g}") for v in np.asarray(values, dtype=float)]


def numeric_stats(series: pd.Series) -> dict[str, object]:
    """Null rate, then either exact frequencies (few values) or point masses plus quantiles of the rest."""
    values = series.dropna().to_numpy(dtype=float)
    stats: dict[str, object] = {"null": round(float(series.isna().mean()), 5)}
    if len(values) == 0:
        return stats
    stats["integer"] = bool(np.all(values == np.round(values)))
    uniques, counts = np.unique(values, return_counts=True)
    share = counts / len(values)
    if len(uniques) <= DISCRETE_LEVELS:
        stats["points"] = [[v, round(float(s), 6)] for v, s in zip(_round(uniques), share, strict=True)]
        return stats
    heavy = share >= POINT_MASS
    stats["points"] = [
        [v, round(float(s), 6)] for v, s in zip(_round(uniques[heavy]), share[heavy], strict=True)
    ]
    rest = values[~np.isin(values, uniques[heavy])]
    stats["quantiles"] = _round(np.quantile(rest, QUANTILES)) if len(rest) else []
    return stats


def category_stats(series: pd.Series, rare: dict[str, float]) -> dict[str, object]:
    frequencies = series.dropna().astype(str).value_counts(normalize=True)
    levels = {str(k): round(float(v), 6) for k, v in frequencies.items()}
    for level, share in rare.items():
        levels.setdefault(level, float(f"{share:.3g}"))
    return {"null": round(float(series.isna().mean()), 5), "levels": levels}


def count_stats(counts: np.ndarray, eligible: int) -> dict[str, object]:
    """Rows per parent: the share of eligible parents with rows, and the distribution of positive counts."""
    counts = counts[counts > 0]
    return {
        "share_with_rows": round(min(1.0, len(counts) / max(eligible, 1)), 5),
        "mean": round(float(counts.mean()), 4) if len(counts) else 0.0,
        "quantiles": _round(np.quantile(counts, QUANTILES)) if len(counts) else [],
        "max": int(counts.max()) if len(counts) else 0,
    }


def _rows_per(child: pd.Series) -> np.ndarray:
    return child.value_counts().to_numpy()


def relation_stats(t: HomeCreditTables) -> dict[str, object]:
    train_clients = len(t.application_train)
    previous = t.previous_application
    approved = previous["NAME_CONTRACT_STATUS"].astype(str) == "Approved"
    revolving = previous["NAME_CONTRACT_TYPE"].astype(str) == "Revolving loans"
    return {
        "bureau_per_client": count_stats(_rows_per(t.bureau["SK_ID_CURR"]), train_clients),
        "balance_per_bureau": count_stats(_rows_per(t.bureau_balance["SK_ID_BUREAU"]), len(t.bureau)),
        "previous_per_client": count_stats(_rows_per(previous["SK_ID_CURR"]), train_clients),
        "pos_per_instalment_credit": count_stats(
            _rows_per(t.pos_cash_balance["SK_ID_PREV"]), int((approved & ~revolving).sum())
        ),
        "installments_per_credit": count_stats(
            _rows_per(t.installments_payments["SK_ID_PREV"]), int(approved.sum())
        ),
        "card_months_per_card": count_stats(
            _rows_per(t.credit_card_balance["SK_ID_PREV"]), int((approved & revolving).sum())
        ),
    }


def derived_stats(t: HomeCreditTables) -> dict[str, object]:
    """Ratios the generator uses to keep amounts coherent (annuity against credit, goods against credit)."""
    a = t.application_train
    credit = a["AMT_CREDIT"].astype(float)
    ratios = {
        "app_annuity_to_credit": a["AMT_ANNUITY"] / credit,
        "app_goods_to_credit": a["AMT_GOODS_PRICE"] / credit,
        "prev_credit_to_application": t.previous_application["AMT_CREDIT"]
        / t.previous_application["AMT_APPLICATION"].replace(0, np.nan),
    }
    return {name: _round(np.nanquantile(r.to_numpy(dtype=float), QUANTILES)) for name, r in ratios.items()}


def build_calibration(tables: HomeCreditTables, source: str) -> dict[str, object]:
    columns: dict[str, dict[str, object]] = {}
    for spec in TABLES:
        if spec.attribute == "application_test":
            continue  # same columns as train (without TARGET); its marginals are those of train
        frame = getattr(tables, spec.attribute)
        table: dict[str, object] = {}
        for name, kind in spec.columns.items():
            if kind == "key":
                table[name] = {"kind": kind}
            elif kind == "cat":
                rare = RARE_LEVELS.get(spec.attribute, {}).get(name, {})
                table[name] = {"kind": kind, **category_stats(frame[name], rare)}
            else:
                table[name] = {"kind": kind, **numeric_stats(frame[name])}
        columns[spec.attribute] = table
    train = tables.application_train
    return {
        "source": source,
        "train_clients": len(train),
        "target_rate": round(float(train["TARGET"].mean()), 5),
        "columns": columns,
        "relations": relation_stats(tables),
        "derived": derived_stats(tables),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--real", type=Path, required=True, help="folder of real Home Credit files")
    parser.add_argument(
        "--out", type=Path, default=CALIBRATION_FILE, help="where to write (default: committed file)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        tables = load_tables(args.real)
    except DataError as exc:
        return exit_with(exc)
    calibration = build_calibration(
        tables, source=f"{args.real.name}: {len(tables.application_train)} train clients"
    )
    args.out.write_text(json.dumps(calibration, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, aggregates only)")
    return 0
