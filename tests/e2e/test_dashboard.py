"""The relationship manager's journey in headless Chromium, against a real scoring server and the tiny model:
log in, look a client up, read the score, decision, waterfall and comparison; a bad id; the what-if; the
language switch; the keyboard; filters. Screenshots of each state go to test-artifacts/dashboard/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from dash_app import ids
from dash_app.panels.whatif import parse_number
from tests.e2e.dashboard_support import WAIT, click, dashboard_app, log_in, look_up, panels_drawn, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture()
def page(chromium_path: str, dash_duo: Any, scoring_address: str) -> Any:
    """A logged-in dashboard in the browser, on the real scoring server."""
    # generous deadline: these machines are shared, and a slow answer is not what these tests are about
    # info_rows below the tiny model's 21 fields, so that "show every field" has something to show
    dash_duo.start_server(dashboard_app(scoring_address, timeout=10.0, info_rows=10), navigate=False)
    log_in(dash_duo.driver, dash_duo.server.url)
    dash_duo.wait_for_element(f"#{ids.IMPORTANCE_GRAPH} .main-svg", timeout=WAIT)
    return dash_duo


def text(page: Any, id_: str) -> str:
    return str(page.find_element(f"#{id_}").text)


def test_look_up_a_client_shows_gauge_decision_waterfall_comparison(page: Any, artifacts: Path) -> None:
    driver = page.driver
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert driver.title == "Recherche d'un client — Prêt à dépenser"
    look_up(driver, 100001)
    decision = text(page, ids.DECISION)
    assert decision in ("✔ Crédit accordé", "✖ Crédit refusé")
    assert "points" in text(page, ids.DISTANCE_TEXT) and "seuil" in text(page, ids.DISTANCE_TEXT)
    assert "Jauge : probabilité de défaut" in text(page, ids.GAUGE_ALT)
    reasons = text(page, ids.WHY_SENTENCE)
    assert "le risque." in reasons and ("augmente" in reasons or "diminue" in reasons)
    assert "Graphique en cascade" in text(page, ids.WATERFALL_ALT)
    assert len(driver.find_elements(By.CSS_SELECTOR, f"#{ids.WATERFALL_GRAPH} .waterfalllayer .point")) >= 3
    assert "centile" in text(page, ids.CMP_PERCENTILE)
    assert "Tous les clients" in text(page, ids.CMP_STATS)
    assert "Revenu annuel du client" in text(page, ids.INFO_BODY)
    assert driver.title.startswith("Client 100001 — Crédit ")
    screenshot(driver, artifacts / "01-client-fr.png")
    # choose the similar clients: the comparison follows
    similar = driver.find_element(By.CSS_SELECTOR, f"#{ids.CMP_GROUP} input[value='similar']")
    driver.execute_script("arguments[0].click();", similar)
    page.wait_for_contains_text(f"#{ids.CMP_STATS}", "Clients les plus semblables", timeout=WAIT)
    # client information: the first rows, then every field on demand, then a search through all of them
    assert text(page, ids.INFO_COUNT).startswith("10 premières informations affichées sur ")
    click(driver, driver.find_element(By.ID, ids.INFO_ALL))
    page.wait_for_contains_text(f"#{ids.INFO_COUNT}", "informations sur", timeout=WAIT)
    assert not text(page, ids.INFO_COUNT).startswith("10 ")
    click(driver, driver.find_element(By.ID, ids.INFO_ALL))
    page.wait_for_contains_text(f"#{ids.INFO_COUNT}", "premières", timeout=WAIT)
    search = driver.find_element(By.ID, ids.INFO_SEARCH)
    search.send_keys("revenu")
    page.wait_for_contains_text(f"#{ids.INFO_COUNT}", "informations sur", timeout=WAIT)

    def narrowed(d: Any) -> bool:  # "3 informations sur 21."
        words = d.find_element(By.ID, ids.INFO_COUNT).text.split()
        return len(words) > 3 and 0 < int(words[0]) < int(words[3].rstrip("."))

    WebDriverWait(driver, WAIT).until(narrowed)
    assert "revenu" in driver.find_element(By.ID, ids.INFO_BODY).text.lower()
    assert driver.get_log("browser") == []


def test_bad_ids_get_a_sentence_saying_what_is_wrong(page: Any, artifacts: Path) -> None:
    driver = page.driver
    look_up(driver, "12ab", wait=False)
    page.wait_for_contains_text(f"#{ids.CLIENT_ID_FEEDBACK}", "il faut exactement 6 chiffres", timeout=WAIT)
    look_up(driver, "999999", wait=False)
    page.wait_for_text_to_equal(
        f"#{ids.CLIENT_ID_FEEDBACK}",
        "Aucun client n'a l'identifiant 999999 dans le portefeuille. Vérifiez le numéro ou utilisez les filtres.",
        timeout=WAIT,
    )
    assert "Choisissez un client" in text(page, ids.SCORE_BODY)
    screenshot(driver, artifacts / "02-unknown-id.png")


def test_what_if_shows_the_new_score_beside_the_current(page: Any, artifacts: Path) -> None:
    driver = page.driver
    look_up(driver, 100003)
    credit = driver.find_element(By.ID, ids.WI_CREDIT)
    WebDriverWait(driver, WAIT).until(lambda d: credit.get_attribute("value") not in ("", None))
    old = parse_number(credit.get_attribute("value"))
    assert old is not None
    credit.clear()
    credit.send_keys(str(round(old * 3)))
    click(driver, driver.find_element(By.ID, ids.WI_RUN))
    page.wait_for_element("#wi-new", timeout=WAIT)
    result = text(page, ids.WI_RESULT)
    assert "Actuel" in result and "Simulation" in result and "fait passer la probabilité de défaut" in result
    screenshot(driver, artifacts / "03-what-if.png")


def test_language_switch_reloads_in_english_on_the_same_client(page: Any, artifacts: Path) -> None:
    driver = page.driver
    look_up(driver, 100001)
    driver.find_element(By.ID, ids.LANG_LINK).click()
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    )
    WebDriverWait(driver, WAIT).until(lambda d: panels_drawn(d, 100001))
    assert text(page, ids.DECISION) in ("✔ Credit granted", "✖ Credit refused")
    assert "the risk." in text(page, ids.WHY_SENTENCE)
    assert (
        "Client's annual income" in text(page, ids.INFO_BODY) or "income" in text(page, ids.INFO_BODY).lower()
    )
    assert driver.title.startswith("Client 100001 — Credit ")
    screenshot(driver, artifacts / "04-client-en.png")
    driver.find_element(By.ID, ids.LANG_LINK).click()
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    )


def test_keyboard_reaches_the_id_field_and_enter_looks_up(page: Any) -> None:
    driver = page.driver
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.text == "Aller au contenu principal"
    for _ in range(12):
        if driver.switch_to.active_element.get_attribute("id") == ids.CLIENT_ID_INPUT:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == ids.CLIENT_ID_INPUT
    driver.switch_to.active_element.send_keys("100005", Keys.ENTER)
    WebDriverWait(driver, WAIT).until(lambda d: panels_drawn(d, 100005))


def test_filters_narrow_the_list_and_a_pick_shows_the_client(page: Any) -> None:
    driver = page.driver
    Select(driver.find_element(By.ID, ids.FILTER_DECISION)).select_by_value("refused")
    page.wait_for_contains_text(f"#{ids.SEARCH_RESULTS}", "clients correspondent", timeout=WAIT)
    WebDriverWait(driver, WAIT).until(
        lambda d: "Accordé" not in d.find_element(By.ID, ids.SEARCH_RESULTS).text
    )
    first = driver.find_element(By.CSS_SELECTOR, f"#{ids.SEARCH_RESULTS} button")
    client_id = int(first.text.split(" · ")[0])
    assert "Refusé" in first.text
    click(driver, first)
    WebDriverWait(driver, WAIT).until(lambda d: panels_drawn(d, client_id))
    assert text(page, ids.DECISION) == "✖ Crédit refusé"
