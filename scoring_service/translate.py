"""Mechanical translation between the protobuf messages and the domain objects, both ways.

The servicer reads requests and writes results with it; the Python client writes requests and reads results.
Only what a protobuf message cannot say by itself is checked here (a number that is not finite, a decision or
group left unspecified); what the values mean is the data plane's business.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from scoring_service import domain as d
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.errors import InvalidArgument

DEFAULT_LANGUAGE = "fr"
DEFAULT_TOP_K = d.ScoreRequest.top_k
DEFAULT_PAGE_SIZE = 20

DECISION_TO_PB = {d.Decision.GRANTED: pb.DECISION_GRANTED, d.Decision.REFUSED: pb.DECISION_REFUSED}
DECISION_FROM_PB = {v: k for k, v in DECISION_TO_PB.items()}
GROUP_TO_PB = {
    d.PeerGroup.ALL: pb.PEER_GROUP_ALL,
    d.PeerGroup.FILTERED: pb.PEER_GROUP_FILTERED,
    d.PeerGroup.SIMILAR: pb.PEER_GROUP_SIMILAR,
}
GROUP_FROM_PB = {v: k for k, v in GROUP_TO_PB.items()} | {pb.PEER_GROUP_UNSPECIFIED: d.PeerGroup.ALL}


# --- values -----------------------------------------------------------------------------------------------


def value_to_pb(value: d.FeatureValue, out: pb.FeatureValue) -> None:
    if value is None:
        out.missing = True
    elif isinstance(value, str):
        out.text = value
    else:
        out.number = float(value)


def value_from_pb(message: pb.FeatureValue, field: str = "value") -> d.FeatureValue:
    kind = message.WhichOneof("kind")
    if kind == "number":
        if not math.isfinite(message.number):
            raise InvalidArgument(
                f"The value of {field} is {message.number}: send a finite number, or mark it as missing.",
                field=field,
            )
        return message.number
    if kind == "text":
        return message.text
    return None


def values_from_pb(values: Mapping[str, pb.FeatureValue]) -> dict[str, d.FeatureValue]:
    return {name: value_from_pb(v, field=name) for name, v in values.items()}


def result_value(message: pb.FeatureValue) -> d.FeatureValue:
    """A value in a result, read as sent (the server is trusted; NaN never reaches a request check)."""
    kind = message.WhichOneof("kind")
    if kind == "number":
        return message.number
    return message.text if kind == "text" else None


# --- Score --------------------------------------------------------------------------------------------------


def score_request_to_pb(request: d.ScoreRequest) -> pb.ScoreRequest:
    message = pb.ScoreRequest(explain=request.explain, top_k=request.top_k, language=request.language)
    if request.client_id is not None:
        message.client_id = request.client_id
    for name, value in request.values.items():
        value_to_pb(value, message.values[name])
    return message


def score_request_from_pb(message: pb.ScoreRequest) -> d.ScoreRequest:
    return d.ScoreRequest(
        client_id=message.client_id if message.HasField("client_id") else None,
        values=values_from_pb(message.values),
        explain=message.explain,
        top_k=message.top_k if message.HasField("top_k") else DEFAULT_TOP_K,
        language=message.language or DEFAULT_LANGUAGE,
    )


def score_result_to_pb(result: d.ScoreResult) -> pb.ScoreResponse:
    message = pb.ScoreResponse()
    fill_score_response(result, message)
    return message


def fill_score_response(result: d.ScoreResult, out: pb.ScoreResponse) -> None:
    """Writes the result into a message in place (`results.add()` in a batch avoids a copy per result)."""
    out.request_id = result.request_id
    out.probability = result.probability
    out.decision = DECISION_TO_PB[result.decision]
    out.threshold = result.threshold
    out.model_version = result.model_version
    if result.client_id is not None:
        out.client_id = result.client_id
    if result.memo is not None:  # a kept answer: its explanation and reasons are translated once
        out.MergeFromString(kept_answer_bytes(result, result.memo))
    else:
        fill_explained(result, out)


def kept_answer_bytes(result: d.ScoreResult, memo: d.Memo) -> bytes:
    """The explanation and reasons of a kept answer as the wire bytes of a ScoreResponse holding only them
    (merged into a response, they set those two fields), built on the answer's first translation."""
    wire = memo.value
    if not isinstance(wire, bytes):
        part = pb.ScoreResponse()
        fill_explained(result, part)
        wire = memo.value = part.SerializeToString()
    return wire


