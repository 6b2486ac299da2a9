"""Colours: the Okabe-Ito colour-blind-safe palette, with darker text variants so that every text/background
pair reaches the WCAG 2.1 contrast of 4.5:1 (checked by computation in the unit tests). Colour never carries
information alone: signs, icons and words go with it."""

from __future__ import annotations

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

BACKGROUND = "#FFFFFF"
SURFACE = "#F4F6F8"  # panel background
TEXT = "#1B1F24"
MUTED_TEXT = "#4A5360"

# Direction of risk: blue lowers it, vermillion raises it (marks and bars; text uses the dark variants).
LOWERS_RISK = OKABE_ITO["blue"]
RAISES_RISK = OKABE_ITO["vermillion"]
GRANTED_TEXT = "#005A8C"  # dark Okabe-Ito blue
REFUSED_TEXT = "#A03E00"  # dark Okabe-Ito vermillion
THRESHOLD = "#000000"
CLIENT_MARK = "#000000"
GROUP_BARS = OKABE_ITO["sky_blue"]
LINK = "#0B5394"
FOCUS = "#B35900"
CONTROL_BORDER = "#6B7480"  # outlines of fields, radio buttons and switches (assets/10-app.css)

# Sequential, colour-blind-safe scale for probabilities (cividis is designed for deuteranopia).
SCORE_COLORSCALE = "Cividis"

# Every pair of (text colour, background colour) the page uses.
TEXT_PAIRS: dict[str, tuple[str, str]] = {
    "body": (TEXT, BACKGROUND),
    "body_on_surface": (TEXT, SURFACE),
    "muted": (MUTED_TEXT, BACKGROUND),
    "muted_on_surface": (MUTED_TEXT, SURFACE),
    "granted": (GRANTED_TEXT, BACKGROUND),
    "granted_on_surface": (GRANTED_TEXT, SURFACE),
    "refused": (REFUSED_TEXT, BACKGROUND),
    "refused_on_surface": (REFUSED_TEXT, SURFACE),
    "link": (LINK, BACKGROUND),
    "link_on_surface": (LINK, SURFACE),
    "button": (BACKGROUND, LINK),
    "error": ("#842029", "#F8D7DA"),  # Bootstrap's danger alert
    "warning": ("#664D03", "#FFF3CD"),  # Bootstrap's warning alert
    "info": ("#055160", "#CFF4FC"),  # Bootstrap's info alert
    "chart_label_on_granted_bar": (BACKGROUND, GRANTED_TEXT),
    "drift_ok": (BACKGROUND, GRANTED_TEXT),
    "drift_alert": (BACKGROUND, REFUSED_TEXT),
    "drift_wait": (BACKGROUND, "#664D03"),
    "drift_error": (BACKGROUND, MUTED_TEXT),
    "chart_label_on_refused_bar": (BACKGROUND, REFUSED_TEXT),
}

# Non-text marks (bars, the client's marker) need 3:1 against the background (WCAG 1.4.11).
GRAPHIC_PAIRS: dict[str, tuple[str, str]] = {
    "raises_risk": (RAISES_RISK, BACKGROUND),
    "lowers_risk": (LOWERS_RISK, BACKGROUND),
    "threshold": (THRESHOLD, BACKGROUND),
    "client_mark": (CLIENT_MARK, GROUP_BARS),
    "focus": (FOCUS, BACKGROUND),
    "control_border": (CONTROL_BORDER, BACKGROUND),
    "control_border_on_surface": (CONTROL_BORDER, SURFACE),
    "checked_control": (LINK, SURFACE),
}


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour written #RRGGBB."""
    value = hex_colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"{hex_colour!r} is not a colour written #RRGGBB.")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), from 1 (none) to 21 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
