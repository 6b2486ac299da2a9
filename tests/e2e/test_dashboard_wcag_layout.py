"""What the rendered page does for people who use the keyboard, see little contrast or read on a phone, measured in
headless Chromium from the CSS the browser computed: the focus ring on every control reached by Tab, controls at
3:1 against their background, a clickable chart that is not an image; at 1440×900 the score, decision and main
reasons above the fold; at 390×844 every chart's text inside the chart, with room left for the plot."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from dash_app import ids, theme
from tests.e2e.dashboard_support import WAIT, chart_shows, dashboard_app, log_in, look_up, panels_drawn

pytestmark = pytest.mark.e2e

CLIENT = 100001
FOCUS_RGB = "rgb({}, {}, {})".format(*(int(theme.FOCUS[i : i + 2], 16) for i in (1, 3, 5)))

# (r, g, b) of a computed colour; the first opaque background behind an element; the WCAG contrast of two colours
COLOUR_JS = """
const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
const opaque = c => { const v = rgb(c); return v.length === 3 || (v.length === 4 && v[3] === 1); };
const behind = el => {
    for (let e = el.parentElement; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (opaque(c)) return c;
    }
    return 'rgb(255, 255, 255)';
};
const lum = c => rgb(c).slice(0, 3).map(v => v / 255)
    .map(v => v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const hex = h => 'rgb(' + [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)).join(', ') + ')';
"""


@pytest.fixture()
def page(chromium_path: str, dash_duo: Any, scoring_address: str) -> Any:
    dash_duo.start_server(dashboard_app(scoring_address, timeout=10.0), navigate=False)
    log_in(dash_duo.driver, dash_duo.server.url)
    return dash_duo


def viewport(driver: Any, width: int, height: int, mobile: bool = False) -> None:
    """The page's own viewport at exactly this size (the window's frame aside)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.refresh()
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return window.innerWidth") == width)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, ids.CLIENT_ID_INPUT))


def test_every_control_reached_by_tab_shows_the_apps_focus_ring(page: Any) -> None:
    driver = page.driver
    driver.get(page.server.url.rstrip("/") + f"/?client={CLIENT}")  # a fresh page: Tab starts at its top
    WebDriverWait(driver, WAIT).until(lambda d: panels_drawn(d, CLIENT))
    seen: dict[str, dict[str, str]] = {}
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for n in range(200):
        ring = driver.execute_script(
            """const e = document.activeElement, s = getComputedStyle(e);
            if (e === document.body || e.dataset.tabbed) return null;
            e.dataset.tabbed = '1';
            return {kind: e.tagName + '.' + (e.type || '') + '.' + e.className,
                    name: e.id || e.name || e.textContent.slice(0, 30),
                    style: s.outlineStyle, width: s.outlineWidth, colour: s.outlineColor, shadow: s.boxShadow};"""
        )
        if ring is None:
            break
        seen[f"{n}:{ring['name']}"] = ring
        driver.switch_to.active_element.send_keys(Keys.TAB)
    kinds = {".".join(r["kind"].split(".")[:2]) for r in seen.values()}
    # links, buttons, the id field, selects, radio buttons and switches were all reached
    assert {
        "A.",
        "BUTTON.button",
        "INPUT.text",
        "SELECT.select-one",
        "INPUT.radio",
        "INPUT.checkbox",
    } <= kinds
    wrong = {
        k: r
        for k, r in seen.items()
        if not (r["style"] == "solid" and float(r["width"][:-2]) >= 2 and r["colour"] == FOCUS_RGB)
        or r["shadow"] != "none"
    }
    assert not wrong, wrong


