"""Comparison: the client against all clients, the group of the search filters, or the most similar clients —
the distribution with the client marked and their percentile, the two-feature scatter coloured by score, and
the group's default rate and mean score."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update

from dash_app import ids
from dash_app.figures.common import shorten
from dash_app.figures.peers import (
    distribution_figure,
    distribution_text,
    percentile_sentence,
    scatter_figure,
    scatter_text,
    stats_sentence,
)
from dash_app.i18n import t
from dash_app.panels import problems
from dash_app.panels.common import attrs, chart_outputs, empty, hide_chart, mounted_chart, panel, show_chart
from dash_app.panels.search import FILTER_IDS, filters_from_values
from dash_app.settings import DashSettings
from scoring_service.domain import PeerComparison, PeerGroup, PeerRequest, ScoringApi
from scoring_service.errors import ScoringError


def feature_options(model: dict[str, Any] | None, lang: str) -> tuple[list[dict[str, str]], Any, Any]:
    """(options, first feature, second feature) in order of global importance."""
    if not model:
        return [], no_update, no_update
    options = [{"label": shorten(desc or feat, 60), "value": feat} for feat, desc, _ in model["importance"]]
    first = options[0]["value"] if options else None
    second = options[1]["value"] if len(options) > 1 else None
    return options, first, second


def default_features(api: ScoringApi, lang: str) -> tuple[str | None, str | None]:
    """The model's two most important features: what the comparison shows before the user chooses."""
    importance = api.model_info(lang).global_importance
    first = importance[0].feature if importance else None
    second = importance[1].feature if len(importance) > 1 else None
    return first, second


OUTPUTS = [
    Output(ids.CMP_TOP, "children", allow_duplicate=True),
    *chart_outputs(ids.DIST_BOX, ids.DIST_GRAPH, ids.DIST_ALT),
    *chart_outputs(ids.SCATTER_BOX, ids.SCATTER_GRAPH, ids.SCATTER_ALT),
    Output(ids.CMP_NOTE, "children", allow_duplicate=True),
]
UNCHANGED = [no_update] * len(OUTPUTS)


def nothing(text: str) -> list[Any]:
    """OUTPUTS' values when there is no comparison to draw: `text` says why, the charts are collapsed."""
    return [text, *hide_chart(), *hide_chart(), None]


def render(cmp: PeerComparison, lang: str, client_id: int) -> list[Any]:
    """OUTPUTS' values: the sentences, the distribution, the scatter (or why there is none)."""
    mark = attrs({"data-client": str(client_id)})
    if cmp.group_size == 0:  # no client matches the filters: say so rather than draw an empty chart
        return nothing(html.Div(empty(t(lang, "cmp.group_empty")), id=ids.CMP_EMPTY_GROUP, **mark))  # type: ignore[arg-type]
    top = html.Div(
        [
            html.P(percentile_sentence(cmp, lang), id=ids.CMP_PERCENTILE, className="lead-sentence"),
            html.P(stats_sentence(cmp, lang), id=ids.CMP_STATS),
        ],
        **mark,
    )
    dist = show_chart(distribution_figure(cmp, lang), distribution_text(cmp, lang), client_id)
    if cmp.second_feature and cmp.points:
        return [top, *dist, *show_chart(scatter_figure(cmp, lang), scatter_text(cmp, lang), client_id), None]
    return [top, *dist, *hide_chart(), empty(t(lang, "cmp.scatter_none"))]


def compare(
    api: ScoringApi,
    settings: DashSettings,
    data: dict[str, Any] | None,
    feature: str | None,
    second: str | None,
    group: str | None,
    filter_values: list[str | None],
    lang: str,
) -> tuple[list[Any], Any, Any]:
    """(OUTPUTS' values, status message, status hidden)."""
    if not data:
        return nothing(empty(t(lang, "cmp.empty"))), no_update, no_update  # type: ignore[arg-type]
    if not feature:
        return UNCHANGED, no_update, no_update
    peer_group = PeerGroup(group or PeerGroup.ALL.value)
    request = PeerRequest(
        client_id=data["client_id"],
        feature=feature,
        group=peer_group,
        filters=filters_from_values(filter_values) if peer_group is PeerGroup.FILTERED else None,
        k=settings.similar_k,
        second_feature=second or None,
        language=lang,
    )
    try:
        cmp = api.compare_peers(request)
    except ScoringError as exc:
        return UNCHANGED, *problems.show(exc, lang)
    return render(cmp, lang, data["client_id"]), no_update, no_update


def layout(lang: str) -> html.Section:
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t(lang, "cmp.feature"), html_for=ids.CMP_FEATURE),
                    dbc.Select(id=ids.CMP_FEATURE, options=[]),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(t(lang, "cmp.second"), html_for=ids.CMP_SECOND),
                    dbc.Select(id=ids.CMP_SECOND, options=[]),
                ],
                md=4,
            ),
            dbc.Col(
                html.Fieldset(
                    [
                        html.Legend(t(lang, "cmp.group"), className="form-label fs-6"),
                        dbc.RadioItems(
                            id=ids.CMP_GROUP,
                            options=[
                                {"label": t(lang, f"cmp.group.{g.value}"), "value": g.value}
                                for g in PeerGroup
                            ],
                            value=PeerGroup.ALL.value,
                        ),
                    ]
                ),
                md=4,
            ),
        ],
        className="g-2 mb-2",
    )
    body = [
        html.Div(empty(t(lang, "cmp.empty")), id=ids.CMP_TOP),
        mounted_chart(ids.DIST_BOX, ids.DIST_GRAPH, ids.DIST_ALT, interactive=True),
        mounted_chart(ids.SCATTER_BOX, ids.SCATTER_GRAPH, ids.SCATTER_ALT, interactive=True),
        html.Div(id=ids.CMP_NOTE),
    ]
    return panel(ids.CMP_HEADING, t(lang, "cmp.heading"), ids.CMP_BODY, body, extra=[controls])


def register(app: Dash, api: ScoringApi, settings: DashSettings) -> None:
    @app.callback(
        Output(ids.CMP_FEATURE, "options"),
        Output(ids.CMP_FEATURE, "value"),
        Output(ids.CMP_SECOND, "value"),
        Output(ids.CMP_SECOND, "options"),
        Input(ids.MODEL_STORE, "data"),
        State(ids.LANG_STORE, "data"),
    )
    def _options(model, lang):  # type: ignore[no-untyped-def]
        options, first, second = feature_options(model, lang)
        return options, first, second, options

    # a new choice of feature or group, or new search filters while the filtered group is shown, redraw the
    # comparison; a new client is drawn by the lookup, and nothing here ever draws over it without a client
    @app.callback(
        output=[*OUTPUTS, *problems.status_outputs()],
        inputs={
            "feature": Input(ids.CMP_FEATURE, "value"),
            "second": Input(ids.CMP_SECOND, "value"),
            "group": Input(ids.CMP_GROUP, "value"),
            "filters": [Input(i, "value") for i in FILTER_IDS],
        },
        state={"data": State(ids.CLIENT_STORE, "data"), "lang": State(ids.LANG_STORE, "data")},
        prevent_initial_call=True,
    )
    def _compare(feature, second, group, filters, data, lang):  # type: ignore[no-untyped-def]
        if not data or not feature:
            return *UNCHANGED, no_update, no_update
        if ctx.triggered_id in FILTER_IDS and group != PeerGroup.FILTERED.value:
            return *UNCHANGED, no_update, no_update
        parts, message, hidden = compare(api, settings, data, feature, second, group, list(filters), lang)
        return *parts, message, hidden
