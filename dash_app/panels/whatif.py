"""What-if: change a few fields of the client's application and see the new score and decision beside the
current one. The service recomputes the features exactly as in training; the client's file is not changed."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from dash_app import ids
from dash_app.i18n import fmt_pct, fmt_points, t
from dash_app.panels import problems
from dash_app.panels.common import decision_badge, empty, panel
from dash_app.store import info_from_dict, result_from_dict
from scoring_service.domain import FeatureValue, ScoreRequest, ScoreResult, ScoringApi
from scoring_service.errors import ScoringError

DAYS_PER_YEAR = 365.25
# (input id, application field, label key); employment is typed in years and sent as DAYS_EMPLOYED (negative days)
FIELDS: tuple[tuple[str, str, str], ...] = (
    (ids.WI_INCOME, "AMT_INCOME_TOTAL", "whatif.income"),
    (ids.WI_CREDIT, "AMT_CREDIT", "whatif.credit"),
    (ids.WI_ANNUITY, "AMT_ANNUITY", "whatif.annuity"),
    (ids.WI_GOODS, "AMT_GOODS_PRICE", "whatif.goods"),
    (ids.WI_EMPLOYED, "DAYS_EMPLOYED", "whatif.employed"),
)


def prefill(data: dict[str, Any] | None) -> list[float | None]:
    """The client's current values, in FIELDS order (employment in whole years; none when not employed)."""
    if not data:
        return [None] * len(FIELDS)
    values = {f.name: f.value for f in info_from_dict(data["info"]).fields}
    out: list[float | None] = []
    for _, name, _ in FIELDS:
        value = values.get(name)
        if not isinstance(value, int | float):
            out.append(None)
        elif name == "DAYS_EMPLOYED":
            out.append(round(-value / DAYS_PER_YEAR, 1) if value <= 0 else None)
        else:
            out.append(round(float(value), 2))
    return out


def waiting(data: dict[str, Any] | None, lang: str) -> html.P:
    """The result area before a simulation: an invitation to choose a client, or to change a field."""
    return empty(t(lang, "whatif.empty" if not data else "whatif.help"))


def to_request_values(raw: list[Any], lang: str) -> tuple[dict[str, FeatureValue], str]:
    """The values to send, or the sentence naming the first field that is not a number >= 0."""
    values: dict[str, FeatureValue] = {}
    for (_, name, key), value in zip(FIELDS, raw, strict=True):
        if value in (None, ""):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            return {}, t(lang, "whatif.invalid", field=t(lang, key))
        if number < 0 or number != number:
            return {}, t(lang, "whatif.invalid", field=t(lang, key))
        values[name] = -round(number * DAYS_PER_YEAR) if name == "DAYS_EMPLOYED" else number
    return values, ""


def comparison(current: ScoreResult, new: ScoreResult, lang: str) -> html.Div:
    def column(title: str, result: ScoreResult, id_: str) -> dbc.Col:
        return dbc.Col(
            [
                html.H3(title, className="fs-6"),
                html.P(fmt_pct(result.probability, lang), className="big-number"),
                decision_badge(result.decision, lang),
            ],
            id=id_,
            xs=6,
        )

    old_words = t(lang, f"decision.{current.decision.value}")
    new_words = t(lang, f"decision.{new.decision.value}")
    flip = (
        t(lang, "whatif.same", new=new_words)
        if new.decision is current.decision
        else t(lang, "whatif.flip", old=old_words, new=new_words)
    )
    return html.Div(
        [
            dbc.Row(
                [
                    column(t(lang, "whatif.current"), current, ids.WI_CURRENT),
                    column(t(lang, "whatif.new"), new, ids.WI_NEW),
                ]
            ),
            html.P(
                t(
                    lang,
                    "whatif.delta",
                    old=fmt_pct(current.probability, lang),
                    new=fmt_pct(new.probability, lang),
                    delta=fmt_points(new.probability - current.probability, lang),
                )
                + " "
                + flip,
                className="lead-sentence mt-2",
            ),
        ]
    )


def simulate(api: ScoringApi, data: dict[str, Any] | None, raw: list[Any], lang: str) -> tuple[Any, Any, Any]:
    """(result block, status message, status hidden)."""
    if not data:
        return empty(t(lang, "whatif.empty")), no_update, no_update
    values, problem = to_request_values(raw, lang)
    if problem:
        return html.P(problem, className="field-error", role="alert"), no_update, no_update
    current = result_from_dict(data["score"])
    try:
        new = api.score(
            ScoreRequest(client_id=data["client_id"], values=values, explain=False, language=lang)
        )
    except ScoringError as exc:
        return no_update, *problems.show(exc, lang)
    return comparison(current, new, lang), no_update, no_update


def layout(lang: str) -> html.Section:
    inputs = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t(lang, key), html_for=id_),
                    dbc.Input(id=id_, type="number", min=0, step="any", inputMode="decimal"),
                ],
                md=4,
                lg=2,
            )
            for id_, _, key in FIELDS
        ]
        + [
            dbc.Col(
                dbc.Button(t(lang, "whatif.run"), id=ids.WI_RUN, n_clicks=0, className="mt-4"), md=4, lg=2
            )
        ],
        className="g-2 align-items-start",
    )
    return panel(
        ids.WHATIF_HEADING,
        t(lang, "whatif.heading"),
        ids.WI_RESULT,
        empty(t(lang, "whatif.empty")),
        extra=[html.P(t(lang, "whatif.help"), className="form-text"), inputs],
        live=True,
    )


def register(app: Dash, api: ScoringApi) -> None:
    @app.callback(
        output=[Output(ids.WI_RESULT, "children", allow_duplicate=True), *problems.status_outputs()],
        inputs={"_n": Input(ids.WI_RUN, "n_clicks")},
        state={
            "values": [State(id_, "value") for id_, _, _ in FIELDS],
            "data": State(ids.CLIENT_STORE, "data"),
            "lang": State(ids.LANG_STORE, "data"),
        },
        prevent_initial_call=True,
    )
    def _run(_n, values, data, lang):  # type: ignore[no-untyped-def]
        return simulate(api, data, list(values), lang)
