"""Service problems as a friendly, visible message with a retry button; never a stack trace, never a frozen page."""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import Output, html, set_props

from dash_app import ids
from dash_app.i18n import t
from dash_app.panels.common import attrs
from scoring_service.errors import (
    DeadlineExceeded,
    InvalidArgument,
    ResourceExhausted,
    ScoringError,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger(__name__)


def service_message(exc: ScoringError, lang: str) -> str:
    """A sentence a relationship manager can act on, for an error of the scoring service."""
    if isinstance(exc, DeadlineExceeded | ResourceExhausted):
        return t(lang, "error.slow")
    if isinstance(exc, Unauthenticated):
        return t(lang, "error.auth")
    if isinstance(exc, InvalidArgument):
        return t(lang, "error.rejected", detail=str(exc))
    if isinstance(exc, Unavailable):
        return t(lang, "error.unavailable")
    return t(lang, "error.unavailable")


def status_outputs() -> list[Output]:
    """The message and the visibility of the status box; several callbacks write them."""
    return [
        Output(ids.STATUS, "children", allow_duplicate=True),
        Output(ids.STATUS_BOX, "hidden", allow_duplicate=True),
    ]


def show(exc: ScoringError, lang: str) -> tuple[str, bool]:
    log.warning("scoring service call failed: %s: %s", type(exc).__name__, exc)
    return service_message(exc, lang), False


def clear() -> tuple[str, bool]:
    return "", True


def layout(lang: str) -> html.Div:
    """Hidden while all is well; the retry button re-runs the fetches that failed."""
    return html.Div(
        [
            html.Span("⚠ ", **attrs({"aria-hidden": "true"})),
            html.Span(id=ids.STATUS, className="me-3"),
            dbc.Button(t(lang, "error.retry"), id=ids.RETRY, color="primary", size="sm", n_clicks=0),
        ],
        id=ids.STATUS_BOX,
        hidden=True,
        role="alert",
        className="alert alert-warning status-box",
    )


def unexpected_error(exc: Exception) -> None:
    """Dash's error hook for anything a callback did not expect: log it whole for the operator, and show the
    user a plain message instead of a dead page."""
    log.error("dashboard callback failed", exc_info=exc)
    set_props(ids.STATUS, {"children": t("fr", "error.unexpected") + " / " + t("en", "error.unexpected")})
    set_props(ids.STATUS_BOX, {"hidden": False})
