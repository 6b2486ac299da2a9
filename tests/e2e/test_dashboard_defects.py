"""What a relationship manager with a client in front of them noticed, each checked in headless Chromium against a
real scoring server: no panel left behind by a race (id, link, reload, language switch, ten times each), the
client in the address, a wrong id that keeps the client shown and says so to assistive technology, values and
reasons in plain words, a filtered comparison that follows the filters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from dash_app import ids
from tests.e2e.dashboard_support import WAIT, click, dashboard_app, log_in, look_up, panels_drawn

pytestmark = pytest.mark.e2e

REPEATS = 10
CLIENTS = (100001, 100003)


@pytest.fixture()
def page(chromium_path: str, dash_duo: Any, scoring_address: str) -> Any:
    dash_duo.start_server(dashboard_app(scoring_address, timeout=10.0), navigate=False)
    log_in(dash_duo.driver, dash_duo.server.url)
    return dash_duo


def wait_drawn(driver: Any, client_id: int) -> None:
    """Every panel, the comparison included, shows this client; never the comparison's empty state."""
    WebDriverWait(driver, WAIT).until(lambda d: panels_drawn(d, client_id))
    assert "Choisissez un client" not in driver.find_element(By.ID, ids.CMP_BODY).text


def test_every_path_to_a_client_draws_every_panel_ten_times_out_of_ten(page: Any) -> None:
    driver, base = page.driver, page.server.url.rstrip("/")
    for i in range(REPEATS):  # typed id
        client = CLIENTS[i % 2]
        look_up(driver, client, wait=False)
        wait_drawn(driver, client)
        WebDriverWait(driver, WAIT).until(lambda d, c=client: d.current_url.endswith(f"/?client={c}"))
    for i in range(REPEATS):  # a shared link
        client = CLIENTS[i % 2]
        driver.get(f"{base}/?client={client}")
        wait_drawn(driver, client)
    for _ in range(REPEATS):  # reload
        driver.refresh()
        wait_drawn(driver, CLIENTS[1])
    for i in range(REPEATS):  # language switch, and back
        lang = "en" if i % 2 == 0 else "fr"
        driver.find_element(By.ID, ids.LANG_LINK).click()
        WebDriverWait(driver, WAIT).until(
            lambda d, lang=lang: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        )
        WebDriverWait(driver, WAIT).until(lambda d: panels_drawn(d, CLIENTS[1]))
        assert driver.current_url.endswith(f"/?client={CLIENTS[1]}")


def test_a_wrong_id_keeps_the_client_and_marks_the_field_for_assistive_technology(page: Any) -> None:
    driver = page.driver
    look_up(driver, CLIENTS[0])
    field = driver.find_element(By.ID, ids.CLIENT_ID_INPUT)
    assert field.get_attribute("aria-invalid") == "false"
    for wrong, words in (("12a45", "6 chiffres"), ("999999", "999999")):
        look_up(driver, wrong, wait=False)
        page.wait_for_contains_text(f"#{ids.CLIENT_ID_FEEDBACK}", words, timeout=WAIT)
        WebDriverWait(driver, WAIT).until(
            lambda d: d.find_element(By.ID, ids.CLIENT_ID_INPUT).get_attribute("aria-invalid") == "true"
        )
        described = field.get_attribute("aria-describedby").split()
        assert ids.CLIENT_ID_FEEDBACK in described and ids.CLIENT_ID_HELP in described
        assert panels_drawn(driver, CLIENTS[0])  # the client shown is still there
    assert "100002" not in driver.find_element(By.ID, ids.CLIENT_ID_HELP).text  # no id that does not exist


def test_values_and_reasons_in_plain_words(page: Any) -> None:
    driver = page.driver
    look_up(driver, CLIENTS[0])
    info = driver.find_element(By.ID, ids.INFO_BODY).text
    for raw in ("Cash loans", "Revolving loans", "Married", "Single / not married", " Y\n", " N\n"):
        assert raw not in info
    assert not re.search(r"−\d|-\d", info), "a negative day count is shown"
    assert "Code" not in info  # technical names only behind the switch
    click(driver, driver.find_element(By.ID, ids.INFO_CODES))
    WebDriverWait(driver, WAIT).until(lambda d: "AMT_CREDIT" in d.find_element(By.ID, ids.INFO_BODY).text)
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('#waterfall-graph .ytick text')).map(t => t.textContent)"
    )
    assert 3 <= len(labels) <= 12
    assert not any("…" in label or "autres facteurs" in label for label in labels)
    axis = driver.execute_script("return document.querySelector('#waterfall-graph .xtitle').textContent")
    assert "log" not in axis and "risque" in axis
    reasons = driver.find_elements(By.CSS_SELECTOR, f"#{ids.WHY_SENTENCE} li")
    assert 1 <= len(reasons) <= 4 and all(r.text.endswith("le risque.") for r in reasons)
    details = driver.find_elements(By.CSS_SELECTOR, f"#{ids.WHY_DETAILS} details")
    assert len(details) == len(labels)
    click(driver, details[0].find_element(By.TAG_NAME, "summary"))
    assert details[0].find_elements(By.TAG_NAME, "li")[0].is_displayed()


def test_the_filtered_comparison_follows_the_filters(page: Any) -> None:
    driver = page.driver
    look_up(driver, CLIENTS[0])
    click(driver, driver.find_element(By.CSS_SELECTOR, f"#{ids.CMP_GROUP} input[value='filtered']"))
    page.wait_for_contains_text(f"#{ids.CMP_STATS}", "filtres", timeout=WAIT)
    before = driver.find_element(By.ID, ids.CMP_STATS).text
    # narrow filters: the filtered group follows them at once, and an empty group says so in words
    Select(driver.find_element(By.ID, ids.FILTER_AGE)).select_by_value("18-29")
    Select(driver.find_element(By.ID, ids.FILTER_INCOME)).select_by_value("300k+")
    WebDriverWait(driver, WAIT).until(
        lambda d: (
            d.find_elements(By.ID, ids.CMP_EMPTY_GROUP) or d.find_element(By.ID, ids.CMP_STATS).text != before
        )
    )
    body = driver.find_element(By.ID, ids.CMP_BODY).text
    assert "nan" not in body and "médiane ?" not in body


def test_what_if_says_in_the_field_that_a_negative_income_is_wrong(page: Any) -> None:
    driver = page.driver
    look_up(driver, CLIENTS[1])
    income = driver.find_element(By.ID, ids.WI_INCOME)
    shown = income.get_attribute("value")
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})*(,\d{1,2})?", shown), shown  # French grouping, decimal comma
    income.clear()
    income.send_keys("-5000")
    click(driver, driver.find_element(By.ID, ids.WI_RUN))
    page.wait_for_contains_text(f"#{ids.WI_INCOME}-feedback", "doit être un nombre positif", timeout=WAIT)
    assert "is-invalid" in income.get_attribute("class")
    assert driver.find_element(By.ID, f"{ids.WI_INCOME}-feedback").is_displayed()
    result = driver.find_element(By.ID, ids.WI_RESULT).text
    assert "points" not in result and "Modifiez" not in result
