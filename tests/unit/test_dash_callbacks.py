"""Callbacks as plain functions against a fake ScoringApi: what each one shows for good input, bad input and
a service that is down."""

from __future__ import annotations

import json
from dataclasses import replace

import plotly.graph_objects as go
import pytest
from dash import no_update

from dash_app.panels import client_info, comparison, explanation, importance, lookup, score, search, whatif
from dash_app.settings import DashSettings
from dash_app.store import result_from_dict
from scoring_service.domain import Decision, PeerGroup
from scoring_service.errors import DeadlineExceeded, InvalidArgument, Unavailable
from tests.dash_fake_api import FakeScoringApi

SETTINGS = DashSettings(top_k=3)
ANY6 = [search.ANY] * 6


def text_of(component: object) -> str:
    """All the text a component tree would show (its JSON, enough to look for sentences)."""
    return json.dumps(
        component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
        default=lambda o: o.to_plotly_json(),
        ensure_ascii=False,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100001", 100001),
        (" 100 001 ", 100001),
        ("", None),
        ("12345", None),
        ("1000011", None),
        ("abcdef", None),
    ],
)
def test_parse_client_id(raw: str, expected: int | None) -> None:
    value, problem = lookup.parse_client_id(raw, "fr")
    assert value == expected
    assert (problem == "") == (expected is not None)


def test_malformed_id_says_what_is_wrong_without_calling_the_service() -> None:
    api = FakeScoringApi()
    store, feedback, invalid, _, hidden = lookup.load_client(api, SETTINGS, "12a45", "fr")
    assert store is no_update and invalid and hidden  # the client already shown stays
    assert "« 12a45 » n'est pas un identifiant valide : il faut exactement 6 chiffres" in feedback
    assert api.calls == []
    assert "Type the client id" in lookup.load_client(api, SETTINGS, "", "en")[1]


def test_unknown_id_is_named_in_the_message() -> None:
    store, feedback, invalid, _, _ = lookup.load_client(FakeScoringApi(), SETTINGS, "999999", "en")
    assert store is no_update and invalid
    assert feedback == "No client has the id 999999 in the portfolio. Check the number or use the filters."


def test_one_fetch_per_id_fills_the_store_every_panel_reads() -> None:
    api = FakeScoringApi()
    store, feedback, invalid, message, hidden = lookup.load_client(api, SETTINGS, "100003", "fr")
    assert feedback == "" and not invalid and message == "" and hidden
    assert [name for name, _ in api.calls] == ["score", "get_client"]
    request = api.calls[0][1]
    assert request.explain and request.top_k == 3 and request.language == "fr"
    assert (
        store["client_id"] == 100003 and store["title"] == "Client 100003 — Crédit refusé — Prêt à dépenser"
    )
    json.dumps(store)  # the store must be plain JSON
    panel = text_of(score.render(store, "fr"))
    assert "Crédit refusé" in panel and "✖" in panel and "dépasse de" in panel
    assert "augmentent le risque." in text_of(explanation.render(store, "fr"))
    assert "Revenu annuel du client" in text_of(client_info.search(api, store, None, "fr", None)[0])
    # the page keeps the score and the values the what-if edits, not the client's whole file
    assert set(store["values"]) <= {name for _, name, _ in whatif.FIELDS} and "info" not in store


@pytest.mark.parametrize(
    ("error", "words"),
    [(Unavailable("down"), "ne répond pas"), (DeadlineExceeded("slow"), "trop de temps")],
)
def test_service_down_or_slow_keeps_the_page_and_shows_a_friendly_message(
    error: Exception, words: str
) -> None:
    api = FakeScoringApi(fail_with=error)  # type: ignore[arg-type]
    store, feedback, invalid, message, hidden = lookup.load_client(api, SETTINGS, "100001", "fr")
    assert store is no_update and not invalid and feedback == ""
    assert words in message and not hidden
    assert "Traceback" not in message


def test_empty_panels_invite_to_choose_a_client() -> None:
    assert "Choisissez un client" in text_of(score.render(None, "fr"))
    assert "Choose a client" in text_of(client_info.render_empty("en"))


def test_client_information_search_ignores_case_and_accents() -> None:
    api = FakeScoringApi()
    store = lookup.fetch_client(api, 100001, "fr", SETTINGS)
    found = text_of(client_info.search(api, store, "ECHEANCE", "fr", None)[0])
    assert api.calls[-1] == ("get_client", 100001)  # read again from the service
    assert "Montant de l'échéance" in found and "Revenu annuel" not in found
    assert "1 informations sur 7." in found


