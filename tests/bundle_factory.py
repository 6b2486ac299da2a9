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
from catboost import CatBoostClassifier, Pool

from registry.bundle import BundleMetadata, ModelBundle

ID_COLUMN = "SK_ID_CURR"
TARGET = "TARGET"
MISSING_CATEGORY = "nan"
CATEGORICAL = ["CODE_GENDER", "NAME_CONTRACT_TYPE", "NAME_FAMILY_STATUS", "NAME_EDUCATION_TYPE"]
NUMERIC_RAW = [
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
]
AGGREGATES = ["BUREAU_DAYS_CREDIT_MEAN", "INST_LATE_DAYS_MEAN"]
FEATURES = [*CATEGORICAL, *NUMERIC_RAW, *AGGREGATES]

DESCRIPTIONS_FR = {
    "CODE_GENDER": "Sexe du client",
    "NAME_CONTRACT_TYPE": "Type de contrat (crédit renouvelable ou prêt)",
    "NAME_FAMILY_STATUS": "Situation familiale",
    "NAME_EDUCATION_TYPE": "Niveau d'études",
    "DAYS_BIRTH": "Âge du client en jours au moment de la demande (négatif)",
    "DAYS_EMPLOYED": "Ancienneté dans l'emploi en jours (négatif)",
    "AMT_INCOME_TOTAL": "Revenu annuel du client",
    "AMT_CREDIT": "Montant du crédit demandé",
    "AMT_ANNUITY": "Annuité du prêt",
    "AMT_GOODS_PRICE": "Prix du bien financé",
    "CNT_CHILDREN": "Nombre d'enfants",
    "EXT_SOURCE_1": "Score externe normalisé n°1",
    "EXT_SOURCE_2": "Score externe normalisé n°2",
    "EXT_SOURCE_3": "Score externe normalisé n°3",
    "BUREAU_DAYS_CREDIT_MEAN": "Ancienneté moyenne des crédits déclarés au bureau (jours)",
    "INST_LATE_DAYS_MEAN": "Retard moyen des échéances passées (jours)",
}
DESCRIPTIONS_EN = {
    "CODE_GENDER": "Gender of the client",
    "NAME_CONTRACT_TYPE": "Contract type (revolving or cash loan)",
    "NAME_FAMILY_STATUS": "Family status",
    "NAME_EDUCATION_TYPE": "Level of education",
    "DAYS_BIRTH": "Client's age in days at application (negative)",
    "DAYS_EMPLOYED": "Days employed before the application (negative)",
    "AMT_INCOME_TOTAL": "Annual income of the client",
    "AMT_CREDIT": "Credit amount of the loan",
    "AMT_ANNUITY": "Loan annuity",
    "AMT_GOODS_PRICE": "Price of the goods the loan is for",
    "CNT_CHILDREN": "Number of children",
    "EXT_SOURCE_1": "Normalised score from external source 1",
    "EXT_SOURCE_2": "Normalised score from external source 2",
    "EXT_SOURCE_3": "Normalised score from external source 3",
    "BUREAU_DAYS_CREDIT_MEAN": "Mean age of the credits reported to the bureau (days)",
    "INST_LATE_DAYS_MEAN": "Mean lateness of past instalments (days)",
}


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
                ["Secondary / secondary special", "Higher education", "Incomplete higher", np.nan],
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
            "BUREAU_DAYS_CREDIT_MEAN": np.where(rng.random(n) < 0.15, np.nan, -rng.uniform(100, 2_500, n)),
            "INST_LATE_DAYS_MEAN": np.where(rng.random(n) < 0.05, np.nan, rng.exponential(2.0, n)),
        },
        index=pd.Index(ids, name=ID_COLUMN),
    )
    return frame


def _default_risk(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    ext = frame[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]].mean(axis=1).fillna(0.5).to_numpy()
    ratio = (frame["AMT_CREDIT"] / frame["AMT_INCOME_TOTAL"]).to_numpy()
    late = frame["INST_LATE_DAYS_MEAN"].fillna(2.0).to_numpy()
    logit = -2.3 - 5.0 * (ext - 0.5) + 0.7 * (ratio - 3.0) + 0.4 * late + rng.normal(0, 0.5, len(frame))
    return (rng.random(len(frame)) < 1 / (1 + np.exp(-logit))).astype(int)


def model_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's feature columns, categorical levels as strings (CatBoost refuses NaN in a categorical)."""
    features = frame[FEATURES].copy()
    for column in CATEGORICAL:
        features[column] = features[column].astype(object).where(features[column].notna(), MISSING_CATEGORY)
    return features


def make_tiny_bundle(folder: Path, *, clients: int = 400, seed: int = 0) -> Path:
    """Train a small CatBoost model and save a complete bundle in `folder` (a few seconds on one core)."""
    rng = np.random.default_rng(seed)
    train_ids = np.arange(100_002, 100_002 + 2 * clients, 2)
    test_ids = np.arange(100_001, 100_001 + clients, 2)
    history = _clients(rng, train_ids)
    history[TARGET] = _default_risk(rng, history)
    portfolio = _clients(rng, test_ids)

    x_train = model_frame(history)
    model = CatBoostClassifier(
        iterations=50, depth=4, learning_rate=0.2, random_seed=seed, verbose=False, thread_count=1
    )
    model.fit(x_train, history[TARGET], cat_features=CATEGORICAL)

    shap = model.get_feature_importance(Pool(x_train, cat_features=CATEGORICAL), type="ShapValues")
    importance = np.abs(shap[:, :-1]).mean(axis=0)
    order = np.argsort(-importance)
    reference = x_train.copy()
    reference[TARGET] = history[TARGET]
    reference["PROBABILITY"] = model.predict_proba(x_train)[:, 1]

    for column in CATEGORICAL:  # serving sees the same strings the model was trained on
        portfolio[column] = model_frame(portfolio)[column]
        history[column] = x_train[column]
    metadata = BundleMetadata(
        name="credit-scoring",
        version="1",
        threshold=0.35,
        cost_fn=10.0,
        cost_fp=1.0,
        features=list(FEATURES),
        categorical_features=list(CATEGORICAL),
        feature_descriptions=dict(DESCRIPTIONS_FR),
        feature_descriptions_en=dict(DESCRIPTIONS_EN),
        global_importance={FEATURES[i]: float(importance[i]) for i in order},
        metrics={"auc_cv": 0.75, "cost_per_client": 0.5},
        data_fingerprint=f"tiny-seed-{seed}-clients-{clients}",
        trained_at="2026-01-01T00:00:00+00:00",
        extra={"missing_category": MISSING_CATEGORY},
    )
    bundle = ModelBundle(
        metadata=metadata, model=model, reference=reference, portfolio=portfolio, history=history
    )
    return bundle.save(Path(folder))
