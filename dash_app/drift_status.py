"""The latest data-drift status, as written by `python -m drift monitor`, shown to logged-in analysts at /drift/.

The monitor writes latest.html (status page) and latest-report.html (Evidently report) in its status folder; the
dashboard only serves those two files, behind its login, from DASH_DRIFT_STATUS_DIR, sandboxed by their
Content-Security-Policy."""

from __future__ import annotations

import html

import flask

from dash_app.auth import current_language
from dash_app.i18n import t
from dash_app.settings import DashSettings

PAGES = {"": "latest.html", "latest-report.html": "latest-report.html"}
SANDBOX = "sandbox allow-scripts allow-popups; frame-ancestors 'self'"


def install_drift_pages(server: flask.Flask, settings: DashSettings, language: str) -> None:
    folder = settings.drift_status_dir

    @server.route("/drift/", defaults={"name": ""})
    @server.route("/drift/<name>")
    def drift_page(name: str) -> flask.Response:
        if name not in PAGES:
            flask.abort(404)
        path = folder / PAGES[name]
        if not path.is_file():
            lang = current_language(language)
            body = t(lang, "drift.none", folder=str(folder))
            page = (
                f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{html.escape(t(lang, 'drift.title'))}</title></head>"
                f"<body><main><h1>{html.escape(t(lang, 'drift.title'))}</h1><p>{html.escape(body)}</p>"
                f'<p><a href="/">{html.escape(t(lang, "drift.back"))}</a></p></main></body></html>'
            )
            return flask.Response(page, status=404, mimetype="text/html")
        response = flask.send_file(path, mimetype="text/html", max_age=0)
        # the report carries logged data: it runs sandboxed (an opaque origin, no cookie, no access to the
        # dashboard) whatever text it may hold
        response.headers["Content-Security-Policy"] = SANDBOX
        return response
