"""The whole portfolio: global importance. Clicking a bar selects that feature for the comparison (the feature
list of the comparison is the keyboard way to do the same). The model information is fetched here, once."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html, no_update

from dash_app import ids
from dash_app.figures.common import Figure
from dash_app.figures.importance import importance_figure, importance_text
from dash_app.i18n import t
from dash_app.panels import problems
from dash_app.panels.common import blank_figure, chart, panel
from dash_app.store import importance_from_dict, model_to_dict
from scoring_service.domain import ScoringApi
from scoring_service.errors import ScoringError


def load_model(api: ScoringApi, lang: str) -> tuple[Any, str, bool]:
    """(model store, status message, status hidden)."""
    try:
        info = api.model_info(language=lang)
    except ScoringError as exc:
        return no_update, *problems.show(exc, lang)
    return model_to_dict(info), *problems.clear()


def render(model: dict[str, Any] | None, selected: str | None, lang: str) -> tuple[Figure, str]:
    if not model:
        return blank_figure(), ""
    items = importance_from_dict(model)
    return importance_figure(items, lang, selected), importance_text(items, lang)


def layout(lang: str) -> html.Section:
    return panel(
        ids.IMP_HEADING,
        t(lang, "imp.heading"),
        ids.IMP_BODY,
        chart(ids.IMPORTANCE_GRAPH, ids.IMPORTANCE_ALT, blank_figure(), "", interactive=True),
        extra=[html.P(t(lang, "imp.help"), className="form-text")],
    )


def register(app: Dash, api: ScoringApi) -> None:
    @app.callback(
        Output(ids.MODEL_STORE, "data"),
        *problems.status_outputs(),
        Input(ids.URL, "pathname"),
        Input(ids.RETRY, "n_clicks"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _load(_path, _retry, lang):  # type: ignore[no-untyped-def]
        return load_model(api, lang)

    @app.callback(
        Output(ids.IMPORTANCE_GRAPH, "figure"),
        Output(ids.IMPORTANCE_ALT, "children"),
        Input(ids.MODEL_STORE, "data"),
        Input(ids.CMP_FEATURE, "value"),
        State(ids.LANG_STORE, "data"),
    )
    def _render(model, selected, lang):  # type: ignore[no-untyped-def]
        return render(model, selected, lang)

    @app.callback(
        Output(ids.CMP_FEATURE, "value", allow_duplicate=True),
        Input(ids.IMPORTANCE_GRAPH, "clickData"),
        prevent_initial_call=True,
    )
    def _select(click):  # type: ignore[no-untyped-def]
        return selected_feature(click)


def selected_feature(click: dict[str, Any] | None) -> Any:
    """The feature code carried by the clicked bar."""
    if not click or not click.get("points"):
        return no_update
    return click["points"][0].get("customdata", no_update)
