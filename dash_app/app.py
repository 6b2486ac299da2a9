"""The page: `create_app(settings, api)` builds the Dash app around a ScoringApi (the gRPC client in production,
a fake in unit tests). The layout is built per request in the user's language; the language switch is a link
that sets it in the session and reloads the page on the same client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import flask
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from dash_app import auth, ids
from dash_app.drift_status import PATH as DRIFT_PATH
from dash_app.drift_status import install_drift_pages
from dash_app.i18n import t
from dash_app.model_card_page import PATH as MODEL_CARD_PATH
from dash_app.model_card_page import install_model_card_page
from dash_app.panels import (
    client_info,
    comparison,
    explanation,
    importance,
    lookup,
    problems,
    score,
    search,
    whatif,
)
from dash_app.settings import DashSettings
from scoring_service.domain import ScoringApi

ASSETS = str(Path(__file__).resolve().parent / "assets")

# Dash ships @babel/polyfill 7 for browsers older than the ones a bank's workstations run. In current browsers it
# still replaces String.prototype.trim and parseFloat with slower versions, which Plotly calls all the time: a
# quarter of the time from a client id to every chart drawn (profiled in headless Chromium, docs/benchmarks.md).
# Supported browsers: the current Chromium, Edge, Firefox and Safari, which need none of it.
LEGACY_POLYFILL = re.compile(r'<script src="[^"]*/polyfill@[^"]*"></script>\s*')


class LocalisedDash(Dash):
    """Dash whose HTML page carries the `lang` attribute and title of the user's language."""

    default_language = "fr"

    def interpolate_index(self, **kwargs: str) -> str:  # type: ignore[override]  # same keywords, typed
        lang = auth.current_language(self.default_language) if flask.has_request_context() else "fr"
        kwargs["title"] = t(lang, "title.home")
        kwargs["scripts"] = LEGACY_POLYFILL.sub("", kwargs.get("scripts", ""))
        page = super().interpolate_index(**kwargs)
        return page.replace("<html>", f'<html lang="{lang}">', 1)


def _csrf() -> str:
    return auth.csrf_token() if flask.has_request_context() else ""


def page_layout(default_language: str) -> html.Div:
    lang = auth.current_language(default_language) if flask.has_request_context() else default_language
    other = "en" if lang == "fr" else "fr"
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.LANG_STORE, data=lang),
            dcc.Store(id=ids.CLIENT_STORE),
            dcc.Store(id=ids.MODEL_STORE),
            dcc.Store(id=ids.SEARCH_PAGE, data=0),
            dcc.Store(id=ids.PICKED),
            dcc.Store(id=ids.CLIENT_ID_DESCRIBED_BY, data=f"{ids.CLIENT_ID_HELP} {ids.CLIENT_ID_FEEDBACK}"),
            dcc.Store(id=ids.PAGE_TEXTS, data={"home": t(lang, "title.home"), "other": other}),
            html.Div(id=ids.TITLE_SINK, hidden=True),
            html.Div(id=ids.CLIENT_ID_SINK, hidden=True),
            html.A(t(lang, "skip"), href=f"#{ids.MAIN}", className="visually-hidden-focusable skip-link"),
            _header(lang, other),
            _main(lang),
        ]
    )


def _header(lang: str, other: str) -> html.Header:
    """The product's name, the language switch (to `other`), the drift page and logout."""
    return html.Header(
        [
            html.Div(
                [
                    html.H1(t(lang, "app.name"), className="app-title"),
                    html.P(t(lang, "app.tagline"), className="app-tagline"),
                ]
            ),
            html.Nav(
                [
                    html.A(
                        t(other, "lang.switch"),
                        id=ids.LANG_LINK,
                        href=f"/lang/{other}?next=/",
                        lang=other,
                        hrefLang=other,
                        className="me-3",
                    ),
                    html.A(t(lang, "card.link"), href=MODEL_CARD_PATH, className="me-3"),
                    html.A(t(lang, "drift.link"), href=DRIFT_PATH, className="me-3"),
                    html.Form(  # a POST with the session's token: a link or another site cannot log out
                        [
                            dcc.Input(type="hidden", name=auth.CSRF_FIELD, value=_csrf()),
                            html.Button(
                                t(lang, "logout"), type="submit", className="btn btn-link p-0 align-baseline"
                            ),
                        ],
                        method="POST",
                        action="/logout",
                        className="d-inline",
                    ),
                ],
                className="header-nav",
            ),
        ],
        className="app-header",
    )


def _row(*columns: tuple[Any, str]) -> html.Div:
    """Panels side by side on a large screen: (panel, column class) each."""
    return html.Div([html.Div(panel, className=width) for panel, width in columns], className="row g-3")


def _main(lang: str) -> html.Main:
    """Every panel, in reading order: problems, search, score and why, what-if, comparison, importance and
    information."""
    return html.Main(
        [
            problems.layout(lang),
            # on a large screen the search beside the score and its reasons, so that both are above the fold
            _row(
                (search.layout(lang), "col-lg-4"),
                (_row((score.layout(lang), "col-xl-5"), (explanation.layout(lang), "col-xl-7")), "col-lg-8"),
            ),
            whatif.layout(lang),
            comparison.layout(lang),
            _row((importance.layout(lang), "col-lg-6"), (client_info.layout(lang), "col-lg-6")),
        ],
        id=ids.MAIN,
        tabIndex="-1",
        className="container-fluid",
    )


def create_app(settings: DashSettings, api: ScoringApi, accounts: dict[str, str] | None = None) -> Dash:
    """The dashboard around `api`. Accounts come from the settings (users file, DASH_ACCOUNTS) unless given."""
    server = flask.Flask(__name__)
    auth.install_login(server, settings, accounts if accounts is not None else auth.load_accounts(settings))
    install_drift_pages(server, api, settings.default_language)
    install_model_card_page(server, api, settings.default_language)
    LocalisedDash.default_language = settings.default_language
    app = LocalisedDash(
        __name__,
        server=server,  # type: ignore[arg-type]  # Dash accepts a Flask app; its annotation omits it
        assets_folder=ASSETS,
        title=t(settings.default_language, "title.home"),
        update_title=None,  # type: ignore[arg-type]  # None is documented: no "Updating..." title
        suppress_callback_exceptions=True,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        on_error=problems.unexpected_error,
    )
    app.layout = lambda: page_layout(settings.default_language)
    search.register(app, api, settings)
    lookup.register(app, api, settings)
    importance.register(app, api)
    comparison.register(app, api, settings)
    client_info.register(app, api, settings)
    whatif.register(app, api)
    app.clientside_callback(
        ClientsideFunction(namespace="pad", function_name="titleAndLanguageLink"),
        Output(ids.TITLE_SINK, "children"),
        Output(ids.LANG_LINK, "href"),
        Input(ids.CLIENT_STORE, "data"),
        State(ids.PAGE_TEXTS, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="pad", function_name="idFieldState"),
        Output(ids.CLIENT_ID_SINK, "children"),
        Input(ids.CLIENT_ID_INPUT, "invalid"),
        State(ids.CLIENT_ID_DESCRIBED_BY, "data"),
    )
    return app
