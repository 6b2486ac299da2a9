"""A small trained model bundle, built in seconds, so service, dashboard and drift tests use a real model.

The data is random but shaped like Home Credit's application table (a dozen raw columns, four categoricals,
the DAYS_EMPLOYED sentinel, missing external scores) plus two secondary-table aggregates. The default risk
rises with the credit-to-income ratio, late installments and low external scores, so behavioural tests
have a known direction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier

from registry.assemble import build_bundle, global_importance, history_table, portfolio_table, reference_table
from training.features.application import DERIVED_TEXTS, application_features
from training.features.field_texts import application_field_texts

ID_COLUMN = "SK_ID_CURR"
TARGET = "TARGET"
CATEGORICAL = ["CODE_GENDER", "NAME_CONTRACT_TYPE", "NAME_FAMILY_STATUS", "NAME_EDUCATION_TYPE"]
APPLICATION = [
    *CATEGORICAL,
    "DAYS_BIRTH",
    "DAYS_EMPLOYED",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "CNT_CHILDREN",
    "EXT_SOURCE_1",
    "EXT_SOURCE_2",
    "EXT_SOURCE_3",
    "AGE_YEARS",
    "DAYS_EMPLOYED_ANOMALY",
    "CREDIT_INCOME_RATIO",
    "ANNUITY_INCOME_RATIO",
    "EXT_SOURCE_MEAN",
]
AGGREGATES = {  # secondary-table aggregates: (French, English)
    "BUREAU_DAYS_CREDIT_MEAN": (
        "Ancienneté moyenne des crédits déclarés au bureau (jours)",
        "Mean age of the credits reported to the bureau (days)",
    ),
    "INST_LATE_DAYS_MEAN": (
        "Retard moyen des échéances passées (jours)",
        "Mean lateness of past instalments (days)",
    ),
}
FEATURES = [*APPLICATION, *AGGREGATES]


def _clients(rng: np.random.Generator, ids: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    income = np.round(np.exp(rng.normal(np.log(150_000), 0.45, n)), -2)
    credit = np.round(income * rng.uniform(0.5, 6.0, n), -2)
    employed = -rng.integers(30, 12_000, n).astype(float)
    employed[rng.random(n) < 0.15] = 365243.0  # the real data's "not employed" sentinel
    frame = pd.DataFrame(
        {
            "CODE_GENDER": rng.choice(["F", "M"], n, p=[0.65, 0.35]),
            "NAME_CONTRACT_TYPE": rng.choice(["Cash loans", "Revolving loans"], n, p=[0.9, 0.1]),
            "NAME_FAMILY_STATUS": rng.choice(
                ["Married", "Single / not married", "Civil marriage", "Separated", "Widow"],
                n,
                p=[0.6, 0.15, 0.1, 0.1, 0.05],
            ),
            "NAME_EDUCATION_TYPE": rng.choice(
                np.array(["Secondary / secondary special", "Higher education", "Incomplete higher", None]),
                n,
                p=[0.65, 0.25, 0.05, 0.05],
            ),
            "DAYS_BIRTH": -rng.integers(7_500, 25_000, n),
            "DAYS_EMPLOYED": employed,
            "AMT_INCOME_TOTAL": income,
            "AMT_CREDIT": credit,
            "AMT_ANNUITY": np.round(credit / rng.uniform(10, 30, n), 1),
            "AMT_GOODS_PRICE": np.round(credit * rng.uniform(0.8, 1.0, n), -2),
            "CNT_CHILDREN": rng.choice([0, 1, 2, 3], n, p=[0.7, 0.2, 0.08, 0.02]),
            "EXT_SOURCE_1": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0, 1, n)),
            "EXT_SOURCE_2": rng.uniform(0, 1, n),
            "EXT_SOURCE_3": np.where(rng.random(n) < 0.2, np.nan, rng.uniform(0, 1, n)),
        },
        index=pd.Index(ids, name=ID_COLUMN),
    )
    return frame


def _aggregates(rng: np.random.Generator, ids: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "BUREAU_DAYS_CREDIT_MEAN": np.where(rng.random(n) < 0.15, np.nan, -rng.uniform(100, 2_500, n)),
            "INST_LATE_DAYS_MEAN": np.where(rng.random(n) < 0.05, np.nan, rng.exponential(2.0, n)),
        },
        index=pd.Index(ids, name=ID_COLUMN),
    )


def _features(raw: pd.DataFrame, aggregates: pd.DataFrame) -> pd.DataFrame:
    """The serving code path: training's application features, then the client's aggregates."""
    return application_features(raw)[APPLICATION].join(aggregates)


def _descriptions() -> tuple[dict[str, str], dict[str, str]]:
    texts = {**application_field_texts(), **DERIVED_TEXTS, **AGGREGATES}
    return {k: fr for k, (fr, _) in texts.items()}, {k: en for k, (_, en) in texts.items()}


def _default_risk(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    ext = frame[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]].mean(axis=1).fillna(0.5).to_numpy()
    ratio = (frame["AMT_CREDIT"] / frame["AMT_INCOME_TOTAL"]).to_numpy()
    late = frame["INST_LATE_DAYS_MEAN"].fillna(2.0).to_numpy()
    logit = -2.3 - 5.0 * (ext - 0.5) + 0.7 * (ratio - 3.0) + 0.4 * late + rng.normal(0, 0.5, len(frame))
    return (rng.random(len(frame)) < 1 / (1 + np.exp(-logit))).astype(int)


def make_tiny_bundle(folder: Path, *, clients: int = 400, seed: int = 0) -> Path:
    """Train a small CatBoost model and save a complete bundle in `folder` (about a second on one core).

    `clients` training clients (the history) and half as many test clients (the portfolio), 6-digit ids.
    """
    rng = np.random.default_rng(seed)
    train_ids = np.arange(100_002, 100_002 + 2 * clients, 2)
    test_ids = np.arange(100_001, 100_001 + clients, 2)
    raw_train, raw_test = _clients(rng, train_ids), _clients(rng, test_ids)
    agg_train, agg_test = _aggregates(rng, train_ids), _aggregates(rng, test_ids)
    target = pd.Series(_default_risk(rng, raw_train.join(agg_train)), index=raw_train.index, name=TARGET)
    x_train, x_test = _features(raw_train, agg_train), _features(raw_test, agg_test)

    model = CatBoostClassifier(
        iterations=50, depth=4, learning_rate=0.2, random_seed=seed, verbose=False, thread_count=1
    )
    model.fit(x_train, target, cat_features=CATEGORICAL)
    probability = pd.Series(model.predict_proba(x_train)[:, 1], index=x_train.index)
    french, english = _descriptions()
    bundle = build_bundle(
        name="credit-scoring",
        version="1",
        model=model,
        threshold=0.35,
        cost_fn=10.0,
        cost_fp=1.0,
        categorical=CATEGORICAL,
        descriptions=french,
        descriptions_en=english,
        importance=global_importance(model, x_train, CATEGORICAL),
        metrics={"auc_cv": 0.75, "cost_per_client": 0.5},
        fingerprint=f"tiny-seed-{seed}-clients-{clients}",
        reference=reference_table(x_train, target, probability, len(x_train), seed),
        portfolio=portfolio_table(raw_test.reset_index(), x_test),
        history=history_table(raw_train.reset_index(), x_train, target, len(x_train), seed),
        extra={},
    )
    return bundle.save(Path(folder))