def fill_explained(result: d.ScoreResult, out: pb.ScoreResponse) -> None:
    """The explanation and the reasons, when the result has them."""
    if result.explanation is not None:
        explanation = result.explanation
        target = out.explanation
        target.base_value = explanation.base_value
        target.rest = explanation.rest
        target.rest_count = explanation.rest_count
        if explanation.threshold_log_odds is not None:
            target.threshold_log_odds = explanation.threshold_log_odds
        for c in explanation.contributions:
            item = target.contributions.add(
                feature=c.feature, description=c.description, contribution=c.contribution
            )
            value_to_pb(c.value, item.value)
    if result.reasons is not None:
        reasons = result.reasons
        out.reasons.base_value = reasons.base_value
        out.reasons.score = reasons.score
        for r in reasons.groups:
            group = out.reasons.groups.add(
                group=r.group,
                name=r.name,
                contribution=r.contribution,
                sentence=r.sentence,
                feature_count=r.feature_count,
            )
            for c in r.features:
                item = group.features.add(
                    feature=c.feature, description=c.description, contribution=c.contribution
                )
                value_to_pb(c.value, item.value)


def columns_to_pb(columns: d.ScoreColumns, out: pb.ScoreColumns) -> None:
    out.client_ids.extend(columns.client_ids)
    out.probabilities.extend(columns.probabilities)
    refused, granted = pb.DECISION_REFUSED, pb.DECISION_GRANTED
    out.decisions.extend([refused if r else granted for r in columns.refused])
    out.threshold = columns.threshold
    out.model_version = columns.model_version
    out.request_id_prefix = columns.request_id_prefix
    out.first = columns.first


def columns_from_pb(message: pb.ScoreColumns) -> d.ScoreColumns:
    decisions = list(message.decisions)
    if any(v not in DECISION_FROM_PB for v in set(decisions)):
        raise ValueError("A chunk of batch results holds a decision that is neither GRANTED nor REFUSED.")
    refused = pb.DECISION_REFUSED
    return d.ScoreColumns(
        client_ids=list(message.client_ids),
        probabilities=list(message.probabilities),
        refused=[v == refused for v in decisions],
        threshold=message.threshold,
        model_version=message.model_version,
        request_id_prefix=message.request_id_prefix,
        first=message.first,
    )


def score_result_from_pb(
    message: pb.ScoreResponse, explained: bool | None = None, answers: DecodedAnswers | None = None
) -> d.ScoreResult:
    """explained=False skips the presence check (a batch asked without explanations): 48,744 times it counts.
    `answers` gives back the objects of an explanation and reasons already decoded (same bytes)."""
    if explained is None:
        explained = message.HasField("explanation")
    explanation = reasons = None
    if explained:
        if answers is not None:
            explanation, reasons = answers.decode(message)
        else:
            explanation, reasons = decode_explained(message)
    return d.ScoreResult(
        request_id=message.request_id,
        client_id=message.client_id if message.HasField("client_id") else None,
        probability=message.probability,
        decision=DECISION_FROM_PB[message.decision],
        threshold=message.threshold,
        model_version=message.model_version,
        explanation=explanation,
        reasons=reasons,
    )


def decode_explained(message: pb.ScoreResponse) -> tuple[d.Explanation, d.Reasons | None]:
    reasons = reasons_from_pb(message.reasons) if message.HasField("reasons") else None
    return explanation_from_pb(message.explanation), reasons


