"""Reason groups: every feature in exactly one group, and the groups' contributions add up to the explained
score of each client, known or what-if, precomputed or not."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring_service.dataplane import DataPlane
from scoring_service.domain import ScoreRequest
from scoring_service.explainer import PortfolioShap, ReasonGrouping
from tests.bundle_factory import FEATURES as RANDOM_BUNDLE_FEATURES
from training.features.aggregates import aggregate_texts
from training.features.application import application_feature_names
from training.features.field_texts import application_field_texts
from training.features.reasons import GROUPS_BY_KEY, REASON_GROUPS, feature_groups, group_of, groups_of


def pipeline_features() -> list[str]:
    return [*application_feature_names(), *aggregate_texts()]


@pytest.mark.parametrize(
    "features",
    [
        pipeline_features(),
        [f for f in application_field_texts() if f not in ("SK_ID_CURR", "TARGET")],
        RANDOM_BUNDLE_FEATURES,
    ],
    ids=["pipeline features", "raw application fields", "random bundle features"],
)
def test_every_feature_belongs_to_exactly_one_group(features: list[str]) -> None:
    claimed = {f: [g.key for g in groups_of(f)] for f in features}
    assert {f: keys for f, keys in claimed.items() if len(keys) != 1} == {}


def test_the_full_model_speaks_in_eight_to_twelve_groups_each_in_both_languages() -> None:
    used = set(feature_groups(pipeline_features()))
    assert 8 <= len(used) <= 12
    for group in REASON_GROUPS:
        assert group.key in used
        for text in (group.fr, group.en, group.raises_fr, group.lowers_fr, group.raises_en, group.lowers_en):
            assert text.strip() and text[0].isupper()
        assert "augmente" in group.raises_fr and "diminu" in group.lowers_fr
        assert "raise" in group.raises_en and "lower" in group.lowers_en


def test_an_unknown_feature_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="NOT_A_FEATURE"):
        group_of("NOT_A_FEATURE")
    with pytest.raises(ValueError, match="NOT_A_FEATURE"):
        ReasonGrouping(["AMT_CREDIT", "NOT_A_FEATURE"])


def raw_logit(plane: DataPlane, row: np.ndarray) -> float:
    model = plane.engine().scorer.model
    return float(model.predict(row.reshape(1, -1), prediction_type="RawFormulaVal")[0])


def test_groups_sum_exactly_to_the_score_of_every_known_client(plane: DataPlane) -> None:
    scorer = plane.engine().scorer
    for client in scorer.client_ids[:20]:
        result = plane.score(ScoreRequest(client_id=int(client), explain=True, top_k=3))
        reasons = result.reasons
        assert reasons is not None and result.explanation is not None
        assert math.fsum([reasons.base_value, *(g.contribution for g in reasons.groups)]) == reasons.score
        assert reasons.score == pytest.approx(
            raw_logit(plane, scorer.row(scorer.row_index(int(client)))), abs=1e-6
        )
        assert reasons.base_value == result.explanation.base_value
        magnitudes = [abs(g.contribution) for g in reasons.groups]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert sum(g.feature_count for g in reasons.groups) == len(scorer.features)
        for group in reasons.groups:
            assert len(group.features) == min(3, group.feature_count)
            assert {group_of(c.feature).key for c in group.features} <= {group.group}
            word = "augmente" if group.contribution > 0 else "diminue"
            assert word in group.sentence


def test_a_what_if_gets_reasons_that_add_up_too(plane: DataPlane) -> None:
    scorer = plane.engine().scorer
    client = int(scorer.client_ids[0])
    values = {"AMT_CREDIT": 2_000_000.0}
    reasons = plane.score(ScoreRequest(client_id=client, values=values, explain=True, language="en")).reasons
    assert reasons is not None
    row = scorer.what_if_row(scorer.row_index(client), values)
    assert reasons.score == pytest.approx(raw_logit(plane, row), abs=1e-6)
    assert all(("raise" in g.sentence) == (g.contribution > 0) for g in reasons.groups)


def test_portfolio_shap_precomputed_or_per_request_is_the_same(plane: DataPlane) -> None:
    engine = plane.engine()
    scorer = engine.scorer
    assert engine.shap.precomputed

    def rows(indices: np.ndarray) -> np.ndarray:
        return scorer.rows(scorer.numeric[indices], scorer.categories[indices])

    lazy = PortfolioShap(engine.explainer, rows, len(scorer.client_ids), max_cells=0)
    assert not lazy.precomputed
    for index in (0, 3, 0):
        fresh = engine.explainer.shap_values(rows(np.array([index])))[0]
        np.testing.assert_allclose(engine.shap.row(index), fresh, atol=1e-12)
        np.testing.assert_allclose(lazy.row(index), fresh, atol=1e-12)
    np.testing.assert_allclose(lazy.rows(np.array([1, 2])), engine.shap.rows(np.array([1, 2])), atol=1e-12)


def test_a_batch_carries_the_groups_sums_without_their_features(plane: DataPlane) -> None:
    ids = [int(c) for c in plane.engine().scorer.client_ids[:5]]
    for result in plane.score_batch(ids, explain=True):
        assert result.reasons is not None
        assert all(g.features == () for g in result.reasons.groups)
        assert math.fsum([result.reasons.base_value, *(g.contribution for g in result.reasons.groups)]) == (
            result.reasons.score
        )


def test_a_client_without_history_is_told_so_not_about_a_history_he_lacks() -> None:
    """The product lends to people with little or no credit history: a group read from a history the client does
    not have (its features missing, its counts at zero) says that no such history is known, in both languages."""
    features = ["AMT_CREDIT", "CC_COUNT", "CC_AMT_BALANCE_MEAN", "PREV_COUNT", "PREV_APPROVED_SHARE"]
    grouping = ReasonGrouping(features)
    shap_row = np.array([0.1, 0.0, 0.3, 0.0, -0.2, -2.0])
    nan = float("nan")
    sentences = {
        language: {
            r.group: r.sentence
            for r in grouping.reasons(shap_row, [1.0, 0.0, nan, 2.0, 0.5], {}, 2, language).groups
        }
        for language in ("fr", "en")
    }
    assert sentences["fr"]["credit_cards"] == (
        "Aucune carte de crédit n'est connue : cette absence d'historique augmente le risque."
    )
    assert sentences["en"]["credit_cards"] == "No credit card is known: this lack of history raises the risk."
    assert sentences["fr"]["previous_applications"] == GROUPS_BY_KEY["previous_applications"].lowers_fr
    only_counts = ReasonGrouping(["AMT_CREDIT", "CC_COUNT"])  # counts alone say nothing either way
    (cards,) = [
        r
        for r in only_counts.reasons(np.array([0.1, 0.2, -2.0]), [1.0, 0.0], {}, 1, "fr").groups
        if r.group == "credit_cards"
    ]
    assert cards.sentence == GROUPS_BY_KEY["credit_cards"].raises_fr
