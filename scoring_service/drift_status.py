"""The drift monitor's latest check, as the service passes it on: the monitor (`python -m drift monitor`) writes
latest.json and latest-report.html in a status folder it shares with the service (SCORING_DRIFT_STATUS_DIR);
the service reads them on request, names the drifted features in the model's own words, and never says where the
files are, so that nothing of the server's layout reaches a screen."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scoring_service.domain import DriftedFeature, DriftStatus
from scoring_service.errors import NotFound, Unavailable

log = logging.getLogger(__name__)

STATUS_JSON = "latest.json"  # the names drift.status_files writes
REPORT_HTML = "latest-report.html"
KNOWN = ("ok", "alert", "insufficient_data", "error")
NO_CHECK = DriftStatus(status="none")


def _drifted(checks: Mapping[str, Any]) -> tuple[list[str], int]:
    """Every drifted model feature (most important first, as the monitor sorts them) and how many were tested."""
    drift = (checks.get("feature_drift") or {}).get("all") or {}
    columns = [c.get("column") for c in drift.get("columns") or [] if c.get("drifted")]
    named = [str(c) for c in columns if c] or [str(f) for f in drift.get("drifted") or []]
    return named, int(drift.get("tested") or 0)


def read_drift_status(folder: Path, descriptions: Mapping[str, str]) -> DriftStatus:
    """The latest check in `folder`, its drifted features described with `descriptions` (feature -> words)."""
    path = folder / STATUS_JSON
    if not path.is_file():
        return NO_CHECK
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("The drift status file could not be read: %s", exc)
        raise Unavailable(
            "The latest drift check could not be read; try again after the next check."
        ) from exc
    checks = raw.get("checks") or {}
    window = raw.get("window") or checks.get("window") or {}
    drifted, tested = _drifted(checks)
    return DriftStatus(
        status=raw.get("status") if raw.get("status") in KNOWN else "error",
        checked_at=str(raw.get("checked_at") or ""),
        window_start=str(window.get("start") or ""),
        window_end=str(window.get("end") or ""),
        model_version=str(raw.get("model_version") or ""),
        events=int(raw.get("events") or 0),
        drifted=tuple(DriftedFeature(f, descriptions.get(f, "")) for f in drifted),
        features_tested=tested,
        alert_rules=tuple(str(a.get("rule")) for a in raw.get("alerts") or [] if a.get("rule")),
        has_report=bool(raw.get("report")) and (folder / REPORT_HTML).is_file(),
    )


def read_drift_report(folder: Path) -> bytes:
    """The full report (an HTML page); NotFound when the monitor has written none."""
    path = folder / REPORT_HTML
    if not path.is_file():
        raise NotFound("No drift report has been written yet: it comes with the monitor's next check.")
    return path.read_bytes()
