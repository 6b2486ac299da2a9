"""`python -m dash_app` serves the dashboard; `add-user NAME` creates or changes an account.

Settings come from `DASH_*` environment variables (see `dash_app.settings.DashSettings`). In production use
`gunicorn --workers 2 --threads 8 dash_app.wsgi:server` with DASH_SECRET_KEY set."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from dash import Dash

from common.errors import UserError, exit_with, load_settings
from common.logs import configure_logging
from dash_app.auth import AccountsError, add_user
from dash_app.settings import DashSettings

if TYPE_CHECKING:
    from scoring_service.client import ScoringClient


def build(settings: DashSettings | None = None) -> Dash:
    """The app wired to the gRPC scoring client (the token stays in this process)."""
    from dash_app.app import create_app

    settings = settings or DashSettings()
    client = scoring_client(settings)
    try:
        return create_app(settings, client)
    except AccountsError as exc:
        client.close()
        raise SystemExit(str(exc)) from None


def scoring_client(settings: DashSettings) -> ScoringClient:
    """The dashboard's one client of the scoring service, as its settings describe it."""
    from scoring_service.client import ScoringClient

    certificates = None
    if settings.scoring_root_certificates is not None:
        path = settings.scoring_root_certificates
        if not path.is_file():
            raise SystemExit(
                f"DASH_SCORING_ROOT_CERTIFICATES points at {path}, which does not exist. "
                "Give the PEM file of the CA that signed the scoring service's certificate, or unset it."
            )
        certificates = path.read_bytes()
    token = settings.scoring_token.get_secret_value() if settings.scoring_token else None
    return ScoringClient(
        settings.scoring_address,
        token=token,
        root_certificates=certificates,
        timeout=settings.scoring_timeout,
        retries=settings.scoring_retries,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dash_app",
        description="Dashboard for relationship managers (Prêt à dépenser). Without a command: serve it. "
        "Settings: DASH_SCORING_ADDRESS, DASH_SCORING_TOKEN, DASH_HOST, DASH_PORT, DASH_SECRET_KEY, "
        "DASH_USERS_FILE, DASH_ACCOUNTS, DASH_SESSION_MINUTES, DASH_DEFAULT_LANGUAGE, ... "
        "(see docs/dashboard.md).",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve the dashboard (the default)")
    add = sub.add_parser("add-user", help="create or change an account in the users file (DASH_USERS_FILE)")
    add.add_argument("name", help="the user name")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of a prompt",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(DashSettings, "DASH_")
    except UserError as exc:
        return exit_with(exc)
    configure_logging()
    if args.command == "add-user":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for {args.name}: ")
        if len(password) < 8:
            raise SystemExit("The password is too short: choose one of at least 8 characters.")
        add_user(settings.users_file, args.name, password)
        print(f"Account {args.name!r} saved in {settings.users_file}.")
        return 0
    app = build(settings)
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
