"""Values for people: every category level of the official application schema in French and English, amounts with
the currency and French grouping, ages and durations in years and months, flags as Oui/Non."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dash_app.labels import LEVELS, level
from dash_app.values import field_value, kind_of

CALIBRATION = Path(__file__).resolve().parents[2] / "training" / "synthetic" / "calibration.json"
NBSP, NNBSP = "\u00a0", "\u202f"


def official_levels() -> dict[str, list[str]]:
    """The application table's categorical columns and the levels seen in the real sample's statistics."""
    columns = json.loads(CALIBRATION.read_text(encoding="utf-8"))["columns"]["application_train"]
    return {name: list(spec["levels"]) for name, spec in columns.items() if spec.get("kind") == "cat"}


def test_every_level_of_the_official_schema_has_french_and_english_words() -> None:
    missing = {
        field: [v for v in values if v not in LEVELS.get(field, {})]
        for field, values in official_levels().items()
    }
    assert {f: v for f, v in missing.items() if v} == {}
    for field, table in LEVELS.items():
        for stored, (fr, en) in table.items():
            assert fr.strip() and en.strip(), (field, stored)
    # the words a relationship manager saw raw in French mode
    for field, stored in [
        ("NAME_CONTRACT_TYPE", "Cash loans"),
        ("NAME_TYPE_SUITE", "Unaccompanied"),
        ("NAME_INCOME_TYPE", "Commercial associate"),
        ("NAME_FAMILY_STATUS", "Married"),
        ("OCCUPATION_TYPE", "Core staff"),
    ]:
        assert level(field, stored, "fr") != stored


@pytest.mark.parametrize(
    ("name", "value", "fr", "en"),
    [
        ("AMT_CREDIT", 1008881.69, f"1{NNBSP}008{NNBSP}882{NBSP}€", "€1,008,882"),
        ("DAYS_BIRTH", -16656.0, "45 ans et 7 mois", "45 years 7 months"),
        ("DAYS_EMPLOYED", -400.0, "1 an et 1 mois", "1 year 1 month"),
        ("DAYS_EMPLOYED", 365243.0, "sans emploi déclaré", "no current employment"),
        ("EMPLOYED_YEARS", 2.5, "2 ans et 6 mois", "2 years 6 months"),
        ("FLAG_OWN_CAR", "Y", "Oui", "Yes"),
        ("FLAG_OWN_REALTY", "N", "Non", "No"),
        ("FLAG_EMAIL", 1.0, "Oui", "Yes"),
        ("REG_CITY_NOT_WORK_CITY", 0.0, "Non", "No"),
        ("CODE_GENDER", "M", "Homme", "Man"),
        ("NAME_CONTRACT_TYPE", "Cash loans", "Prêt personnel", "Cash loan"),
        ("EXT_SOURCE_MAX", 0.45, "0,45", "0.45"),
        ("CREDIT_INCOME_RATIO", 3.25, "3,25", "3.25"),
        ("AMT_REQ_CREDIT_BUREAU_YEAR", 2.0, "2", "2"),
        ("INST_LATE_DAYS_MEAN", 3.2, "3 jours", "3 days"),
        ("EXT_SOURCE_1", None, "non renseigné", "not given"),
        ("NAME_TYPE_SUITE", "MISSING", "non renseigné", "not given"),
    ],
)
def test_field_values_in_both_languages(name: str, value: object, fr: str, en: str) -> None:
    assert field_value(name, value, "fr") == fr  # type: ignore[arg-type]
    assert field_value(name, value, "en") == en  # type: ignore[arg-type]


def test_no_negative_day_count_is_ever_shown() -> None:
    for name in (
        "DAYS_BIRTH",
        "DAYS_EMPLOYED",
        "DAYS_REGISTRATION",
        "DAYS_ID_PUBLISH",
        "BUREAU_DAYS_CREDIT_MEAN",
    ):
        assert kind_of(name) in ("age", "days")
        assert "-" not in field_value(name, -5000.0, "fr")
