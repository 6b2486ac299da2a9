"""Every RPC through a real server on a free port, compared with the same data plane called in process."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from scoring_service.client import ScoringClient
from scoring_service.domain import (
    ClientFilters,
    Decision,
    PeerGroup,
    PeerRequest,
    ScoreRequest,
)
from scoring_service.server import RunningService

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client_ids(tiny_bundle_dir: Path) -> list[int]:
    return [int(i) for i in pd.read_parquet(tiny_bundle_dir / "portfolio.parquet").index]


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_score_a_known_client_matches_in_process(
    client: ScoringClient, service: RunningService, client_ids: list[int]
) -> None:
    request = ScoreRequest(client_id=client_ids[3])
    remote, local = client.score(request), service.dataplane.score(request)
    assert remote.client_id == client_ids[3]
    assert remote.probability == pytest.approx(local.probability, abs=1e-12)
    assert remote.decision is local.decision
    assert remote.threshold == local.threshold == pytest.approx(0.35)
    assert remote.model_version == local.model_version
    assert remote.explanation is None
    assert remote.request_id and remote.request_id != local.request_id
    expected = Decision.REFUSED if remote.probability >= remote.threshold else Decision.GRANTED
    assert remote.decision is expected


def test_score_with_explanation_top_k_and_the_rest_add_up(
    client: ScoringClient, client_ids: list[int]
) -> None:
    result = client.score(ScoreRequest(client_id=client_ids[0], explain=True, top_k=3, language="en"))
    explanation = result.explanation
    assert explanation is not None
    assert len(explanation.contributions) == 3
    magnitudes = [abs(c.contribution) for c in explanation.contributions]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert explanation.rest_count > 0
    assert abs(explanation.rest) <= magnitudes[-1] * explanation.rest_count + 1e-9
    total = explanation.base_value + sum(c.contribution for c in explanation.contributions) + explanation.rest
    assert total == pytest.approx(_logit(result.probability), abs=1e-6)
    assert all(c.description for c in explanation.contributions)


def test_score_returns_the_reasons_by_group_as_in_process(
    client: ScoringClient, service: RunningService, client_ids: list[int]
) -> None:
    request = ScoreRequest(client_id=client_ids[1], explain=True, top_k=2, language="fr")
    remote, local = client.score(request), service.dataplane.score(request)
    assert remote.reasons is not None and local.reasons is not None
    assert remote.reasons.score == local.reasons.score
    assert math.fsum([remote.reasons.base_value, *(g.contribution for g in remote.reasons.groups)]) == (
        remote.reasons.score
    )
    assert [(g.group, g.name, g.sentence, g.feature_count) for g in remote.reasons.groups] == [
        (g.group, g.name, g.sentence, g.feature_count) for g in local.reasons.groups
    ]
    assert [g.features for g in remote.reasons.groups] == [g.features for g in local.reasons.groups]
    assert all(g.sentence.endswith(".") for g in remote.reasons.groups)


def test_a_known_client_asked_again_gets_the_same_explanation_and_reasons(
    client: ScoringClient, service: RunningService, client_ids: list[int]
) -> None:
    """The second answer is sent from the bytes kept with the first: it says the same as the data plane."""
    request = ScoreRequest(client_id=client_ids[2], explain=True, top_k=4, language="en")
    first, again = client.score(request), client.score(request)
    local = service.dataplane.score(request)
    assert again.request_id != first.request_id and again.probability == local.probability
    assert again.explanation == first.explanation == local.explanation
    assert again.reasons == first.reasons == local.reasons
    other = client.score(replace(request, language="fr"))  # another language is another kept answer
    assert other.reasons is not None and local.reasons is not None
    assert [g.name for g in other.reasons.groups] != [g.name for g in local.reasons.groups]


def test_explanations_follow_the_language(client: ScoringClient, client_ids: list[int]) -> None:
    french = client.score(ScoreRequest(client_id=client_ids[0], explain=True, top_k=5, language="fr"))
    english = client.score(ScoreRequest(client_id=client_ids[0], explain=True, top_k=5, language="en"))
    assert french.explanation is not None and english.explanation is not None
    assert [c.feature for c in french.explanation.contributions] == [
        c.feature for c in english.explanation.contributions
    ]
    assert [c.description for c in french.explanation.contributions] != [
        c.description for c in english.explanation.contributions
    ]


def test_what_if_changes_the_score_in_the_expected_direction(
    client: ScoringClient, client_ids: list[int]
) -> None:
    base = client.score(ScoreRequest(client_id=client_ids[5]))
    good = client.score(
        ScoreRequest(client_id=client_ids[5], values={"EXT_SOURCE_2": 0.99, "EXT_SOURCE_3": 0.99})
    )
    bad = client.score(
        ScoreRequest(client_id=client_ids[5], values={"EXT_SOURCE_2": 0.01, "EXT_SOURCE_3": 0.01})
    )
    assert good.client_id == bad.client_id == client_ids[5]
    assert good.probability <= bad.probability
    assert bad.probability != base.probability or good.probability != base.probability


def test_new_application_from_values_only(client: ScoringClient, service: RunningService) -> None:
    values = {
        "CODE_GENDER": "F",
        "NAME_CONTRACT_TYPE": "Cash loans",
        "AMT_INCOME_TOTAL": 150_000.0,
        "AMT_CREDIT": 400_000.0,
        "AMT_ANNUITY": 20_000.0,
        "DAYS_BIRTH": -12_000.0,
        "EXT_SOURCE_2": 0.6,
        "EXT_SOURCE_1": None,
    }
    remote = client.score(ScoreRequest(values=values, explain=True))
    local = service.dataplane.score(ScoreRequest(values=values))
    assert remote.client_id is None
    assert 0.0 < remote.probability < 1.0
    assert remote.probability == pytest.approx(local.probability, abs=1e-12)


def test_score_batch_streams_every_client_in_order(
    client: ScoringClient, service: RunningService, client_ids: list[int]
) -> None:
    results = list(client.score_batch(client_ids))
    assert [r.client_id for r in results] == client_ids  # more than one chunk: order kept across chunks
    local = {r.client_id: r.probability for r in service.dataplane.score_batch(client_ids)}
    assert all(r.probability == pytest.approx(local[r.client_id], abs=1e-12) for r in results)
    assert len({r.request_id for r in results}) == len(results)


def test_score_batch_with_explanations(client: ScoringClient, client_ids: list[int]) -> None:
    results = list(client.score_batch(client_ids[:7], explain=True))
    assert len(results) == 7
    assert all(r.explanation is not None and r.explanation.contributions for r in results)


def test_get_client_has_described_fields(client: ScoringClient, client_ids: list[int]) -> None:
    info = client.get_client(client_ids[1], language="en")
    assert info.client_id == client_ids[1]
    names = {f.name for f in info.fields}
    assert {"AMT_INCOME_TOTAL", "CODE_GENDER"} <= names
    assert all(f.description for f in info.fields)
    income = next(f for f in info.fields if f.name == "AMT_INCOME_TOTAL")
    assert isinstance(income.value, float) and income.value > 0


def test_search_clients_filters_and_pages(client: ScoringClient, client_ids: list[int]) -> None:
    everyone = client.search_clients(ClientFilters(), page=0, page_size=10)
    assert everyone.total == len(client_ids)
    assert len(everyone.clients) == 10 and everyone.page_size == 10
    second = client.search_clients(ClientFilters(), page=1, page_size=10)
    assert {c.client_id for c in second.clients}.isdisjoint({c.client_id for c in everyone.clients})
    women_refused = client.search_clients(ClientFilters(gender="F", decision=Decision.REFUSED), page_size=50)
    assert 0 < women_refused.total < everyone.total
    assert all(c.gender == "F" and c.decision is Decision.REFUSED for c in women_refused.clients)
    last = client.search_clients(ClientFilters(), page=10_000, page_size=10)
    assert last.clients == () and last.total == len(client_ids)


@pytest.mark.parametrize("group", [PeerGroup.ALL, PeerGroup.FILTERED, PeerGroup.SIMILAR])
def test_compare_peers_for_every_group(
    client: ScoringClient, service: RunningService, client_ids: list[int], group: PeerGroup
) -> None:
    request = PeerRequest(
        client_id=client_ids[2],
        feature="AMT_INCOME_TOTAL",
        group=group,
        filters=ClientFilters(gender="F") if group is PeerGroup.FILTERED else None,
        k=50,
        bins=10,
    )
    remote, local = client.compare_peers(request), service.dataplane.compare_peers(request)
    assert remote == local
    assert remote.group is group
    assert sum(remote.distribution.counts) <= remote.group_size
    assert len(remote.distribution.bin_edges) == len(remote.distribution.counts) + 1
    assert remote.client_percentile is not None and 0 <= remote.client_percentile <= 100


def test_compare_peers_two_features_and_a_categorical(client: ScoringClient, client_ids: list[int]) -> None:
    pair = client.compare_peers(
        PeerRequest(client_id=client_ids[2], feature="AMT_CREDIT", second_feature="AMT_INCOME_TOTAL")
    )
    assert pair.second_feature == "AMT_INCOME_TOTAL" and pair.points
    category = client.compare_peers(PeerRequest(client_id=client_ids[2], feature="NAME_FAMILY_STATUS"))
    assert category.distribution.categories and category.client_percentile is None
    assert len(category.distribution.categories) == len(category.distribution.counts)


def test_model_info(client: ScoringClient, service: RunningService) -> None:
    info = client.model_info(language="en")
    assert info == service.dataplane.model_info(language="en")
    assert info.version == "1" and info.threshold == pytest.approx(0.35)
    assert (info.cost_fn, info.cost_fp) == (10.0, 1.0)
    assert info.global_importance and info.feature_descriptions and info.categorical_features
    importances = [f.importance for f in info.global_importance]
    assert importances == sorted(importances, reverse=True)
    assert info.feature_descriptions != client.model_info(language="fr").feature_descriptions
