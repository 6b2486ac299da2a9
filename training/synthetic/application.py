"""The application table (train and test clients together), coherent where the real one is.

Three latent factors per client drive the columns that hang together in the real data: `quality` (external
scores, and later the behaviour in the secondary tables), `age` (birth date, pensioners, employment length) and
`wealth` (income, credit amount, car, building). Other columns follow their calibrated marginals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from training.data.schema import APPLICATION_TEST, BUILDING_COLUMNS, DAYS_SENTINEL
from training.synthetic.marginals import (
    Calibration,
    categorical,
    correlated_uniform,
    fill_remaining,
    from_quantiles,
    numeric,
    typed,
)

TABLE = "application_train"
YEAR = 365.25
NOT_EMPLOYED = ("Pensioner", "Unemployed")
_MODE_TEXT = (
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "WALLSMATERIAL_MODE",
    "EMERGENCYSTATE_MODE",
    "TOTALAREA_MODE",
)


@dataclass
class Latent:
    quality: np.ndarray  # standard normal; high = sound borrower
    age: np.ndarray
    wealth: np.ndarray


def _levels_without(spec: dict, excluded: tuple[str, ...]) -> dict:
    levels = {k: v for k, v in spec["levels"].items() if k not in excluded}
    return {**spec, "levels": levels}


def _employment(cal: Calibration, rng: np.random.Generator, out: dict, latent: Latent, n: int) -> None:
    """Pensioners are the oldest clients; they and the unemployed carry DAYS_EMPLOYED = 365243 and XNA."""
    income_spec = cal.column(TABLE, "NAME_INCOME_TYPE")
    pension_share = income_spec["levels"].get("Pensioner", 0.0)
    seniority = latent.age + 0.35 * rng.standard_normal(n)
    pensioner = (
        seniority >= np.quantile(seniority, 1 - pension_share) if pension_share > 0 else np.zeros(n, bool)
    )
    others = categorical(_levels_without(income_spec, ("Pensioner",)), rng.random(n), rng=rng)
    income_type = np.where(pensioner, "Pensioner", np.asarray(others, dtype=object))
    out["NAME_INCOME_TYPE"] = pd.Categorical(income_type, categories=list(income_spec["levels"]))
    not_employed = np.isin(income_type, NOT_EMPLOYED)

    employed_spec = {**cal.column(TABLE, "DAYS_EMPLOYED"), "points": [], "null": 0}
    days = numeric(employed_spec, correlated_uniform(rng, -latent.age, 0.5))
    days = np.maximum(days, out["DAYS_BIRTH"] + 18 * YEAR)  # started work at 18 at the earliest
    out["DAYS_EMPLOYED"] = np.where(not_employed, DAYS_SENTINEL, np.minimum(np.round(days), -1))
    out["FLAG_EMP_PHONE"] = (~not_employed).astype(np.int8)

    org_spec = cal.column(TABLE, "ORGANIZATION_TYPE")
    org = np.asarray(categorical(_levels_without(org_spec, ("XNA",)), rng.random(n), rng=rng), dtype=object)
    out["ORGANIZATION_TYPE"] = pd.Categorical(
        np.where(not_employed, "XNA", org), categories=list(org_spec["levels"])
    )
    occupation = categorical(cal.column(TABLE, "OCCUPATION_TYPE"), rng.random(n), rng.random(n), rng=rng)
    out["OCCUPATION_TYPE"] = occupation.copy()
    out["OCCUPATION_TYPE"][not_employed] = np.nan


def _amounts(cal: Calibration, rng: np.random.Generator, out: dict, latent: Latent, n: int) -> None:
    """Income and credit follow wealth; annuity and goods price are drawn as ratios of the credit."""
    out["AMT_INCOME_TOTAL"] = numeric(
        cal.column(TABLE, "AMT_INCOME_TOTAL"), correlated_uniform(rng, latent.wealth, 0.8)
    )
    credit_u = correlated_uniform(rng, latent.wealth, 0.5)
    credit = numeric(cal.column(TABLE, "AMT_CREDIT"), credit_u)
    out["AMT_CREDIT"] = credit
    # larger credits run longer: the annuity-to-credit ratio falls as the credit grows
    ratio_u = correlated_uniform(rng, -ndtri(credit_u), 0.6)
    annuity = credit * from_quantiles(cal.derived("app_annuity_to_credit"), ratio_u)
    out["AMT_ANNUITY"] = np.round(annuity * 2) / 2
    goods_ratio = np.minimum(from_quantiles(cal.derived("app_goods_to_credit"), rng.random(n)), 1.0)
    goods = np.floor(credit * goods_ratio / 4500) * 4500
    out["AMT_GOODS_PRICE"] = np.where(goods > 0, goods, credit)
    has_car = correlated_uniform(rng, latent.wealth, 0.4) < cal.column(TABLE, "FLAG_OWN_CAR")["levels"].get(
        "Y", 0.34
    )
    out["FLAG_OWN_CAR"] = pd.Categorical(np.where(has_car, "Y", "N"), categories=["N", "Y"])
    car_age = numeric({**cal.column(TABLE, "OWN_CAR_AGE"), "null": 0}, rng.random(n))
    out["OWN_CAR_AGE"] = np.where(has_car, car_age, np.nan)


def _shared_blocks(cal: Calibration, rng: np.random.Generator, out: dict, latent: Latent, n: int) -> None:
    """Columns that are missing together and move together in the real data."""
    building_null = rng.random(n)  # one draw per client: building fields are missing as a block
    stems: dict[str, np.ndarray] = {}
    for name in BUILDING_COLUMNS:
        stem = name.rsplit("_", 1)[0]
        u = stems.setdefault(stem, correlated_uniform(rng, latent.wealth, 0.3))
        out[name] = numeric(cal.column(TABLE, name), u, building_null)
    for name in _MODE_TEXT:
        spec = cal.column(TABLE, name)
        if spec["kind"] == "cat":
            out[name] = categorical(spec, rng.random(n), building_null, rng=rng)
        else:
            out[name] = numeric(spec, rng.random(n), building_null)
    social_null, observed = rng.random(n), rng.random(n)
    defaulted = correlated_uniform(rng, -latent.quality, 0.3)
    for days in ("30", "60"):
        out[f"OBS_{days}_CNT_SOCIAL_CIRCLE"] = numeric(
            cal.column(TABLE, f"OBS_{days}_CNT_SOCIAL_CIRCLE"), observed, social_null
        )
        out[f"DEF_{days}_CNT_SOCIAL_CIRCLE"] = numeric(
            cal.column(TABLE, f"DEF_{days}_CNT_SOCIAL_CIRCLE"), defaulted, social_null
        )
    bureau_null = rng.random(n)
    for period in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR"):
        name = f"AMT_REQ_CREDIT_BUREAU_{period}"
        out[name] = numeric(cal.column(TABLE, name), rng.random(n), bureau_null)
    region = rng.standard_normal(n)
    out["REGION_RATING_CLIENT"] = numeric(
        cal.column(TABLE, "REGION_RATING_CLIENT"), correlated_uniform(rng, region, 0.95)
    )
    out["REGION_RATING_CLIENT_W_CITY"] = numeric(
        cal.column(TABLE, "REGION_RATING_CLIENT_W_CITY"), correlated_uniform(rng, region, 0.95)
    )
    out["REGION_POPULATION_RELATIVE"] = numeric(
        cal.column(TABLE, "REGION_POPULATION_RELATIVE"), correlated_uniform(rng, -region, 0.7)
    )


def build_applications(
    cal: Calibration, rng: np.random.Generator, client_ids: np.ndarray
) -> tuple[pd.DataFrame, Latent]:
    """All clients' application rows (no TARGET yet) and their latent factors."""
    n = len(client_ids)
    latent = Latent(rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n))
    out: dict[str, object] = {"SK_ID_CURR": client_ids}
    out["DAYS_BIRTH"] = np.round(numeric(cal.column(TABLE, "DAYS_BIRTH"), ndtr(-latent.age)))
    _employment(cal, rng, out, latent, n)
    _amounts(cal, rng, out, latent, n)
    _shared_blocks(cal, rng, out, latent, n)
    score = (0.8 * latent.quality + 0.35 * latent.age) / np.hypot(0.8, 0.35)
    for name, rho in (("EXT_SOURCE_1", 0.7), ("EXT_SOURCE_2", 0.65), ("EXT_SOURCE_3", 0.7)):
        out[name] = numeric(cal.column(TABLE, name), correlated_uniform(rng, score, rho), rng.random(n))
    for name in ("DAYS_REGISTRATION", "DAYS_ID_PUBLISH"):
        days = numeric(cal.column(TABLE, name), rng.random(n))
        out[name] = np.minimum(np.maximum(days, out["DAYS_BIRTH"] + 14 * YEAR), -1)  # type: ignore[operator]
    fill_remaining(out, APPLICATION_TEST, cal.columns(TABLE), rng, n)
    children = np.asarray(out["CNT_CHILDREN"])
    couple = np.isin(np.asarray(out["NAME_FAMILY_STATUS"]), ["Married", "Civil marriage"])
    out["CNT_FAM_MEMBERS"] = (children + 1 + couple).astype(float)
    return typed(out, APPLICATION_TEST), latent
