"""The scorer without gRPC: validation errors name the field, what-if moves the probability the expected way,
known clients and batches agree with a direct prediction."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scoring_service.dataplane import DataPlane
from scoring_service.domain import Decision, ScoreRequest
from scoring_service.errors import InvalidArgument, NotFound, ResourceExhausted, Unavailable
from scoring_service.scorer import decide, validate_client_id
from tests.bundle_factory import make_random_bundle
from tests.server_support import offline_dataplane


@pytest.fixture(scope="module")
def directional_plane(tmp_path_factory: pytest.TempPathFactory):
    """A model whose risk rises with credit / income by construction (make_random_bundle)."""
    folder = make_random_bundle(tmp_path_factory.mktemp("directional"))
    dataplane = offline_dataplane(folder)
    dataplane.start()
    yield dataplane
    dataplane.stop()


def client_ids(plane: DataPlane, n: int) -> list[int]:
    return [int(c) for c in plane.engine().scorer.client_ids[:n]]


@pytest.mark.parametrize("bad", [0, -100001, 12345, 1_000_000, "100001", 100001.0, True])
def test_a_malformed_client_id_names_the_field(bad: object) -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_client_id(bad)
    assert error.value.field == "client_id"


def test_an_unknown_client_is_not_found(plane: DataPlane) -> None:
    with pytest.raises(NotFound):
        plane.score(ScoreRequest(client_id=999_999))


def test_a_known_client_gets_the_model_probability_and_decision(plane: DataPlane) -> None:
    scorer = plane.engine().scorer
    client = client_ids(plane, 1)[0]
    result = plane.score(ScoreRequest(client_id=client))
    direct = scorer.model.predict_proba(scorer.row(0).reshape(1, -1))[0, 1]
    assert result.probability == pytest.approx(direct, abs=1e-12)
    assert result.decision is decide(result.probability, scorer.threshold)
    assert result.threshold == scorer.threshold
    assert result.model_version == "1"
    assert len(result.request_id) == 32


def test_the_decision_refuses_at_the_threshold() -> None:
    assert decide(0.35, 0.35) is Decision.REFUSED
    assert decide(0.3499, 0.35) is Decision.GRANTED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"NOT_A_FIELD": 1.0}, "NOT_A_FIELD"),
        ({"AMT_CREDIT": "a lot"}, "AMT_CREDIT"),
        ({"AMT_CREDIT": math.inf}, "AMT_CREDIT"),
        ({"AMT_CREDIT": math.nan}, "AMT_CREDIT"),
        ({"AMT_CREDIT": True}, "AMT_CREDIT"),
        ({"CODE_GENDER": 1.0}, "CODE_GENDER"),
    ],
)
def test_invalid_values_name_the_field(plane: DataPlane, values: dict, field: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        plane.score(ScoreRequest(client_id=client_ids(plane, 1)[0], values=values))
    assert error.value.field == field


def test_a_request_without_client_or_values_is_invalid(plane: DataPlane) -> None:
    with pytest.raises(InvalidArgument) as error:
        plane.score(ScoreRequest())
    assert error.value.field == "client_id"


@pytest.mark.parametrize(
    ("top_k", "language", "field"), [(0, "fr", "top_k"), (101, "fr", "top_k"), (5, "de", "language")]
)
def test_explanation_bounds_name_the_field(plane: DataPlane, top_k: int, language: str, field: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        plane.score(
            ScoreRequest(client_id=client_ids(plane, 1)[0], explain=True, top_k=top_k, language=language)
        )
    assert error.value.field == field


@pytest.mark.parametrize("level", ["Never seen before", "</script><script>alert(1)</script>"])
def test_a_category_level_the_model_does_not_know_is_refused(plane: DataPlane, level: str) -> None:
    client = client_ids(plane, 1)[0]
    with pytest.raises(InvalidArgument) as error:
        plane.score(ScoreRequest(client_id=client, values={"NAME_FAMILY_STATUS": level}))
    assert error.value.field == "NAME_FAMILY_STATUS" and "Married" in str(error.value)
    known = sorted(plane.engine().scorer.levels["NAME_FAMILY_STATUS"])[0]
    assert (
        0.0
        < plane.score(ScoreRequest(client_id=client, values={"NAME_FAMILY_STATUS": known})).probability
        < 1
    )


def test_error_messages_quote_a_bounded_prefix_of_the_input(plane: DataPlane) -> None:
    huge = "X" * 20_000
    for values in ({huge: 1.0}, {"AMT_CREDIT": huge}, {"NAME_FAMILY_STATUS": huge}):
        with pytest.raises(InvalidArgument) as error:
            plane.score(ScoreRequest(client_id=client_ids(plane, 1)[0], values=values))
        assert len(str(error.value)) < 1_000 and len(error.value.field or "") <= 200


def test_what_if_a_much_larger_credit_raises_the_risk(directional_plane: DataPlane) -> None:
    plane = directional_plane
    scorer = plane.engine().scorer
    raised = 0
    clients = client_ids(plane, 30)
    for client in clients:
        base = plane.score(ScoreRequest(client_id=client))
        income = scorer.column("AMT_INCOME_TOTAL")[scorer.row_index(client)]
        bigger = plane.score(ScoreRequest(client_id=client, values={"AMT_CREDIT": float(income) * 8}))
        raised += bigger.probability > base.probability
    assert raised >= 0.8 * len(clients)


def test_what_if_recomputes_the_derived_ratio_and_keeps_the_aggregates(plane: DataPlane) -> None:
    scorer = plane.engine().scorer
    client = client_ids(plane, 1)[0]
    index = scorer.row_index(client)
    row = scorer.what_if_row(index, {"AMT_CREDIT": 1_000_000.0, "AMT_INCOME_TOTAL": 200_000.0})
    assert row[scorer.position["CREDIT_INCOME_RATIO"]] == pytest.approx(5.0)
    aggregate = scorer.position["INSTAL_LATE_DAYS_MEAN"]
    kept = scorer.column("INSTAL_LATE_DAYS_MEAN")[index]
    assert row[aggregate] == kept or (math.isnan(row[aggregate]) and math.isnan(kept))
    unchanged = scorer.what_if_row(index, {"AMT_CREDIT": float(scorer.column("AMT_CREDIT")[index])})
    assert scorer.predict_row(unchanged) == pytest.approx(scorer.known_probability(index), abs=1e-9)


@pytest.mark.parametrize("known", [True, False])
def test_a_what_ifs_event_values_are_its_row_as_the_matrices_hold_a_known_clients(
    plane: DataPlane, known: bool
) -> None:
    """A what-if's (or new application's) event values: float64 numbers and levels named by `event_features`, the
    same values by name as the row it is scored on."""
    scorer = plane.engine().scorer
    index = scorer.row_index(client_ids(plane, 1)[0]) if known else None
    change = {"AMT_CREDIT": 700_000.5, "NAME_CONTRACT_TYPE": "Cash loans", "EXT_SOURCE_1": None}
    row, values = scorer.what_if(index, change)
    assert values.numbers.dtype == np.float64 and len(values) == len(scorer.event_features)
    by_name = dict(zip(scorer.event_features, values, strict=True))
    for name, value in zip(scorer.features, row.tolist(), strict=True):
        assert by_name[name] == value or (math.isnan(by_name[name]) and math.isnan(value)), name
    assert by_name["AMT_CREDIT"] == 700_000.5 and by_name["NAME_CONTRACT_TYPE"] == "Cash loans"
    assert math.isnan(by_name["EXT_SOURCE_1"])


def test_the_employment_sentinel_becomes_missing_as_in_training(plane: DataPlane) -> None:
    scorer = plane.engine().scorer
    row = scorer.what_if_row(None, {"DAYS_EMPLOYED": 365243.0, "AMT_INCOME_TOTAL": 100_000.0})
    assert math.isnan(row[scorer.position["DAYS_EMPLOYED"]])
    assert row[scorer.position["DAYS_EMPLOYED_ANOMALY"]] == 1.0
    assert not np.any(scorer.column("DAYS_EMPLOYED") == 365243.0)


def test_a_new_application_is_scored_from_values_alone(plane: DataPlane) -> None:
    values = {"AMT_CREDIT": 400_000.0, "AMT_INCOME_TOTAL": 150_000.0, "CODE_GENDER": "F", "EXT_SOURCE_2": 0.6}
    result = plane.score(ScoreRequest(values=values))
    assert result.client_id is None
    assert 0.0 < result.probability < 1.0


def test_a_batch_streams_the_same_probabilities(plane: DataPlane) -> None:
    clients = client_ids(plane, 20)
    batch = list(plane.score_batch(clients))
    assert [r.client_id for r in batch] == clients
    for result in batch[:5]:
        assert result.probability == plane.score(ScoreRequest(client_id=result.client_id)).probability
    explained = list(plane.score_batch(clients[:3], explain=True))
    assert all(r.explanation is not None for r in explained)


def test_a_batch_is_checked_before_any_result(plane: DataPlane) -> None:
    with pytest.raises(ResourceExhausted):
        plane.score_batch(list(range(100_001, 100_001 + 51)))
    with pytest.raises(NotFound):
        plane.score_batch([*client_ids(plane, 3), 999_998])
    with pytest.raises(InvalidArgument):
        plane.score_batch([*client_ids(plane, 3), 42])


def test_no_model_means_unavailable(tmp_path: Path) -> None:
    empty = offline_dataplane(tmp_path / "no-bundle", max_batch_size=10)
    states: list[bool] = []
    empty.add_ready_listener(states.append)
    empty.start()
    assert not empty.ready
    assert states == [False]
    with pytest.raises(Unavailable):
        empty.score(ScoreRequest(client_id=100_001))
    assert empty.stats()["model_load_failures"] == 1
    empty.stop()


def test_a_new_application_has_no_history_rows_like_a_batch_client_without_rows(plane: DataPlane) -> None:
    """Row counts of the secondary tables are 0 (not missing) for a new application, as the batch gives them."""
    from training.features.aggregates import row_count_features

    scorer = plane.engine().scorer
    counts = [f for f in row_count_features() if f in scorer.position]
    assert counts
    assert all(scorer.blank_row[scorer.position[f]] == 0.0 for f in counts)
    others = [f for f in scorer.features if f.startswith("BUREAU_") and f not in counts]
    assert all(math.isnan(scorer.blank_row[scorer.position[f]]) for f in others)
