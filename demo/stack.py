"""`python -m demo`: one command from nothing to a running product on this machine.

Steps: train and register a champion (skipped when one already exists for the same data and profile), start the scoring
service, wait until it is SERVING, start the dashboard, print the addresses, and stop everything cleanly on Ctrl-C.
Each step runs the product's own command in a child process, exactly as an operator would.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.tracking import default_tracking_uri
from demo.settings import DemoSettings


class DemoError(Exception):
    """A step of the demo failed; the message says which and what to do."""


def _say(step: str, text: str) -> None:
    print(f"[demo] {step} {text}", flush=True)


def _stamp_path(settings: DemoSettings) -> Path:
    return settings.data_root / "demo" / "last_training.json"


def _training_key(settings: DemoSettings) -> dict[str, str]:
    return {
        "data": str(settings.data.resolve()) if settings.data else "generated",
        "profile": settings.profile,
    }


def _champion_exists(env: dict[str, str]) -> bool:
    """Ask the registry (in a child process, so this process stays light) whether the champion alias resolves."""
    probe = (
        "import sys, mlflow\n"
        "from mlflow import MlflowClient\n"
        "try:\n"
        "    MlflowClient().get_model_version_by_alias('credit-scoring', 'champion')\n"
        "except Exception:\n"
        "    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True).returncode == 0


def train(settings: DemoSettings, env: dict[str, str]) -> None:
    stamp = _stamp_path(settings)
    key = _training_key(settings)
    if (
        not settings.retrain
        and stamp.is_file()
        and json.loads(stamp.read_text()) == key
        and _champion_exists(env)
    ):
        _say(
            "1/3",
            f"a champion already exists for {key['data']} ({key['profile']} profile): reusing it "
            "(DEMO_RETRAIN=true or --retrain trains again)",
        )
        return
    _say("1/3", f"training on {key['data']} data, {key['profile']} profile")
    command = [sys.executable, "-m", "training", "run", "--profile", settings.profile]
    if settings.data:
        command += ["--data", str(settings.data)]
    if settings.fairness_override.strip():
        command += ["--fairness-override", settings.fairness_override]
    if subprocess.run(command, env=env).returncode != 0:
        raise DemoError("training failed (its message is above); fix it and run `make demo` again.")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(key))


def _dashboard_account(settings: DemoSettings) -> tuple[Path, str | None]:
    """A demo account in the project's data folder; its password is printed once, when it is created."""
    from dash_app.auth import add_user

    users = settings.data_root / "demo" / "dashboard_users.json"
    credentials = settings.data_root / "demo" / "dashboard_credentials.txt"
    if users.is_file() and credentials.is_file():
        return users, credentials.read_text().strip()
    password = secrets.token_urlsafe(9)
    add_user(users, "demo", password)
    credentials.write_text(f"demo / {password}\n")
    credentials.chmod(0o600)
    return users, f"demo / {password}"


def _scoring_token(settings: DemoSettings, env: dict[str, str]) -> tuple[str, str]:
    """The token internal callers send; kept in the data folder (mode 600) so that it survives a restart."""
    if env.get("SCORING_TOKEN"):
        return env["SCORING_TOKEN"], "SCORING_TOKEN"
    path = settings.data_root / "demo" / "scoring_token.txt"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24) + "\n")
        path.chmod(0o600)
    return path.read_text().strip(), str(path)


def _wait(check, what: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DemoError(
                f"the {what} stopped at start-up (exit code {process.returncode}); its message is above."
            )
        if check():
            return
        time.sleep(0.5)
    raise DemoError(f"the {what} was not ready after {timeout:.0f} s; see its messages above.")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status < 500)
    except (urllib.error.URLError, OSError):
        return False


