"""The gauge of the default probability with the business threshold marked, and the sentences that say the same."""

from __future__ import annotations

import plotly.graph_objects as go

from dash_app import theme
from dash_app.figures.common import base_layout
from dash_app.i18n import fmt_number, fmt_pct, t
from scoring_service.domain import Decision, ScoreResult

SMALL_MARGIN = 0.05  # within 5 points of the threshold, the decision is called narrow


def decision_words(decision: Decision, lang: str) -> str:
    return t(lang, "score.granted" if decision is Decision.GRANTED else "score.refused")


def gauge_figure(result: ScoreResult, lang: str) -> go.Figure:
    pct, thr = 100 * result.probability, 100 * result.threshold
    granted = result.decision is Decision.GRANTED
    ticks = sorted(
        {0.0, 25.0, 50.0, 75.0, 100.0} - {v for v in (0.0, 25.0, 50.0, 75.0, 100.0) if abs(v - thr) < 6}
    )
    tickvals = [*ticks, thr]
    ticktext = [f"{fmt_number(v, lang)}" for v in ticks] + [
        f"{t(lang, 'score.threshold')} {fmt_pct(result.threshold, lang)}"
    ]
    fig = go.Figure(
        go.Indicator(
            mode="gauge",
            value=pct,
            domain={"x": [0, 1], "y": [0, 1]},
            gauge={
                "shape": "angular",
                "axis": {"range": [0, 100], "tickvals": tickvals, "ticktext": ticktext, "tickwidth": 2},
                "bar": {"color": theme.GRANTED_TEXT if granted else theme.REFUSED_TEXT, "thickness": 0.35},
                "bgcolor": theme.BACKGROUND,
                "borderwidth": 1,
                "bordercolor": theme.MUTED_TEXT,
                "steps": [
                    {"range": [0, thr], "color": "#DCEBF5"},
                    {"range": [thr, 100], "color": "#F8E1D2"},
                ],
                "threshold": {"line": {"color": theme.THRESHOLD, "width": 5}, "thickness": 1.0, "value": thr},
            },
        )
    )
    fig.add_annotation(
        x=0.5,
        y=0.08,
        xref="paper",
        yref="paper",
        showarrow=False,
        text=f"<b>{fmt_pct(result.probability, lang)}</b>",
        font={"size": 30, "color": theme.TEXT},
    )
    fig.add_annotation(
        x=0.5,
        y=-0.08,
        xref="paper",
        yref="paper",
        showarrow=False,
        text=t(lang, "score.gauge_title"),
        font={"size": 14, "color": theme.MUTED_TEXT},
    )
    base_layout(fig, height=240)
    fig.update_layout(margin={"l": 40, "r": 40, "t": 30, "b": 30})
    return fig


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
