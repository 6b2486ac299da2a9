"""Credits at other institutions (bureau) and their monthly status (bureau_balance).

A client's `quality` sets how often their credits ran overdue; that history is what the default risk later
reads back (count of bureau credits with an overdue amount).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from training.data.schema import BUREAU, BUREAU_BALANCE
from training.synthetic.marginals import (
    Calibration,
    categorical,
    correlated_uniform,
    counts,
    expand,
    fill_remaining,
    numeric,
    positive_part,
    typed,
    unique_ids,
)

DAYS_PER_MONTH = 30.4375
_DPD_ORDER = ("0", "X", "1", "2", "3", "4", "5")  # from clean to worst, the order a risk factor moves along


def _positive_share(spec: dict) -> float:
    zero = sum(share for value, share in spec.get("points", []) if value == 0)
    return float(np.clip(1 - zero, 0.005, 0.995))


def build_bureau(
    cal: Calibration,
    rng: np.random.Generator,
    client_ids: np.ndarray,
    quality: np.ndarray,
    wealth: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = cal.columns("bureau")
    n_rows = counts(cal.relation("bureau_per_client"), rng, len(client_ids))
    owner, _ = expand(n_rows)
    n = len(owner)
    out: dict[str, object] = {
        "SK_ID_CURR": client_ids[owner],
        "SK_ID_BUREAU": unique_ids(rng, n, 5_000_000, 9_999_999),
    }
    active = categorical(cols["CREDIT_ACTIVE"], rng.random(n), rng=rng)
    out["CREDIT_ACTIVE"] = active
    closed = np.asarray(active) != "Active"
    opened = np.minimum(numeric(cols["DAYS_CREDIT"], rng.random(n)), -1)
    out["DAYS_CREDIT"] = opened
    end_planned = numeric(cols["DAYS_CREDIT_ENDDATE"], rng.random(n), rng.random(n))
    out["DAYS_CREDIT_ENDDATE"] = np.where(np.isnan(end_planned), np.nan, np.maximum(end_planned, opened))
    ended = np.round(opened + rng.random(n) ** 2 * -opened)  # most closed credits ended long ago
    out["DAYS_ENDDATE_FACT"] = np.where(closed, np.minimum(ended, 0), np.nan)
    out["DAYS_CREDIT_UPDATE"] = np.where(closed, ended, -np.round(rng.random(n) * 60))

    # Past overdue: a client-level propensity (quality) plus noise, per credit.
    max_overdue = cols["AMT_CREDIT_MAX_OVERDUE"]
    base = _positive_share(max_overdue)
    overdue = rng.random(n) < expit(logit(base) - 1.1 * quality[owner] + 0.3 * rng.standard_normal(n))
    amount_overdue = numeric(positive_part(max_overdue), rng.random(n))
    recorded = rng.random(n) >= max_overdue["null"]
    out["AMT_CREDIT_MAX_OVERDUE"] = np.where(recorded, np.where(overdue, amount_overdue, 0.0), np.nan)
    late_now = 1 - sum(share for value, share in cols["CREDIT_DAY_OVERDUE"].get("points", []) if value == 0)
    candidates = overdue & ~closed
    still_late = candidates & (rng.random(n) < late_now / max(candidates.mean(), 1e-9))
    days_late = numeric(positive_part(cols["CREDIT_DAY_OVERDUE"]), rng.random(n))
    out["CREDIT_DAY_OVERDUE"] = np.where(still_late, np.maximum(days_late, 1), 0)

    total = numeric(cols["AMT_CREDIT_SUM"], correlated_uniform(rng, wealth[owner], 0.4))
    out["AMT_CREDIT_SUM"] = total
    debt = np.where(closed, 0.0, np.round(total * rng.random(n), 2))
    out["AMT_CREDIT_SUM_DEBT"] = np.where(rng.random(n) < cols["AMT_CREDIT_SUM_DEBT"]["null"], np.nan, debt)
    out["AMT_CREDIT_SUM_OVERDUE"] = np.where(still_late, np.round(debt * rng.random(n) * 0.2, 2), 0.0)
    fill_remaining(out, BUREAU, cols, rng, n)
    bureau = typed(out, BUREAU)
    balance = _build_balance(cal, rng, bureau, overdue, quality[owner])
    return bureau, balance


def _build_balance(
    cal: Calibration, rng: np.random.Generator, bureau: pd.DataFrame, overdue: np.ndarray, quality: np.ndarray
) -> pd.DataFrame:
    """The last months of a share of the credits: 'C' after closing, DPD buckets for the overdue ones."""
    n_months = np.minimum(counts(cal.relation("balance_per_bureau"), rng, len(bureau)), 97)
    parent, rank = expand(n_months)
    month = -rank
    closed_month = np.floor(bureau["DAYS_ENDDATE_FACT"].to_numpy() / DAYS_PER_MONTH)[parent]
    status_spec = cal.column("bureau_balance", "STATUS")["levels"]
    order = [s for s in _DPD_ORDER if s in status_spec]
    shares = np.array([status_spec[s] for s in order])
    risk = np.where(overdue[parent], 1.2, 0.0) - 0.4 * quality[parent]
    spread = float(risk.var()) if len(risk) else 0.0
    u = correlated_uniform(rng, risk / np.sqrt(1 + spread), 0.5)
    drawn = np.minimum(np.searchsorted(np.cumsum(shares / shares.sum()), u, side="right"), len(order) - 1)
    levels = list(status_spec)
    codes = np.array([levels.index(s) for s in order], dtype=np.int8)[drawn]
    if "C" in levels:
        codes[month > closed_month] = levels.index("C")  # NaN (still open) compares False
    columns = {
        "SK_ID_BUREAU": bureau["SK_ID_BUREAU"].to_numpy()[parent],
        "MONTHS_BALANCE": month,
        "STATUS": pd.Categorical.from_codes(codes, categories=levels),  # type: ignore[call-overload]
    }
    return typed(columns, BUREAU_BALANCE)
