"""Peer groups: percentile and histogram on hand-made groups, then every group kind on the tiny bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from registry.bundle import ModelBundle
from scoring_service.dataplane import DataPlane
from scoring_service.domain import ClientFilters, Decision, PeerGroup, PeerRequest
from scoring_service.errors import InvalidArgument, NotFound
from scoring_service.peers import (
    MAX_POINTS,
    categorical_distribution,
    numeric_distribution,
    percentile_of,
    similarity_features,
)
from scoring_service.portfolio import age_years


@pytest.fixture(scope="module")
def bundle(tiny_bundle_dir: Path) -> ModelBundle:
    return ModelBundle.load(tiny_bundle_dir)


def test_percentile_on_a_hand_made_group() -> None:
    group = np.array([1.0, 2.0, 3.0, 4.0, np.nan, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    assert percentile_of(group, 5.0) == pytest.approx(50.0)
    assert percentile_of(group, 0.5) == 0.0
    assert percentile_of(group, 10.0) == 100.0
    assert percentile_of(group, np.nan) is None
    assert percentile_of(np.array([np.nan]), 1.0) is None


def test_histogram_and_quantiles_on_a_hand_made_group() -> None:
    distribution = numeric_distribution(np.array([0.0, 1.0, 1.0, 2.0, 3.0, np.nan]), bins=3)
    assert distribution.counts == (1, 2, 2)
    assert distribution.bin_edges == (0.0, 1.0, 2.0, 3.0)
    assert distribution.quantiles["p50"] == 1.0
    assert set(distribution.quantiles) == {"p05", "p25", "p50", "p75", "p95"}
    assert numeric_distribution(np.array([np.nan]), bins=3).counts == ()


def test_categories_are_counted_most_frequent_first() -> None:
    distribution = categorical_distribution(np.array(["b", "a", "b", "c", "b", "a"], dtype=object))
    assert distribution.categories == ("b", "a", "c")
    assert distribution.counts == (3, 2, 1)


def test_the_similarity_space_takes_the_most_important_numeric_features() -> None:
    importance = {"a": 5.0, "cat": 4.0, "b": 3.0, "c": 2.0, "d": 1.0}
    assert similarity_features(importance, ["a", "b", "c", "d"], count=3) == ["a", "b", "c"]


def test_all_clients(plane: DataPlane, bundle: ModelBundle) -> None:
    client = int(bundle.portfolio.index[0])
    result = plane.compare_peers(PeerRequest(client_id=client, feature="AMT_INCOME_TOTAL", bins=10))
    income = bundle.portfolio["AMT_INCOME_TOTAL"].to_numpy(dtype=float)
    assert result.group_size == len(bundle.portfolio)
    assert sum(result.distribution.counts) == len(income)
    assert result.client_value == income[0]
    assert result.client_percentile == pytest.approx(100 * np.mean(income <= income[0]))
    assert result.history_size == len(bundle.history)
    assert result.group_observed_default_rate == pytest.approx(bundle.history["TARGET"].mean())
    probabilities = plane.engine().scorer.probabilities
    assert result.group_mean_probability == pytest.approx(probabilities.mean())
    assert result.group_refusal_rate == pytest.approx(np.mean(probabilities >= plane.model_info().threshold))
    assert result.description == plane.model_info("fr").feature_descriptions["AMT_INCOME_TOTAL"] != ""
    other = int(bundle.portfolio.index[1])
    again = plane.compare_peers(PeerRequest(client_id=other, feature="AMT_INCOME_TOTAL", bins=10))
    assert again.distribution is result.distribution  # the whole portfolio's histogram is kept
    assert again.client_percentile == pytest.approx(100 * np.mean(income <= income[1]))


def test_a_filtered_group_and_its_history(plane: DataPlane, bundle: ModelBundle) -> None:
    client = int(bundle.portfolio.index[0])
    filters = ClientFilters(gender="F", age_band="40-49")
    result = plane.compare_peers(
        PeerRequest(client_id=client, feature="AMT_CREDIT", group=PeerGroup.FILTERED, filters=filters)
    )
    portfolio = bundle.portfolio
    ages = age_years(portfolio["DAYS_BIRTH"].to_numpy(dtype=float))
    assert result.group_size == int(((portfolio["CODE_GENDER"] == "F") & (ages >= 40) & (ages < 50)).sum())
    history = bundle.history
    hist_ages = age_years(history["DAYS_BIRTH"].to_numpy(dtype=float))
    matching = history[(history["CODE_GENDER"] == "F") & (hist_ages >= 40) & (hist_ages < 50)]
    assert result.history_size == len(matching) > 0
    assert result.group_observed_default_rate == pytest.approx(matching["TARGET"].mean())


def test_a_refused_group_has_a_full_refusal_rate(plane: DataPlane, bundle: ModelBundle) -> None:
    client = int(bundle.portfolio.index[0])
    result = plane.compare_peers(
        PeerRequest(
            client_id=client,
            feature="NAME_FAMILY_STATUS",
            group=PeerGroup.FILTERED,
            filters=ClientFilters(decision=Decision.REFUSED),
        )
    )
    assert result.group_refusal_rate == 1.0
    assert result.client_percentile is None
    assert sum(result.distribution.counts) == result.group_size
    assert result.client_value == bundle.portfolio.iloc[0]["NAME_FAMILY_STATUS"]


def test_similar_clients_are_the_k_nearest_and_include_the_client(
    plane: DataPlane, bundle: ModelBundle
) -> None:
    client = int(bundle.portfolio.index[3])
    result = plane.compare_peers(
        PeerRequest(client_id=client, feature="EXT_SOURCE_MEAN", group=PeerGroup.SIMILAR, k=25)
    )
    assert result.group_size == 25
    assert result.history_size == 25
    assert result.group_observed_default_rate is not None
    peers = plane.engine().peers
    group = peers.nn.kneighbors(peers.points[[3]], n_neighbors=25, return_distance=False)[0]
    assert 3 in group
    far = plane.compare_peers(PeerRequest(client_id=client, feature="EXT_SOURCE_MEAN", group=PeerGroup.ALL))
    spread = np.ptp(peers.points[group], axis=0).sum()
    assert spread < np.ptp(peers.points, axis=0).sum()
    assert far.group_size == len(bundle.portfolio)


def test_the_two_feature_view_is_a_bounded_sample(plane: DataPlane, bundle: ModelBundle) -> None:
    client = int(bundle.portfolio.index[0])
    result = plane.compare_peers(
        PeerRequest(client_id=client, feature="AMT_CREDIT", second_feature="CODE_GENDER", language="en")
    )
    assert 0 < len(result.points) <= MAX_POINTS
    assert len(result.points) == min(MAX_POINTS, result.group_size)
    assert {p.y for p in result.points} <= {"F", "M"}
    assert result.second_description == "Client's gender"
    assert result.client_second_value == bundle.portfolio.iloc[0]["CODE_GENDER"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"feature": "NOPE"}, "feature"),
        ({"second_feature": "NOPE"}, "second_feature"),
        ({"k": 0}, "k"),
        ({"bins": 0}, "bins"),
        ({"bins": 1_000}, "bins"),
        ({"group": PeerGroup.FILTERED, "filters": ClientFilters(gender="Z")}, "gender"),
        ({"client_id": 12}, "client_id"),
        ({"language": "es"}, "language"),
    ],
)
def test_bad_requests_name_the_field(
    plane: DataPlane, bundle: ModelBundle, changes: dict, field: str
) -> None:
    request = {"client_id": int(bundle.portfolio.index[0]), "feature": "AMT_CREDIT", **changes}
    with pytest.raises(InvalidArgument) as error:
        plane.compare_peers(PeerRequest(**request))
    assert error.value.field == field


def test_an_unknown_client_is_not_found(plane: DataPlane) -> None:
    with pytest.raises(NotFound):
        plane.compare_peers(PeerRequest(client_id=999_999, feature="AMT_CREDIT"))
