"""Domain objects to and from the JSON kept in the browser's dcc.Store: one fetch per client id, read later by the
panels' own controls. Only what they need goes in (the service token never does)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from scoring_service.domain import (
    ClientInfo,
    Contribution,
    Decision,
    Explanation,
    FeatureImportance,
    ModelInfo,
    Reason,
    Reasons,
    ScoreResult,
)


def result_to_dict(result: ScoreResult) -> dict[str, Any]:
    exp = result.explanation
    return {
        "request_id": result.request_id,
        "client_id": result.client_id,
        "probability": result.probability,
        "decision": result.decision.value,
        "threshold": result.threshold,
        "model_version": result.model_version,
        "explanation": None
        if exp is None
        else {
            "base_value": exp.base_value,
            "rest": exp.rest,
            "rest_count": exp.rest_count,
            "threshold_log_odds": exp.threshold_log_odds,
            "contributions": [[c.feature, c.description, c.value, c.contribution] for c in exp.contributions],
        },
        "reasons": None if result.reasons is None else reasons_to_dict(result.reasons),
    }


def reasons_to_dict(reasons: Reasons) -> dict[str, Any]:
    return {
        "base_value": reasons.base_value,
        "score": reasons.score,
        "groups": [
            [
                r.group,
                r.name,
                r.contribution,
                r.sentence,
                [[c.feature, c.description, c.value, c.contribution] for c in r.features],
                r.feature_count,
            ]
            for r in reasons.groups
        ],
    }


def reasons_from_dict(data: dict[str, Any]) -> Reasons:
    return Reasons(
        base_value=data["base_value"],
        score=data["score"],
        groups=tuple(
            Reason(g, n, c, s, tuple(Contribution(*f) for f in features), count)
            for g, n, c, s, features, count in data["groups"]
        ),
    )


def result_from_dict(data: dict[str, Any]) -> ScoreResult:
    exp = data.get("explanation")
    explanation = (
        None
        if exp is None
        else Explanation(
            base_value=exp["base_value"],
            contributions=tuple(Contribution(f, d, v, c) for f, d, v, c in exp["contributions"]),
            rest=exp["rest"],
            rest_count=exp["rest_count"],
            threshold_log_odds=exp.get("threshold_log_odds"),
        )
    )
    return ScoreResult(
        request_id=data["request_id"],
        client_id=data["client_id"],
        probability=data["probability"],
        decision=Decision(data["decision"]),
        threshold=data["threshold"],
        model_version=data["model_version"],
        explanation=explanation,
        reasons=reasons_from_dict(data["reasons"]) if data.get("reasons") else None,
    )


def client_to_store(
    result: ScoreResult, info: ClientInfo, title: str, kept: Collection[str]
) -> dict[str, Any]:
    """The client as the page keeps it: the score, the title, and only the values of the fields named in `kept`
    (those the what-if edits). The whole file (hundreds of fields with their descriptions, about 50 kB) is not
    kept: the panel that shows it draws it from the lookup's answer and reads it again from the service when
    searched."""
    return {
        "client_id": info.client_id,
        "score": result_to_dict(result),
        "values": {f.name: f.value for f in info.fields if f.name in kept},
        "title": title,
    }


def model_to_dict(model: ModelInfo) -> dict[str, Any]:
    return {
        "version": model.version,
        "threshold": model.threshold,
        "categorical": list(model.categorical_features),
        "importance": [[i.feature, i.description, i.importance] for i in model.global_importance],
    }


def importance_from_dict(data: dict[str, Any]) -> tuple[FeatureImportance, ...]:
    return tuple(FeatureImportance(f, d, i) for f, d, i in data["importance"])
