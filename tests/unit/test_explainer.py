"""SHAP explanations: contributions add up to the model's logit, the top K are the largest, the rest is summed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring_service.dataplane import DataPlane
from scoring_service.domain import ScoreRequest
from scoring_service.explainer import top_contributions


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_top_k_and_rest_on_a_hand_made_row() -> None:
    shap_row = np.array([0.1, -0.5, 0.3, 0.05, -1.0])  # four features, base value last
    explanation = top_contributions(
        shap_row, [1.0, "A", float("nan"), 4.0], ["a", "b", "c", "d"], {"b": "the b field"}, top_k=2
    )
    assert [c.feature for c in explanation.contributions] == ["b", "c"]
    assert explanation.contributions[0].description == "the b field"
    assert explanation.contributions[0].value == "A"
    assert explanation.contributions[1].value is None  # a missing number
    assert explanation.rest == pytest.approx(0.15)
    assert explanation.rest_count == 2
    assert explanation.base_value == -1.0


def test_a_top_k_larger_than_the_features_leaves_no_rest() -> None:
    explanation = top_contributions(np.array([0.2, 0.1, 0.0]), [1.0, 2.0], ["a", "b"], {}, top_k=10)
    assert len(explanation.contributions) == 2
    assert (explanation.rest, explanation.rest_count) == (0.0, 0)


@pytest.mark.parametrize("top_k", [1, 5, 100])
def test_contributions_sum_to_the_logit_of_the_probability(plane: DataPlane, top_k: int) -> None:
    for client in plane.engine().scorer.client_ids[:10]:
        result = plane.score(ScoreRequest(client_id=int(client), explain=True, top_k=top_k))
        e = result.explanation
        assert e is not None
        total = e.base_value + sum(c.contribution for c in e.contributions) + e.rest
        assert total == pytest.approx(logit(result.probability), abs=1e-6)
        magnitudes = [abs(c.contribution) for c in e.contributions]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert len(e.contributions) + e.rest_count == len(plane.engine().scorer.features)


def test_a_what_if_is_explained_too(plane: DataPlane) -> None:
    client = int(plane.engine().scorer.client_ids[0])
    request = ScoreRequest(client_id=client, values={"AMT_CREDIT": 2_000_000.0}, explain=True, top_k=100)
    result = plane.score(request)
    e = result.explanation
    assert e is not None
    assert e.base_value + sum(c.contribution for c in e.contributions) + e.rest == pytest.approx(
        logit(result.probability), abs=1e-6
    )
    scorer = plane.engine().scorer
    row = scorer.what_if_row(scorer.row_index(client), {"AMT_CREDIT": 2_000_000.0})
    everything = plane.engine().explainer.explain(row.reshape(1, -1), len(scorer.features), "fr")[0]
    assert {c.feature: c.value for c in everything.contributions}["AMT_CREDIT"] == 2_000_000.0
    assert everything.rest_count == 0


def test_descriptions_follow_the_language(plane: DataPlane) -> None:
    client = int(plane.engine().scorer.client_ids[0])
    fr = plane.score(ScoreRequest(client_id=client, explain=True, top_k=100, language="fr")).explanation
    en = plane.score(ScoreRequest(client_id=client, explain=True, top_k=100, language="en")).explanation
    assert fr is not None and en is not None
    info_fr, info_en = plane.model_info("fr"), plane.model_info("en")
    assert [c.feature for c in fr.contributions] == [c.feature for c in en.contributions]
    for french, english in zip(fr.contributions, en.contributions, strict=True):
        assert french.description == info_fr.feature_descriptions[french.feature] != ""
        assert english.description == info_en.feature_descriptions[english.feature] != ""
        assert french.description != english.description
