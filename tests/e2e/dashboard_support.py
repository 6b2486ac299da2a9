"""Driving the dashboard in a browser: start it around a ScoringClient, log in, look a client up, save a
full-page screenshot. Shared by the browser tests and bench/dashboard_latency.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from dash_app import ids
from dash_app.app import create_app
from dash_app.auth import hash_password
from dash_app.settings import DashSettings
from scoring_service.client import ScoringClient

USER, PASSWORD = "conseillere", "mot de passe de test"
WAIT = 30  # seconds; generous because the test machines are shared
PANELS = (ids.SCORE_BODY, ids.WHY_BODY, ids.CMP_BODY, ids.INFO_BODY)


def dashboard_app(address: str, **settings: Any) -> Any:
    client = ScoringClient(address, timeout=settings.pop("timeout", 2.0), retries=settings.pop("retries", 1))
    return create_app(DashSettings(**settings), client, accounts={USER: hash_password(PASSWORD, n=2**12)})


def log_in(driver: Any, base_url: str, timeout: float = WAIT) -> None:
    driver.get(base_url.rstrip("/") + "/")
    WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.ID, "username")))
    driver.find_element(By.ID, "username").send_keys(USER)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.ID, ids.CLIENT_ID_INPUT)))


# A JavaScript function of (client id, panel ids): every panel shows this client, the gauge image is loaded and
# the Plotly charts show this client, drawn (the scatter too unless the comparison has none, when it is collapsed).
# The charts stay mounted from one client to the next: the client named in the figure Plotly has drawn
# (layout.meta) tells a chart of this client from the previous one. Shared with the latency benchmark.
PANELS_DRAWN_JS = """(id, panels) => {
    const shows = g => {
        const gd = document.querySelector('#' + g + ' .js-plotly-plot');
        return gd !== null && gd.querySelector('.main-svg') !== null && !!gd._fullLayout
            && !!gd._fullLayout.meta && gd._fullLayout.meta.client === id;
    };
    const collapsed = g => (b => b === null || b.classList.contains('chart-off'))(
        document.getElementById(g).closest('figure'));
    return panels.every(p => document.querySelector('#' + p + ' [data-client="' + id + '"]') !== null)
        && (g => g !== null && g.complete && g.naturalWidth > 0)(document.getElementById('gauge-graph'))
        && ['waterfall-graph', 'dist-graph'].every(shows)
        && (collapsed('scatter-graph') || shows('scatter-graph'));
}"""


def panels_drawn(driver: Any, client_id: int) -> bool:
    """Every panel shows this client, and its charts are drawn."""
    script = f"return ({PANELS_DRAWN_JS})(arguments[0], arguments[1]);"
    return bool(driver.execute_script(script, str(client_id), list(PANELS)))


def chart_shows(driver: Any, graph_id: str, client_id: int) -> bool:
    """The mounted chart is shown and Plotly has drawn this client's figure in it."""
    script = """const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
        return gd !== null && !gd.closest('figure').classList.contains('chart-off')
            && !!gd._fullLayout && !!gd._fullLayout.meta && gd._fullLayout.meta.client === arguments[1];"""
    return bool(driver.execute_script(script, graph_id, str(client_id)))


def look_up(driver: Any, client_id: int | str, timeout: float = WAIT, wait: bool = True) -> None:
    """Type the id and press Enter; wait for every panel unless the id is not expected to exist."""
    field = driver.find_element(By.ID, ids.CLIENT_ID_INPUT)
    field.clear()
    field.send_keys(str(client_id))
    field.send_keys(Keys.ENTER)
    if wait:
        WebDriverWait(driver, timeout).until(lambda d: panels_drawn(d, int(client_id)))


def screenshot(driver: Any, path: Path) -> Path:
    """The whole page, not just the window."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, max(1000, int(height) + 100))
    time.sleep(0.3)
    driver.save_screenshot(str(path))
    driver.set_window_size(width, 1000)
    return path


def click(driver: Any, element: Any) -> None:
    """Scroll the element to the middle of the window and click it (a plain click can land on a neighbour
    while the page is still moving below the fold)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)