class DecodedAnswers:
    """The explanations and reasons a client decoded last, by their bytes: the same client asked again (the
    service sends a kept answer's bytes as they were) gets the same immutable objects back instead of about 70
    new ones. Reading a field of a protobuf message costs more than serializing the two sub-messages again."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[bytes, bool, bytes], tuple[d.Explanation, d.Reasons | None]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def decode(self, message: pb.ScoreResponse) -> tuple[d.Explanation, d.Reasons | None]:
        key = (
            message.explanation.SerializeToString(),
            message.HasField("reasons"),
            message.reasons.SerializeToString(),
        )
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = decode_explained(message)
        with self._lock:
            self._items[key] = found
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


def _contribution_from_pb(c: pb.Contribution) -> d.Contribution:
    return d.Contribution(
        feature=c.feature, description=c.description, value=result_value(c.value), contribution=c.contribution
    )


def reasons_from_pb(r: pb.Reasons) -> d.Reasons:
    return d.Reasons(
        base_value=r.base_value,
        score=r.score,
        groups=tuple(
            d.Reason(
                group=g.group,
                name=g.name,
                contribution=g.contribution,
                sentence=g.sentence,
                features=tuple(_contribution_from_pb(c) for c in g.features),
                feature_count=g.feature_count,
            )
            for g in r.groups
        ),
    )


def explanation_from_pb(e: pb.Explanation) -> d.Explanation:
    return d.Explanation(
        base_value=e.base_value,
        contributions=tuple(
            d.Contribution(
                feature=c.feature,
                description=c.description,
                value=result_value(c.value),
                contribution=c.contribution,
            )
            for c in e.contributions
        ),
        rest=e.rest,
        rest_count=e.rest_count,
        threshold_log_odds=e.threshold_log_odds if e.HasField("threshold_log_odds") else None,
    )


# --- clients ------------------------------------------------------------------------------------------------


def client_info_to_pb(info: d.ClientInfo) -> pb.ClientInfo:
    message = pb.ClientInfo(client_id=info.client_id)
    for f in info.fields:
        value_to_pb(f.value, message.fields.add(name=f.name, description=f.description).value)
    return message


def client_info_from_pb(message: pb.ClientInfo) -> d.ClientInfo:
    return d.ClientInfo(
        client_id=message.client_id,
        fields=tuple(
            d.ClientField(name=f.name, description=f.description, value=result_value(f.value))
            for f in message.fields
        ),
    )


def filters_to_pb(filters: d.ClientFilters, out: pb.ClientFilters) -> None:
    for name in ("gender", "age_band", "income_band", "contract_type", "family_status"):
        value = getattr(filters, name)
        if value is not None:
            setattr(out, name, value)
    if filters.decision is not None:
        out.decision = DECISION_TO_PB[filters.decision]


def filters_from_pb(message: pb.ClientFilters) -> d.ClientFilters:
    def text(name: str) -> str | None:
        return getattr(message, name) if message.HasField(name) else None

    return d.ClientFilters(
        gender=text("gender"),
        age_band=text("age_band"),
        income_band=text("income_band"),
        contract_type=text("contract_type"),
        family_status=text("family_status"),
        decision=decision_or_none(message.decision, "filters.decision"),
    )


def decision_or_none(value: int, field: str) -> d.Decision | None:
    if value == pb.DECISION_UNSPECIFIED:
        return None
    if value not in DECISION_FROM_PB:
        raise InvalidArgument(
            f"{field} is {value}, which is no decision: use GRANTED or REFUSED.", field=field
        )
    return DECISION_FROM_PB[value]  # type: ignore[index]


def search_request_to_pb(filters: d.ClientFilters, page: int, page_size: int) -> pb.SearchClientsRequest:
    message = pb.SearchClientsRequest(page=page, page_size=page_size)
    filters_to_pb(filters, message.filters)
    return message


def search_request_from_pb(message: pb.SearchClientsRequest) -> tuple[d.ClientFilters, int, int]:
    page_size = message.page_size if message.HasField("page_size") else DEFAULT_PAGE_SIZE
    return filters_from_pb(message.filters), message.page, page_size


# A client summary's plain fields: the same name and value in the message and in the domain object.
SUMMARY_FIELDS = tuple(f.name for f in dataclasses.fields(d.ClientSummary) if f.name != "decision")


def _summary_values(summary: d.ClientSummary | pb.ClientSummary) -> dict[str, Any]:
    return {name: getattr(summary, name) for name in SUMMARY_FIELDS}


def client_page_to_pb(page: d.ClientPage) -> pb.ClientPage:
    message = pb.ClientPage(total=page.total, page=page.page, page_size=page.page_size)
    for c in page.clients:
        message.clients.add(**_summary_values(c), decision=DECISION_TO_PB[c.decision])
    return message


def client_page_from_pb(message: pb.ClientPage) -> d.ClientPage:
    return d.ClientPage(
        clients=tuple(
            d.ClientSummary(**_summary_values(c), decision=DECISION_FROM_PB[c.decision])
            for c in message.clients
        ),
        total=message.total,
        page=message.page,
        page_size=message.page_size,
    )
