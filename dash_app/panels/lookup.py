"""A client's lookup: the id typed, picked in the list or given in the address is checked (malformed or unknown
ids get a sentence saying what is wrong), the client is fetched once, and every panel that shows the client is drawn
in the same answer.

One answer rather than a store that each panel reads in a second round trip: the browser then updates the page
once instead of five times, and a lookup is mostly the browser's work (docs/benchmarks.md). The client is still
kept in the store, which the panels' own controls (comparison choices, information search, what-if) read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, ctx, no_update

from dash_app import ids
from dash_app.i18n import t
from dash_app.panels import client_info, comparison, explanation, problems, score, whatif
from dash_app.panels.common import decision_words
from dash_app.panels.search import FILTER_IDS
from dash_app.settings import DashSettings
from dash_app.store import client_to_store
from scoring_service.domain import ClientInfo, ScoreRequest, ScoreResult, ScoringApi
from scoring_service.errors import NotFound, ScoringError

CLIENT_ID = re.compile(r"^\d{6}$")


def parse_client_id(raw: str | None, lang: str) -> tuple[int | None, str]:
    """The id as an int, or None and the sentence that says what is wrong with it."""
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return None, t(lang, "error.id_empty")
    if not CLIENT_ID.match(text):
        return None, t(lang, "error.id_format", value=(raw or "").strip()[:20])
    return int(text), ""


@dataclass(frozen=True)
class Client:
    """One lookup's answer: the objects the panels draw from, and the same client as kept in the browser's store
    (the panels' own controls read it later). The panels are drawn from the objects, not rebuilt from the store."""

    result: ScoreResult
    info: ClientInfo
    store: dict[str, Any]


def fetch(api: ScoringApi, client_id: int, lang: str, settings: DashSettings) -> Client:
    """The one fetch per id: the score with its explanation, and the client's information."""
    result = api.score(ScoreRequest(client_id=client_id, explain=True, top_k=settings.top_k, language=lang))
    info = api.get_client(client_id, language=lang)
    words = decision_words(result.decision, lang)
    return Client(
        result,
        info,
        client_to_store(
            result,
            info,
            t(lang, "title.client", id=client_id, decision=words),
            kept=[name for _, name, _ in whatif.FIELDS],
        ),
    )


def fetch_client(api: ScoringApi, client_id: int, lang: str, settings: DashSettings) -> dict[str, Any]:
    """The store of one client (fetch's)."""
    return fetch(api, client_id, lang, settings).store


def load(
    api: ScoringApi, settings: DashSettings, raw_id: str | None, lang: str
) -> tuple[Client | None, str, bool, str, bool]:
    """(client or None, feedback, invalid, status message, status hidden) for an id typed or picked."""
    client_id, problem = parse_client_id(raw_id, lang)
    if client_id is None:  # the client already shown stays; the field says what is wrong
        return None, problem, True, *problems.clear()
    try:
        client = fetch(api, client_id, lang, settings)
    except NotFound:
        return None, t(lang, "error.id_unknown", id=client_id), True, *problems.clear()
    except ScoringError as exc:
        return None, "", False, *problems.show(exc, lang)
    return client, "", False, *problems.clear()


def load_client(
    api: ScoringApi, settings: DashSettings, raw_id: str | None, lang: str
) -> tuple[Any, str, bool, str, bool]:
    """(store, feedback, invalid, status message, status hidden) for an id typed or picked."""
    client, *rest = load(api, settings, raw_id, lang)
    return (no_update if client is None else client.store), *rest  # type: ignore[return-value]


@dataclass(frozen=True)
class PanelState:
    """What the user has chosen in the panels, kept from one client to the next."""

    feature: str | None = None
    second: str | None = None
    group: str | None = None
    filters: tuple[str | None, ...] = (None,) * len(FILTER_IDS)
    info_query: str | None = None
    info_all: bool = False


PANEL_OUTPUTS = [
    Output(ids.SCORE_BODY, "children"),
    *explanation.OUTPUTS,
    Output(ids.INFO_BODY, "children", allow_duplicate=True),
    *comparison.OUTPUTS,
    *(Output(id_, "value") for id_, _, _ in whatif.FIELDS),
    Output(ids.WI_RESULT, "children", allow_duplicate=True),
]
PANEL_STATES = {  # named as PanelState's fields
    "feature": State(ids.CMP_FEATURE, "value"),
    "second": State(ids.CMP_SECOND, "value"),
    "group": State(ids.CMP_GROUP, "value"),
    "filters": [State(i, "value") for i in FILTER_IDS],
    "info_query": State(ids.INFO_SEARCH, "value"),
    "info_all": State(ids.INFO_ALL, "value"),
}


def client_panels(
    api: ScoringApi, settings: DashSettings, client: Client | None, state: PanelState, lang: str
) -> tuple[list[Any], tuple[Any, Any]]:
    """(every panel's content in PANEL_OUTPUTS order, the comparison's status) for `client` (None: the empty
    states). The comparison does not wait for the feature list of the page: when none is chosen yet (a link, a
    reload, a language switch), it compares on the model's most important features."""
    data = None if client is None else client.store
    feature, second = state.feature, state.second
    if data and not feature:
        feature, second = comparison.default_features(api, lang)
    cmp_parts, cmp_message, cmp_hidden = comparison.compare(
        api, settings, data, feature, second, state.group, list(state.filters), lang
    )
    limit = client_info.row_limit(state.info_all, settings)
    if client is None:
        drawn = [
            score.render(None, lang),
            *explanation.render(None, lang),
            client_info.render_empty(lang),
        ]
    else:
        client_id = client.info.client_id
        drawn = [
            score.render_result(client.result, client_id, lang),
            *explanation.render_result(client.result, client_id, lang),
            client_info.render_info(client.info, state.info_query, lang, limit),
        ]
    panels = [
        *drawn,
        *cmp_parts,
        *whatif.prefill_info(None if client is None else client.info, lang),
        whatif.waiting(data, lang),
    ]
    return panels, (cmp_message, cmp_hidden)


def look_up(
    api: ScoringApi, settings: DashSettings, raw_id: str | None, state: PanelState, lang: str
) -> tuple[Any, ...]:
    """The callback's whole answer: store, feedback, invalid, the id shown, status message and visibility, then
    the panels."""
    client, feedback, invalid, message, hidden = load(api, settings, raw_id, lang)
    if client is None:  # a wrong id or a failed service: the panels keep the client already shown
        return no_update, feedback, invalid, raw_id, message, hidden, *([no_update] * len(PANEL_OUTPUTS))
    panels, (cmp_message, cmp_hidden) = client_panels(api, settings, client, state, lang)
    if cmp_hidden is False:  # the comparison's call failed: say so, the rest is shown
        message, hidden = cmp_message, cmp_hidden
    return client.store, feedback, invalid, raw_id, message, hidden, *panels


def register(app: Dash, api: ScoringApi, settings: DashSettings) -> None:
    @app.callback(
        output=[
            Output(ids.CLIENT_STORE, "data"),
            Output(ids.CLIENT_ID_FEEDBACK, "children"),
            Output(ids.CLIENT_ID_INPUT, "invalid"),
            Output(ids.CLIENT_ID_INPUT, "value"),
            *problems.status_outputs(),
            *PANEL_OUTPUTS,
        ],
        inputs={
            "_submit": Input(ids.CLIENT_ID_SUBMIT, "n_clicks"),
            "_enter": Input(ids.CLIENT_ID_INPUT, "n_submit"),
            "picked": Input(ids.PICKED, "data"),
            "_retry": Input(ids.RETRY, "n_clicks"),
            "search": Input(ids.URL, "search"),
        },
        state={
            "raw_id": State(ids.CLIENT_ID_INPUT, "value"),
            "lang": State(ids.LANG_STORE, "data"),
            **PANEL_STATES,
        },
        prevent_initial_call="initial_duplicate",
    )
    def _on_client(_submit, _enter, picked, _retry, search, raw_id, lang, **chosen):  # type: ignore[no-untyped-def]
        skip = (no_update,) * (6 + len(PANEL_OUTPUTS))
        trigger = ctx.triggered_id
        if trigger == ids.PICKED:
            if not picked:
                return skip
            raw_id = str(picked)
        elif trigger == ids.URL or trigger is None:
            wanted = parse_qs((search or "").lstrip("?")).get("client")
            if not wanted:
                return skip
            raw_id = wanted[0]
        elif trigger == ids.RETRY and not raw_id:
            return skip
        state = PanelState(
            **{**chosen, "filters": tuple(chosen["filters"]), "info_all": bool(chosen["info_all"])}
        )
        answer = look_up(api, settings, raw_id, state, lang)
        if trigger in (ids.PICKED, ids.URL, None):
            return answer
        # the id came from the field: leave the field alone, so that an answer arriving late (a retry against a
        # service that is down) never overwrites what the user has typed since
        return (*answer[:3], no_update, *answer[4:])
