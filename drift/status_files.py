"""The latest drift status, as files an analyst opens (latest.html) or the dashboard reads (latest.json).

Each monitoring run replaces both, atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATUS_JSON = "latest.json"
STATUS_HTML = "latest.html"
REPORT_HTML = "latest-report.html"

OK = "ok"
ALERT = "alert"
INSUFFICIENT_DATA = "insufficient_data"
ERROR = "error"

_LABELS = {
    OK: ("Aucune dérive", "No drift", "#1b7f3b"),
    ALERT: ("Alerte de dérive", "Drift alert", "#b00020"),
    INSUFFICIENT_DATA: ("Pas assez de scores", "Too few scores", "#8a6d00"),
    ERROR: ("Erreur du contrôle", "Check failed", "#555555"),
}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_status(folder: Path, status: dict[str, Any]) -> tuple[Path, Path]:
    """Write latest.json and latest.html in `folder`; `status` must hold at least 'status' and 'message'."""
    if status.get("status") not in _LABELS:
        raise ValueError(f"Unknown drift status {status.get('status')!r}; expected one of {sorted(_LABELS)}.")
    folder.mkdir(parents=True, exist_ok=True)
    status = {"checked_at": datetime.now(UTC).isoformat(), **status}
    json_path, html_path = folder / STATUS_JSON, folder / STATUS_HTML
    _write_atomic(json_path, json.dumps(status, indent=2, ensure_ascii=False, default=str))
    _write_atomic(html_path, render_html(status))
    return json_path, html_path


def read_status(folder: Path) -> dict[str, Any]:
    path = folder / STATUS_JSON
    if not path.is_file():
        raise FileNotFoundError(f"No drift status at {path}: run `python -m drift monitor` first.")
    return json.loads(path.read_text(encoding="utf-8"))


def _row(label: str, value: object) -> str:
    return f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"


def _pct(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, int | float) else "-"


def render_html(status: dict[str, Any]) -> str:
    """A small self-contained page (no script, no network), French first."""
    fr, en, colour = _LABELS[status["status"]]
    checks = status.get("checks") or {}
    window = checks.get("window") or status.get("window") or {}
    top = (checks.get("feature_drift") or {}).get("top") or {}
    rows = [
        _row("Contrôlé le / checked at", status.get("checked_at", "-")),
        _row("Fenêtre / window", f"{window.get('start', '-')} → {window.get('end', '-')}"),
        _row("Scores dans la fenêtre / events", status.get("events", checks.get("events", "-"))),
        _row("Version du modèle / model version", status.get("model_version", "-")),
    ]
    if checks:
        rows += [
            _row("PSI du score / score PSI", f"{checks.get('score_psi', float('nan')):.3f}"),
            _row(
                "Taux de refus / refusal rate",
                f"{_pct(checks.get('refusal_rate'))} "
                f"(référence {_pct(checks.get('reference_refusal_rate'))})",
            ),
            _row(
                "Variables principales en dérive / top features drifted",
                f"{_pct(top.get('share_drifted'))} : {', '.join(top.get('drifted', [])) or 'aucune'}",
            ),
            _row(
                "Score de dérive pondéré / importance-weighted drift",
                _pct((checks.get("feature_drift") or {}).get("all", {}).get("weighted_score")),
            ),
        ]
    alerts = "".join(
        f"<li><b>{html.escape(a['rule'])}</b> : {html.escape(a['message'])}</li>"
        for a in status.get("alerts", [])
    )
    report = status.get("report")
    link = (
        f'<p><a href="{html.escape(report)}">Rapport Evidently détaillé / full report</a></p>'
        if report
        else ""
    )
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Dérive des données</title>'
        "<style>body{font-family:sans-serif;max-width:56rem;margin:2rem auto}"
        "th{text-align:left;padding-right:1rem}"
        f".badge{{color:#fff;background:{colour};padding:.3rem .8rem;border-radius:.3rem}}"
        "</style></head><body>"
        f'<h1>Dérive des données <span class="badge">{html.escape(fr)} / {html.escape(en)}</span></h1>'
        f"<p>{html.escape(str(status.get('message', '')))}</p>"
        f"<table>{''.join(rows)}</table>"
        + (f"<h2>Alertes / alerts</h2><ul>{alerts}</ul>" if alerts else "")
        + link
        + "</body></html>"
    )