def test_client_information_draws_the_first_rows_until_a_search_or_show_all() -> None:
    info = FakeScoringApi().get_client(100001, "fr")
    first = client_info.render_info(info, None, "fr", limit=5)
    assert "5 premières informations affichées sur 7" in text_of(first)
    assert text_of(first).count("<tr>") == 1 + 5  # header and five fields
    every = client_info.render_info(info, None, "fr", limit=None)
    assert "7 informations sur 7." in text_of(every) and text_of(every).count("<tr>") == 1 + 7
    # a search looks through every field, whatever the limit
    assert "1 informations sur 7." in text_of(client_info.render_info(info, "ECHEANCE", "fr", limit=5))


def test_filters_narrow_the_list_and_reset_to_the_first_page() -> None:
    api = FakeScoringApi()
    table, page, prev_disabled, next_disabled, _, _ = search.search_list(
        api, ["M", search.ANY, "", None, search.ANY, "refused"], 0, "fr", 20
    )
    filters = api.calls[0][1]
    assert filters.gender == "M" and filters.decision is Decision.REFUSED and filters.age_band is None
    text = text_of(table)
    assert "100003" in text and "100001" not in text and "Homme" in text
    assert page == 0 and prev_disabled and next_disabled
    empty = search.search_list(api, ["M", "", "", "", "", "granted"], 0, "fr", 20)[0]
    assert "Aucun client ne correspond" in text_of(empty)


def test_model_info_feeds_importance_and_the_feature_choices() -> None:
    model, message, hidden = importance.load_model(FakeScoringApi(), "fr")
    assert hidden and message == "" and model["version"] == "7"
    fig, alt = importance.render(model, "AMT_CREDIT", "fr")
    assert go.Figure(fig).data[0].y[1].startswith("▶") and alt.startswith("Importance globale")
    options, first, second = comparison.feature_options(model, "fr")
    assert first == "EXT_SOURCE_MEAN" and second == "AMT_CREDIT" and len(options) == 4
    down = importance.load_model(FakeScoringApi(fail_with=Unavailable("x")), "en")
    assert down[0] is no_update and "not answering" in down[1] and down[2] is False


def test_clicking_a_bar_selects_its_feature() -> None:
    assert importance.selected_feature({"points": [{"customdata": "AMT_CREDIT"}]}) == "AMT_CREDIT"
    assert importance.selected_feature(None) is no_update


def test_comparison_with_the_filtered_group_sends_the_search_filters() -> None:
    api = FakeScoringApi()
    store = lookup.fetch_client(api, 100001, "fr", SETTINGS)
    body, _, _ = comparison.compare(
        api, SETTINGS, store, "AMT_CREDIT", "AMT_INCOME_TOTAL", "filtered", ["F", *ANY6[1:]], "fr"
    )
    request = api.calls[-1][1]
    assert request.group is PeerGroup.FILTERED and request.filters.gender == "F"
    assert request.k == SETTINGS.similar_k and request.second_feature == "AMT_INCOME_TOTAL"
    text = text_of(body)
    assert "67e centile" in text and "étoile" in text and "taux de défaut observé 8,0" in text
    parts, _, _ = comparison.compare(api, SETTINGS, store, "AMT_CREDIT", "", "similar", ANY6, "fr")
    assert api.calls[-1][1].filters is None and api.calls[-1][1].second_feature is None
    # without a second feature the scatter is collapsed, its last figure kept, and the panel says why
    assert parts[4:7] == [no_update, "", "chart chart-off"] and parts[3] == "chart"
    assert "Choisissez une seconde variable" in text_of(parts[7])


