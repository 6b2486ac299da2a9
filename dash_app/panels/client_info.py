"""Client information: the descriptive fields with their descriptions (in the page's language, from the
service), searchable so that the client can find their own data. A bundle describes hundreds of fields: the first
`info_rows` are drawn until the user searches or asks for all of them."""

from __future__ import annotations

import unicodedata
from html import escape
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from dash_app import ids
from dash_app.i18n import t
from dash_app.panels import problems
from dash_app.panels.common import attrs, empty, panel
from dash_app.settings import DashSettings
from dash_app.values import field_value
from scoring_service.domain import ClientField, ClientInfo, ScoringApi
from scoring_service.errors import ScoringError


def _fold(text: str) -> str:
    """Lower case without accents, so that 'revenu' finds 'Revenu' and 'age' finds 'Âge'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def table_html(fields: list[ClientField], lang: str) -> str:
    """The table as escaped HTML for one Markdown component: a table of dozens of Dash components would make
    every update of the page slower (the renderer visits each component on every change)."""
    head = "".join(
        f'<th scope="col"{cls}>{escape(t(lang, k), quote=False)}</th>'
        for k, cls in (
            ("info.col.field", ""),
            ("info.col.value", ""),
            ("info.col.code", ' class="tech-name"'),
        )
    )
    rows = "".join(
        f"<tr><td>{escape(f.description or f.name, quote=False)}</td>"
        f"<td>{escape(field_value(f.name, f.value, lang), quote=False)}</td>"
        f'<td class="tech-name"><code>{escape(f.name, quote=False)}</code></td></tr>'
        for f in fields
    )
    caption = f'<caption class="visually-hidden">{escape(t(lang, "info.heading"), quote=False)}</caption>'
    return (
        f'<table class="table table-sm table-striped info-table">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def row_limit(show_all: bool | None, settings: DashSettings) -> int | None:
    """How many fields to draw before a search: all of them once the user has asked to."""
    return None if show_all else settings.info_rows


def render_empty(lang: str) -> Any:
    return empty(t(lang, "info.empty"))


def search(
    api: ScoringApi, data: dict[str, Any] | None, query: str | None, lang: str, limit: int | None
) -> tuple[Any, Any, Any]:
    """(table, status message, status hidden) for a search or 'show every field'. The page does not keep the
    client's file (hundreds of fields, about 50 kB per lookup): it is read again from the service, which keeps
    it."""
    if not data:
        return render_empty(lang), no_update, no_update
    try:
        info = api.get_client(data["client_id"], language=lang)
    except ScoringError as exc:
        return no_update, *problems.show(exc, lang)
    return render_info(info, query, lang, limit), no_update, no_update


def render_info(info: ClientInfo, query: str | None, lang: str, limit: int | None = None) -> html.Div:
    needle = _fold(query or "").strip()
    rows = [
        f
        for f in info.fields
        if not needle or needle in _fold(f"{f.description} {f.name} {field_value(f.name, f.value, lang)}")
    ]
    if not needle and limit is not None and len(rows) > limit:
        rows, count = rows[:limit], t(lang, "info.count_some", shown=limit, n=len(rows))
    else:
        count = t(lang, "info.count", n=len(rows), total=len(info.fields))
    return html.Div(
        [
            html.P(count, id=ids.INFO_COUNT),
            html.Div(
                dcc.Markdown(table_html(rows, lang), dangerously_allow_html=True),
                className="table-responsive info-scroll",
                tabIndex=0,
                role="region",
                **attrs({"aria-label": t(lang, "info.heading")}),
            ),
        ],
        **attrs({"data-client": str(info.client_id)}),
    )


def layout(lang: str) -> html.Div:
    search_box = html.Div(
        [
            dbc.Label(t(lang, "info.search"), html_for=ids.INFO_SEARCH),
            dbc.Input(id=ids.INFO_SEARCH, type="search", debounce=0.3, autoComplete="off"),
            dbc.Switch(id=ids.INFO_ALL, label=t(lang, "info.all"), value=False, className="mt-2"),
            dbc.Switch(id=ids.INFO_CODES, label=t(lang, "info.codes"), value=False),
        ],
        className="mb-2",
    )
    section = panel(
        ids.INFO_HEADING, t(lang, "info.heading"), ids.INFO_BODY, render_empty(lang), extra=[search_box]
    )
    return html.Div(section, id=ids.INFO_PANEL)  # 'show-tech-names' when the technical names are asked for


def register(app: Dash, api: ScoringApi, settings: DashSettings) -> None:
    """A search or 'show every field' redraws the table; a new client is drawn by the lookup. The technical names
    are shown or hidden in the browser (a class on the panel), without a round trip."""

    app.clientside_callback(
        "function(on) { return on ? 'show-tech-names' : ''; }",
        Output(ids.INFO_PANEL, "className"),
        Input(ids.INFO_CODES, "value"),
    )

    @app.callback(
        Output(ids.INFO_BODY, "children", allow_duplicate=True),
        *problems.status_outputs(),
        Input(ids.INFO_SEARCH, "value"),
        Input(ids.INFO_ALL, "value"),
        State(ids.CLIENT_STORE, "data"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def _render(query, show_all, data, lang):  # type: ignore[no-untyped-def]
        return search(api, data, query, lang, row_limit(show_all, settings))
