"""Everything computed once per model version: scorer, explainer, portfolio, peer index and model information.

An Engine is immutable after it is built; the data plane swaps one reference to move to a new version, so a
request that started on the old engine finishes on it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from registry.bundle import ModelBundle
from scoring_service.domain import LANGUAGES, FeatureImportance, ModelInfo
from scoring_service.explainer import ExplainedClients, Explainer, PortfolioShap
from scoring_service.peers import PeerIndex
from scoring_service.portfolio import ClientTable, Portfolio
from scoring_service.scorer import FeatureBuilder, Scorer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Engine:
    version: str
    scorer: Scorer
    explainer: Explainer
    shap: PortfolioShap  # the portfolio clients' SHAP rows
    portfolio: Portfolio
    peers: PeerIndex
    infos: dict[str, ModelInfo]  # language -> model information
    loaded_at: float
    build_seconds: float
    # known clients' answers, built once
    explained: ExplainedClients = field(default_factory=ExplainedClients)


def build_engine(
    bundle: ModelBundle,
    version: str,
    feature_builder: FeatureBuilder | None,
    no_history: Mapping[str, float] | None = None,
) -> Engine:
    """Precompute what the requests need: the feature matrix, probabilities and SHAP rows of the whole portfolio,
    the filter columns and the nearest-neighbour indexes. Raises ValueError or KeyError on a malformed bundle."""
    started = time.perf_counter()
    meta = bundle.metadata
    descriptions = {"fr": dict(meta.feature_descriptions), "en": dict(meta.feature_descriptions_en)}
    scorer = Scorer(bundle, feature_builder, no_history)
    explainer = Explainer(
        scorer.model, scorer.features, scorer.cat_indices, descriptions, scorer.raw_threshold
    )
    shap = PortfolioShap(
        explainer,
        lambda indices: scorer.rows(scorer.numeric[indices], scorer.categories[indices]),
        len(scorer.client_ids),
    )
    portfolio = Portfolio(
        bundle.portfolio, scorer.probabilities, scorer.threshold, descriptions, scorer.missing_category
    )
    history_table = _history_table(bundle, scorer)
    peers = PeerIndex(
        portfolio=bundle.portfolio,
        feature_column=scorer.column,
        feature_names=scorer.features,
        table=portfolio.table,
        history=bundle.history,
        history_table=history_table,
        importance=meta.global_importance,
        categorical=meta.categorical_features,
        descriptions=descriptions,
        missing_category=scorer.missing_category,
    )
    infos = {
        language: _model_info(bundle, version, descriptions[language], language) for language in LANGUAGES
    }
    elapsed = time.perf_counter() - started
    log.info(
        "Model %s version %s ready: %d portfolio clients, %d history clients, %d features, portfolio SHAP %s "
        "(built in %.2f s).",
        meta.name,
        version,
        len(bundle.portfolio),
        len(bundle.history),
        len(scorer.features),
        "precomputed" if shap.precomputed else "per request, cached",
        elapsed,
    )
    return Engine(version, scorer, explainer, shap, portfolio, peers, infos, time.time(), elapsed)


def _history_table(bundle: ModelBundle, scorer: Scorer) -> ClientTable | None:
    """Filter columns and model probabilities of the training history (a filtered group's default rate)."""
    history = bundle.history
    missing = [f for f in scorer.features if f not in history.columns]
    if missing:
        log.warning(
            "The bundle's history lacks the model features %s: filtered peer groups report no observed "
            "default rate. Rebuild the bundle with the pipeline.",
            missing[:5],
        )
        return None
    probabilities = scorer.predict(*scorer.split(history[list(scorer.features)]))
    try:
        return ClientTable(history, probabilities, scorer.threshold)
    except ValueError as exc:
        log.warning("Filtered peer groups report no observed default rate: %s.", exc)
        return None


def _model_info(bundle: ModelBundle, version: str, descriptions: dict[str, str], language: str) -> ModelInfo:
    meta = bundle.metadata
    card = meta.extra.get("model_card") or {}
    return ModelInfo(
        name=meta.name,
        version=version,
        threshold=float(meta.threshold),
        cost_fn=float(meta.cost_fn),
        cost_fp=float(meta.cost_fp),
        metrics=dict(meta.metrics),
        global_importance=tuple(
            FeatureImportance(feature=f, description=descriptions.get(f, ""), importance=float(v))
            for f, v in meta.global_importance.items()
        ),
        feature_descriptions={f: descriptions.get(f, "") for f in meta.features},
        categorical_features=tuple(meta.categorical_features),
        trained_at=meta.trained_at,
        data_fingerprint=meta.data_fingerprint,
        model_card=str(card.get("markdown", {}).get(language, "")),
        model_card_json=json.dumps(card["json"], ensure_ascii=False) if card.get("json") else "",
    )
