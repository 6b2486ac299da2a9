"""Translation of the peer-group comparison and the model information, both ways (see translate.py)."""

from __future__ import annotations

from scoring_service import domain as d
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.errors import InvalidArgument
from scoring_service.translate import (
    DEFAULT_LANGUAGE,
    GROUP_FROM_PB,
    GROUP_TO_PB,
    filters_from_pb,
    filters_to_pb,
    result_value,
    value_to_pb,
)

DEFAULT_K = d.PeerRequest.k
DEFAULT_BINS = d.PeerRequest.bins


def peer_request_to_pb(request: d.PeerRequest) -> pb.PeerRequest:
    message = pb.PeerRequest(
        client_id=request.client_id,
        feature=request.feature,
        group=GROUP_TO_PB[request.group],
        k=request.k,
        bins=request.bins,
        language=request.language,
    )
    if request.filters is not None:
        filters_to_pb(request.filters, message.filters)
    if request.second_feature is not None:
        message.second_feature = request.second_feature
    return message


def peer_request_from_pb(message: pb.PeerRequest) -> d.PeerRequest:
    if message.group not in GROUP_FROM_PB:
        raise InvalidArgument(
            f"group is {message.group}, which is no peer group: use ALL, FILTERED or SIMILAR.", field="group"
        )
    return d.PeerRequest(
        client_id=message.client_id,
        feature=message.feature,
        group=GROUP_FROM_PB[message.group],  # type: ignore[index]
        filters=filters_from_pb(message.filters) if message.HasField("filters") else None,
        k=message.k if message.HasField("k") else DEFAULT_K,
        second_feature=message.second_feature if message.HasField("second_feature") else None,
        bins=message.bins if message.HasField("bins") else DEFAULT_BINS,
        language=message.language or DEFAULT_LANGUAGE,
    )


def comparison_to_pb(c: d.PeerComparison) -> pb.PeerComparison:
    message = pb.PeerComparison(
        feature=c.feature,
        description=c.description,
        group=GROUP_TO_PB[c.group],
        group_size=c.group_size,
        group_mean_probability=c.group_mean_probability,
        group_refusal_rate=c.group_refusal_rate,
        history_size=c.history_size,
        second_description=c.second_description,
    )
    value_to_pb(c.client_value, message.client_value)
    value_to_pb(c.client_second_value, message.client_second_value)
    if c.client_percentile is not None:
        message.client_percentile = c.client_percentile
    if c.group_observed_default_rate is not None:
        message.group_observed_default_rate = c.group_observed_default_rate
    if c.second_feature is not None:
        message.second_feature = c.second_feature
    dist = message.distribution
    dist.counts.extend(c.distribution.counts)
    dist.bin_edges.extend(c.distribution.bin_edges)
    dist.categories.extend(c.distribution.categories)
    dist.quantiles.update(c.distribution.quantiles)
    for p in c.points:
        point = message.points.add(probability=p.probability)
        value_to_pb(p.x, point.x)
        value_to_pb(p.y, point.y)
    return message


def comparison_from_pb(m: pb.PeerComparison) -> d.PeerComparison:
    dist = m.distribution
    return d.PeerComparison(
        feature=m.feature,
        description=m.description,
        group=GROUP_FROM_PB[m.group],
        group_size=m.group_size,
        client_value=result_value(m.client_value),
        client_percentile=m.client_percentile if m.HasField("client_percentile") else None,
        distribution=d.Distribution(
            counts=tuple(dist.counts),
            bin_edges=tuple(dist.bin_edges),
            categories=tuple(dist.categories),
            quantiles=dict(dist.quantiles),
        ),
        group_mean_probability=m.group_mean_probability,
        group_refusal_rate=m.group_refusal_rate,
        group_observed_default_rate=(
            m.group_observed_default_rate if m.HasField("group_observed_default_rate") else None
        ),
        history_size=m.history_size,
        second_feature=m.second_feature if m.HasField("second_feature") else None,
        second_description=m.second_description,
        client_second_value=result_value(m.client_second_value),
        points=tuple(
            d.ScatterPoint(x=result_value(p.x), y=result_value(p.y), probability=p.probability)
            for p in m.points
        ),
    )


def model_info_to_pb(info: d.ModelInfo) -> pb.ModelInfo:
    message = pb.ModelInfo(
        name=info.name,
        version=info.version,
        threshold=info.threshold,
        cost_fn=info.cost_fn,
        cost_fp=info.cost_fp,
        metrics=dict(info.metrics),
        feature_descriptions=dict(info.feature_descriptions),
        categorical_features=list(info.categorical_features),
        trained_at=info.trained_at,
        data_fingerprint=info.data_fingerprint,
        model_card=info.model_card,
        model_card_json=info.model_card_json,
    )
    for f in info.global_importance:
        message.global_importance.add(feature=f.feature, description=f.description, importance=f.importance)
    return message


def model_info_from_pb(m: pb.ModelInfo) -> d.ModelInfo:
    return d.ModelInfo(
        name=m.name,
        version=m.version,
        threshold=m.threshold,
        cost_fn=m.cost_fn,
        cost_fp=m.cost_fp,
        metrics=dict(m.metrics),
        global_importance=tuple(
            d.FeatureImportance(feature=f.feature, description=f.description, importance=f.importance)
            for f in m.global_importance
        ),
        feature_descriptions=dict(m.feature_descriptions),
        categorical_features=tuple(m.categorical_features),
        trained_at=m.trained_at,
        data_fingerprint=m.data_fingerprint,
        model_card=m.model_card,
        model_card_json=m.model_card_json,
    )
