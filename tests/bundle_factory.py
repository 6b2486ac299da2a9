"""Small trained model bundles, built in seconds, so service, dashboard and drift tests use a real model.

`make_tiny_bundle` goes through the product's own code: the schema-faithful generator writes the seven
tables, the training feature build turns them into features (application ratios and secondary-table
aggregates), the protected-attribute policy keeps the model's inputs, and the bundle's own table builders
pack it; only the model search is left out. `make_random_bundle` draws a dozen application columns and two
aggregates at random with a known risk direction, for behavioural tests and for benchmarks at real
portfolio size. Both follow the policy (training/features/protected.toml) as the pipeline does: gender is
never a model input; it stays in the raw application rows, so the portfolio and the history (peer groups,
fairness) still carry it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier

from registry.bundle import build_bundle, history_table, portfolio_table, reference_table
from training.data.loader import HomeCreditTables
from training.explain import global_importance
from training.fairness.protected_data import apply_policy
from training.features.application import DERIVED_TEXTS, application_features
from training.features.build import TARGET, FeatureTables, build_feature_tables
from training.features.field_texts import application_field_texts
from training.features.protected import load_policy
from training.publish import MAX_HISTORY_ROWS, MAX_REFERENCE_ROWS, sample_rows
from training.synthetic.dictionary import columns_description
from training.synthetic.generator import build_tables
from training.synthetic.marginals import Calibration

NAME = "credit-scoring"
ID_COLUMN = "SK_ID_CURR"
# model inputs; CODE_GENDER is drawn with the raw rows (_clients) but, excluded by the policy, is not one of them
CATEGORICAL = ["NAME_CONTRACT_TYPE", "NAME_FAMILY_STATUS", "NAME_EDUCATION_TYPE"]
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


def save_bundle(
    folder: Path,
    model: CatBoostClassifier,
    x_train: pd.DataFrame,
    target: pd.Series,
    *,
    categorical: list[str],
    descriptions: dict[str, str],
    descriptions_en: dict[str, str],
    raw_train: pd.DataFrame,
    raw_test: pd.DataFrame,
    test_features: pd.DataFrame,
    fingerprint: str,
    threshold: float = 0.35,
    seed: int = 0,
    importance_rows: int | None = None,
    reference_rows: int | None = None,
    history_rows: int | None = None,
) -> Path:
    """A fitted model and its training frame packed as the pipeline packs them (every training
    client in the reference and history unless a number of rows is given), saved in `folder`."""
    probability = pd.Series(model.predict_proba(x_train)[:, 1], index=x_train.index)
    importance_frame = x_train if importance_rows is None else x_train.head(importance_rows)
    bundle = build_bundle(
        name=NAME,
        version="1",
        model=model,
        threshold=threshold,
        cost_fn=10.0,
        cost_fp=1.0,
        categorical=categorical,
        descriptions=descriptions,
        descriptions_en=descriptions_en,
        importance=global_importance(model, importance_frame, categorical),
        metrics={"auc_cv": 0.75, "cost_per_client": 0.5},
        fingerprint=fingerprint,
        reference=sample_rows(
            reference_table(x_train, target, probability),
            min(reference_rows or len(x_train), MAX_REFERENCE_ROWS),
            seed,
        ),
        portfolio=portfolio_table(raw_test, test_features),
        history=sample_rows(
            history_table(raw_train, x_train, target),
            min(history_rows or len(x_train), MAX_HISTORY_ROWS),
            seed,
        ),
        extra={},
    )
    return bundle.save(Path(folder))


def make_random_bundle(folder: Path, *, clients: int = 400, seed: int = 0) -> Path:
    """Random application-shaped clients whose default risk rises with credit / income, late instalments and
    low external scores (a known direction for behavioural tests); about a second, and seconds at 100,000
    clients (benchmarks at real portfolio size).

    `clients` training clients (the history) and half as many test clients (the portfolio), 6-digit ids.
    """
    load_policy().enforce(FEATURES)
    rng = np.random.default_rng(seed)
    train_ids = np.arange(100_002, 100_002 + 2 * clients, 2)
    test_ids = np.arange(100_001, 100_001 + clients, 2)
    raw_train, raw_test = _clients(rng, train_ids), _clients(rng, test_ids)
    agg_train, agg_test = _aggregates(rng, train_ids), _aggregates(rng, test_ids)
    target = pd.Series(_default_risk(rng, raw_train.join(agg_train)), index=raw_train.index, name=TARGET)
    x_train, x_test = _features(raw_train, agg_train), _features(raw_test, agg_test)

    model = CatBoostClassifier(
        iterations=50,
        depth=4,
        learning_rate=0.2,
        random_seed=seed,
        verbose=False,
        thread_count=1,
        allow_writing_files=False,  # no catboost_info/ in the working directory
    )
    model.fit(x_train, target, cat_features=CATEGORICAL)
    french, english = _descriptions()
    return save_bundle(
        folder,
        model,
        x_train,
        target,
        categorical=CATEGORICAL,
        descriptions=french,
        descriptions_en=english,
        raw_train=raw_train.reset_index(),
        raw_test=raw_test.reset_index(),
        test_features=x_test,
        fingerprint=f"random-seed-{seed}-clients-{clients}",
        seed=seed,
    )


def _tables(clients: int, seed: int) -> HomeCreditTables:
    """`clients` training clients with a known outcome and `clients // 2` portfolio clients without it.

    The generator's own test split follows the real train/test ratio (about 1 in 7); the portfolio is made
    larger here, from generated training clients whose outcome is dropped, so peer groups have members. Ids
    follow the convention tests rely on: portfolio clients 100001, 100003, ...; history clients 100002, ...
    """
    frames = build_tables(clients + clients // 2, seed, Calibration.load())
    train = frames["application_train"]
    history, extra = train.iloc[:clients], train.iloc[clients:].drop(columns=[TARGET])
    portfolio = pd.concat([frames["application_test"], extra]).sort_values(ID_COLUMN).head(clients // 2)
    everyone = pd.Index(frames["application_test"][ID_COLUMN]).append(pd.Index(train[ID_COLUMN]))
    new_ids = pd.Series(np.arange(900_000, 900_000 + len(everyone)), index=everyone)  # never in a table
    new_ids[history[ID_COLUMN].to_numpy()] = 100_002 + 2 * np.arange(len(history))
    new_ids[portfolio[ID_COLUMN].to_numpy()] = 100_001 + 2 * np.arange(len(portfolio))
    frames["application_train"] = history.reset_index(drop=True)
    frames["application_test"] = portfolio.reset_index(drop=True)
    for name, frame in frames.items():
        if ID_COLUMN in frame.columns:
            frames[name] = frame.assign(
                **{ID_COLUMN: frame[ID_COLUMN].map(new_ids).astype(frame[ID_COLUMN].dtype)}
            )
    return HomeCreditTables(**frames, columns_description=columns_description())


def make_tiny_bundle(folder: Path, *, clients: int = 400, seed: int = 0) -> Path:
    """Generate data, build the features, train a small CatBoost and save a complete bundle in `folder`.

    `clients` training clients (the history) and half as many portfolio clients, all with 6-digit ids.
    """
    tables = _tables(clients, seed)
    built, _ = apply_policy(load_policy(), build_feature_tables(tables, threads=1), tables.application_train)
    x_train = built.train.drop(columns=[TARGET])
    target = built.train[TARGET].astype(int)
    model = CatBoostClassifier(
        iterations=60,
        depth=4,
        learning_rate=0.05,  # slow enough not to memorise 400 clients: about a quarter refused at 0.35
        auto_class_weights="Balanced",  # one of the imbalance methods the pipeline compares
        random_seed=seed,
        verbose=False,
        allow_writing_files=False,
        thread_count=1,
    )
    model.fit(x_train, target, cat_features=built.categorical)
    return _save_built(
        folder, model, built, tables, fingerprint=f"tiny-seed-{seed}-clients-{clients}", seed=seed
    )


def _save_built(
    folder: Path,
    model: CatBoostClassifier,
    built: FeatureTables,
    tables: HomeCreditTables,
    raw_test: pd.DataFrame | None = None,
    test_features: pd.DataFrame | None = None,
    **options: Any,
) -> Path:
    """save_bundle for a model fitted on the product's feature tables; the portfolio is the tables' test split
    unless another is given."""
    return save_bundle(
        folder,
        model,
        built.train.drop(columns=[TARGET]),
        built.train[TARGET].astype(int),
        categorical=built.categorical,
        descriptions=built.descriptions,
        descriptions_en=built.descriptions_en,
        raw_train=tables.application_train,
        raw_test=tables.application_test if raw_test is None else raw_test,
        test_features=built.test if test_features is None else test_features,
        **options,
    )


def make_realistic_bundle(
    folder: Path,
    *,
    train_clients: int,
    fingerprint: str,
    reference_rows: int,
    history_rows: int,
    raw_test: pd.DataFrame | None = None,
) -> Path:
    """The benchmarks' bundle: a 300-tree CatBoost on `train_clients` generated clients through the product's
    feature build. The portfolio is the generator's test split, or `raw_test` (an application_test table, whose
    clients have no secondary-table rows: their aggregates are missing)."""
    tables = HomeCreditTables(
        **build_tables(train_clients, 3, Calibration.load()), columns_description=columns_description()
    )
    built = build_feature_tables(tables)
    x, y = built.train.drop(columns=[TARGET]), built.train[TARGET].astype(int)
    model = CatBoostClassifier(iterations=300, depth=6, learning_rate=0.08, verbose=False, random_seed=0)
    model.fit(x, y, cat_features=built.categorical)
    test_features = None
    if raw_test is not None:
        test_features = application_features(raw_test.set_index(ID_COLUMN)).reindex(columns=x.columns)
    return _save_built(
        folder,
        model,
        built,
        tables,
        raw_test,
        test_features,
        fingerprint=fingerprint,
        threshold=0.3,
        importance_rows=1_000,
        reference_rows=reference_rows,
        history_rows=history_rows,
    )
