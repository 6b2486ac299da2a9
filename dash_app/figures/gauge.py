"""The gauge of the default probability with the business threshold marked, and the sentences that say the same."""

from __future__ import annotations

import base64
import math
from html import escape

from common.numbers import fmt_number
from dash_app import theme
from dash_app.figures.common import FONT_FAMILY
from dash_app.i18n import fmt_pct, t
from scoring_service.domain import Decision, ScoreResult

SMALL_MARGIN = 0.05  # within 5 points of the threshold, the decision is called narrow


# Geometry of the half-dial, in SVG user units (the image scales with the page: rem-sized in the stylesheet).
WIDTH, HEIGHT = 360, 244
CX, CY, RADIUS, BAND = 180.0, 178.0, 128.0, 34.0
BAND_COLOURS = (
    "#DCEBF5",
    "#F8E1D2",
)  # below / above the threshold: a light tint, the text carries the meaning


def _point(value: float, radius: float) -> tuple[float, float]:
    """Where a probability (0-100) sits on the half-dial: 0 on the left, 100 on the right, over the top."""
    angle = math.pi * (1 - min(max(value, 0.0), 100.0) / 100)
    return CX + radius * math.cos(angle), CY - radius * math.sin(angle)


def _arc(start: float, end: float, radius: float, colour: str, width: float) -> str:
    (x0, y0), (x1, y1) = _point(start, radius), _point(end, radius)
    return (
        f'<path d="M {x0:.2f} {y0:.2f} A {radius} {radius} 0 0 1 {x1:.2f} {y1:.2f}" fill="none" '
        f'stroke="{colour}" stroke-width="{width}"/>'
    )


def _text(
    x: float, y: float, text: str, size: int, colour: str, anchor: str = "middle", bold: bool = False
) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}" text-anchor="{anchor}"{weight}>'
        f"{escape(text)}</text>"
    )


def gauge_svg(result: ScoreResult, lang: str) -> str:
    """The gauge as a standalone SVG document: the probability on a half-dial, the band under the threshold and the
    band over it, the threshold as a black mark with its label, the probability in words at the centre.

    An image rather than a Plotly indicator: the page draws it in a few milliseconds instead of a fifth of a lookup,
    and a gauge needs no zoom nor hover (its text alternative says everything it shows)."""
    pct, thr = 100 * result.probability, 100 * result.threshold
    granted = result.decision is Decision.GRANTED
    parts = [
        _arc(0, thr, RADIUS, BAND_COLOURS[0], BAND),
        _arc(thr, 100, RADIUS, BAND_COLOURS[1], BAND),
        _arc(0, pct, RADIUS, theme.GRANTED_TEXT if granted else theme.REFUSED_TEXT, BAND * 0.4),
    ]
    for tick in (0.0, 25.0, 50.0, 75.0, 100.0):
        if tick in (0.0, 100.0):  # under the ends of the band
            x, y = _point(tick, RADIUS)
            parts.append(_text(x, y + 22, fmt_number(tick, lang), 14, theme.MUTED_TEXT))
            continue
        x, y = _point(tick, RADIUS + BAND / 2 + 14)
        anchor = "end" if tick < 40 else "start" if tick > 60 else "middle"
        parts.append(_text(x, y + 5, fmt_number(tick, lang), 14, theme.MUTED_TEXT, anchor))
    (x0, y0), (x1, y1) = _point(thr, RADIUS - BAND / 2 - 4), _point(thr, RADIUS + BAND / 2 + 4)
    parts.append(
        f'<line x1="{x0:.2f}" y1="{y0:.2f}" x2="{x1:.2f}" y2="{y1:.2f}" stroke="{theme.THRESHOLD}" '
        'stroke-width="5"/>'
    )
    parts.append(_text(CX, CY - 18, fmt_pct(result.probability, lang), 34, theme.TEXT, bold=True))
    parts.append(_text(CX, CY + 30, t(lang, "score.gauge_title"), 15, theme.MUTED_TEXT))
    # the threshold's legend under the dial, where any threshold fits: a black dash like the mark, then its value
    label = t(lang, "score.threshold").capitalize() + t(lang, "colon")
    parts.append(
        f'<line x1="{CX - 80:.1f}" y1="{CY + 49:.1f}" x2="{CX - 62:.1f}" y2="{CY + 49:.1f}" '
        f'stroke="{theme.THRESHOLD}" stroke-width="5"/>'
    )
    parts.append(
        _text(CX - 56, CY + 54, label + fmt_pct(result.threshold, lang), 15, theme.TEXT, "start", True)
    )
    font = FONT_FAMILY.replace("'", "&apos;")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" font-family="{font}">' + "".join(parts) + "</svg>"
    )


def gauge_image_src(result: ScoreResult, lang: str) -> str:
    """The gauge as a data URI for an <img>: nothing is fetched."""
    return "data:image/svg+xml;base64," + base64.b64encode(gauge_svg(result, lang).encode()).decode()


def distance_sentence(result: ScoreResult, lang: str) -> str:
    """How far the client is from the threshold, in percentage points, and whether the margin is narrow."""
    gap = result.probability - result.threshold
    small = abs(gap) < SMALL_MARGIN
    margin = t(lang, "score.margin_small" if small else "score.margin_large")
    key = "score.below" if result.decision is Decision.GRANTED else "score.above"
    return t(
        lang,
        key,
        p=fmt_pct(result.probability, lang),
        d=fmt_number(abs(100 * gap), lang, 1),
        s=fmt_pct(result.threshold, lang),
        margin=margin,
    )


def gauge_text(result: ScoreResult, lang: str) -> str:
    short = t(lang, "score.granted_short" if result.decision is Decision.GRANTED else "score.refused_short")
    return t(
        lang,
        "score.gauge_alt",
        p=fmt_pct(result.probability, lang),
        s=fmt_pct(result.threshold, lang),
        decision=short,
    )
