"""Logging in and out of the dashboard through Flask's test client, with the forms' CSRF tokens."""

from __future__ import annotations

import json
import re
from typing import Any


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def login(client: Any, password: str, next_url: str = "/", user: str = "anne") -> Any:
    token = form_token(client.get("/login").get_data(as_text=True))
    data = {"username": user, "password": password, "next": next_url, "csrf_token": token}
    return client.post("/login", data=data)


def logout(client: Any) -> Any:
    layout = json.dumps(client.get("/_dash-layout").get_json())
    token = re.search(r'"value": "([^"]+)", "type": "hidden", "name": "csrf_token"', layout)
    assert token, "the page's logout form carries the session's CSRF token"
    return client.post("/logout", data={"csrf_token": token.group(1)})
