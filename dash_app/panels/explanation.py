"""Why: the main reasons as sentences a client understands, the waterfall by reasons, and each reason opened to
the features behind it, with the client's values in plain words."""

from __future__ import annotations

from typing import Any

from dash import Output, html

from dash_app import ids
from dash_app.figures.waterfall import feature_line, top_reasons, waterfall_figure, waterfall_text
from dash_app.i18n import t
from dash_app.panels.common import attrs, chart_outputs, empty, hide_chart, mounted_chart, panel, show_chart
from dash_app.store import result_from_dict
from scoring_service.domain import Reason, ScoreResult


def _direction(value: float, lang: str) -> str:
    return t(lang, "why.raises" if value >= 0 else "why.lowers")


def _details(r: Reason, lang: str) -> html.Details:
    items = [
        html.Li(
            [feature_line(c, lang), html.Span(f" — {_direction(c.contribution, lang)}", className="muted")]
        )
        for c in r.features
    ]
    hidden = r.feature_count - len(r.features)
    if hidden > 0:
        items.append(html.Li(t(lang, "why.more", n=hidden), className="muted"))
    return html.Details(
        [
            html.Summary(
                [
                    html.Span(r.name, className="reason-name"),
                    f"{t(lang, 'colon')}{_direction(r.contribution, lang)}",
                ]
            ),
            html.Ul(items),
        ],
        className="reason",
    )


OUTPUTS = [
    Output(ids.WHY_TOP, "children"),
    *chart_outputs(ids.WATERFALL_BOX, ids.WATERFALL_GRAPH, ids.WATERFALL_ALT),
    Output(ids.WHY_MORE, "children"),
]


def render_result(result: ScoreResult, client_id: int, lang: str) -> list[Any]:
    """OUTPUTS' values: the main reasons, the waterfall, each reason opened to its features."""
    if result.reasons is None:
        return [empty(t(lang, "why.empty")), *hide_chart(), None]
    reasons = top_reasons(result)
    top = html.Div(
        [
            html.H3(t(lang, "why.reasons"), className="h6", id="why-reasons-heading"),
            html.Ol(
                [html.Li(r.sentence, **attrs({"data-group": r.group})) for r in reasons],
                id=ids.WHY_SENTENCE,
                className="lead-sentence reasons-list",
                **attrs({"aria-labelledby": "why-reasons-heading"}),
            ),
        ],
        **attrs({"data-client": str(client_id)}),
    )
    more = [
        html.H3(t(lang, "why.details"), className="h6 mt-2"),
        html.Div([_details(r, lang) for r in result.reasons.groups], id=ids.WHY_DETAILS),
    ]
    return [top, *show_chart(waterfall_figure(result, lang), waterfall_text(result, lang), client_id), more]


def render(data: dict[str, Any] | None, lang: str) -> list[Any]:
    if not data:
        return [empty(t(lang, "why.empty")), *hide_chart(), None]
    return render_result(result_from_dict(data["score"]), data["client_id"], lang)


def layout(lang: str) -> html.Section:
    body = [
        html.Div(empty(t(lang, "why.empty")), id=ids.WHY_TOP),
        mounted_chart(ids.WATERFALL_BOX, ids.WATERFALL_GRAPH, ids.WATERFALL_ALT),
        html.Div(id=ids.WHY_MORE),
    ]
    return panel(ids.WHY_HEADING, t(lang, "why.heading"), ids.WHY_BODY, body)
