"""WSGI entry point for a production server: `gunicorn --workers 2 --threads 8 dash_app.wsgi:server`.

Settings come from the `DASH_*` environment; set DASH_SECRET_KEY so that every worker signs sessions alike.
Sessions and failed logins are shared by the workers through DASH_SESSION_STORE (a file in the system's temporary
folder when unset: every worker of this host sees it, and a restart logs everybody out, as a new secret key does)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _server() -> Any:
    import os
    import tempfile

    from dash_app.__main__ import build

    os.environ.setdefault(
        "DASH_SESSION_STORE", os.path.join(tempfile.gettempdir(), "pret-a-depenser-sessions.db")
    )
    return build().server


def __getattr__(name: str) -> Any:
    # Built on first access by the WSGI server, not at import time.
    if name == "server":
        return _server()
    raise AttributeError(name)