def test_radio_buttons_switches_and_fields_stand_out_at_three_to_one(page: Any) -> None:
    driver = page.driver
    look_up(driver, CLIENT)
    driver.execute_script("document.activeElement.blur()")  # every field at rest
    found = driver.execute_script(
        COLOUR_JS
        + """
        const out = [];
        for (const e of document.querySelectorAll('input.form-check-input, input.form-control, select.form-select')) {
            if (e.checked || e.offsetParent === null) continue;
            const s = getComputedStyle(e);
            const ground = behind(e);
            out.push({id: e.id || e.name || e.value, what: 'outline', ratio: contrast(s.borderTopColor, ground)});
            const knob = /fill='(%23|#)([0-9a-fA-F]{6})'/.exec(decodeURIComponent(s.backgroundImage));
            if (e.getAttribute('role') === 'switch' || e.parentElement.classList.contains('form-switch')) {
                const fill = knob ? hex('#' + knob[2]) : 'rgb(255, 255, 255)';
                out.push({id: e.id, what: 'knob', ratio: contrast(fill, s.backgroundColor)});
            }
        }
        return out;"""
    )
    whats = {f["what"] for f in found}
    assert "knob" in whats and len(found) >= 10, found  # the radio buttons, the two switches, the fields
    low = [f for f in found if f["ratio"] < 3]
    assert not low, low


def test_the_clickable_importance_chart_is_not_inside_an_image(page: Any) -> None:
    driver = page.driver
    page.wait_for_element(f"#{ids.IMPORTANCE_GRAPH} .main-svg", timeout=WAIT)
    assert driver.execute_script(
        "return document.getElementById(arguments[0]).closest('[role=img]') === null", ids.IMPORTANCE_GRAPH
    )
    assert driver.execute_script(
        "return document.getElementById(arguments[0]).closest('[role=group]') !== null", ids.IMPORTANCE_GRAPH
    )


def test_score_decision_and_main_reasons_are_above_the_fold_at_1440_by_900(page: Any) -> None:
    driver = page.driver
    viewport(driver, 1440, 900)
    look_up(driver, CLIENT)
    driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    bottoms = driver.execute_script(
        """return Object.fromEntries(arguments[0].map(id => {
            const r = document.getElementById(id).getBoundingClientRect();
            return [id, r.height > 0 ? r.bottom : -1];
        }));""",
        [ids.DECISION, ids.GAUGE_GRAPH, ids.DISTANCE_TEXT, ids.WHY_SENTENCE],
    )
    assert all(0 < bottom <= 900 for bottom in bottoms.values()), bottoms


# Every text of the chart inside the chart's own box, and the plot at least `share` of its width: a label cut by the
# edge or a plot squeezed to a sliver fails. The scatter's colour bar sits below its points.
CHART_JS = """
const graph = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const box = graph.querySelector('.main-svg').getBoundingClientRect();
const cut = [];
for (const t of graph.querySelectorAll('.main-svg text')) {
    const r = t.getBoundingClientRect();
    if (r.width === 0 || !t.textContent.trim()) continue;
    if (r.left < box.left - 1 || r.right > box.right + 1) {
        cut.push([t.textContent, r.left - box.left, box.right - r.right]);
    }
}
const size = graph._fullLayout._size;  // the plot area inside the margins, in pixels
const bar = graph.querySelector('.colorbar');
return {cut: cut, width: box.width, plot: size.w / box.width,
        bar_below: bar ? bar.getBoundingClientRect().top >= box.top + size.t + size.h : null};
"""


def test_every_chart_is_readable_on_a_phone_390_by_844(page: Any) -> None:
    driver = page.driver
    viewport(driver, 390, 844, mobile=True)
    look_up(driver, CLIENT)
    Select(driver.find_element(By.ID, ids.CMP_SECOND)).select_by_index(1)
    WebDriverWait(driver, WAIT).until(lambda d: chart_shows(d, ids.SCATTER_GRAPH, CLIENT))
    page.wait_for_element(f"#{ids.IMPORTANCE_GRAPH} .main-svg", timeout=WAIT)
    assert (
        driver.execute_script("return document.documentElement.scrollWidth") <= 390
    )  # no sideways scrolling
    charts = {
        graph: driver.execute_script(CHART_JS, graph)
        for graph in (ids.WATERFALL_GRAPH, ids.IMPORTANCE_GRAPH, ids.DIST_GRAPH, ids.SCATTER_GRAPH)
    }
    for graph, seen in charts.items():
        assert seen["width"] <= 390 and not seen["cut"], (graph, seen)
        assert seen["plot"] >= 0.35, (graph, seen)  # the labels leave the plot room to be read
    assert charts[ids.SCATTER_GRAPH]["bar_below"] is True
