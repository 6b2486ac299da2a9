"""The model card step of a run: built from the run's own files once the fairness report is written, put inside the
bundle (so serving returns it), next to the report and in the run's artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow

from registry import model_card
from registry.bundle import ModelBundle
from registry.fairness_gate import judge
from training.features.reasons import groups_of


def card_into_bundle(
    bundle: ModelBundle,
    report_dir: Path,
    gate_tags: dict[str, str],
    override: str | None,
    data_source: str,
) -> dict[str, Any]:
    """Build the card from the files the run wrote (summary.json, fairness.json, ...), store it in the bundle's
    metadata (JSON and both Markdown texts), write its files next to the report and log them to the run under
    model_card/. The gate's verdict is the one promotion will apply to these figures (the registry re-judges the
    same tags)."""
    gate = judge(gate_tags, override).tags()
    card = model_card.build_card(
        bundle.metadata, report_dir, gate, data_source=data_source, groups=_reason_groups(bundle)
    )
    bundle.metadata.extra["model_card"] = {
        "json": model_card.finite(card),
        "markdown": {language: model_card.render(card, language) for language in model_card.LANGUAGES},
    }
    folder = report_dir / "model_card"
    model_card.write_card(card, folder)
    mlflow.log_artifacts(str(folder), artifact_path="model_card")
    return card


def _reason_groups(bundle: ModelBundle) -> list[dict[str, Any]]:
    """The model's features by reason group (French and English names), in the groups' declared order."""
    out: dict[str, dict[str, Any]] = {}
    for feature in bundle.metadata.features:
        found = groups_of(feature)
        key, fr, en = (found[0].key, found[0].fr, found[0].en) if found else ("other", "Autres", "Other")
        entry = out.setdefault(key, {"fr": fr, "en": en, "features": []})
        entry["features"].append(feature)
    return list(out.values())
