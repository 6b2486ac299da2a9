"""The explanations of known clients are built once per (row, top K, language) and kept, within a bound."""

from __future__ import annotations

from scoring_service.domain import Explanation, Reasons
from scoring_service.explainer import ExplainedClients


def _answer(n: int) -> tuple[Explanation, Reasons]:
    return Explanation(base_value=float(n), contributions=(), rest=0.0, rest_count=0), Reasons(
        base_value=float(n), score=float(n), groups=()
    )


def test_an_answer_is_built_once_and_the_oldest_goes_first() -> None:
    built: list[tuple[int, int, str]] = []
    cache = ExplainedClients(size=2)

    def get(key: tuple[int, int, str]) -> tuple[Explanation, Reasons]:
        return cache.get(key, lambda: (built.append(key), _answer(key[0]))[1])

    first = get((1, 10, "fr"))
    assert get((1, 10, "fr")) is first and built == [(1, 10, "fr")]
    get((1, 10, "en"))  # another language is another answer
    get((1, 5, "fr"))  # so is another top K; (1, 10, "fr") was used last before these two and goes
    get((1, 10, "fr"))
    assert built == [(1, 10, "fr"), (1, 10, "en"), (1, 5, "fr"), (1, 10, "fr")]
