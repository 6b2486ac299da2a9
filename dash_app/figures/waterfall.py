"""The waterfall by reasons: from the average client to this client, one bar per reason group (external scores,
repayment of previous loans, ...), each the exact sum of its features' contributions, so the bars add up to the
client's score. The axis speaks in words; the full names, the sentence and the group's main features are in the
hover and in the text alternative. Direction is carried by words and the sign, not by colour alone."""

from __future__ import annotations

from typing import Any

from common.numbers import fmt_number
from dash_app import theme
from dash_app.figures.common import (
    TICK_PAD,
    TITLE_SIZE,
    Figure,
    base_layout,
    figure,
    lines_of,
    logit,
    margins,
    text_height,
    text_width,
    vline,
    wrap,
)
from dash_app.i18n import t
from dash_app.values import field_value
from scoring_service.domain import Contribution, Reason, Reasons, ScoreResult

TOP_REASONS = 4  # reasons said as sentences above the chart
NEGLIGIBLE = 0.02  # log-odds below which a reason is not worth saying
HOVER_FEATURES = 3


def _signed(value: float, lang: str) -> str:
    return ("+" if value >= 0 else "−") + fmt_number(abs(value), lang, 2)


def feature_line(c: Contribution, lang: str) -> str:
    """'Plain description: value', the way a relationship manager reads it to a client."""
    return f"{c.description or c.feature}{t(lang, 'colon')}{field_value(c.feature, c.value, lang)}"


def _effect(value: float, lang: str) -> str:
    return t(lang, "why.up" if value >= 0 else "why.down", v=fmt_number(abs(value), lang, 2))


def _hover(r: Reason, lang: str) -> str:
    lines = [f"<b>{r.name}</b>", r.sentence]
    lines += [
        f"• {feature_line(c, lang)} ({_signed(c.contribution, lang)})" for c in r.features[:HOVER_FEATURES]
    ]
    return "<br>".join(wrap(line, 60) for line in lines)


def reasons_of(result: ScoreResult) -> Reasons:
    if result.reasons is None:
        raise ValueError("This score has no reasons; ask the service for an explanation with explain=True.")
    return result.reasons


def raw_threshold(result: ScoreResult) -> float:
    """The threshold on the scale of the SHAP values (the model's raw log-odds): the served probability may be
    calibrated from that scale, and the service then sends the threshold there too."""
    exp = result.explanation
    if exp is not None and exp.threshold_log_odds is not None:
        return exp.threshold_log_odds
    return logit(result.threshold)


def waterfall_figure(result: ScoreResult, lang: str) -> Figure:
    reasons = reasons_of(result)
    groups = list(reasons.groups)
    values = [r.contribution for r in groups]
    bars = {
        "type": "waterfall",
        "orientation": "h",
        "base": reasons.base_value,
        "y": [wrap(r.name) for r in groups],
        "x": values,
        "measure": ["relative"] * len(values),
        "text": [_signed(v, lang) for v in values],
        "textposition": "auto",
        "textangle": 0,  # a short bar's value goes beside it, written across like every other label
        "insidetextanchor": "middle",
        "hovertext": [_hover(r, lang) for r in groups],
        "hoverinfo": "text",
        "increasing": {"marker": {"color": theme.RAISES_RISK}},
        "decreasing": {"marker": {"color": theme.LOWERS_RISK}},
        "connector": {"line": {"color": theme.MUTED_TEXT, "width": 1, "dash": "dot"}},
        "cliponaxis": False,
    }
    return figure(
        [bars],
        _layout(reasons.base_value, values, reasons.score, raw_threshold(result), bars["y"], lang),  # type: ignore[arg-type]
    )


END = {
    "xref": "paper",
    "yref": "paper",
    "y": 0,
    "yanchor": "top",
    "yshift": -4,
    "showarrow": False,
    "font": {"size": 12},
}


MARK_WIDTH = 18  # characters per line of a mark's name (average client, this client, threshold)
MARK_LINE = 16  # pixels per line of those names


