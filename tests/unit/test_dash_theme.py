"""WCAG 1.4.3 by computation: every text colour pair of the page reaches 4.5:1; marks reach 3:1 (1.4.11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dash_app import theme

CSS = Path(theme.__file__).resolve().parent / "assets" / "10-app.css"


def test_contrast_ratio_matches_known_values() -> None:
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # WCAG's classic borderline grey: #767676 passes on white, #777777 does not
    assert theme.contrast_ratio("#767676", "#FFFFFF") >= 4.5
    assert theme.contrast_ratio("#777777", "#FFFFFF") < 4.5


def test_raw_okabe_ito_vermillion_is_too_light_for_text_which_is_why_text_uses_dark_variants() -> None:
    assert theme.contrast_ratio(theme.OKABE_ITO["vermillion"], theme.BACKGROUND) < 4.5
    assert theme.contrast_ratio(theme.REFUSED_TEXT, theme.BACKGROUND) >= 4.5


@pytest.mark.parametrize("name", sorted(theme.TEXT_PAIRS))
def test_every_text_pair_reaches_4_5_to_1(name: str) -> None:
    fg, bg = theme.TEXT_PAIRS[name]
    assert theme.contrast_ratio(fg, bg) >= 4.5, f"{name}: {fg} on {bg}"


@pytest.mark.parametrize("name", sorted(theme.GRAPHIC_PAIRS))
def test_every_graphic_mark_reaches_3_to_1(name: str) -> None:
    fg, bg = theme.GRAPHIC_PAIRS[name]
    assert theme.contrast_ratio(fg, bg) >= 3.0, f"{name}: {fg} on {bg}"


def test_stylesheet_text_colours_are_checked_colours() -> None:
    """Every `color:` in the app's stylesheet is one whose contrast the pairs above check."""
    checked = {c.upper() for pair in theme.TEXT_PAIRS.values() for c in pair}
    used = {c.upper() for c in re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", CSS.read_text())}
    assert used, "the stylesheet sets text colours"
    assert used <= checked, f"unchecked text colours: {sorted(used - checked)}"


def test_stylesheet_uses_relative_units_for_text() -> None:
    css = CSS.read_text()
    assert not re.search(r"font-size:\s*\d+(\.\d+)?px", css), "font sizes must be relative (rem/em/%)"


def test_luminance_rejects_a_malformed_colour() -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        theme.relative_luminance("#FFF")
