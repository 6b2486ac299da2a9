"""Browser tests run headless in the system Chromium, offline: as root Chromium needs --no-sandbox, and the
flags below stop it from reaching for the network. The dashboard under test talks to a REAL scoring server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"
OFFLINE_FLAGS = (
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-extensions",
    "--window-size=1400,1000",
    "--lang=fr-FR",
)


def pytest_configure(config: pytest.Config) -> None:
    # Always headless: there is no display on the machines that run these tests.
    if hasattr(config.option, "headless"):
        config.option.headless = True


def pytest_setup_options() -> Options:
    options = Options()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    for flag in OFFLINE_FLAGS:
        options.add_argument(flag)
    return options


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture()
def scoring_address(tiny_bundle_dir: Path, tmp_path: Path) -> Iterator[str]:
    """A real scoring server with the tiny bundle, one per test (a second to start; no state between tests)."""
    from tests.server_support import serve

    with serve(tiny_bundle_dir, tmp_path) as (address, _service):
        yield address
