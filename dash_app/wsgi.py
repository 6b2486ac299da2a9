"""WSGI entry point for a production server: `gunicorn --workers 2 --threads 8 dash_app.wsgi:server`.

Settings come from the `DASH_*` environment; set DASH_SECRET_KEY so that every worker signs sessions alike."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _server() -> Any:
    from dash_app.__main__ import build

    return build().server


def __getattr__(name: str) -> Any:
    # Built on first access by the WSGI server, not at import time.
    if name == "server":
        return _server()
    raise AttributeError(name)
