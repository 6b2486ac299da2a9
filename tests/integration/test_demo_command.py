"""`python -m demo` end to end on the tiny profile: it trains and registers a champion, starts the scoring service
and the dashboard, prints where they are, and Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
stops everything cleanly with exit code 0, even when it was started with SIGINT ignored (in the background)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.server_support import free_port

pytestmark = pytest.mark.integration
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _ignore_sigint() -> None:  # what a shell does to a command started in the background
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_demo_serves_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    grpc_port, dash_port = free_port(), free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SCORING_", "DASH_", "MLFLOW_", "TRAINING_"))
    }
    env |= {
        "DEMO_DATA_ROOT": str(tmp_path),
        "DEMO_PROFILE": "tiny",
        "DEMO_GRPC_PORT": str(grpc_port),
        "DEMO_DASH_PORT": str(dash_port),
        "SCORING_METRICS_PORT": "",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "demo"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's foreground job
            preexec_fn=_ignore_sigint,
        )
        try:
            deadline = time.monotonic() + 420
            while "Ctrl-C stops everything." not in log.read_text():
                assert demo.poll() is None, f"the demo stopped early:\n{log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, f"the demo did not start:\n{log.read_text()[-3000:]}"
                time.sleep(1)
            text = log.read_text()
            assert f"http://127.0.0.1:{dash_port}/" in text and f"127.0.0.1:{grpc_port}" in text
            with urllib.request.urlopen(f"http://127.0.0.1:{dash_port}/login", timeout=10) as page:
                assert page.status == 200
            os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C: the whole group at once
            assert demo.wait(timeout=60) == 0, log.read_text()[-3000:]
        finally:
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGKILL)
    text = log.read_text()
    assert "stopping" in text and "stopped unexpectedly" not in text
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{dash_port}/login", timeout=2)
