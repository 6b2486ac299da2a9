"""Why: the main reasons as sentences a client understands, the waterfall by reasons, and each reason opened to
the features behind it, with the client's values in plain words."""

from __future__ import annotations

from html import escape
from typing import Any

from dash import Output, dcc, html

from dash_app import ids
from dash_app.figures.waterfall import feature_line, top_reasons, waterfall_figure, waterfall_text
from dash_app.i18n import t
from dash_app.panels.common import attrs, chart_outputs, empty, hide_chart, mounted_chart, panel, show_chart
from dash_app.store import result_from_dict
from scoring_service.domain import Reason, Reasons, ScoreResult


def _direction(value: float, lang: str) -> str:
    return t(lang, "why.raises" if value >= 0 else "why.lowers")


def _details(r: Reason, lang: str) -> str:
    items = "".join(
        f"<li>{escape(feature_line(c, lang), quote=False)}"
        f'<span class="muted"> — {escape(_direction(c.contribution, lang), quote=False)}</span></li>'
        for c in r.features
    )
    hidden = r.feature_count - len(r.features)
    if hidden > 0:
        items += f'<li class="muted">{escape(t(lang, "why.more", n=hidden), quote=False)}</li>'
    said = escape(f"{t(lang, 'colon')}{_direction(r.contribution, lang)}", quote=False)
    return (
        f'<details class="reason"><summary><span class="reason-name">{escape(r.name, quote=False)}</span>'
        f"{said}</summary><ul>{items}</ul></details>"
    )


def details_html(reasons: Reasons, lang: str) -> str:
    """Each reason opened to its features, as escaped HTML for one Markdown component: as Dash components they
    were about 130 per lookup, each visited by Dash's renderer on every change of the page."""
    return "".join(_details(r, lang) for r in reasons.groups)


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
        html.Div(
            dcc.Markdown(details_html(result.reasons, lang), dangerously_allow_html=True), id=ids.WHY_DETAILS
        ),
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
