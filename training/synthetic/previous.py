"""Previous applications at Home Credit, with the plan of the monthly and payment rows each credit will get.

Refusals follow the client's `quality`. Only approved credits get POS/cash months, instalments or card months,
and their decision date is pushed back far enough for those rows to fit before the application date (day 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit, ndtri

from training.data.schema import DAYS_SENTINEL, PREVIOUS_APPLICATION
from training.synthetic.marginals import (
    Calibration,
    categorical,
    correlated_uniform,
    counts,
    expand,
    fill_remaining,
    from_quantiles,
    numeric,
    typed,
    unique_ids,
)

MAX_MONTHS = 94  # monthly rows of a credit fit in the 96 months the real tables cover
_DATES = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
)


@dataclass
class Plan:
    """Per previous credit: how many child rows each behaviour table gets."""

    owner: np.ndarray  # client index of each previous credit
    pos_months: np.ndarray
    instalments: np.ndarray
    card_months: np.ndarray


def _sentinel_share(spec: dict) -> float:
    return sum(share for value, share in spec.get("points", []) if value == DAYS_SENTINEL)


def _status(cal: Calibration, rng: np.random.Generator, quality: np.ndarray) -> np.ndarray:
    spec = cal.column("previous_application", "NAME_CONTRACT_STATUS")["levels"]
    n = len(quality)
    refused = rng.random(n) < expit(logit(spec.get("Refused", 0.17)) - 0.9 * quality)
    others = {k: v for k, v in spec.items() if k != "Refused"}
    drawn = categorical({"levels": others}, rng.random(n))
    return np.where(refused, "Refused", np.asarray(drawn, dtype=object))


def build_previous(
    cal: Calibration,
    rng: np.random.Generator,
    client_ids: np.ndarray,
    quality: np.ndarray,
    wealth: np.ndarray,
) -> tuple[pd.DataFrame, Plan]:
    cols = cal.columns("previous_application")
    owner, _ = expand(counts(cal.relation("previous_per_client"), rng, len(client_ids)))
    n = len(owner)
    out: dict[str, object] = {
        "SK_ID_PREV": unique_ids(rng, n, 1_000_000, 2_999_999),
        "SK_ID_CURR": client_ids[owner],
    }
    status = _status(cal, rng, quality[owner])
    out["NAME_CONTRACT_STATUS"] = pd.Categorical(
        status, categories=list(cols["NAME_CONTRACT_STATUS"]["levels"])
    )
    approved = status == "Approved"
    contract = categorical(cols["NAME_CONTRACT_TYPE"], rng.random(n), rng=rng)
    out["NAME_CONTRACT_TYPE"] = contract
    revolving = np.asarray(contract) == "Revolving loans"
    reasons = cols["CODE_REJECT_REASON"]
    refused_reason = categorical(
        {"levels": {k: v for k, v in reasons["levels"].items() if k != "XAP"}}, rng.random(n)
    )
    out["CODE_REJECT_REASON"] = pd.Categorical(
        np.where(status == "Refused", np.asarray(refused_reason, dtype=object), "XAP"),
        categories=list(reasons["levels"]),
    )

    plan = _plan(cal, rng, owner, approved, revolving)
    longest = np.maximum.reduce([plan.pos_months, plan.instalments, plan.card_months])
    decision = np.minimum(numeric(cols["DAYS_DECISION"], rng.random(n)), -1)
    needed = -(np.ceil(30.5 * longest) + 45 + np.round(rng.random(n) * 30))
    out["DAYS_DECISION"] = np.where(longest > 0, np.minimum(decision, needed), decision)
    term = _amounts(cal, rng, out, wealth[owner])
    _dates(
        cal, rng, out, approved, np.asarray(out["DAYS_DECISION"], dtype=float), np.nan_to_num(term, nan=12)
    )
    fill_remaining(out, PREVIOUS_APPLICATION, cols, rng, n)
    return typed(out, PREVIOUS_APPLICATION), plan


def _plan(
    cal: Calibration, rng: np.random.Generator, owner: np.ndarray, approved: np.ndarray, revolving: np.ndarray
) -> Plan:
    """How many monthly rows each credit gets in the POS, instalment and card tables (approved credits only)."""
    n = len(owner)
    plan = Plan(
        owner=owner,
        pos_months=np.where(
            approved & ~revolving, counts(cal.relation("pos_per_instalment_credit"), rng, n), 0
        ),
        instalments=np.where(approved, counts(cal.relation("installments_per_credit"), rng, n), 0),
        card_months=np.where(approved & revolving, counts(cal.relation("card_months_per_card"), rng, n), 0),
    )
    for name in ("pos_months", "instalments", "card_months"):
        setattr(plan, name, np.minimum(getattr(plan, name), MAX_MONTHS))
    return plan


def _amounts(
    cal: Calibration, rng: np.random.Generator, out: dict[str, object], wealth: np.ndarray
) -> np.ndarray:
    """Amount applied for (richer clients ask more), credit, goods price, term, annuity, down payment and rates;
    returns the term in months (missing for some)."""
    n, cols = len(wealth), cal.columns("previous_application")
    applied_u = correlated_uniform(rng, wealth, 0.4)
    applied = numeric(cols["AMT_APPLICATION"], applied_u)
    out["AMT_APPLICATION"] = applied
    credit = np.round(applied * from_quantiles(cal.derived("prev_credit_to_application"), rng.random(n)), 2)
    out["AMT_CREDIT"] = credit
    goods_known = rng.random(n) >= cols["AMT_GOODS_PRICE"]["null"]
    out["AMT_GOODS_PRICE"] = np.where(goods_known, applied, np.nan)
    terms_null = rng.random(n)
    term = numeric(cols["CNT_PAYMENT"], correlated_uniform(rng, ndtri(applied_u), 0.8), terms_null)
    out["CNT_PAYMENT"] = term
    monthly = credit * (1 + 0.012 * term) / np.maximum(term, 1)
    out["AMT_ANNUITY"] = np.where(np.isnan(term), np.nan, np.round(monthly, 2))
    down_null, rate_null = rng.random(n), rng.random(n)
    rate = numeric(cols["RATE_DOWN_PAYMENT"], rng.random(n), down_null)
    out["RATE_DOWN_PAYMENT"] = rate
    out["AMT_DOWN_PAYMENT"] = np.round(rate * applied, 2)
    for name in ("RATE_INTEREST_PRIMARY", "RATE_INTEREST_PRIVILEGED"):
        out[name] = numeric(cols[name], rng.random(n), rate_null)
    return term


def _dates(
    cal: Calibration,
    rng: np.random.Generator,
    out: dict[str, object],
    approved: np.ndarray,
    decision: np.ndarray,
    term: np.ndarray,
) -> None:
    """Drawing, first and last due dates of approved credits, in order; 365243 where the real data has it."""
    n = len(decision)
    first_due = decision + 10 + np.round(rng.random(n) * 30)
    last_due = first_due + 30 * np.maximum(term - 1, 0)
    values = {
        "DAYS_FIRST_DRAWING": decision + np.round(rng.random(n) * 10),
        "DAYS_FIRST_DUE": first_due,
        "DAYS_LAST_DUE_1ST_VERSION": last_due,
        "DAYS_LAST_DUE": np.minimum(last_due, -1),
        "DAYS_TERMINATION": np.minimum(last_due + np.round(rng.random(n) * 10), -1),
    }
    for name in _DATES:
        sentinel = rng.random(n) < _sentinel_share(cal.column("previous_application", name))
        if name == "DAYS_FIRST_DUE":
            sentinel[:] = False  # instalment dates are computed from it
        out[name] = np.where(approved, np.where(sentinel, DAYS_SENTINEL, values[name]), np.nan)
    out["NFLAG_INSURED_ON_APPROVAL"] = np.where(approved, (rng.random(n) < 0.33).astype(float), np.nan)
