"""Score: the gauge with the threshold marked, the decision in words and icon, the distance to the threshold."""

from __future__ import annotations

from typing import Any

from dash import html

from dash_app import ids
from dash_app.figures.gauge import distance_sentence, gauge_image_src, gauge_text
from dash_app.i18n import t
from dash_app.panels.common import attrs, decision_badge, empty, image_chart, panel
from dash_app.store import result_from_dict
from scoring_service.domain import ScoreResult


def render(data: dict[str, Any] | None, lang: str) -> Any:
    if not data:
        return empty(t(lang, "score.empty"))
    return render_result(result_from_dict(data["score"]), data["client_id"], lang)


def render_result(result: ScoreResult, client_id: int, lang: str) -> html.Div:
    return html.Div(
        [
            html.P(decision_badge(result.decision, lang), id=ids.DECISION, className="decision-line"),
            html.P(distance_sentence(result, lang), id=ids.DISTANCE_TEXT, className="lead-sentence"),
            image_chart(
                ids.GAUGE_GRAPH, ids.GAUGE_ALT, gauge_image_src(result, lang), gauge_text(result, lang)
            ),
            html.P(t(lang, "score.model", v=result.model_version), className="text-muted small"),
        ],
        **attrs({"data-client": str(client_id)}),
    )


def layout(lang: str) -> html.Section:
    return panel(ids.SCORE_HEADING, t(lang, "score.heading"), ids.SCORE_BODY, render(None, lang), live=True)
