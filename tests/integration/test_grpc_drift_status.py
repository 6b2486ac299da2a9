"""GetDriftStatus and GetDriftReport on a real server: the monitor's files in the service's status folder come
back as a status with the drifted features described in the requested language, and the report in chunks."""

from __future__ import annotations

from pathlib import Path

import pytest

from drift.status_files import REPORT_HTML, write_status
from scoring_service.client import ScoringClient
from scoring_service.errors import NotFound
from scoring_service.translate_drift import REPORT_CHUNK
from tests.server_support import serve

pytestmark = pytest.mark.integration


def _checks(drifted: list[str], tested: int) -> dict:
    columns = [{"column": c, "drifted": True} for c in drifted] + [{"column": "OTHER", "drifted": False}]
    return {"feature_drift": {"all": {"tested": tested, "drifted": drifted, "columns": columns}}}


def test_the_monitors_status_and_report_reach_the_client(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    with (
        serve(tiny_bundle_dir, tmp_path) as (address, _service),
        ScoringClient(address, timeout=10) as client,
    ):
        assert client.drift_status().status == "none"
        with pytest.raises(NotFound):
            client.drift_report()
        folder = tmp_path / "drift"
        feature = client.model_info().global_importance[0].feature
        status = {
            "status": "alert",
            "message": "The drift check found ... in /srv/secret/path",
            "window": {"start": "2026-12-01T00:00:00+00:00", "end": "2026-12-02T00:00:00+00:00"},
            "events": 321,
            "model_version": "1",
            "alerts": [{"rule": "feature_drift_share", "message": "..."}],
            "checks": _checks([feature], 12),
            "report": REPORT_HTML,
        }
        write_status(folder, status)
        report = b"<html>" + b"x" * (2 * REPORT_CHUNK + 10) + b"</html>"  # three chunks
        (folder / REPORT_HTML).write_bytes(report)
        for lang in ("fr", "en"):
            got = client.drift_status(language=lang)
            described = client.model_info(language=lang).feature_descriptions[feature]
            assert got.status == "alert" and got.events == 321 and got.model_version == "1"
            assert got.window_start.startswith("2026-12-01") and got.checked_at
            assert [(f.feature, f.description) for f in got.drifted] == [(feature, described)]
            assert got.features_tested == 12 and got.alert_rules == ("feature_drift_share",)
            assert got.has_report
        assert client.drift_report() == report
