"""A deterministic in-memory ScoringApi for the dashboard's unit tests: a few clients, a linear 'model', and a
switch to make every call fail with a chosen scoring error (service down, slow, ...)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from scoring_service.domain import (
    ClientField,
    ClientFilters,
    ClientInfo,
    ClientPage,
    ClientSummary,
    Contribution,
    Decision,
    Distribution,
    DriftStatus,
    Explanation,
    FeatureImportance,
    ModelInfo,
    PeerComparison,
    PeerRequest,
    Reason,
    Reasons,
    ScatterPoint,
    ScoreRequest,
    ScoreResult,
)
from scoring_service.errors import InvalidArgument, NotFound, ScoringError
from training.features.reasons import group_of

THRESHOLD = 0.35
DESCRIPTIONS = {
    "fr": {
        "AMT_INCOME_TOTAL": "Revenu annuel du client",
        "AMT_CREDIT": "Montant du crédit demandé",
        "AMT_ANNUITY": "Montant de l'échéance",
        "AMT_GOODS_PRICE": "Prix du bien financé",
        "DAYS_EMPLOYED": "Ancienneté dans l'emploi (jours, négatif)",
        "EXT_SOURCE_MEAN": "Moyenne des scores externes",
        "CODE_GENDER": "Sexe du client",
    },
    "en": {
        "AMT_INCOME_TOTAL": "Client's annual income",
        "AMT_CREDIT": "Credit amount asked for",
        "AMT_ANNUITY": "Annuity",
        "AMT_GOODS_PRICE": "Price of the goods",
        "DAYS_EMPLOYED": "Days in employment (negative)",
        "EXT_SOURCE_MEAN": "Mean of the external scores",
        "CODE_GENDER": "Client's gender",
    },
}


def _client(cid: int, income: float, credit: float, ext: float, gender: str) -> dict[str, float | str]:
    return {
        "CODE_GENDER": gender,
        "AMT_INCOME_TOTAL": income,
        "AMT_CREDIT": credit,
        "AMT_ANNUITY": credit / 20,
        "AMT_GOODS_PRICE": credit * 0.9,
        "DAYS_EMPLOYED": -3653.0,
        "EXT_SOURCE_MEAN": ext,
    }


CLIENTS: dict[int, dict[str, float | str]] = {
    100001: _client(100001, 200_000, 300_000, 0.70, "F"),  # granted, far from the threshold
    100003: _client(100003, 90_000, 900_000, 0.20, "M"),  # refused
    100005: _client(100005, 150_000, 450_000, 0.30, "F"),  # granted, just under the threshold
}


def probability(values: dict[str, float | str]) -> float:
    ratio = float(values["AMT_CREDIT"]) / float(values["AMT_INCOME_TOTAL"])
    logit = -1.0 + 0.5 * ratio - 4.0 * float(values["EXT_SOURCE_MEAN"])
    return 1 / (1 + math.exp(-logit))


def reasons_of(explanation: Explanation, lang: str) -> Reasons:
    """The explanation's contributions summed by reason group, as the service does (the rest in the application
    group)."""
    groups: dict[str, list[Contribution]] = {}
    for c in explanation.contributions:
        groups.setdefault(group_of(c.feature).key, []).append(c)
    reasons = []
    for key, items in groups.items():
        group = group_of(items[0].feature)
        total = math.fsum(c.contribution for c in items) + (explanation.rest if key == "application" else 0.0)
        reasons.append(
            Reason(key, group.name(lang), total, group.sentence(total, lang), tuple(items), len(items))
        )
    if "application" not in groups and explanation.rest:
        group = group_of("AMT_CREDIT")
        reasons.append(
            Reason("application", group.name(lang), explanation.rest, "", (), explanation.rest_count)
        )
    reasons.sort(key=lambda r: -abs(r.contribution))
    score = math.fsum([explanation.base_value, *(r.contribution for r in reasons)])
    return Reasons(explanation.base_value, score, tuple(reasons))


@dataclass
class FakeScoringApi:
    fail_with: ScoringError | None = None
    calls: list[tuple[str, object]] = field(default_factory=list)
    drift: DriftStatus = field(default_factory=lambda: DriftStatus(status="none"))
    report: bytes | None = None

    def _enter(self, name: str, arg: object) -> None:
        self.calls.append((name, arg))
        if self.fail_with is not None:
            raise self.fail_with

    def _values(self, client_id: int) -> dict[str, float | str]:
        if client_id not in CLIENTS:
            raise NotFound(f"Client {client_id} is not in the portfolio.")
        return dict(CLIENTS[client_id])

    def score(self, request: ScoreRequest) -> ScoreResult:
        self._enter("score", request)
        values = self._values(request.client_id) if request.client_id is not None else {}
        for key, value in request.values.items():
            if key not in DESCRIPTIONS["fr"]:
                raise InvalidArgument(f"Unknown field {key}.", field=key)
            values[key] = value  # type: ignore[assignment]
        p = probability(values)
        explanation = None
        if request.explain:
            names = ["EXT_SOURCE_MEAN", "AMT_CREDIT", "AMT_INCOME_TOTAL", "CODE_GENDER"][: request.top_k]
            contribs = [0.8 - 2.0 * float(values["EXT_SOURCE_MEAN"]), 0.3, -0.2, 0.05]
            explanation = Explanation(
                base_value=-1.0,
                contributions=tuple(
                    Contribution(n, DESCRIPTIONS[request.language][n], values[n], c)
                    for n, c in zip(names, contribs, strict=False)
                ),
                rest=0.01,
                rest_count=3,
            )
        decision = Decision.REFUSED if p >= THRESHOLD else Decision.GRANTED
        reasons = reasons_of(explanation, request.language) if explanation is not None else None
        return ScoreResult("req-1", request.client_id, p, decision, THRESHOLD, "7", explanation, reasons)

    def score_batch(self, client_ids: Sequence[int], explain: bool = False) -> Iterator[ScoreResult]:
        for cid in client_ids:
            yield self.score(ScoreRequest(client_id=cid, explain=explain))

    def get_client(self, client_id: int, language: str = "fr") -> ClientInfo:
        self._enter("get_client", client_id)
        values = self._values(client_id)
        return ClientInfo(
            client_id, tuple(ClientField(k, DESCRIPTIONS[language][k], v) for k, v in values.items())
        )

    def search_clients(self, filters: ClientFilters, page: int = 0, page_size: int = 20) -> ClientPage:
        self._enter("search_clients", filters)
        rows = []
        for cid, v in CLIENTS.items():
            p = probability(v)
            decision = Decision.REFUSED if p >= THRESHOLD else Decision.GRANTED
            if filters.gender and v["CODE_GENDER"] != filters.gender:
                continue
            if filters.decision and decision is not filters.decision:
                continue
            rows.append(
                ClientSummary(
                    cid,
                    str(v["CODE_GENDER"]),
                    40,
                    float(v["AMT_INCOME_TOTAL"]),
                    float(v["AMT_CREDIT"]),
                    "Cash loans",
                    "Married",
                    p,
                    decision,
                )
            )
        chunk = rows[page * page_size : (page + 1) * page_size]
        return ClientPage(tuple(chunk), len(rows), page, page_size)

    def compare_peers(self, request: PeerRequest) -> PeerComparison:
        self._enter("compare_peers", request)
        values = self._values(request.client_id)
        lang = request.language
        categorical = request.feature == "CODE_GENDER"
        dist = (
            Distribution(counts=(2, 1), categories=("F", "M"))
            if categorical
            else Distribution(
                counts=(1, 1, 1),
                bin_edges=(0.0, 0.3, 0.6, 0.9),
                quantiles={"p05": 0.2, "p25": 0.3, "p50": 0.45, "p75": 0.6, "p95": 0.7},
            )
        )
        second = request.second_feature
        points = (
            tuple(
                ScatterPoint(CLIENTS[c][request.feature], CLIENTS[c][second], probability(CLIENTS[c]))
                for c in CLIENTS
            )
            if second
            else ()
        )
        return PeerComparison(
            feature=request.feature,
            description=DESCRIPTIONS[lang][request.feature],
            group=request.group,
            group_size=len(CLIENTS),
            client_value=values[request.feature],
            client_percentile=None if categorical else 66.7,
            distribution=dist,
            group_mean_probability=0.3,
            group_refusal_rate=1 / 3,
            group_observed_default_rate=0.08,
            history_size=120,
            second_feature=second,
            second_description=DESCRIPTIONS[lang][second] if second else "",
            client_second_value=values[second] if second else None,
            points=points,
        )

    def model_info(self, language: str = "fr") -> ModelInfo:
        self._enter("model_info", language)
        names = ["EXT_SOURCE_MEAN", "AMT_CREDIT", "AMT_INCOME_TOTAL", "CODE_GENDER"]
        return ModelInfo(
            name="credit-scoring",
            version="7",
            threshold=THRESHOLD,
            cost_fn=10.0,
            cost_fp=1.0,
            metrics={"auc_cv": 0.75},
            global_importance=tuple(
                FeatureImportance(n, DESCRIPTIONS[language][n], 0.5 / (i + 1)) for i, n in enumerate(names)
            ),
            feature_descriptions=DESCRIPTIONS[language],
            categorical_features=("CODE_GENDER",),
            trained_at="2026-01-01T00:00:00Z",
            data_fingerprint="fake",
        )

    def drift_status(self, language: str = "fr") -> DriftStatus:
        self._enter("drift_status", language)
        return self.drift

    def drift_report(self) -> bytes:
        self._enter("drift_report", None)
        if self.report is None:
            raise NotFound("No drift report has been written yet.")
        return self.report
