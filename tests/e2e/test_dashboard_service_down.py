"""The scoring service stops while the page is open: the user sees a friendly message and a retry button,
never a stack trace or a frozen page."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dash_app import ids
from tests.e2e.dashboard_support import WAIT, click, dashboard_app, log_in, look_up, screenshot
from tests.server_support import serve

pytestmark = pytest.mark.e2e


def friendly(message: str) -> bool:
    """Down (connection refused) or slow (deadline while the port times out): both say so in plain French."""
    return "ne répond pas" in message or "trop de temps" in message


def test_service_stopped_shows_a_friendly_message_and_a_retry(
    chromium_path: str, dash_duo: Any, tiny_bundle_dir: Path, tmp_path: Path, artifacts: Path
) -> None:
    with serve(tiny_bundle_dir, tmp_path) as (address, service):
        dash_duo.start_server(dashboard_app(address, timeout=10.0, retries=1), navigate=False)
        log_in(dash_duo.driver, dash_duo.server.url)
        look_up(dash_duo.driver, 100001)
        service.stop(grace=1.0)
    driver = dash_duo.driver
    asked = time.monotonic()
    look_up(driver, "100003", wait=False)
    WebDriverWait(driver, WAIT).until(lambda d: friendly(d.find_element(By.ID, ids.STATUS).text))
    # said sooner than one call's 10 s deadline: no call waits for the service to come back, and its retries are few
    assert time.monotonic() - asked < 10.0
    box = driver.find_element(By.ID, ids.STATUS_BOX)
    assert box.is_displayed() and box.get_attribute("role") == "alert"
    retry = driver.find_element(By.ID, ids.RETRY)
    assert retry.is_displayed() and retry.text == "Réessayer"
    page_text = driver.find_element(By.TAG_NAME, "body").text
    assert "Traceback" not in page_text and "Error" not in page_text
    # the page still answers: the previous client stays on screen and retrying says the same, politely
    assert "100001" in driver.title
    screenshot(driver, artifacts / "05-service-down.png")
    click(driver, retry)  # the service is still down: the same polite answer, and the page keeps answering
    look_up(driver, "12ab", wait=False)
    dash_duo.wait_for_contains_text(f"#{ids.CLIENT_ID_FEEDBACK}", "6 chiffres", timeout=WAIT)
    assert "Traceback" not in driver.find_element(By.TAG_NAME, "body").text
