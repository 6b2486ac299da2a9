"""The explanations of known clients are built once per (row, top K, language) and kept, within a bound."""

from __future__ import annotations

from dataclasses import replace

from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.domain import Contribution, Decision, Explanation, Memo, Reason, Reasons, ScoreResult
from scoring_service.explainer import ExplainedClients
from scoring_service.translate import DecodedAnswers, score_result_from_pb, score_result_to_pb


def _answer(n: int) -> tuple[Explanation, Reasons]:
    return Explanation(base_value=float(n), contributions=(), rest=0.0, rest_count=0), Reasons(
        base_value=float(n), score=float(n), groups=()
    )


def test_an_answer_is_built_once_and_the_oldest_goes_first() -> None:
    built: list[tuple[int, int, str]] = []
    cache = ExplainedClients(size=2)

    def get(key: tuple[int, int, str]) -> tuple[Explanation, Reasons, Memo]:
        return cache.get(key, lambda: (built.append(key), _answer(key[0]))[1])

    first = get((1, 10, "fr"))
    assert get((1, 10, "fr")) is first and built == [(1, 10, "fr")]
    assert isinstance(first[2], Memo)  # the room where the service keeps the answer's message
    get((1, 10, "en"))  # another language is another answer
    get((1, 5, "fr"))  # so is another top K; (1, 10, "fr") was used last before these two and goes
    get((1, 10, "fr"))
    assert built == [(1, 10, "fr"), (1, 10, "en"), (1, 5, "fr"), (1, 10, "fr")]


def _result(base: float, memo: Memo | None, request_id: str = "r1") -> ScoreResult:
    contributions = (
        Contribution("EXT_SOURCE_2", "Score externe 2", 0.25, 0.5),
        Contribution("NAME_CONTRACT_TYPE", "Type de contrat", "Cash loans", -0.25),
        Contribution("DAYS_EMPLOYED", "Ancienneté", None, 0.125),
    )
    explanation = Explanation(base, contributions, rest=0.1, rest_count=3, threshold_log_odds=-0.5)
    reasons = Reasons(
        base_value=base,
        score=base + 0.475,
        groups=(
            Reason(
                "external_scores", "Scores externes", 0.475, "Ils augmentent le risque.", contributions, 4
            ),
        ),
    )
    return ScoreResult(request_id, 100001, 0.3, Decision.GRANTED, 0.35, "3", explanation, reasons, memo)


def test_a_kept_answer_is_translated_once_then_sent_from_its_bytes() -> None:
    memo = Memo()
    kept = _result(-1.0, memo)
    first = score_result_to_pb(kept)
    assert isinstance(memo.value, bytes)
    again = score_result_from_pb(score_result_to_pb(replace(kept, request_id="r2")))
    assert again == replace(kept, request_id="r2")  # every field, the explanation and the reasons as kept
    assert score_result_from_pb(first) == kept
    # what goes out is the memo's bytes: they are not rebuilt from the objects on a later call
    memo.value = score_result_to_pb(_result(-2.0, Memo())).SerializeToString()
    sent = score_result_from_pb(score_result_to_pb(kept))
    assert sent.explanation is not None and sent.explanation.base_value == -2.0
    assert sent.request_id == "r1" and sent.probability == 0.3  # the call's own fields are still its own


def test_an_answer_not_kept_is_translated_on_each_call() -> None:
    fresh = _result(-1.0, None)
    assert score_result_from_pb(score_result_to_pb(fresh)) == fresh


def test_a_client_decodes_an_answer_once_and_gives_the_same_objects_for_the_same_bytes() -> None:
    answers = DecodedAnswers(size=1)
    kept = score_result_to_pb(_result(-1.0, Memo()))
    first = score_result_from_pb(kept, answers=answers)
    again = score_result_from_pb(score_result_to_pb(_result(-1.0, Memo(), request_id="r2")), answers=answers)
    assert again.explanation is first.explanation and again.reasons is first.reasons
    assert again.request_id == "r2" and first == _result(-1.0, None)
    other = score_result_from_pb(score_result_to_pb(_result(-2.0, None)), answers=answers)
    assert (
        other.explanation is not None and other.explanation.base_value == -2.0
    )  # other bytes, other objects
    after = score_result_from_pb(kept, answers=answers)  # the first was dropped (size 1): decoded anew, equal
    assert after.explanation is not first.explanation and after == first
    plain = pb.ScoreResponse(request_id="r3", decision=pb.DECISION_GRANTED)
    assert score_result_from_pb(plain, answers=answers).explanation is None  # nothing asked, nothing decoded
