"""The typed client refuses a malformed request with a sentence, before anything is sent."""

from __future__ import annotations

import pytest

from scoring_service.client import ScoringClient

TAKES = r"takes a ScoreRequest, not int.*ScoreRequest\(client_id=100024\)"


def test_score_given_a_bare_id_says_what_it_takes() -> None:
    # nothing listens on port 1: a request sent would fail as UNAVAILABLE, not as this TypeError
    with ScoringClient("127.0.0.1:1", timeout=0.5) as client, pytest.raises(TypeError, match=TAKES):
        client.score(100024)  # type: ignore[arg-type]