def _anchor(x: float, span: tuple[float, float]) -> str:
    """A mark's name stays inside the chart: written leftwards near the right end, rightwards near the left end."""
    where = (x - span[0]) / ((span[1] - span[0]) or 1.0)
    return "right" if where > 0.67 else "left" if where < 0.33 else "center"


AXIS_STANDOFF = 40  # pixels between the plot and the axis title, room for the directions written at its ends


def _mark_name(x: float, text: str, shift: float, span: tuple[float, float]) -> dict[str, Any]:
    """A mark's name above the plot, `shift` pixels up, kept inside the chart."""
    return {
        "x": x,
        "y": 1.0,
        "xanchor": _anchor(x, span),
        "yanchor": "bottom",
        "yshift": shift,
        "xref": "x",
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "font": {"size": 12, "color": theme.TEXT},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def _layout(
    base: float, values: list[float], final: float, threshold: float, labels: list[str], lang: str
) -> dict[str, Any]:
    """The axis spans every running total and the three marks (average, client, threshold), named above the plot;
    `labels` are the reasons' names, wrapped. The margins hold the names and the axis title."""
    marks = (
        (base, t(lang, "why.base"), "dot"),
        (final, t(lang, "why.final"), "solid"),
        (threshold, t(lang, "score.threshold"), "dash"),
    )
    running = [base + sum(values[: i + 1]) for i in range(len(values))]
    lo = min(base, final, threshold, *running)
    hi = max(base, final, threshold, *running)
    pad = 0.12 * (hi - lo or 1.0)
    span = (lo - pad, hi + pad)
    ends = (  # the direction in words at each end of the axis
        {**END, "x": 0, "xanchor": "left", "text": t(lang, "why.axis_lowers")},
        {**END, "x": 1, "xanchor": "right", "text": t(lang, "why.axis_raises")},
    )
    # the marks' names, wrapped so that a phone's width holds them, stacked one above the other
    named = [(x, wrap(text, MARK_WIDTH), dash) for x, text, dash in marks]
    heights = [MARK_LINE * (text.count("<br>") + 1) + 4 for _, text, _ in named]
    shifts = [2 + sum(heights[:i]) for i in range(len(named))]
    title = t(lang, "why.axis")
    return base_layout(
        140 + (22 + 14 * lines_of(labels)) * len(values),
        lang=lang,
        margin=margins(
            left=max((text_width(label) for label in labels), default=0) + TICK_PAD,
            top=8 + sum(heights),
            bottom=AXIS_STANDOFF + text_height(title, TITLE_SIZE) + TICK_PAD,
        ),
        shapes=[
            {**vline(x, {"color": theme.THRESHOLD, "width": 1.5, "dash": dash}), "layer": "below"}
            for x, _, dash in marks
        ],
        annotations=[
            _mark_name(x, text, shift, span) for (x, text, _), shift in zip(named, shifts, strict=True)
        ]
        + list(ends),
        xaxis={
            "title": {"text": title, "standoff": AXIS_STANDOFF},
            "automargin": False,
            "range": list(span),
            "zeroline": False,
            "showticklabels": False,
            "gridcolor": "#E3E6EA",
            "fixedrange": True,
        },
        yaxis={"autorange": "reversed", "automargin": False, "fixedrange": True},
    )


def top_reasons(result: ScoreResult) -> list[Reason]:
    """The few reasons that weigh most, each said in a sentence."""
    return [r for r in reasons_of(result).groups if abs(r.contribution) >= NEGLIGIBLE][:TOP_REASONS]


def waterfall_text(result: ScoreResult, lang: str) -> str:
    """The text alternative: every reason with its full name, its direction in words and its main features."""
    items = []
    for r in reasons_of(result).groups:
        features = ", ".join(feature_line(c, lang) for c in r.features[:HOVER_FEATURES])
        line = f"{r.name}{t(lang, 'colon')}{_effect(r.contribution, lang)}"
        items.append(f"{line} ({features})." if features else f"{line}.")
    return t(lang, "why.alt", lines=" ".join(items))
