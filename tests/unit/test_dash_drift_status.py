"""The drift status page written by the monitor is served to logged-in analysts only, and its absence is said."""

from __future__ import annotations

from pathlib import Path

from dash_app import auth
from dash_app.app import create_app
from dash_app.settings import DashSettings
from drift.status_files import write_status
from tests.dash_fake_api import FakeScoringApi
from tests.dash_login import login

PASSWORD = "correct horse"


def _client(folder: Path):  # type: ignore[no-untyped-def]
    settings = DashSettings(drift_status_dir=folder)
    app = create_app(settings, FakeScoringApi(), accounts={"anne": auth.hash_password(PASSWORD, n=2**12)})
    return app.server.test_client()


def test_drift_page_needs_a_session(tmp_path: Path) -> None:
    client = _client(tmp_path)
    assert client.get("/drift/").status_code == 302


def test_no_status_yet_says_which_command_writes_it(tmp_path: Path) -> None:
    client = _client(tmp_path)
    login(client, PASSWORD)
    answer = client.get("/drift/")
    assert answer.status_code == 404
    assert "python -m drift monitor" in answer.get_data(as_text=True)


def test_the_monitors_status_page_is_served(tmp_path: Path) -> None:
    write_status(tmp_path, {"status": "alert", "message": "Dérive sur 3 variables importantes."})
    client = _client(tmp_path)
    login(client, PASSWORD)
    answer = client.get("/drift/")
    assert answer.status_code == 200
    assert "Dérive sur 3 variables importantes." in answer.get_data(as_text=True)
    assert client.get("/drift/settings.py").status_code == 404  # only the monitor's two pages are served
    layout = client.get("/_dash-layout").get_json()
    assert "/drift/" in _hrefs(layout)  # linked from the page's header


def _hrefs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["href"]] if isinstance(node.get("href"), str) else []
        return own + [h for value in node.values() for h in _hrefs(value)]
    if isinstance(node, list):
        return [h for value in node for h in _hrefs(value)]
    return []


def test_the_drift_report_runs_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "latest-report.html").write_text("<script>document.title = document.cookie</script>")
    client = _client(tmp_path)
    login(client, PASSWORD)
    answer = client.get("/drift/latest-report.html")
    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox") and "allow-same-origin" not in policy  # an opaque origin: no cookie
