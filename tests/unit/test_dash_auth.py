"""Login, sessions that expire or are revoked at logout, throttling, CSRF tokens, security headers, the language
switch and the page's lang attribute, and the service token that never reaches the browser — through Flask's
test client, no network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dash_app import auth
from dash_app.__main__ import build, main
from dash_app.app import create_app
from dash_app.settings import DashSettings
from tests import dash_login
from tests.dash_fake_api import FakeScoringApi
from tests.dash_login import form_token, logout

PASSWORD = "correct horse"
HASH = auth.hash_password(PASSWORD, n=2**12)  # cheap for the many logins here; the default is checked below


@pytest.fixture()
def client():  # type: ignore[no-untyped-def]
    app = create_app(DashSettings(session_minutes=30), FakeScoringApi(), accounts={"anne": HASH})
    return app.server.test_client()


def login(client, password: str = PASSWORD, next_url: str = "/", user: str = "anne"):  # type: ignore[no-untyped-def]
    return dash_login.login(client, password, next_url, user)


def test_hash_verifies_only_its_password_and_is_salted() -> None:
    assert auth.verify_password(PASSWORD, HASH)
    assert not auth.verify_password("wrong", HASH)
    assert auth.hash_password(PASSWORD) != HASH
    assert not auth.verify_password(PASSWORD, "md5$abc")
    assert HASH.startswith("scrypt$")


def test_every_page_and_callback_needs_a_session(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/?client=100001")
    assert page.status_code == 302 and page.location == "/login?next=%2F%3Fclient%3D100001"
    assert client.get("/_dash-layout").status_code == 401  # the page's own requests get 401, not a redirect
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/assets/10-app.css").status_code == 200  # the login page needs its CSS


def test_wrong_password_is_refused_with_a_sentence(client) -> None:  # type: ignore[no-untyped-def]
    answer = login(client, "nope")
    assert answer.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in answer.get_data(as_text=True)


def test_login_leads_to_the_french_page_with_its_lang_and_title(client) -> None:  # type: ignore[no-untyped-def]
    answer = login(client, next_url="/?client=100001")
    assert answer.status_code == 302 and answer.location == "/?client=100001"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "<title>Recherche d'un client — Prêt à dépenser</title>" in page
    assert "cdn" not in page.lower() and "https://" not in page  # everything served locally
    assert "/deps/react@" in page and "polyfill@" not in page  # no legacy polyfill slowing Plotly down


def test_login_never_redirects_off_site(client) -> None:  # type: ignore[no-untyped-def]
    assert login(client, next_url="https://evil.example/").location == "/"
    assert login(client, next_url="//evil.example/").location == "/"


def test_language_switch_changes_lang_and_layout_and_keeps_the_client(client) -> None:  # type: ignore[no-untyped-def]
    login(client)
    switched = client.get("/lang/en?next=/%3Fclient%3D100001")
    assert switched.location == "/?client=100001"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "<title>Find a client — Prêt à dépenser</title>" in page
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "Find a client" in layout and "Version française" in layout


def test_session_expires_after_inactivity(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    login(client)
    assert client.get("/_dash-layout").status_code == 200
    now = auth._now()
    monkeypatch.setattr(auth, "_now", lambda: now + 31 * 60)
    assert client.post("/_dash-update-component", json={}).status_code == 401
    expired = client.get("/")
    assert expired.status_code == 302 and "expired=1" in expired.location
    assert "Votre session a expiré" in client.get(expired.location).get_data(as_text=True)


def test_an_answer_still_in_flight_at_logout_does_not_bring_the_session_back(client) -> None:  # type: ignore[no-untyped-def]
    login(client)
    assert client.get("/_dash-layout").status_code == 200
    in_flight = client.get("/_dash-layout")  # an answer of the page, within the minute
    assert "Set-Cookie" not in in_flight.headers  # it carries no cookie that could outlive a logout
    logout(client)
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    now = [1_000_000.0]
    monkeypatch.setattr(auth, "_now", lambda: now[0])
    login(client)
    now[0] += auth.SEEN_REFRESH_SECONDS + 1
    assert client.get("/_dash-layout").status_code == 200  # renews the session's last-seen time
    now[0] += 29 * 60  # idle for less than the 30 minutes since the renewal: still in
    assert client.get("/_dash-layout").status_code == 200


def test_logout_ends_the_session(client) -> None:  # type: ignore[no-untyped-def]
    login(client)
    logout(client)
    assert client.get("/_dash-layout").status_code == 401


def test_a_session_cookie_replayed_after_logout_opens_nothing(client) -> None:  # type: ignore[no-untyped-def]
    login(client)
    cookie = client.get_cookie("session").value  # type: ignore[union-attr]
    assert logout(client).status_code == 302
    client.set_cookie("session", cookie)  # an attacker who kept a copy of the cookie
    assert client.get("/_dash-layout").status_code == 401


def test_logout_is_a_post_with_the_session_token(client) -> None:  # type: ignore[no-untyped-def]
    login(client)
    client.get("/logout")  # a link or an image cannot log anybody out
    assert client.get("/_dash-layout").status_code == 200
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/_dash-layout").status_code == 200


def test_the_login_form_needs_its_token(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    answer = client.post("/login", data={"username": "anne", "password": PASSWORD, "csrf_token": "forged"})
    assert answer.status_code == 400 and client.get("/_dash-layout").status_code == 401


def test_failed_logins_are_throttled_per_account(client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        assert login(client, "wrong").status_code == 401
    locked = login(client)  # the right password, but too late
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert "réessayez dans" in locked.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_failed_logins_are_throttled_per_address() -> None:
    accounts = {name: HASH for name in ("anne", "bruno", "carla", "denis", "emma", "farid")}
    app = create_app(DashSettings(), FakeScoringApi(), accounts=accounts)
    client = app.server.test_client()
    for name in list(accounts)[:5]:  # one wrong password for each of five accounts, from one address
        assert login(client, "wrong", user=name).status_code == 401
    assert login(client, user="farid").status_code == 429


def test_an_unknown_user_costs_one_hash_of_the_same_cost(client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    checked: list[str] = []
    real = auth.verify_password

    def spy(password: str, stored: str) -> bool:
        checked.append(stored)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", spy)
    assert login(client, "wrong", user="nobody").status_code == 401
    assert login(client, "wrong").status_code == 401
    decoy, known = checked
    assert decoy != known and decoy.split("$")[:4] == known.split("$")[:4]  # same scheme and cost: same time


def test_passwords_are_hashed_at_the_recommended_scrypt_cost() -> None:
    stored = auth.hash_password(PASSWORD)
    _, n, r, p, _, _ = stored.split("$")
    assert (int(n), int(r), int(p)) == (2**17, 8, 1) and auth.verify_password(PASSWORD, stored)


def test_pages_carry_a_content_security_policy_and_refuse_framing(client) -> None:  # type: ignore[no-untyped-def]
    for answer in (client.get("/login"), client.get("/")):
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert answer.headers["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_over_tls(client) -> None:  # type: ignore[no-untyped-def]
    token = form_token(client.get("/login", base_url="https://localhost").get_data(as_text=True))
    answer = client.post(
        "/login",
        base_url="https://localhost",
        data={"username": "anne", "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302 and "Secure" in answer.headers["Set-Cookie"]
    plain = client.get("/login", base_url="http://localhost")
    assert "Secure" not in plain.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("path", ["/loginx", "/login/../x", "/healthzx", "/login/"])
def test_look_alikes_of_public_paths_need_a_session(client, path: str) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(path)
    assert answer.status_code in (302, 401), answer.status_code


def test_the_service_token_never_reaches_the_browser() -> None:
    secret = "tok-3f9a-never-in-the-browser"
    settings = DashSettings(scoring_token=secret, scoring_address="127.0.0.1:1", accounts={"anne": HASH})
    app = build(settings)
    client = app.server.test_client()
    bodies = [client.get("/login").get_data(as_text=True)]
    login(client)
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        bodies.append(client.get(path).get_data(as_text=True))
    for name in ("20-pad.js", "10-app.css"):
        bodies.append(client.get(f"/assets/{name}").get_data(as_text=True))
    assert all(secret not in body for body in bodies)
    assert all(secret not in value for value in client.get_cookie("session").value.split("."))  # type: ignore[union-attr]


def test_accounts_come_from_the_users_file_and_settings(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    auth.add_user(users, "bruno", "a long password")
    settings = DashSettings(users_file=users, accounts={"anne": HASH})
    accounts = auth.load_accounts(settings)
    assert set(accounts) == {"anne", "bruno"} and auth.verify_password("a long password", accounts["bruno"])
    assert oct(users.stat().st_mode & 0o777) == "0o600"


def test_missing_or_broken_accounts_are_explained(tmp_path: Path) -> None:
    with pytest.raises(auth.AccountsError, match="add-user"):
        auth.load_accounts(DashSettings(users_file=tmp_path / "none.json"))
    broken = tmp_path / "users.json"
    broken.write_text("{not json")
    with pytest.raises(auth.AccountsError, match="not a JSON object"):
        auth.load_accounts(DashSettings(users_file=broken))


def test_settings_come_from_the_dash_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASH_SCORING_ADDRESS", "scoring:7000")
    monkeypatch.setenv("DASH_ACCOUNTS", json.dumps({"anne": HASH}))
    monkeypatch.setenv("DASH_SESSION_MINUTES", "5")
    settings = DashSettings()
    assert settings.scoring_address == "scoring:7000" and settings.session_minutes == 5
    assert settings.accounts == {"anne": HASH}
    monkeypatch.setenv("DASH_DEFAULT_LANGUAGE", "de")
    with pytest.raises(ValueError, match="'fr' or 'en'"):
        DashSettings()


def test_command_line_help_and_add_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0 and "DASH_SCORING_ADDRESS" in capsys.readouterr().out
    users = tmp_path / "u.json"
    monkeypatch.setenv("DASH_USERS_FILE", str(users))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long password\n"))
    assert main(["add-user", "carla", "--password-stdin"]) == 0
    assert "carla" in json.loads(users.read_text())
