"""WSGI entry point for a production server: `gunicorn --workers 2 --threads 8 dash_app.wsgi:server`.

Settings come from the `DASH_*` environment; set DASH_SECRET_KEY so that every worker signs sessions alike.
Sessions and failed logins are shared by the workers through DASH_SESSION_STORE (data/dashboard_sessions.db when
unset)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _server() -> Any:
    import os

    from dash_app.__main__ import build
    from dash_app.settings import DATA_DIR

    os.environ.setdefault("DASH_SESSION_STORE", str(DATA_DIR / "dashboard_sessions.db"))
    return build().server


def __getattr__(name: str) -> Any:
    # Built on first access by the WSGI server, not at import time.
    if name == "server":
        return _server()
    raise AttributeError(name)
