"""Login for the dashboard: the page shows personal data, so every route but the login page and the static
assets needs a session. Accounts are password hashes (scrypt at OWASP's cost) from a file and/or settings.
A signed cookie carries a random session id; the session itself lives on the server (dash_app.login_store), so
logging out (a POST with the form's token) ends it everywhere, and it expires after a period of inactivity.
Failed logins are throttled per account and per address; an unknown user costs the same time as a known one.
The scoring token never enters the session or the page."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

import flask
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue

from common.errors import UserError
from dash_app.i18n import t
from dash_app.login_store import LoginStore
from dash_app.settings import DashSettings

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1  # OWASP's password storage recommendation for scrypt
PUBLIC_PATHS = frozenset({"/login", "/healthz"})
PUBLIC_PREFIXES = ("/assets/", "/_favicon", "/lang/")
SESSION_ID, SESSION_LANG, SESSION_CSRF, SESSION_HAD = "sid", "lang", "csrf", "had"
SEEN_REFRESH_SECONDS = 60  # how often the session's last-seen time is renewed on the server
CSRF_FIELD = "csrf_token"
SECURITY_HEADERS = {
    # Dash's page boots with one inline script and Plotly compiles functions: 'unsafe-inline'/'unsafe-eval' for
    # scripts from this origin only; nothing may load from elsewhere, frame the page, or receive its forms.
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _now() -> float:
    return time.time()


class AccountsError(UserError):
    """The accounts cannot be read; the message names the file and the fix."""


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 2**20)


def hash_password(password: str, n: int = SCRYPT_N) -> str:
    """An scrypt hash with its parameters and salt, safe to keep in a file or an environment variable (a lower
    `n` only for tests, which log in hundreds of times)."""
    if not password:
        raise ValueError("The password is empty; choose a password of at least 8 characters.")
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or not 2**10 <= int(n) <= 2**20 or not 1 <= int(r) * int(p) <= 64:
            return False
        candidate = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


_DECOY: dict[str, str] = {}


def _decoy_hash(accounts: Mapping[str, str]) -> str:
    """A hash with the accounts' own cost, checked for unknown users so that a lookup takes the same time."""
    sample = next(iter(accounts.values()), "")
    try:
        _, n, r, p, _, _ = sample.split("$")
        key = f"{n}${r}${p}"
    except ValueError:
        n, r, p, key = str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), "default"
    if key not in _DECOY:
        salt = secrets.token_bytes(16)
        digest = _scrypt(secrets.token_hex(16), salt, int(n), int(r), int(p))
        _DECOY[key] = f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"
    return _DECOY[key]


def load_accounts(settings: DashSettings) -> dict[str, str]:
    """Accounts from the users file (if present) overridden by `DASH_ACCOUNTS`."""
    accounts: dict[str, str] = {}
    path = settings.users_file
    if path.is_file():
        try:
            accounts.update(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AccountsError(
                f"The users file {path} is not a JSON object of user name to password hash ({exc}). "
                "Fix it or recreate it with `python -m dash_app add-user NAME`."
            ) from exc
    accounts.update(settings.accounts)
    if not accounts:
        raise AccountsError(
            f"No dashboard account: {path} does not exist and DASH_ACCOUNTS is empty. "
            "Create one with `python -m dash_app add-user NAME` (or set DASH_ACCOUNTS)."
        )
    return accounts


def add_user(path: Path, user: str, password: str) -> None:
    accounts = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    accounts[user] = hash_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(accounts, indent=2), encoding="utf-8")
    path.chmod(0o600)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def current_language(default: str) -> str:
    lang = flask.session.get(SESSION_LANG, default)
    return lang if lang in ("fr", "en") else default


def _login_page(lang: str, csrf: str, error: str = "", next_url: str = "/", notice: str = "") -> str:
    err = f'<div class="alert alert-danger" role="alert">{html.escape(error)}</div>' if error else ""
    note = f'<div class="alert alert-info" role="status">{html.escape(notice)}</div>' if notice else ""
    other = "en" if lang == "fr" else "fr"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(t(lang, "login.title"))}</title>
<link rel="stylesheet" href="/assets/00-bootstrap-5.3.3.min.css"><link rel="stylesheet" href="/assets/10-app.css">
</head><body><main class="container login-box">
<h1>{html.escape(t(lang, "app.name"))}</h1><h2>{html.escape(t(lang, "login.heading"))}</h2>{note}{err}
<form method="post" action="/login">
<input type="hidden" name="next" value="{html.escape(next_url)}">
<input type="hidden" name="{CSRF_FIELD}" value="{html.escape(csrf)}">
<div class="mb-3"><label class="form-label" for="username">{html.escape(t(lang, "login.user"))}</label>
<input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
<div class="mb-3"><label class="form-label" for="password">{html.escape(t(lang, "login.password"))}</label>
<input class="form-control" type="password" id="password" name="password" autocomplete="current-password" required>
</div><button class="btn btn-primary" type="submit" id="login-submit">{html.escape(t(lang, "login.submit"))}</button>
</form><p class="mt-3"><a href="/lang/{other}?next=/login" lang="{other}">{html.escape(t(other, "lang.switch"))}</a></p>
</main></body></html>"""


class _SessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure when the setting says so or the request came over TLS."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            flask.has_request_context() and flask.request.is_secure
        )


def csrf_token() -> str:
    """The session's token for forms that change state (login, logout); created on first use."""
    token = flask.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = flask.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return str(token)


