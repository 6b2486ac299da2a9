"""Numbers for people: 1 234 567,8 in French (narrow no-break space between thousands), 1,234,567.8 otherwise.
Used by the training reports and the dashboard."""

from __future__ import annotations


def fmt_number(value: float, lang: str, digits: int = 0) -> str:
    """`value` with `digits` decimals, grouped by thousands the way `lang` ("fr" or "en") writes them."""
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