def test_what_if_shows_the_new_score_beside_the_current_one_with_the_reasons_that_changed() -> None:
    api = FakeScoringApi()
    store = lookup.fetch_client(api, 100005, "fr", SETTINGS)
    raw = whatif.prefill(store, "fr")
    assert raw == [
        "150\u202f000",
        "450\u202f000",
        "22\u202f500",
        "405\u202f000",
        "10",
    ]  # as the page writes numbers
    raw[1] = "900 000"  # twice the credit: the decision flips
    block, _, _, *fields = whatif.simulate(api, store, raw, "fr")
    assert fields == [False] * 5 + [""] * 5
    sent = api.calls[-1][1]
    assert sent.client_id == 100005 and sent.values["AMT_CREDIT"] == 900000.0 and sent.explain
    assert sent.values["DAYS_EMPLOYED"] == -3652
    text = text_of(block)
    assert "Actuel" in text and "Simulation" in text and "La décision change : accordé → refusé." in text
    assert "pèse" in text  # the reasons that changed


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("-5", "“Annual income” must be a positive number."),
        ("", "Type the “Annual income”."),
        ("abc", "“abc” is not a number"),
        ("1e12", "“1e12” is not a number"),
        ("500000000", "“Annual income” must be between 1 and 100,000,000"),
    ],
)
def test_what_if_says_in_the_field_what_is_wrong_and_gives_no_result(raw: str, words: str) -> None:
    api = FakeScoringApi()
    store = lookup.fetch_client(api, 100001, "en", SETTINGS)
    calls = len(api.calls)
    current = whatif.prefill(store, "en")
    block, _, _, *fields = whatif.simulate(api, store, [raw, "300000", *current[2:]], "en")
    invalid, messages = fields[:5], fields[5:]
    assert invalid == [True, False, False, False, False]
    assert messages[0].startswith(words) and messages[1:] == [""] * 4
    assert "points" not in text_of(block)  # no result reported
    assert len(api.calls) == calls


def test_numbers_typed_the_french_or_the_english_way() -> None:
    assert whatif.parse_number("1 008 881,69") == 1008881.69
    assert whatif.parse_number("1\u202f008\u202f881,69 €") == 1008881.69
    assert whatif.parse_number("1,008,881.69") == 1008881.69
    assert whatif.parse_number("12,5") == 12.5
    assert whatif.parse_number("douze") is None


def test_what_if_reports_a_rejected_request_in_words() -> None:
    api = FakeScoringApi()
    store = lookup.fetch_client(api, 100001, "fr", SETTINGS)
    api.fail_with = InvalidArgument("AMT_CREDIT must be finite.", field="AMT_CREDIT")
    block, message, hidden, *_ = whatif.simulate(
        api, store, ["1", "2", *whatif.prefill(store, "fr")[2:]], "fr"
    )
    assert block is no_update and hidden is False
    assert message == "Le service de score a refusé la demande : AMT_CREDIT must be finite."


def test_a_pick_is_the_clicked_button_and_appearing_buttons_pick_nothing() -> None:
    one = {"type": "pick-client", "client": 100003}
    assert search.picked_client(one, [{"prop_id": "x.n_clicks", "value": 1}]) == 100003
    appeared = [{"prop_id": "a.n_clicks", "value": 0}, {"prop_id": "b.n_clicks", "value": 0}]
    assert search.picked_client(one, appeared) is no_update
    assert search.picked_client(one, [{"prop_id": "a.n_clicks", "value": 0}]) is no_update


def test_client_information_escapes_html_from_the_data() -> None:
    fields = list(FakeScoringApi().get_client(100001, "fr").fields)
    fields[0] = replace(fields[0], value="<script>alert(1)</script>")
    html_text = client_info.table_html(fields, "fr")
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text


def test_the_reasons_details_are_one_block_of_escaped_html() -> None:
    """Every reason opened to its features: one HTML block, not a Dash component per feature (Dash's renderer
    visits each component on every change of the page); text from the data never becomes markup."""
    store = lookup.fetch_client(FakeScoringApi(), 100001, "fr", SETTINGS)
    more = text_of(explanation.render(store, "fr")[4])
    assert more.count('"namespace"') <= 4  # the heading, the block and its wrapper
    reasons = result_from_dict(store["score"]).reasons
    assert reasons is not None
    block = explanation.details_html(reasons, "fr")
    assert block.count("<details") == len(reasons.groups) and "<li>" in block
    marked = replace(reasons, groups=(replace(reasons.groups[0], name="<img src=x onerror=alert(1)>"),))
    assert "<img" not in explanation.details_html(marked, "fr")
    assert "&lt;img src=x" in explanation.details_html(marked, "fr")


def test_a_search_in_the_clients_file_while_the_service_is_down_says_so_and_keeps_the_table() -> None:
    store = lookup.fetch_client(FakeScoringApi(), 100001, "fr", SETTINGS)
    table, message, hidden = client_info.search(
        FakeScoringApi(fail_with=Unavailable("down")), store, "revenu", "fr", None
    )
    assert table is no_update and hidden is False and "ne répond pas" in message