def _csrf_ok() -> bool:
    sent, expected = flask.request.form.get(CSRF_FIELD, ""), flask.session.get(SESSION_CSRF)
    return isinstance(expected, str) and hmac.compare_digest(sent.encode(), expected.encode())


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def install_login(server: flask.Flask, settings: DashSettings, accounts: Mapping[str, str]) -> None:
    """Guard every route with a session, and add /login, /logout (POST) and /lang/<code>."""
    server.secret_key = settings.secret_key.get_secret_value()
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookie,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    store = LoginStore(settings.session_store, settings.session_minutes * 60, clock=lambda: _now())
    server.extensions["login_store"] = store
    server.before_request(_login_guard(store, accounts))
    server.after_request(_security_headers)
    server.add_url_rule("/login", "login", _login_view(settings, store, accounts), methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout_view(settings, store), methods=["POST"])
    server.add_url_rule("/lang/<code>", "switch_language", _switch_language)
    server.add_url_rule("/healthz", "healthz", _healthz)


def _login_guard(store: LoginStore, accounts: Mapping[str, str]) -> Callable[[], ResponseReturnValue | None]:
    """Before every request: a public path or a live session passes; anything else goes to the login page."""

    def _require_login() -> ResponseReturnValue | None:
        path = flask.request.path
        if _is_public(path):
            return None
        sid = flask.session.get(SESSION_ID)
        user = store.session_user(sid, SEEN_REFRESH_SECONDS) if isinstance(sid, str) else None
        if user is not None and user in accounts:
            flask.g.user = user
            return None
        expired = bool(flask.session.get(SESSION_HAD))  # kept until the next login, so every request says so
        if path.startswith("/_dash-") or path.startswith("/_reload"):
            # the page's own requests: 401 lets the browser script send the user to the login page
            return flask.Response("session expired", status=401)
        target = flask.request.full_path.rstrip("?")
        query = {"next": _safe_next(target), **({"expired": "1"} if expired else {})}
        return flask.redirect("/login?" + urlencode(query))

    return _require_login


def _security_headers(response: flask.Response) -> flask.Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _login_view(
    settings: DashSettings, store: LoginStore, accounts: Mapping[str, str]
) -> Callable[[], ResponseReturnValue]:
    """/login: the form (GET), then a throttled check of the password that opens a session (POST)."""
    decoy = _decoy_hash(accounts)

    def login() -> ResponseReturnValue:
        lang = current_language(settings.default_language)
        next_url = _safe_next(flask.request.values.get("next"))
        if flask.request.method == "GET":
            notice = t(lang, "login.expired") if flask.request.args.get("expired") else ""
            return _login_page(lang, csrf_token(), next_url=next_url, notice=notice)
        if not _csrf_ok():
            return flask.Response(
                _login_page(lang, csrf_token(), t(lang, "login.stale"), next_url), status=400
            )
        user = flask.request.form.get("username", "")[:200]
        password = flask.request.form.get("password", "")[:1000]
        keys = [f"user:{user}", f"address:{flask.request.remote_addr}"]
        wait = store.locked_for(keys)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            page = _login_page(lang, csrf_token(), t(lang, "login.throttled", minutes=minutes), next_url)
            return flask.Response(page, status=429, headers={"Retry-After": str(int(wait) + 1)})
        stored = accounts.get(user)
        valid = verify_password(password, stored if stored is not None else decoy)  # same time either way
        if stored is None or not valid:
            store.record_failure(keys)
            return flask.Response(
                _login_page(lang, csrf_token(), t(lang, "login.failed"), next_url), status=401
            )
        store.clear_failures(keys[0])
        flask.session.clear()
        sid = store.open_session(user)
        flask.session.update({SESSION_ID: sid, SESSION_HAD: True, SESSION_LANG: lang})
        csrf_token()
        flask.session.permanent = False  # the cookie lasts the browser's session; the server decides expiry
        return flask.redirect(next_url)

    return login


def _logout_view(settings: DashSettings, store: LoginStore) -> Callable[[], ResponseReturnValue]:
    def logout() -> ResponseReturnValue:
        if not _csrf_ok():
            return flask.Response("The logout form is stale: reload the page and log out again.", status=400)
        lang = current_language(settings.default_language)
        sid = flask.session.get(SESSION_ID)
        if isinstance(sid, str):
            store.close_session(sid)  # the cookie, replayed, no longer opens anything
        flask.session.clear()
        flask.session[SESSION_LANG] = lang
        return flask.redirect("/login")

    return logout


def _switch_language(code: str) -> ResponseReturnValue:
    if code in ("fr", "en"):
        flask.session[SESSION_LANG] = code
    return flask.redirect(_safe_next(flask.request.args.get("next")))


def _healthz() -> flask.Response:
    return flask.Response("ok", mimetype="text/plain")
