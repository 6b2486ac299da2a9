"""The SHAP waterfall: from the average client to this client, the main contributions by name and value, the rest
grouped. Direction is carried by the sign of each label and by the words of the sentence, not by colour alone."""

from __future__ import annotations

import plotly.graph_objects as go

from common.numbers import fmt_number
from dash_app import theme
from dash_app.figures.common import base_layout, figure, logit, shorten, vline
from dash_app.i18n import fmt_value, t
from scoring_service.domain import Contribution, Explanation, ScoreResult

SENTENCE_ITEMS = 3  # factors named in the sentence, per direction
NEGLIGIBLE = 1e-3  # log-odds below which a contribution is not worth naming


def _signed(value: float, lang: str) -> str:
    return ("+" if value >= 0 else "−") + fmt_number(abs(value), lang, 2)


def factor_label(c: Contribution, lang: str) -> str:
    """'Plain description = value', the way a relationship manager reads it to a client."""
    return f"{c.description or c.feature} = {fmt_value(c.value, lang)}"


def waterfall_figure(result: ScoreResult, lang: str) -> go.Figure:
    exp = result.explanation
    if exp is None:
        raise ValueError("This score has no explanation; ask the service for one with explain=True.")
    items = list(exp.contributions)
    labels = [shorten(factor_label(c, lang)) for c in items]
    values = [c.contribution for c in items]
    hovers = [factor_label(c, lang) for c in items]
    if exp.rest_count:
        labels.append(t(lang, "why.rest", n=exp.rest_count))
        values.append(exp.rest)
        hovers.append(t(lang, "why.rest", n=exp.rest_count))
    final = exp.base_value + sum(values)
    bars = {
        "type": "waterfall",
        "orientation": "h",
        "base": exp.base_value,
        "y": labels,
        "x": values,
        "measure": ["relative"] * len(values),
        "text": [_signed(v, lang) for v in values],
        "textposition": "outside",
        "hovertext": hovers,
        "hoverinfo": "text+delta",
        "increasing": {"marker": {"color": theme.RAISES_RISK}},
        "decreasing": {"marker": {"color": theme.LOWERS_RISK}},
        "connector": {"line": {"color": theme.MUTED_TEXT, "width": 1, "dash": "dot"}},
        "cliponaxis": False,
    }
    marks = (
        (exp.base_value, t(lang, "why.base"), "dot"),
        (final, t(lang, "why.final"), "solid"),
        (logit(result.threshold), t(lang, "score.threshold"), "dash"),
    )
    running = [exp.base_value + sum(values[: i + 1]) for i in range(len(values))]
    lo = min(exp.base_value, final, logit(result.threshold), *running)
    hi = max(exp.base_value, final, logit(result.threshold), *running)
    pad = 0.25 * (hi - lo or 1.0)
    layout = base_layout(
        90 + 34 * len(values),
        margin_top=80,
        shapes=[vline(x, {"color": theme.THRESHOLD, "width": 1.5, "dash": dash}) for x, _, dash in marks],
        annotations=[
            {
                "x": x,
                "y": 1.0 + 0.07 * (i + 1),
                "xref": "x",
                "yref": "paper",
                "text": text,
                "showarrow": False,
                "font": {"size": 12, "color": theme.TEXT},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
            for i, (x, text, _) in enumerate(marks)
        ],
        xaxis={
            "title": {"text": t(lang, "why.axis")},
            "range": [lo - pad, hi + pad],
            "zeroline": False,
            "gridcolor": "#E3E6EA",
        },
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return figure([bars], layout)


def _names(items: list[Contribution], lang: str) -> str:
    return ", ".join(f"{c.description or c.feature} ({fmt_value(c.value, lang)})" for c in items)


def why_sentence(exp: Explanation, lang: str) -> str:
    """The factors that raise and lower the risk most, named in plain words."""
    ranked = sorted(exp.contributions, key=lambda c: abs(c.contribution), reverse=True)
    up = [c for c in ranked if c.contribution > NEGLIGIBLE][:SENTENCE_ITEMS]
    down = [c for c in ranked if c.contribution < -NEGLIGIBLE][:SENTENCE_ITEMS]
    first = t(lang, "why.raise", items=_names(up, lang)) if up else t(lang, "why.raise_none")
    second = t(lang, "why.lower", items=_names(down, lang)) if down else t(lang, "why.lower_none")
    return f"{first} {second}"


def waterfall_text(exp: Explanation, lang: str) -> str:
    lines = []
    for c in exp.contributions:
        key = "why.up" if c.contribution >= 0 else "why.down"
        sign = t(lang, key, v=fmt_number(abs(c.contribution), lang, 2))
        lines.append(
            t(
                lang,
                "why.alt_item",
                name=c.description or c.feature,
                sign=sign,
                value=fmt_value(c.value, lang),
            )
        )
    if exp.rest_count:
        key = "why.up" if exp.rest >= 0 else "why.down"
        sign = t(lang, key, v=fmt_number(abs(exp.rest), lang, 2))
        lines.append(f"{t(lang, 'why.rest', n=exp.rest_count)}{t(lang, 'colon')}{sign}.")
    return t(lang, "why.alt", lines=" ".join(lines))