def serve(settings: DemoSettings, env: dict[str, str]) -> int:
    from scoring_service.client import ScoringClient

    grpc_address = f"{settings.host}:{settings.grpc_port}"
    dash_url = f"http://{settings.host}:{settings.dash_port}/"
    token, token_file = _scoring_token(settings, env)
    users, credentials = _dashboard_account(settings)
    children: list[subprocess.Popen] = []
    previous = _stop_on_signals()
    try:
        _say("2/3", f"starting the scoring service on {grpc_address}")
        scoring_env = {**env, "SCORING_ADDRESS": grpc_address, "SCORING_TOKEN": token}
        scoring = subprocess.Popen([sys.executable, "-m", "scoring_service"], env=scoring_env)
        children.append(scoring)
        with ScoringClient(grpc_address, token=token, timeout=2.0, retries=0) as client:
            _wait(client.health, "scoring service", scoring, settings.start_timeout)
        _say("3/3", f"starting the dashboard on {dash_url}")
        dash_env = {
            **env,
            "DASH_SCORING_ADDRESS": grpc_address,
            "DASH_SCORING_TOKEN": token,
            "DASH_HOST": settings.host,
            "DASH_PORT": str(settings.dash_port),
            "DASH_USERS_FILE": str(users),
        }
        dashboard = subprocess.Popen([sys.executable, "-m", "dash_app"], env=dash_env)
        children.append(dashboard)
        _wait(lambda: _http_ok(dash_url + "login"), "dashboard", dashboard, settings.start_timeout)
        print(
            "\n"
            f"  Dashboard     {dash_url}   (account {credentials})\n"
            f"  gRPC service  {grpc_address}   (token: {token_file}; send it as `authorization: Bearer <token>`)\n"
            f"  MLflow store  {env['MLFLOW_TRACKING_URI']}\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stopped = next(child for child in children if child.poll() is not None)
        raise DemoError(
            f"a service stopped unexpectedly (exit code {stopped.returncode}); its message is above."
        )
    except (KeyboardInterrupt, StopRequested):
        _say("--", "stopping")
        return 0
    finally:
        for number in previous:  # a second Ctrl-C must not cut the clean stop short (it is bounded by _stop)
            signal.signal(number, signal.SIG_IGN)
        _stop(children)
        for number, handler in previous.items():
            signal.signal(number, handler)


class StopRequested(Exception):
    """Ctrl-C or SIGTERM: stop the services and end normally."""


def _stop_on_signals() -> dict[int, Any]:
    """Ctrl-C and SIGTERM stop the demo even when it was started with SIGINT ignored (in the background, by a
    process manager); returns the handlers to put back."""

    def _raise(signum: int, frame: object) -> None:
        raise StopRequested(signal.Signals(signum).name)

    previous: dict[int, Any] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.getsignal(number)
        signal.signal(number, _raise)
    return previous


def _stop(children: Sequence[subprocess.Popen]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in reversed(children):
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def parse_args(argv: Sequence[str] | None) -> DemoSettings:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, help="folder of real Kaggle files (default: generated demo data)"
    )
    parser.add_argument("--profile", choices=["demo", "full"], help="training profile (default: demo)")
    parser.add_argument("--retrain", action="store_true", help="train again even if a champion exists")
    parser.add_argument("--no-serve", action="store_true", help="stop after training and registration")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in {"data": args.data, "profile": args.profile}.items() if v is not None}
    if args.retrain:
        overrides["retrain"] = True
    if args.no_serve:
        overrides["serve"] = False
    return DemoSettings(**overrides)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_args(argv)
    if settings.data is not None and not settings.data.is_dir():
        print(f"[demo] error: {settings.data} is not a folder; give the folder holding the Kaggle CSV files.")
        return 2
    env = dict(os.environ)
    env.setdefault("MLFLOW_TRACKING_URI", default_tracking_uri(settings.data_root))
    # every part writes under the demo's data folder: training data, bundles and reports, events, drift status
    env.setdefault("TRAINING_DATA_ROOT", str(settings.data_root))
    env.setdefault("SCORING_EVENT_STORE_URL", f"sqlite:///{settings.data_root / 'events.db'}")
    env.setdefault("SCORING_DRIFT_STATUS_DIR", str(settings.data_root / "drift"))
    try:
        train(settings, env)
        if not settings.serve:
            return 0
        return serve(settings, env)
    except DemoError as exc:
        print(f"[demo] error: {exc}", flush=True)
        return 1
