"""The "Fiche du modèle" page in headless Chromium: the served version's card, read from the real scoring service
(GetModelInfo), French first with the English switch, headings and table headers a screen reader can navigate."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from registry.bundle import METADATA_FILE, load_metadata
from registry.model_card import LANGUAGES, build_card, finite, render
from tests.e2e.dashboard_support import WAIT, dashboard_app, log_in, screenshot
from training.features.protected import load_policy

pytestmark = pytest.mark.e2e
REASON = "Tested override: <b>never served</b>"


@pytest.fixture()
def carded_address(tiny_bundle_dir: Path, tmp_path: Path) -> Iterator[str]:
    """A real scoring server on a copy of the tiny bundle that carries a model card."""
    from tests.server_support import serve

    folder = shutil.copytree(tiny_bundle_dir, tmp_path / "bundle")
    metadata = load_metadata(folder)
    metadata.extra["protected_policy"] = load_policy().as_dict()  # as the pipeline records it
    gate = {"fairness_gate": "overridden", "fairness_gate_reason": "grant-rate ratio 0.7 under 0.8"}
    card = build_card(metadata, tmp_path, gate | {"fairness_override_reason": REASON}, data_source="tiny")
    raw = json.loads((folder / METADATA_FILE).read_text())
    raw["extra"]["model_card"] = {
        "json": finite(card),
        "markdown": {language: render(card, language) for language in LANGUAGES},
    }
    (folder / METADATA_FILE).write_text(json.dumps(raw, ensure_ascii=False))
    with serve(folder, tmp_path) as (address, _service):
        yield address


def test_the_model_card_page_reads_the_card_from_the_service(
    chromium_path: str, dash_duo: Any, carded_address: str, artifacts: Path
) -> None:
    dash_duo.start_server(dashboard_app(carded_address, timeout=10.0), navigate=False)
    driver = dash_duo.driver
    log_in(driver, dash_duo.server.url)
    link = driver.find_element(By.LINK_TEXT, "Fiche du modèle")
    link.click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "main#model-card h1"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Fiche du modèle — credit-scoring")
    headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
    assert {
        "Usage prévu",
        "Attributs protégés",
        "Décision de la barrière d'équité",
        "Limites connues",
    } <= set(headings)
    assert driver.find_elements(By.CSS_SELECTOR, "table thead th[scope='col']")
    body = driver.find_element(By.TAG_NAME, "main").text
    assert (
        "levée avec une raison écrite" in body and "<b>never served</b>" in body
    )  # shown as text, not markup
    gender = next(a for a in load_policy().attributes if a.name == "gender")
    assert gender.reason("fr") in body and gender.reason("en") not in body  # the policy's French reasons
    screenshot(driver, artifacts / "model-card-fr.png")

    driver.find_element(By.CSS_SELECTOR, "a[hreflang='en']").click()
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    )
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Model card — credit-scoring")
    assert "Fairness gate decision" in [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
    english = driver.find_element(By.TAG_NAME, "main").text
    assert gender.reason("en") in english and gender.reason("fr") not in english
    screenshot(driver, artifacts / "model-card-en.png")
