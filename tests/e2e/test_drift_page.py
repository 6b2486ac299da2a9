"""An analyst opens "Dérive des données" in headless Chromium: the drift monitor's latest check, passed on by a real
scoring server, in a panel of the app's style with the drifted features by their plain names and a link to the
full report, which opens sandboxed; no server path and no command on the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from drift.status_files import REPORT_HTML, write_status
from scoring_service.client import ScoringClient
from tests.e2e.dashboard_support import WAIT, dashboard_app, log_in

pytestmark = pytest.mark.e2e


def test_the_drift_page_shows_the_latest_check_in_plain_words(
    chromium_path: str, dash_duo: Any, scoring_address: str, tmp_path: Path
) -> None:
    with ScoringClient(scoring_address, timeout=10) as client:
        info = client.model_info(language="fr")
    feature = info.global_importance[0].feature
    folder = tmp_path / "drift"  # the status folder of the test server (tests.server_support)
    write_status(
        folder,
        {
            "status": "alert",
            "message": f"drifted; see {folder}",
            "window": {"start": "2026-12-01T08:00:00+00:00", "end": "2026-12-02T08:00:00+00:00"},
            "events": 250,
            "model_version": info.version,
            "alerts": [
                {"rule": "feature_drift_share", "message": "1 of the 12 most important features drifted"}
            ],
            "checks": {
                "feature_drift": {"all": {"tested": 12, "columns": [{"column": feature, "drifted": True}]}}
            },
            "report": REPORT_HTML,
        },
    )
    (folder / REPORT_HTML).write_text("<html><body><h1 id='evidently'>Rapport Evidently</h1></body></html>")
    dash_duo.start_server(dashboard_app(scoring_address, timeout=10.0), navigate=False)
    driver = dash_duo.driver
    log_in(driver, dash_duo.server.url)
    driver.find_element(By.LINK_TEXT, "Dérive des données").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "drift-status"))
    text = driver.find_element(By.TAG_NAME, "body").text
    assert "Dérive détectée" in text and "250 scores" in text and f"Modèle version {info.version}" in text
    assert info.feature_descriptions[feature] in text and feature not in text  # the plain name, not the code
    assert "Trop de variables importantes ont changé de distribution." in text
    assert str(tmp_path) not in driver.page_source and "python -m" not in driver.page_source
    badge = driver.find_element(By.CSS_SELECTOR, ".drift-badge")
    colours = driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.color, s.backgroundColor];", badge
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(160, 62, 0)"]  # styled by the app's stylesheet
    link = driver.find_element(By.ID, "drift-report-link")
    driver.get(link.get_attribute("href"))  # the report, through the service, in the same tab
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "evidently"))
