"""What-if: change a few fields of the client's application and see the new score and decision beside the
current one. The service recomputes the features exactly as in training; the client's file is not changed."""

from __future__ import annotations

import re
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from common.numbers import fmt_number
from dash_app import ids
from dash_app.i18n import fmt_pct, fmt_points, t
from dash_app.panels import problems
from dash_app.panels.common import decision_badge, empty, panel
from dash_app.store import result_from_dict
from scoring_service.domain import ClientInfo, FeatureValue, ScoreRequest, ScoreResult, ScoringApi
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
# plausible range of each field (amounts in the currency, employment in years); outside it the field says so
RANGES: dict[str, tuple[float, float]] = {
    "AMT_INCOME_TOTAL": (1.0, 100_000_000.0),
    "AMT_CREDIT": (1.0, 100_000_000.0),
    "AMT_ANNUITY": (1.0, 10_000_000.0),
    "AMT_GOODS_PRICE": (1.0, 100_000_000.0),
    "DAYS_EMPLOYED": (0.0, 60.0),
}
CHANGED_REASONS = 3
CHANGE_WORTH_SAYING = 0.02  # log-odds


def feedback_id(input_id: str) -> str:
    return f"{input_id}-feedback"


def _shown(value: float, lang: str) -> str:
    """A number the way the page writes it, decimals only when it has some."""
    return fmt_number(value, lang, 0 if float(value).is_integer() else 2)


def prefill(data: dict[str, Any] | None, lang: str) -> list[str | None]:
    """The client's current values, in FIELDS order, written the way the page writes numbers (employment in years,
    none when not employed)."""
    return prefill_values(data["values"] if data else None, lang)


def prefill_info(info: ClientInfo | None, lang: str) -> list[str | None]:
    return prefill_values(None if info is None else {f.name: f.value for f in info.fields}, lang)


def prefill_values(values: dict[str, Any] | None, lang: str) -> list[str | None]:
    if values is None:
        return [None] * len(FIELDS)
    out: list[str | None] = []
    for _, name, _ in FIELDS:
        value = values.get(name)
        if not isinstance(value, int | float):
            out.append(None)
        elif name == "DAYS_EMPLOYED":
            out.append(_shown(round(-value / DAYS_PER_YEAR, 1), lang) if value <= 0 else None)
        else:
            out.append(_shown(round(float(value), 2), lang))
    return out


def waiting(data: dict[str, Any] | None, lang: str) -> html.P:
    """The result area before a simulation."""
    return empty(t(lang, "whatif.empty" if not data else "whatif.ready"))


def parse_number(text: object) -> float | None:
    """'1 008 881,69', '1,008,881.69', '1008881.69 €' -> 1008881.69; None when it is not a number."""
    if isinstance(text, int | float):
        return float(text)
    raw = (
        str(text or "").strip().replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    )
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", raw):  # English grouping
        raw = raw.replace(",", "")
    raw = raw.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
        return None
    return float(raw)


def check_field(name: str, key: str, raw: object, lang: str) -> tuple[float | None, str]:
    """(the number, "") or (None, the sentence shown under the field)."""
    field = t(lang, key)
    if raw is None or str(raw).strip() == "":
        return None, t(lang, "whatif.required", field=field)
    number = parse_number(raw)
    if number is None or number != number:
        return None, t(lang, "whatif.not_number", field=field, value=str(raw)[:20])
    if number < 0:
        return None, t(lang, "whatif.negative", field=field)
    low, high = RANGES[name]
    if not low <= number <= high:
        unit = t(lang, "whatif.years") if name == "DAYS_EMPLOYED" else ""
        return None, t(
            lang, "whatif.range", field=field, low=_shown(low, lang), high=_shown(high, lang), unit=unit
        ).replace("  ", " ")
    return number, ""


def to_request_values(
    raw: list[Any], lang: str, may_be_empty: frozenset[str] = frozenset()
) -> tuple[dict[str, FeatureValue], list[str]]:
    """The values to send, and one message per field ("" when the field is right). A field the client's file
    leaves empty (no current employment, no goods price) may stay empty."""
    values: dict[str, FeatureValue] = {}
    messages: list[str] = []
    for (_, name, key), value in zip(FIELDS, raw, strict=True):
        if name in may_be_empty and (value is None or str(value).strip() == ""):
            messages.append("")
            continue
        number, problem = check_field(name, key, value, lang)
        messages.append(problem)
        if number is not None:
            values[name] = -round(number * DAYS_PER_YEAR) if name == "DAYS_EMPLOYED" else number
    return values, messages


def changed_reasons(current: ScoreResult, new: ScoreResult, lang: str) -> list[str]:
    """The reasons whose weight moved most, said as the new result says them."""
    if current.reasons is None or new.reasons is None:
        return []
    before = {r.group: r.contribution for r in current.reasons.groups}
    moved = sorted(
        (
            r
            for r in new.reasons.groups
            if abs(r.contribution - before.get(r.group, 0.0)) >= CHANGE_WORTH_SAYING
        ),
        key=lambda r: -abs(r.contribution - before.get(r.group, 0.0)),
    )
    return [
        t(
            lang,
            "whatif.reason_more" if r.contribution > before.get(r.group, 0.0) else "whatif.reason_less",
            name=r.name,
        )
        for r in moved[:CHANGED_REASONS]
    ]


def comparison(current: ScoreResult, new: ScoreResult, lang: str) -> html.Div:
    reasons = changed_reasons(current, new, lang)

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

    old_words = t(lang, f"decision.{current.decision.value}").lower()  # mid-sentence
    new_words = t(lang, f"decision.{new.decision.value}").lower()
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
            *(
                [
                    html.P(t(lang, "whatif.reasons"), className="mb-1"),
                    html.Ul([html.Li(r) for r in reasons], id=ids.WI_REASONS),
                ]
                if reasons
                else []
            ),
        ]
    )


def simulate(api: ScoringApi, data: dict[str, Any] | None, raw: list[Any], lang: str) -> tuple[Any, ...]:
    """(result block, status message, status hidden, then each field's invalid flag and message)."""
    fine = [False] * len(FIELDS), [""] * len(FIELDS)
    if not data:
        return empty(t(lang, "whatif.empty")), no_update, no_update, *fine[0], *fine[1]
    current_values = prefill(data, lang)
    empty_now = frozenset(
        name for (_, name, _), value in zip(FIELDS, current_values, strict=True) if value is None
    )
    values, messages = to_request_values(raw, lang, empty_now)
    flags = [bool(m) for m in messages]
    if any(flags):  # said in the fields themselves; no result is given for values that were not all taken
        return empty(t(lang, "whatif.fix")), no_update, no_update, *flags, *messages
    current = result_from_dict(data["score"])
    try:
        new = api.score(ScoreRequest(client_id=data["client_id"], values=values, explain=True, language=lang))
    except ScoringError as exc:
        return no_update, *problems.show(exc, lang), *fine[0], *fine[1]
    return comparison(current, new, lang), no_update, no_update, *fine[0], *fine[1]


def layout(lang: str) -> html.Section:
    inputs = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t(lang, key), html_for=id_),
                    dbc.Input(id=id_, type="text", inputMode="decimal", autoComplete="off"),
                    dbc.FormFeedback(id=feedback_id(id_), type="invalid"),
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
        output=[
            Output(ids.WI_RESULT, "children", allow_duplicate=True),
            *problems.status_outputs(),
            *(Output(id_, "invalid") for id_, _, _ in FIELDS),
            *(Output(feedback_id(id_), "children") for id_, _, _ in FIELDS),
        ],
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
