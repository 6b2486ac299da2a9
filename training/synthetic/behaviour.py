"""How previous credits were repaid: POS/cash monthly balances, instalment payments and credit card months.

A client's `quality` (plus a personal noise) sets how often they pay late or short; the default risk later reads
those late and short payments back from the installments table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from training.data.schema import CREDIT_CARD_BALANCE, INSTALLMENTS_PAYMENTS, POS_CASH_BALANCE
from training.synthetic.marginals import Calibration, categorical, expand, numeric, positive_part, typed
from training.synthetic.previous import Plan

DAYS_PER_MONTH = 30.4375


def lateness(rng: np.random.Generator, quality: np.ndarray) -> np.ndarray:
    """Per client: the probability that one instalment is paid late."""
    return expit(logit(0.06) - 1.0 * quality + 0.6 * rng.standard_normal(len(quality)))


def build_installments(
    cal: Calibration, rng: np.random.Generator, previous: pd.DataFrame, plan: Plan, late_p: np.ndarray
) -> pd.DataFrame:
    cols = cal.columns("installments_payments")
    parent, rank = expand(plan.instalments)
    n = len(parent)
    client = plan.owner[parent]
    first_due = previous["DAYS_FIRST_DUE"].to_numpy(dtype=float)[parent]
    due = first_due + 30.0 * rank
    late = rng.random(n) < late_p[client]
    delay = np.where(late, 1 + np.round(rng.exponential(12, n)), -np.round(rng.exponential(6, n)))
    annuity = previous["AMT_ANNUITY"].to_numpy(dtype=float)[parent]
    fallback = numeric(cols["AMT_INSTALMENT"], rng.random(n))
    amount = np.where(np.isnan(annuity) | (annuity <= 0), fallback, annuity)
    short = rng.random(n) < late_p[client]
    paid = np.where(short, np.round(amount * (0.2 + 0.75 * rng.random(n)), 2), amount)
    columns = {
        "SK_ID_PREV": previous["SK_ID_PREV"].to_numpy()[parent],
        "SK_ID_CURR": previous["SK_ID_CURR"].to_numpy()[parent],
        "NUM_INSTALMENT_VERSION": numeric(cols["NUM_INSTALMENT_VERSION"], rng.random(n)),
        "NUM_INSTALMENT_NUMBER": rank + 1,
        "DAYS_INSTALMENT": due,
        "DAYS_ENTRY_PAYMENT": np.minimum(due + delay, -1),
        "AMT_INSTALMENT": amount,
        "AMT_PAYMENT": paid,
    }
    return typed(columns, INSTALLMENTS_PAYMENTS)


def _months(previous: pd.DataFrame, parent: np.ndarray, rank: np.ndarray) -> np.ndarray:
    start = np.floor(previous["DAYS_DECISION"].to_numpy(dtype=float) / DAYS_PER_MONTH)[parent] + 1
    return np.minimum(start + rank, -1)


def _days_past_due(
    cal: Calibration, table: str, rng: np.random.Generator, late: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    positive = positive_part(cal.column(table, "SK_DPD"))
    dpd = np.where(late, np.maximum(numeric(positive, rng.random(len(late))), 1), 0)
    return dpd, np.where(rng.random(len(late)) < 0.3, np.minimum(dpd, 30), 0)


def build_pos_cash(
    cal: Calibration, rng: np.random.Generator, previous: pd.DataFrame, plan: Plan, late_p: np.ndarray
) -> pd.DataFrame:
    parent, rank = expand(plan.pos_months)
    n = len(parent)
    term = previous["CNT_PAYMENT"].to_numpy(dtype=float)[parent]
    term = np.where(np.isnan(term) | (term <= 0), np.maximum(plan.pos_months[parent], 1), term)
    future = np.maximum(term - rank, 0)
    status_spec = cal.column("pos_cash_balance", "NAME_CONTRACT_STATUS")
    status_levels = list(status_spec["levels"])
    codes = np.where(future == 0, status_levels.index("Completed"), status_levels.index("Active")).astype(
        np.int8
    )
    # the rarer statuses (Signed, Returned to the store, ...) at their real frequencies
    rare = {k: v for k, v in status_spec["levels"].items() if k not in ("Active", "Completed")}
    if rare:
        is_rare = rng.random(n) < sum(rare.values())
        drawn = np.asarray(
            categorical({"levels": rare}, rng.random(int(is_rare.sum())), rng=rng), dtype=object
        )
        codes[is_rare] = [status_levels.index(level) for level in drawn]
    dpd, dpd_def = _days_past_due(
        cal, "pos_cash_balance", rng, rng.random(n) < 0.35 * late_p[plan.owner[parent]]
    )
    columns = {
        "SK_ID_PREV": previous["SK_ID_PREV"].to_numpy()[parent],
        "SK_ID_CURR": previous["SK_ID_CURR"].to_numpy()[parent],
        "MONTHS_BALANCE": _months(previous, parent, rank),
        "CNT_INSTALMENT": term,
        "CNT_INSTALMENT_FUTURE": future,
        "NAME_CONTRACT_STATUS": pd.Categorical.from_codes(codes, categories=status_levels),  # type: ignore[call-overload]
        "SK_DPD": dpd,
        "SK_DPD_DEF": dpd_def,
    }
    return typed(columns, POS_CASH_BALANCE)


def build_credit_card(
    cal: Calibration, rng: np.random.Generator, previous: pd.DataFrame, plan: Plan, late_p: np.ndarray
) -> pd.DataFrame:
    cols = cal.columns("credit_card_balance")
    parent, rank = expand(plan.card_months)
    n = len(parent)
    cards = len(plan.card_months)
    limit = numeric(cols["AMT_CREDIT_LIMIT_ACTUAL"], rng.random(cards))[parent]
    risky = late_p[plan.owner[parent]]
    usage = np.clip(rng.beta(1.2, 2.5, n) + 2.0 * risky, 0, 1.05)
    balance = np.round(limit * usage, 2)
    drawings_null = rng.random(n)
    out: dict[str, Any] = {
        "SK_ID_PREV": previous["SK_ID_PREV"].to_numpy()[parent],
        "SK_ID_CURR": previous["SK_ID_CURR"].to_numpy()[parent],
        "MONTHS_BALANCE": _months(previous, parent, rank),
        "AMT_BALANCE": balance,
        "AMT_CREDIT_LIMIT_ACTUAL": limit,
        "AMT_RECEIVABLE_PRINCIPAL": np.round(balance * 0.95, 2),
        "AMT_RECIVABLE": balance,
        "AMT_TOTAL_RECEIVABLE": balance,
        "NAME_CONTRACT_STATUS": categorical(cols["NAME_CONTRACT_STATUS"], rng.random(n), rng=rng),
    }
    for name in ("ATM", "OTHER", "POS"):
        out[f"AMT_DRAWINGS_{name}_CURRENT"] = numeric(
            cols[f"AMT_DRAWINGS_{name}_CURRENT"], rng.random(n), drawings_null
        )
        out[f"CNT_DRAWINGS_{name}_CURRENT"] = numeric(
            cols[f"CNT_DRAWINGS_{name}_CURRENT"], rng.random(n), drawings_null
        )
    out["AMT_DRAWINGS_CURRENT"] = np.nansum(
        [out["AMT_DRAWINGS_ATM_CURRENT"], out["AMT_DRAWINGS_OTHER_CURRENT"], out["AMT_DRAWINGS_POS_CURRENT"]],
        axis=0,
    )
    out["CNT_DRAWINGS_CURRENT"] = np.nansum(
        [out["CNT_DRAWINGS_ATM_CURRENT"], out["CNT_DRAWINGS_OTHER_CURRENT"], out["CNT_DRAWINGS_POS_CURRENT"]],
        axis=0,
    )
    out["SK_DPD"], out["SK_DPD_DEF"] = _days_past_due(
        cal, "credit_card_balance", rng, rng.random(n) < 0.35 * risky
    )
    for name in CREDIT_CARD_BALANCE:
        if name not in out:
            out[name] = numeric(cols[name], rng.random(n), rng.random(n))
    return typed(out, CREDIT_CARD_BALANCE)
