"""A field's value the way a relationship manager reads it aloud: amounts with the currency and French grouping,
ages and durations in years and months (never negative day counts), flags as Oui/Non, category levels in words.

One function, `field_value(name, value, lang)`, used by every panel and every figure label; the kind of a field
is read from its name once (`kind_of`), in one table of rules. Numbers go through common.numbers.
"""

from __future__ import annotations

import math
from functools import lru_cache

from common.numbers import fmt_number
from dash_app.labels import LEVELS, MISSING_LEVELS, level
from scoring_service.domain import FeatureValue

CURRENCY = "€"
DAYS_EMPLOYED_NONE = 365243.0  # the data's "no current employment" code
DAYS_PER_MONTH = 365.25 / 12

_FLAG_PREFIXES = ("FLAG_", "REG_REGION_", "REG_CITY_", "LIVE_REGION_", "LIVE_CITY_")
_FLAGS = frozenset({"DAYS_EMPLOYED_ANOMALY"})
_YEARS = frozenset({"AGE_YEARS", "EMPLOYED_YEARS", "OWN_CAR_AGE"})
_MONTHS = frozenset({"CREDIT_TERM_MONTHS"})
_AMOUNTS = frozenset({"INCOME_PER_PERSON", "ANNUITY_PER_PERSON", "CREDIT_GOODS_DIFF"})
_SHARES_01 = ("EXT_SOURCE_",)

WORDS = {
    "fr": {
        "missing": "non renseigné",
        "yes": "Oui",
        "no": "Non",
        "no_job": "sans emploi déclaré",
        "year": "{n} an",
        "years": "{n} ans",
        "month": "{n} mois",
        "months": "{n} mois",
        "and": " et ",
        "day": "{n} jour",
        "days": "{n} jours",
        "under_month": "moins d'un mois",
    },
    "en": {
        "missing": "not given",
        "yes": "Yes",
        "no": "No",
        "no_job": "no current employment",
        "year": "{n} year",
        "years": "{n} years",
        "month": "{n} month",
        "months": "{n} months",
        "and": " ",
        "day": "{n} day",
        "days": "{n} days",
        "under_month": "less than a month",
    },
}


def _w(lang: str, key: str, **values: object) -> str:
    text = WORDS.get(lang, WORDS["fr"])[key]
    return text.format(**values) if values else text


@lru_cache(maxsize=4096)
def kind_of(name: str) -> str:
    """'level', 'flag', 'age', 'days', 'years', 'months', 'amount', 'score', 'count' or 'number'."""
    if name in LEVELS:
        return "level"
    if name in _FLAGS or name.startswith(_FLAG_PREFIXES):
        return "flag"
    if name == "DAYS_BIRTH":
        return "age"
    if name in _YEARS:
        return "years"
    if name in _MONTHS:
        return "months"
    if name.startswith("DAYS_") or "_DAYS_" in name:
        return "days" if not name.endswith(("_COUNT", "_SHARE", "_NUNIQUE")) else "number"
    if name.startswith("AMT_REQ_") or name.startswith(("CNT_", "OBS_", "DEF_")) or name.endswith("_COUNT"):
        return "count"
    if name in _AMOUNTS or name.startswith("AMT_") or "_AMT_" in name:
        return "amount" if not name.endswith(("_SHARE", "_NUNIQUE")) else "number"
    if name.startswith(_SHARES_01):
        return "score"
    return "number"


def amount(value: float, lang: str) -> str:
    """1 008 882 € in French, €1,008,882 in English (whole units)."""
    text = fmt_number(value, lang, 0)
    if lang == "fr":
        return f"{text}\u00a0{CURRENCY}"
    return f"-{CURRENCY}{text[1:]}" if text.startswith("-") else f"{CURRENCY}{text}"


def duration_months(months: int, lang: str) -> str:
    """'45 ans et 7 mois', '7 mois', '1 an' (English: '45 years 7 months')."""
    if months <= 0:
        return _w(lang, "under_month")
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(_w(lang, "year" if years == 1 else "years", n=fmt_number(years, lang)))
    if rest:
        parts.append(_w(lang, "month" if rest == 1 else "months", n=rest))
    return _w(lang, "and").join(parts)


def duration_days(days: float, lang: str) -> str:
    """A number of days (the data counts them backwards, negative) as years and months; under two months in
    days."""
    days = abs(days)
    if days < 60:
        n = round(days)
        return _w(lang, "day" if n <= 1 else "days", n=fmt_number(n, lang))
    return duration_months(int(days // DAYS_PER_MONTH), lang)


def plain_number(value: float, lang: str) -> str:
    """Integers without decimals, others with two decimals (three under 1), French decimal comma."""
    if float(value).is_integer() or abs(value) >= 100:
        return fmt_number(value, lang, 0)
    if abs(value) >= 1:
        return fmt_number(value, lang, 2)
    return fmt_number(value, lang, 3)


def is_missing(value: FeatureValue) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value in MISSING_LEVELS
    return math.isnan(value)


def field_value(name: str, value: FeatureValue, lang: str) -> str:
    """The value of field or feature `name` in words and numbers for a person."""
    if is_missing(value):
        return _w(lang, "missing")
    kind = kind_of(name)
    if isinstance(value, str):
        if kind == "flag" and value in ("Y", "N"):
            return _w(lang, "yes" if value == "Y" else "no")
        return level(name, value, lang)
    number = float(value)  # type: ignore[arg-type]
    if kind == "flag":
        return (
            _w(lang, "yes" if number >= 0.5 else "no") if number in (0.0, 1.0) else plain_number(number, lang)
        )
    if kind == "age":
        return duration_months(int(abs(number) // DAYS_PER_MONTH), lang)
    if kind == "days":
        if name == "DAYS_EMPLOYED" and number == DAYS_EMPLOYED_NONE:
            return _w(lang, "no_job")
        return duration_days(number, lang)
    if kind == "years":
        return duration_months(round(abs(number) * 12), lang)
    if kind == "months":
        return duration_months(round(abs(number)), lang)
    if kind == "amount":
        return amount(number, lang)
    if kind == "count":
        return fmt_number(number, lang, 0) if number.is_integer() else fmt_number(number, lang, 1)
    if kind == "score":
        return fmt_number(number, lang, 2)
    return plain_number(number, lang)
