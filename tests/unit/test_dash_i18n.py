"""French first, English complete: the same keys and placeholders in both, numbers in each language's style."""

from __future__ import annotations

import string

import pytest

from common.numbers import fmt_number
from dash_app.i18n import EN, FR, fmt_pct, fmt_points, fmt_value, label, t


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(FR) == set(EN)
    for key in FR:
        assert placeholders(FR[key]) == placeholders(EN[key]), key


def test_numbers_follow_the_language() -> None:
    assert fmt_number(1234567.891, "fr", 1) == "1\u202f234\u202f567,9"
    assert fmt_number(1234567.891, "en", 1) == "1,234,567.9"
    assert fmt_pct(0.1234, "fr") == "12,3\u202f%" and fmt_pct(0.1234, "en") == "12.3%"
    assert fmt_points(-0.052, "fr") == "−5,2" and fmt_points(0.01, "en") == "+1.0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "non renseigné"),
        (float("nan"), "non renseigné"),
        ("M", "M"),
        (3.0, "3"),
        (123.456, "123"),
        (2.345, "2,35"),
        (0.2133, "0,213"),
    ],
)
def test_values_read_naturally(value: object, expected: str) -> None:
    assert fmt_value(value, "fr") == expected  # type: ignore[arg-type]


def test_category_levels_in_words_and_unknown_levels_kept() -> None:
    assert label("fr", "contract", "Cash loans") == "Prêt personnel"
    assert label("en", "family", "Widow") == "Widow(er)"
    assert label("fr", "family", "Something new") == "Something new"


def test_unknown_language_falls_back_to_french_strings() -> None:
    assert t("de", "search.submit") == "Afficher"
