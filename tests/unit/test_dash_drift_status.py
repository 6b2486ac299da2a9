"""The drift page: the monitor's latest check as the scoring service passes it on, in the app's style and in plain
words (status, when, drifted features by their names, alerts in sentences, a link to the full report), for
logged-in analysts only; never a server path or a command."""

from __future__ import annotations

from dash_app import auth
from dash_app.app import create_app
from dash_app.settings import DashSettings
from scoring_service.domain import DriftedFeature, DriftStatus
from scoring_service.errors import Unavailable
from tests.dash_fake_api import FakeScoringApi
from tests.dash_login import login

PASSWORD = "correct horse"
ALERT = DriftStatus(
    status="alert",
    checked_at="2026-12-02T13:05:00+00:00",
    window_start="2026-12-01T13:05:00+00:00",
    window_end="2026-12-02T13:05:00+00:00",
    model_version="7",
    events=1234,
    drifted=(DriftedFeature("AMT_CREDIT", "Montant du crédit demandé"), DriftedFeature("NEW_COLUMN", "")),
    features_tested=40,
    alert_rules=("feature_drift_share", "a_rule_added_later"),
    has_report=True,
)


def _client(api: FakeScoringApi):  # type: ignore[no-untyped-def]
    app = create_app(DashSettings(), api, accounts={"anne": auth.hash_password(PASSWORD, n=2**12)})
    return app.server.test_client()


def test_drift_pages_need_a_session() -> None:
    client = _client(FakeScoringApi(drift=ALERT, report=b"<p>report</p>"))
    assert client.get("/drift/").status_code == 302
    assert client.get("/drift/rapport/").status_code == 302


def test_no_check_yet_is_said_without_path_or_command() -> None:
    client = _client(FakeScoringApi())
    login(client, PASSWORD)
    page = client.get("/drift/").get_data(as_text=True)
    assert "Aucun contrôle de dérive n&#x27;a encore été fait" in page
    assert "python" not in page and "/data" not in page and "latest" not in page
    assert "/assets/10-app.css" in page  # the app's own style


def test_the_latest_check_in_plain_words() -> None:
    client = _client(FakeScoringApi(drift=ALERT))
    login(client, PASSWORD)
    answer = client.get("/drift/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Dérive détectée" in page and "drift-alert" in page
    assert "02/12/2026 13:05 UTC" in page and "1234 scores" in page and "Modèle version 7" in page
    assert "Montant du crédit demandé" in page and "AMT_CREDIT" not in page
    assert "NEW_COLUMN" in page  # a feature the served model does not describe keeps its code
    assert "Variables dont la distribution a changé : 2 sur 40" in page
    assert "Trop de variables importantes ont changé de distribution." in page
    assert 'href="/drift/rapport/"' in page
    layout = client.get("/_dash-layout").get_json()
    assert "/drift/" in _hrefs(layout)  # linked from the page's header


def test_the_service_down_is_said_in_a_sentence() -> None:
    api = FakeScoringApi(drift=ALERT)
    client = _client(api)
    login(client, PASSWORD)
    api.fail_with = Unavailable("connection refused to scoring:50051")
    answer = client.get("/drift/")
    assert answer.status_code == 503
    page = answer.get_data(as_text=True)
    assert "ne répond pas" in page and "50051" not in page


def test_the_full_report_comes_from_the_service_and_runs_sandboxed() -> None:
    client = _client(FakeScoringApi(drift=ALERT, report=b"<script>document.title = document.cookie</script>"))
    login(client, PASSWORD)
    answer = client.get("/drift/rapport/")
    assert answer.status_code == 200
    assert b"document.cookie" in answer.get_data()
    policy = answer.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox") and "allow-same-origin" not in policy  # an opaque origin: no cookie


def test_no_report_yet_is_a_page_that_says_so() -> None:
    client = _client(FakeScoringApi(drift=ALERT))
    login(client, PASSWORD)
    answer = client.get("/drift/rapport/")
    assert answer.status_code == 404
    assert "pas encore disponible" in answer.get_data(as_text=True)


def _hrefs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["href"]] if isinstance(node.get("href"), str) else []
        return own + [h for value in node.values() for h in _hrefs(value)]
    if isinstance(node, list):
        return [h for value in node for h in _hrefs(value)]
    return []
