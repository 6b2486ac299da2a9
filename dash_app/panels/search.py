"""Find a client: the id field, and the filters that narrow a list to pick from. A pick goes to its own store,
which the lookup (panels/lookup.py) follows like a typed id."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from common.numbers import fmt_number
from dash_app import ids
from dash_app.i18n import fmt_pct, label, t
from dash_app.panels import status
from dash_app.panels.common import attrs
from dash_app.settings import DashSettings
from scoring_service.domain import (
    AGE_BANDS,
    CONTRACT_TYPES,
    FAMILY_STATUSES,
    INCOME_BANDS,
    ClientFilters,
    ClientPage,
    ClientSummary,
    Decision,
    ScoringApi,
)
from scoring_service.errors import ScoringError

ANY = "any"  # the value of "any" in every filter
FILTER_IDS = (
    ids.FILTER_GENDER,
    ids.FILTER_AGE,
    ids.FILTER_INCOME,
    ids.FILTER_CONTRACT,
    ids.FILTER_FAMILY,
    ids.FILTER_DECISION,
)


def filters_from_values(values: list[str | None] | tuple[str | None, ...]) -> ClientFilters:
    """The six select values (ANY, '' or None for any), in FILTER_IDS order."""
    gender, age, income, contract, family, decision = (None if v in (None, "", ANY) else v for v in values)
    return ClientFilters(
        gender=gender,
        age_band=age,
        income_band=income,
        contract_type=contract,
        family_status=family,
        decision=Decision(decision) if decision else None,
    )


def _select(id_: str, text: str, options: list[tuple[str, str]], lang: str) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(text, html_for=id_),
            dbc.Select(
                id=id_,
                options=[{"label": t(lang, "search.any"), "value": ANY}]
                + [{"label": lab, "value": val} for val, lab in options],
                value=ANY,
            ),
        ],
        md=4,
        lg=2,
    )


def layout(lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(t(lang, "search.heading"), id="search-heading"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t(lang, "search.id_label"), html_for=ids.CLIENT_ID_INPUT),
                            dbc.InputGroup(
                                [
                                    dbc.Input(
                                        id=ids.CLIENT_ID_INPUT,
                                        type="text",
                                        inputMode="numeric",
                                        maxLength=12,
                                        autoComplete="off",
                                        debounce=True,
                                        n_submit=0,
                                    ),
                                    dbc.Button(t(lang, "search.submit"), id=ids.CLIENT_ID_SUBMIT, n_clicks=0),
                                ]
                            ),
                            html.Div(t(lang, "search.id_help"), id="client-id-help", className="form-text"),
                            html.Div(
                                id=ids.CLIENT_ID_FEEDBACK,
                                className="field-error",
                                **attrs({"aria-live": "polite"}),
                            ),
                        ],
                        md=6,
                        lg=4,
                    )
                ]
            ),
            html.H3(t(lang, "search.filters"), className="mt-3"),
            dbc.Row(
                [
                    _select(
                        ids.FILTER_GENDER,
                        t(lang, "search.gender"),
                        [(g, label(lang, "gender", g)) for g in ("F", "M")],
                        lang,
                    ),
                    _select(ids.FILTER_AGE, t(lang, "search.age"), [(a, a) for a in AGE_BANDS], lang),
                    _select(
                        ids.FILTER_INCOME, t(lang, "search.income"), [(b, b) for b in INCOME_BANDS], lang
                    ),
                    _select(
                        ids.FILTER_CONTRACT,
                        t(lang, "search.contract"),
                        [(c, label(lang, "contract", c)) for c in CONTRACT_TYPES],
                        lang,
                    ),
                    _select(
                        ids.FILTER_FAMILY,
                        t(lang, "search.family"),
                        [(f, label(lang, "family", f)) for f in FAMILY_STATUSES],
                        lang,
                    ),
                    _select(
                        ids.FILTER_DECISION,
                        t(lang, "search.decision"),
                        [(d.value, label(lang, "decision", d.value)) for d in Decision],
                        lang,
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=ids.SEARCH_RESULTS, className="mt-2", **attrs({"aria-live": "polite"})),
            html.Div(
                [
                    dbc.Button(
                        t(lang, "search.prev"),
                        id=ids.SEARCH_PREV,
                        size="sm",
                        color="secondary",
                        n_clicks=0,
                        disabled=True,
                    ),
                    dbc.Button(
                        t(lang, "search.next"),
                        id=ids.SEARCH_NEXT,
                        size="sm",
                        color="secondary",
                        n_clicks=0,
                        disabled=True,
                        className="ms-2",
                    ),
                ],
                className="mt-1",
            ),
        ],
        className="panel",
        **attrs({"aria-labelledby": "search-heading"}),
    )


def summary_line(c: ClientSummary, lang: str) -> str:
    """One client of the list in one line (a single button text: the page stays light, see docs/dashboard.md)."""
    icon = "✔" if c.decision is Decision.GRANTED else "✖"
    return " · ".join(
        [
            str(c.client_id),
            label(lang, "gender", c.gender),
            t(lang, "years", n=c.age_years),
            f"{t(lang, 'search.col.income')} {fmt_number(c.income, lang)}",
            label(lang, "contract", c.contract_type),
            f"{fmt_pct(c.probability, lang)} {icon} {label(lang, 'decision', c.decision.value)}",
        ]
    )


def results_table(page: ClientPage, lang: str) -> html.Div:
    """The matching clients as buttons: one click (or Enter) shows the client."""
    if page.total == 0:
        return html.Div(html.P(t(lang, "search.none")))
    count = t(
        lang, "search.count", total=fmt_number(page.total, lang), shown=len(page.clients), page=page.page + 1
    )
    buttons = [
        html.Button(
            summary_line(c, lang),
            id={"type": ids.PICK_CLIENT_TYPE, "client": c.client_id},
            className="btn btn-sm btn-outline-primary pick-client",
            n_clicks=0,
            type="button",
        )
        for c in page.clients
    ]
    return html.Div([html.P(count), html.Div(buttons, className="pick-list")])


def search_list(
    api: ScoringApi, values: list[str | None], page: int, lang: str, page_size: int
) -> tuple[Any, int, Any, Any, str, bool]:
    """(results, page, previous disabled, next disabled, status message, status hidden)."""
    try:
        found = api.search_clients(filters_from_values(values), page=page, page_size=page_size)
    except ScoringError as exc:
        return no_update, page, no_update, no_update, *status.show(exc, lang)
    pages = max(1, -(-found.total // found.page_size))
    return results_table(found, lang), page, page == 0, page + 1 >= pages, *status.clear()


def picked_client(trigger: Any, triggered: list[dict[str, Any]]) -> Any:
    """The id of the list button that was clicked; nothing when the buttons merely appeared."""
    if not isinstance(trigger, dict) or len(triggered) != 1 or not triggered[0].get("value"):
        return no_update
    return int(trigger["client"])


def register(app: Dash, api: ScoringApi, settings: DashSettings) -> None:
    # A pick goes through its own store: the list's buttons appearing (0 clicks) must not re-run, and so
    # cancel, a lookup in flight (Dash keeps only the latest call of a callback).
    @app.callback(
        Output(ids.PICKED, "data"),
        Input({"type": ids.PICK_CLIENT_TYPE, "client": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _on_pick(_clicks):  # type: ignore[no-untyped-def]
        return picked_client(ctx.triggered_id, ctx.triggered)

    @app.callback(
        Output(ids.SEARCH_RESULTS, "children"),
        Output(ids.SEARCH_PAGE, "data"),
        Output(ids.SEARCH_PREV, "disabled"),
        Output(ids.SEARCH_NEXT, "disabled"),
        *status.status_outputs(),
        *(Input(i, "value") for i in FILTER_IDS),
        Input(ids.SEARCH_PREV, "n_clicks"),
        Input(ids.SEARCH_NEXT, "n_clicks"),
        State(ids.SEARCH_PAGE, "data"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _on_filters(*args):  # type: ignore[no-untyped-def]
        values, page, lang = list(args[:6]), args[8] or 0, args[9]
        trigger = ctx.triggered_id
        if trigger == ids.SEARCH_PREV:
            page = max(0, page - 1)
        elif trigger == ids.SEARCH_NEXT:
            page += 1
        else:
            page = 0
        return search_list(api, values, page, lang, settings.page_size)
