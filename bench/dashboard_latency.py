"""Dashboard latency in headless Chromium: the first page load, and the time from pressing Enter on a client id
to every panel drawn (score, gauge, waterfall, comparison charts with the scatter, client information), p50/p95
over N clients.

    .venv/bin/python bench/dashboard_latency.py                 # tiny model trained on the fly, 20 clients
    .venv/bin/python bench/dashboard_latency.py --bundle DIR    # a real model bundle folder

A real scoring server (gRPC) serves the bundle on the loopback; the dashboard runs in a threaded WSGI server in
this process. Times are measured inside the page (performance.now), from the Enter key to the frame where
every panel shows the new client.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from dash_app import ids  # noqa: E402
from scoring_service.client import ScoringClient  # noqa: E402
from scoring_service.domain import ClientFilters  # noqa: E402
from tests.e2e.conftest import OFFLINE_FLAGS  # noqa: E402
from tests.e2e.dashboard_support import (  # noqa: E402
    PANELS,
    PANELS_DRAWN_JS,
    PASSWORD,
    USER,
    dashboard_app,
    log_in,
)
from tests.server_support import serve  # noqa: E402

WATCH = (
    """
const id = arguments[0], panels = arguments[1];
window.__bench = {start: null, end: null};
const drawn = () => ("""
    + PANELS_DRAWN_JS
    + """)(id, panels);
const check = () => {
    if (window.__bench.start !== null && drawn()) { window.__bench.end = performance.now(); return; }
    requestAnimationFrame(check);
};
requestAnimationFrame(check);
"""
)
ON_ENTER = """
document.getElementById(arguments[0]).addEventListener('keydown', e => {
    if (e.key === 'Enter' && window.__bench) { window.__bench.start = performance.now(); }
}, true);
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def browser(chromium: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", *OFFLINE_FLAGS):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def page_ready(driver: webdriver.Chrome) -> bool:
    return bool(
        driver.execute_script(
            "return !!document.querySelector('#importance-graph .main-svg')"
            " && document.querySelectorAll('#search-results button').length > 0"
        )
    )


def run(bundle: Path, clients: int, reloads: int, chromium: str) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    try:
        with serve(bundle, work) as (address, _service):
            with ScoringClient(address, timeout=10) as probe:
                ids_ = [c.client_id for c in probe.search_clients(ClientFilters(), 0, clients).clients]
            app = dashboard_app(address, timeout=10.0)
            http = make_server("127.0.0.1", 0, app.server, threaded=True)
            thread = threading.Thread(target=http.serve_forever, daemon=True)
            thread.start()
            base = f"http://127.0.0.1:{http.server_port}"
            driver = browser(chromium)
            try:
                log_in(driver, base)  # the first, cold load of the page (empty browser cache)
                driver.delete_all_cookies()  # a new working day: no session
                # the first load of a working day: from the login form's submit to the page ready
                driver.get(base + "/")
                WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "username"))
                driver.find_element(By.ID, "username").send_keys(USER)
                driver.find_element(By.ID, "password").send_keys(PASSWORD)
                submit = driver.find_element(By.ID, "login-submit")
                start = time.perf_counter()
                submit.click()
                WebDriverWait(driver, 60, poll_frequency=0.01).until(page_ready)
                first_load = time.perf_counter() - start
                loads = []
                for _ in range(reloads):
                    start = time.perf_counter()
                    driver.get(base + "/")
                    WebDriverWait(driver, 60, poll_frequency=0.01).until(page_ready)
                    loads.append(time.perf_counter() - start)
                driver.execute_script(ON_ENTER, ids.CLIENT_ID_INPUT)
                field = driver.find_element(By.ID, ids.CLIENT_ID_INPUT)
                timings = []
                for client_id in ids_:
                    field.clear()
                    field.send_keys(str(client_id))
                    driver.execute_script(WATCH, str(client_id), list(PANELS))
                    field.send_keys(Keys.ENTER)
                    WebDriverWait(driver, 60, poll_frequency=0.01).until(
                        lambda d: d.execute_script("return window.__bench.end !== null")
                    )
                    bench = driver.execute_script("return window.__bench")
                    timings.append((bench["end"] - bench["start"]) / 1000)
            finally:
                driver.quit()
                http.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "clients": len(timings),
        "lookup_p50_s": statistics.median(timings),
        "lookup_p95_s": percentile(timings, 0.95),
        "lookup_max_s": max(timings),
        "first_load_s": first_load,
        "reload_p50_s": statistics.median(loads) if loads else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="model bundle folder (default: the tiny test bundle)")
    parser.add_argument("--clients", type=int, default=20, help="clients looked up (default 20)")
    parser.add_argument(
        "--reloads", type=int, default=5, help="page reloads after the first load (default 5)"
    )
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    if shutil.which("chromedriver") is None:
        raise SystemExit("chromedriver is not installed: apt-get install chromium chromium-driver")
    bundle = args.bundle
    if bundle is None:
        from tests.bundle_factory import make_tiny_bundle

        bundle = make_tiny_bundle(Path(tempfile.mkdtemp(prefix="bench-bundle-")))
    result = run(bundle, args.clients, args.reloads, args.chromium)
    print(
        f"clients={result['clients']} lookup p50={result['lookup_p50_s']:.3f}s "
        f"p95={result['lookup_p95_s']:.3f}s max={result['lookup_max_s']:.3f}s | "
        f"first load (login to page ready)={result['first_load_s']:.3f}s reload p50={result['reload_p50_s']:.3f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
