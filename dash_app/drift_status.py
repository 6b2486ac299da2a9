"""The "Dérive des données" page (/drift/): the drift monitor's latest check in a panel of the app's own style (its
status in words, when, on which scores, the drifted features by their plain names, the alerts), and the full
report at /drift/rapport/. Both come from the scoring service (GetDriftStatus, GetDriftReport), never from files
of the server: no path and no command reaches an analyst's screen."""

from __future__ import annotations

import html
from datetime import datetime

import flask

from dash_app.auth import current_language
from dash_app.i18n import FR, STRINGS, t
from scoring_service.domain import DriftStatus, ScoringApi
from scoring_service.errors import NotFound, ScoringError

PATH = "/drift/"
REPORT_PATH = "/drift/rapport/"
STYLES = ("/assets/00-bootstrap-5.3.3.min.css", "/assets/10-app.css")
SANDBOX = "sandbox allow-scripts allow-popups; frame-ancestors 'self'"
BADGES = {"ok": "drift-ok", "alert": "drift-alert", "insufficient_data": "drift-wait", "error": "drift-error"}
SHOWN_FEATURES = 12


def install_drift_pages(server: flask.Flask, api: ScoringApi, language: str) -> None:
    @server.route(PATH)
    def drift_page() -> flask.Response:
        lang = current_language(language)
        try:
            status = api.drift_status(language=lang)
        except ScoringError:
            return _page(lang, f'<p role="alert">{html.escape(t(lang, "drift.unavailable"))}</p>', 503)
        return _page(lang, status_panel(status, lang))

    @server.route(REPORT_PATH)
    def drift_report() -> flask.Response:
        lang = current_language(language)
        try:
            report = api.drift_report()
        except NotFound:
            return _page(lang, f"<p>{html.escape(t(lang, 'drift.no_report'))}</p>", 404)
        except ScoringError:
            return _page(lang, f'<p role="alert">{html.escape(t(lang, "drift.unavailable"))}</p>', 503)
        response = flask.Response(report, mimetype="text/html")
        # the report carries logged data: it runs sandboxed (an opaque origin, no cookie, no access to the
        # dashboard) whatever text it may hold
        response.headers["Content-Security-Policy"] = SANDBOX
        response.headers["Cache-Control"] = "no-store"
        return response


def _when(instant: str, lang: str) -> str:
    """An ISO 8601 instant as a person reads it: 02/12/2026 14:05 UTC in French, 2026-12-02 14:05 UTC in English."""
    try:
        moment = datetime.fromisoformat(instant)
    except ValueError:
        return instant
    return moment.strftime("%d/%m/%Y %H:%M UTC" if lang == "fr" else "%Y-%m-%d %H:%M UTC")


def status_panel(status: DriftStatus, lang: str) -> str:
    """The latest check as a section of the page, every text escaped."""
    e = html.escape
    heading = f'<h2 id="drift-h">{e(t(lang, "drift.latest"))}</h2>'
    if status.status == "none":
        none = e(t(lang, "drift.status.none"))
        return f'<section class="panel" aria-labelledby="drift-h">{heading}<p id="drift-status">{none}</p></section>'
    words = e(t(lang, f"drift.status.{status.status}"))
    badge = f'<span class="drift-badge {BADGES.get(status.status, "drift-error")}">{words}</span>'
    facts = [t(lang, "drift.checked", when=_when(status.checked_at, lang))]
    if status.window_start and status.window_end:
        facts.append(
            t(
                lang,
                "drift.window",
                when_start=_when(status.window_start, lang),
                when_end=_when(status.window_end, lang),
                n=status.events,
            )
        )
    if status.model_version:
        facts.append(t(lang, "drift.version", v=status.model_version))
    names = [f.description or f.feature for f in status.drifted]
    if status.features_tested:
        subheading = t(lang, "drift.drifted", k=len(names), n=status.features_tested)
    else:
        subheading = t(lang, "drift.drifted_untested")
    shown = "".join(f"<li>{e(name)}</li>" for name in names[:SHOWN_FEATURES])
    more = (
        f'<li class="muted">{e(t(lang, "drift.more", n=len(names) - SHOWN_FEATURES))}</li>'
        if len(names) > SHOWN_FEATURES
        else ""
    )
    none = e(t(lang, "drift.drifted_none"))
    features = f'<ul id="drift-features">{shown}{more}</ul>' if names else f"<p>{none}</p>"
    alerts = "".join(f"<li>{e(_rule(r, lang))}</li>" for r in status.alert_rules)
    report = (
        f'<p><a id="drift-report-link" href="{REPORT_PATH}" target="_blank" rel="noopener">'
        f"{e(t(lang, 'drift.report'))}</a></p>"
        if status.has_report
        else f'<p class="muted">{e(t(lang, "drift.no_report"))}</p>'
    )
    return (
        f'<section class="panel drift-panel" aria-labelledby="drift-h">{heading}'
        f'<p id="drift-status" class="decision-line">{badge}</p>'
        f'<ul class="list-unstyled">{"".join(f"<li>{e(f)}</li>" for f in facts)}</ul>'
        + (f'<h3>{e(t(lang, "drift.alerts"))}</h3><ul id="drift-alerts">{alerts}</ul>' if alerts else "")
        + f"<h3>{e(subheading)}</h3>{features}{report}</section>"
    )


def _rule(rule: str, lang: str) -> str:
    """An alert rule in a sentence; a rule this dashboard does not know yet keeps its name."""
    return STRINGS.get(lang, FR).get(f"drift.rule.{rule}", rule)


def _page(lang: str, body: str, status: int = 200) -> flask.Response:
    other = "en" if lang == "fr" else "fr"
    styles = "".join(f'<link rel="stylesheet" href="{href}">' for href in STYLES)
    title = f"{html.escape(t(lang, 'drift.title'))} — {html.escape(t(lang, 'app.name'))}"
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>{styles}</head>"
        '<body><header class="app-header"><div>'
        f'<h1 class="app-title">{html.escape(t(lang, "drift.title"))}</h1>'
        f'<p class="app-tagline">{html.escape(t(lang, "drift.tagline"))}</p></div>'
        '<nav class="header-nav" aria-label="navigation">'
        f'<a href="/" class="me-3">{html.escape(t(lang, "drift.back"))}</a>'
        f'<a href="/lang/{other}?next={PATH}" lang="{other}" hreflang="{other}">'
        f"{html.escape(t(other, 'lang.switch'))}</a></nav></header>"
        f'<main id="drift" class="container-fluid">{body}</main></body></html>'
    )
    return flask.Response(page, status=status, mimetype="text/html")
