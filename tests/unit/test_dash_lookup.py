"""The lookup answers with every panel at once: a known client fills them all, a bad id empties them with a
sentence, a service failure leaves the client already shown, and a failed comparison is said without hiding the
rest."""

from __future__ import annotations

import json

from dash import no_update

from dash_app.panels import comparison, explanation, lookup, whatif
from dash_app.panels.lookup import PANEL_OUTPUTS, PanelState
from dash_app.settings import DashSettings
from scoring_service.domain import PeerComparison, PeerRequest
from scoring_service.errors import Unavailable
from tests.dash_fake_api import FakeScoringApi

SETTINGS = DashSettings(top_k=3, info_rows=5)
CHOSEN = PanelState(feature="EXT_SOURCE_MEAN", second="AMT_CREDIT", group="all")
N_WHATIF = len(whatif.FIELDS)


def text_of(component: object) -> str:
    return json.dumps(
        component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
        default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else repr(o),
        ensure_ascii=False,
    )


def unchanged(parts: object) -> bool:
    """A panel's value, or each of its values, left as it is."""
    return parts is no_update or (isinstance(parts, list) and all(p is no_update for p in parts))


def unpack(answer: tuple) -> dict[str, object]:
    store, feedback, invalid, shown_id, message, hidden, *panels = answer
    assert len(panels) == len(PANEL_OUTPUTS)
    n_why, n_cmp = len(explanation.OUTPUTS), len(comparison.OUTPUTS)
    score, why, info = panels[0], panels[1 : 1 + n_why], panels[1 + n_why]
    cmp = panels[2 + n_why : 2 + n_why + n_cmp]
    rest = panels[2 + n_why + n_cmp :]
    return {
        "store": store,
        "feedback": feedback,
        "invalid": invalid,
        "id": shown_id,
        "message": message,
        "hidden": hidden,
        "score": score,
        "why": why,
        "info": info,
        "cmp": cmp,
        "whatif": rest[:N_WHATIF],
        "whatif_result": rest[N_WHATIF],
    }


def test_a_known_client_fills_every_panel_in_one_answer() -> None:
    api = FakeScoringApi()
    out = unpack(lookup.look_up(api, SETTINGS, " 100 001", CHOSEN, "fr"))
    assert [name for name, _ in api.calls] == ["score", "get_client", "compare_peers"]
    assert out["store"]["client_id"] == 100001 and out["feedback"] == "" and not out["invalid"]
    assert out["id"] == " 100 001" and out["hidden"] is True
    for panel in ("score", "why", "info", "cmp"):
        assert '"data-client": "100001"' in text_of(out[panel]), panel
    assert "Crédit" in text_of(out["score"]) and "Les principales raisons" in text_of(out["why"])
    assert "5 premières informations affichées sur 7" in text_of(out["info"])  # the settings' info_rows
    assert "centile" in text_of(out["cmp"])
    # the mounted charts get only their figures, each naming the client it shows, and are shown
    waterfall, dist, scatter = out["why"][1:4], out["cmp"][1:4], out["cmp"][4:7]
    for figure, alt, shown in (waterfall, dist, scatter):
        assert figure["layout"]["meta"] == {"client": "100001"} and alt and shown == "chart"
    assert out["whatif"][0] == "200\u202f000" and "s'affichera ici" in text_of(out["whatif_result"])
    request = api.calls[2][1]
    assert isinstance(request, PeerRequest) and request.second_feature == "AMT_CREDIT"


def test_the_chosen_search_and_show_all_carry_over_to_the_next_client() -> None:
    state = PanelState(feature="EXT_SOURCE_MEAN", info_query="échéance", info_all=False)
    out = unpack(lookup.look_up(FakeScoringApi(), SETTINGS, "100003", state, "fr"))
    assert "1 informations sur 7." in text_of(out["info"])
    every = PanelState(feature="EXT_SOURCE_MEAN", info_all=True)
    out = unpack(lookup.look_up(FakeScoringApi(), SETTINGS, "100003", every, "fr"))
    assert "7 informations sur 7." in text_of(out["info"])


def test_a_bad_or_unknown_id_keeps_the_client_shown_and_says_what_is_wrong() -> None:
    for raw, words in (("12a45", "6 chiffres"), ("999999", "999999")):
        api = FakeScoringApi()
        out = unpack(lookup.look_up(api, SETTINGS, raw, CHOSEN, "fr"))
        assert out["store"] is no_update and out["invalid"] and words in out["feedback"]
        for panel in ("score", "why", "info", "cmp", "whatif_result"):
            assert unchanged(out[panel]), panel
        assert out["whatif"] == [no_update] * N_WHATIF
        assert "compare_peers" not in [name for name, _ in api.calls]


def test_a_service_failure_keeps_the_client_already_shown() -> None:
    out = unpack(
        lookup.look_up(FakeScoringApi(fail_with=Unavailable("down")), SETTINGS, "100001", CHOSEN, "fr")
    )
    assert out["store"] is no_update and out["hidden"] is False and "ne répond pas" in out["message"]
    for panel in ("score", "why", "info", "cmp", "whatif_result"):
        assert unchanged(out[panel]), panel
    assert out["whatif"] == [no_update] * N_WHATIF


class ComparisonDown(FakeScoringApi):
    def compare_peers(self, request: PeerRequest) -> PeerComparison:
        raise Unavailable("peers down")


def test_a_failed_comparison_is_said_and_the_rest_is_shown() -> None:
    out = unpack(lookup.look_up(ComparisonDown(), SETTINGS, "100001", CHOSEN, "fr"))
    assert out["store"]["client_id"] == 100001
    assert out["hidden"] is False and "ne répond pas" in out["message"]
    assert '"data-client": "100001"' in text_of(out["score"]) and unchanged(out["cmp"])


def test_before_the_page_knows_the_features_the_comparison_uses_the_most_important_one() -> None:
    """A link, a reload or a language switch looks the client up before the feature list reaches the page: the
    comparison is drawn all the same, in the same answer (it used to stay on 'Choisissez un client')."""
    api = FakeScoringApi()
    out = unpack(lookup.look_up(api, SETTINGS, "100001", PanelState(), "fr"))
    assert '"data-client": "100001"' in text_of(out["cmp"]) and out["hidden"] is True
    asked = [arg for name, arg in api.calls if name == "compare_peers"]
    assert [a.feature for a in asked] == [api.model_info("fr").global_importance[0].feature]  # type: ignore[attr-defined]
