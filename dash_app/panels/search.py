"""Find a client: the id field, and the filters that narrow a list to pick from. A pick goes to its own store,
which the lookup (panels/lookup.py) follows like a typed id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from common.numbers import fmt_number
from dash_app import ids
from dash_app.i18n import fmt_pct, label, t
from dash_app.panels import problems
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


@dataclass(frozen=True)
class Filter:
    """One select of the search: its id, its label's text key, and its options (value, words) in a language."""

    id: str
    text_key: str
    options: Callable[[str], list[tuple[str, str]]]


FILTERS = (
    Filter(
        ids.FILTER_GENDER, "search.gender", lambda lang: [(g, label(lang, "gender", g)) for g in ("F", "M")]
    ),
    Filter(ids.FILTER_AGE, "search.age", lambda lang: [(a, a) for a in AGE_BANDS]),
    Filter(ids.FILTER_INCOME, "search.income", lambda lang: [(b, b) for b in INCOME_BANDS]),
    Filter(
        ids.FILTER_CONTRACT,
        "search.contract",
        lambda lang: [(c, label(lang, "contract", c)) for c in CONTRACT_TYPES],
    ),
    Filter(
        ids.FILTER_FAMILY,
        "search.family",
        lambda lang: [(f, label(lang, "family", f)) for f in FAMILY_STATUSES],
    ),
    Filter(
        ids.FILTER_DECISION,
        "search.decision",
        lambda lang: [(d.value, label(lang, "decision", d.value)) for d in Decision],
    ),
)
FILTER_IDS = tuple(f.id for f in FILTERS)


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


def _select(spec: Filter, lang: str) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(t(lang, spec.text_key), html_for=spec.id),
            dbc.Select(
                id=spec.id,
                options=[{"label": t(lang, "search.any"), "value": ANY}]
                + [{"label": lab, "value": val} for val, lab in spec.options(lang)],
                value=ANY,
            ),
        ],
        md=4,
        lg=6,
    )


def layout(lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(t(lang, "search.heading"), id=ids.SEARCH_HEADING),
            dbc.Row([_id_field(lang)]),
            html.H3(t(lang, "search.filters"), className="mt-3"),
            dbc.Row([_select(spec, lang) for spec in FILTERS], className="g-2"),
            html.Div(id=ids.SEARCH_RESULTS, className="mt-2", **attrs({"aria-live": "polite"})),
            _pager(lang),
        ],
        className="panel",
        **attrs({"aria-labelledby": ids.SEARCH_HEADING}),
    )


def _id_field(lang: str) -> dbc.Col:
    """The client id, typed: Enter or the button looks it up; a malformed id is said under the field."""
    return dbc.Col(
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
            html.Div(t(lang, "search.id_help"), id=ids.CLIENT_ID_HELP, className="form-text"),
            html.Div(id=ids.CLIENT_ID_FEEDBACK, className="field-error", **attrs({"aria-live": "polite"})),
        ],
        md=6,
        lg=12,
    )


def _pager(lang: str) -> html.Div:
    def button(key: str, id_: str, **extra: Any) -> dbc.Button:
        return dbc.Button(
            t(lang, key), id=id_, size="sm", color="secondary", n_clicks=0, disabled=True, **extra
        )

    return html.Div(
        [button("search.prev", ids.SEARCH_PREV), button("search.next", ids.SEARCH_NEXT, className="ms-2")],
        className="mt-1",
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
        return no_update, page, no_update, no_update, *problems.show(exc, lang)
    pages = max(1, -(-found.total // found.page_size))
    return results_table(found, lang), page, page == 0, page + 1 >= pages, *problems.clear()


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
        output=[
            Output(ids.SEARCH_RESULTS, "children"),
            Output(ids.SEARCH_PAGE, "data"),
            Output(ids.SEARCH_PREV, "disabled"),
            Output(ids.SEARCH_NEXT, "disabled"),
            *problems.status_outputs(),
        ],
        inputs={
            "values": [Input(i, "value") for i in FILTER_IDS],
            "_prev": Input(ids.SEARCH_PREV, "n_clicks"),
            "_next": Input(ids.SEARCH_NEXT, "n_clicks"),
        },
        state={"page": State(ids.SEARCH_PAGE, "data"), "lang": State(ids.LANG_STORE, "data")},
        prevent_initial_call="initial_duplicate",
    )
    def _on_filters(values, _prev, _next, page, lang):  # type: ignore[no-untyped-def]
        values, page = list(values), page or 0
        trigger = ctx.triggered_id
        if trigger == ids.SEARCH_PREV:
            page = max(0, page - 1)
        elif trigger == ids.SEARCH_NEXT:
            page += 1
        else:
            page = 0
        return search_list(api, values, page, lang, settings.page_size)
