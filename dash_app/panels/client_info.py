"""Client information: the descriptive fields with their descriptions (in the page's language, from the
service), searchable so that the client can find their own data."""

from __future__ import annotations

import unicodedata
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html

from dash_app import ids
from dash_app.i18n import fmt_value, t
from dash_app.panels.common import empty, panel
from dash_app.store import info_from_dict


def _fold(text: str) -> str:
    """Lower case without accents, so that 'revenu' finds 'Revenu' and 'age' finds 'Âge'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def render(data: dict[str, Any] | None, query: str | None, lang: str) -> Any:
    if not data:
        return empty(t(lang, "info.empty"))
    info = info_from_dict(data["info"])
    needle = _fold(query or "").strip()
    rows = [
        f
        for f in info.fields
        if not needle or needle in _fold(f"{f.description} {f.name} {fmt_value(f.value, lang)}")
    ]
    head = html.Thead(
        html.Tr(
            [html.Th(t(lang, k), scope="col") for k in ("info.col.field", "info.col.value", "info.col.code")]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(f.description or f.name),
                    html.Td(fmt_value(f.value, lang)),
                    html.Td(html.Code(f.name)),
                ]
            )
            for f in rows
        ]
    )
    return html.Div(
        [
            html.P(
                t(lang, "info.count", n=len(rows), total=len(info.fields)),
                id=ids.INFO_COUNT,
                **{"aria-live": "polite"},
            ),
            html.Div(
                dbc.Table([head, body], size="sm", striped=True, className="info-table"),
                className="table-responsive info-scroll",
                tabIndex=0,
                **{"aria-label": t(lang, "info.heading")},
            ),
        ],
        **{"data-client": str(data["client_id"])},
    )


def layout(lang: str) -> html.Section:
    search = html.Div(
        [
            dbc.Label(t(lang, "info.search"), html_for=ids.INFO_SEARCH),
            dbc.Input(id=ids.INFO_SEARCH, type="search", debounce=0.3, autoComplete="off"),
        ],
        className="mb-2",
    )
    return panel(
        "info-heading", t(lang, "info.heading"), ids.INFO_BODY, render(None, None, lang), extra=[search]
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.INFO_BODY, "children"),
        Input(ids.CLIENT_STORE, "data"),
        Input(ids.INFO_SEARCH, "value"),
        State(ids.LANG_STORE, "data"),
    )
    def _render(data, query, lang):  # type: ignore[no-untyped-def]
        return render(data, query, lang)
