"""TARGET: default drawn from a latent risk that reads several tables, documented in docs/data-generator.md.

The log-odds of default is a sum of terms computed from the generated columns themselves (so a model can find
them), some of them non-linear or living in the secondary tables (so that a linear model on the raw application
table finds only part of them), plus unobserved noise. The intercept is solved so the rate hits its target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from training.data.schema import DAYS_SENTINEL

YEAR = 365.25
NOISE_SD = 1.0  # unobserved part of the risk: bounds the achievable AUC


def client_history(
    client_ids: np.ndarray,
    bureau: pd.DataFrame,
    previous: pd.DataFrame,
    installments: pd.DataFrame,
) -> pd.DataFrame:
    """Per client (in `client_ids` order): the secondary-table facts the risk reads."""
    index = pd.Index(client_ids)

    def per_client(ids: pd.Series, values: np.ndarray) -> np.ndarray:
        position = index.get_indexer(ids.to_numpy())
        return np.bincount(position, weights=values, minlength=len(index))

    overdue = (bureau["AMT_CREDIT_MAX_OVERDUE"].fillna(0).to_numpy() > 0) | (
        bureau["CREDIT_DAY_OVERDUE"].to_numpy() > 0
    )
    late = (installments["DAYS_ENTRY_PAYMENT"] > installments["DAYS_INSTALMENT"]).to_numpy(dtype=float)
    short = (installments["AMT_PAYMENT"] < installments["AMT_INSTALMENT"] * 0.99).to_numpy(dtype=float)
    n_instalments = per_client(installments["SK_ID_CURR"], np.ones(len(installments)))
    refused = (previous["NAME_CONTRACT_STATUS"].astype(str) == "Refused").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "bureau_overdue": per_client(bureau["SK_ID_CURR"], overdue.astype(float)),
                "late_share": np.nan_to_num(per_client(installments["SK_ID_CURR"], late) / n_instalments),
                "short_share": np.nan_to_num(per_client(installments["SK_ID_CURR"], short) / n_instalments),
                "refused": per_client(previous["SK_ID_CURR"], refused),
            },
            index=index,
        )


def risk_logit(app: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """The observable part of the log-odds of default (without intercept), one value per application row."""
    ext = app[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]].to_numpy(dtype=float)
    ext_mean = np.nanmean(np.where(np.isnan(ext).all(axis=1, keepdims=True), 0.5, ext), axis=1)
    ext_min = np.nanmin(np.where(np.isnan(ext).all(axis=1, keepdims=True), 0.5, ext), axis=1)
    age = -app["DAYS_BIRTH"].to_numpy(dtype=float) / YEAR
    employed = app["DAYS_EMPLOYED"].to_numpy(dtype=float)
    years_employed = np.where(employed == DAYS_SENTINEL, np.nan, -employed / YEAR)
    income = app["AMT_INCOME_TOTAL"].to_numpy(dtype=float)
    credit = app["AMT_CREDIT"].to_numpy(dtype=float)
    annuity = app["AMT_ANNUITY"].to_numpy(dtype=float)
    goods = app["AMT_GOODS_PRICE"].to_numpy(dtype=float)
    h = history.loc[app["SK_ID_CURR"].to_numpy()]
    terms = [
        -3.5 * (ext_mean - 0.5),  # external scores: the strongest, mostly linear signal
        -1.5 * (ext_min < 0.25),  # ... with a threshold on the weakest score (non-linear)
        0.35 * ((age - 42) / 12) ** 2 - 0.25 * (age - 42) / 12,  # young (and very old) borrowers: U-shape
        np.where(
            np.isnan(years_employed),
            -0.1,
            0.6 * (years_employed < 1.5) - 0.03 * np.minimum(years_employed, 15),
        ),
        0.6 * np.maximum(np.log(np.maximum(credit / income, 1e-3) / 4), 0),  # credit far above income
        0.5 * (annuity / income > 0.3),  # heavy repayment burden
        0.4 * (credit / np.maximum(goods, 1) > 1.15),  # credit above the goods price (cash on top)
        0.45 * np.minimum(h["bureau_overdue"].to_numpy(), 3),  # past overdue credits at other lenders
        3.0 * np.minimum(h["late_share"].to_numpy(), 0.5),  # late instalments at Home Credit
        1.5 * np.minimum(h["short_share"].to_numpy(), 0.3),  # instalments paid short
        0.3 * np.minimum(h["refused"].to_numpy(), 4),  # refused previous applications
        0.5 * (ext_mean < 0.4) * (h["late_share"].to_numpy() > 0.1),  # interaction
    ]
    return np.sum(terms, axis=0)


def draw_target(rng: np.random.Generator, observable: np.ndarray, rate: float) -> np.ndarray:
    """Bernoulli(sigmoid(intercept + observable + noise)) with the intercept set for the expected rate."""
    latent = observable + NOISE_SD * rng.standard_normal(len(observable))
    if len(latent) == 0:
        return np.zeros(0, dtype=np.int8)
    intercept = brentq(lambda b: expit(b + latent).mean() - rate, -30, 30)
    return (rng.random(len(latent)) < expit(intercept + latent)).astype(np.int8)
