"""Login for the dashboard: the page shows personal data, so every route but the login page and the static
assets needs a session. Accounts are password hashes (scrypt) from a file and/or settings; sessions are signed
cookies that expire after a period of inactivity. The scoring token never enters the session or the page."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

import flask
from flask.typing import ResponseReturnValue

from common.errors import UserError
from dash_app.i18n import t
from dash_app.settings import DashSettings

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PUBLIC_PREFIXES = ("/login", "/assets/", "/_favicon", "/healthz")
SESSION_USER, SESSION_SEEN, SESSION_LANG = "user", "seen", "lang"
SEEN_REFRESH_SECONDS = 60  # how often the session's last-seen time (and so its cookie) is renewed


def _now() -> float:
    return time.time()


class AccountsError(UserError):
    """The accounts cannot be read; the message names the file and the fix."""


def hash_password(password: str) -> str:
    """An scrypt hash with its parameters and salt, safe to keep in a file or an environment variable."""
    if not password:
        raise ValueError("The password is empty; choose a password of at least 8 characters.")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


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


def _login_page(lang: str, error: str = "", next_url: str = "/", notice: str = "") -> str:
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
<div class="mb-3"><label class="form-label" for="username">{html.escape(t(lang, "login.user"))}</label>
<input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
<div class="mb-3"><label class="form-label" for="password">{html.escape(t(lang, "login.password"))}</label>
<input class="form-control" type="password" id="password" name="password" autocomplete="current-password" required>
</div><button class="btn btn-primary" type="submit" id="login-submit">{html.escape(t(lang, "login.submit"))}</button>
</form><p class="mt-3"><a href="/lang/{other}?next=/login" lang="{other}">{html.escape(t(other, "lang.switch"))}</a></p>
</main></body></html>"""


def install_login(server: flask.Flask, settings: DashSettings, accounts: Mapping[str, str]) -> None:
    """Guard every route with a session, and add /login, /logout and /lang/<code>."""
    server.secret_key = settings.secret_key.get_secret_value()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookie,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        SESSION_REFRESH_EACH_REQUEST=False,  # a cookie only when the session changes (see _require_login)
    )
    lifetime = settings.session_minutes * 60

    @server.before_request
    def _require_login() -> ResponseReturnValue | None:
        path = flask.request.path
        if path.startswith(PUBLIC_PREFIXES) or path.startswith("/lang/"):
            return None
        user, seen = flask.session.get(SESSION_USER), flask.session.get(SESSION_SEEN, 0)
        if user in accounts and _now() - float(seen) <= lifetime:
            # the cookie is re-issued at most once a minute, not with every answer: otherwise an answer of the
            # page still in flight when the user logs out would bring the old session back
            if _now() - float(seen) >= SEEN_REFRESH_SECONDS:
                flask.session[SESSION_SEEN] = _now()
            return None
        expired = user is not None  # kept in the session until the next login, so every request says so
        if path.startswith("/_dash-") or path.startswith("/_reload"):
            # the page's own requests: 401 lets the browser script send the user to the login page
            return flask.Response("session expired", status=401)
        target = flask.request.full_path.rstrip("?")
        query = {"next": _safe_next(target), **({"expired": "1"} if expired else {})}
        return flask.redirect("/login?" + urlencode(query))

    @server.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        lang = current_language(settings.default_language)
        next_url = _safe_next(flask.request.values.get("next"))
        if flask.request.method == "GET":
            notice = t(lang, "login.expired") if flask.request.args.get("expired") else ""
            return _login_page(lang, next_url=next_url, notice=notice)
        user = flask.request.form.get("username", "")
        password = flask.request.form.get("password", "")
        stored = accounts.get(user)
        if stored is None or not verify_password(password, stored):
            return flask.Response(_login_page(lang, t(lang, "login.failed"), next_url), status=401)
        flask.session.clear()
        flask.session.update({SESSION_USER: user, SESSION_SEEN: _now(), SESSION_LANG: lang})
        flask.session.permanent = True
        return flask.redirect(next_url)

    @server.route("/logout")
    def logout() -> ResponseReturnValue:
        lang = current_language(settings.default_language)
        flask.session.clear()
        flask.session[SESSION_LANG] = lang
        return flask.redirect("/login")

    @server.route("/lang/<code>")
    def switch_language(code: str) -> ResponseReturnValue:
        if code in ("fr", "en"):
            flask.session[SESSION_LANG] = code
        return flask.redirect(_safe_next(flask.request.args.get("next")))

    @server.route("/healthz")
    def healthz() -> flask.Response:
        return flask.Response("ok", mimetype="text/plain")
