"""Global importance across the portfolio; a bar carries its feature code so that a click can select it."""

from __future__ import annotations

from collections.abc import Sequence

from common.numbers import fmt_number
from dash_app import theme
from dash_app.figures.common import Figure, base_layout, figure, lines_of, wrap
from dash_app.i18n import t
from scoring_service.domain import FeatureImportance

TOP = 15
SELECTED_MARK = "▶ "


def importance_figure(items: Sequence[FeatureImportance], lang: str, selected: str | None = None) -> Figure:
    top = list(items)[:TOP]
    # full names wrapped on short lines, so that a phone's width still leaves room for the bars
    labels = [
        wrap((SELECTED_MARK if i.feature == selected else "") + (i.description or i.feature)) for i in top
    ]
    colours = [theme.OKABE_ITO["orange"] if i.feature == selected else theme.LOWERS_RISK for i in top]
    patterns = ["/" if i.feature == selected else "" for i in top]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": [i.importance for i in top],
        "y": labels,
        "customdata": [i.feature for i in top],
        "hovertext": [f"{i.description or i.feature} ({i.feature})" for i in top],
        "hoverinfo": "text+x",
        "marker": {"color": colours, "pattern": {"shape": patterns, "fgcolor": theme.TEXT}},
        "text": [fmt_number(i.importance, lang, 3) for i in top],
        "textposition": "outside",
        "cliponaxis": False,
    }
    longest = max((i.importance for i in top), default=1.0) or 1.0
    layout = base_layout(
        90 + (14 + 17 * lines_of(labels)) * len(top),
        lang=lang,
        # room on the right for the value written after the longest bar
        xaxis={
            "title": {"text": wrap(t(lang, "imp.axis"), 14)},
            "gridcolor": "#E3E6EA",
            "range": [0, 1.25 * longest],
            "automargin": True,
        },
        yaxis={"autorange": "reversed", "automargin": True},
        clickmode="event",
    )
    return figure([bars], layout)


def importance_text(items: Sequence[FeatureImportance], lang: str) -> str:
    listed = "; ".join(
        f"{n}. {i.description or i.feature} ({fmt_number(i.importance, lang, 3)})"
        for n, i in enumerate(list(items)[:TOP], start=1)
    )
    return t(lang, "imp.alt", items=listed)
