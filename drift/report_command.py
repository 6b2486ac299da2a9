"""`python -m drift report`: the drift analysis between a reference (training clients) and new clients.

Writes in --out: all.html / all.json (Evidently, every feature), top.html / top.json (the most important
features), summary.json (for machines) and summary.md (for people): which features drifted, by which method
and threshold, the share drifted and the importance-weighted drift score.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

from common.errors import UserError, load_settings
from common.logs import configure_logging
from drift.evidently_report import DriftReportDefinition, infer_categorical
from drift.inputs import InputError, Inputs, bundle_importance, load_inputs, sample_rows
from drift.settings import DriftSettings
from drift.summary import DriftSummary, summarize, top_features

log = logging.getLogger("drift.report")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reference",
        type=Path,
        required=True,
        help="Home Credit folder (its train clients) or a Parquet/CSV table",
    )
    parser.add_argument(
        "--current",
        type=Path,
        required=True,
        help="Home Credit folder (its test clients) or a Parquet/CSV table",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the HTML, JSON and summary files")
    parser.add_argument(
        "--importance-from",
        help="model bundle folder or registry URI (models:/credit-scoring@champion) giving the global "
        "importance",
    )
    parser.add_argument(
        "--top", type=int, help="number of top features by importance (default: DRIFT_TOP_FEATURES)"
    )
    parser.add_argument("--sample", type=int, help="compare at most N random rows of each side (seeded)")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument(
        "--method", help="Evidently method for every feature (default: DRIFT_METHOD, else automatic)"
    )
    parser.add_argument("--threshold", type=float, help="threshold of --method (default: the method's own)")


def group_summary(summary: DriftSummary) -> dict[str, Any]:
    return {
        "tested": summary.tested,
        "drifted_count": len(summary.drifted),
        "share_drifted": summary.share_drifted,
        "weighted_score": summary.weighted_score,
        "drifted": list(summary.drifted),
    }


def analyse(
    inputs: Inputs,
    out: Path,
    importance: dict[str, float],
    top_n: int,
    method: str | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Run both reports, write every file in `out`, return the summary written to summary.json."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"The output folder {out} cannot be created ({exc}). Give a writable --out."
        ) from exc
    columns = list(inputs.reference.columns)
    categorical = infer_categorical(inputs.reference, inputs.categorical)
    started = time.perf_counter()
    run = DriftReportDefinition(columns, categorical, method, threshold).run(inputs.reference, inputs.current)
    run.save(out, "all")
    summary = summarize(run.as_dict(), importance, run.skipped)
    result: dict[str, Any] = {
        "inputs": inputs.description,
        "reference_rows": len(inputs.reference),
        "current_rows": len(inputs.current),
        "all": summary.to_dict(),
    }
    top = top_features(importance, columns, top_n) if importance else []
    if top:
        top_run = DriftReportDefinition(top, categorical, method, threshold, table=True).run(
            inputs.reference, inputs.current
        )
        top_run.save(out, "top")
        result["top"] = {"features": top, **group_summary(summary.restricted(top))}
    else:
        result["top"] = None
        result["top_note"] = "No importance was given (--importance-from): the top report was not built."
    if inputs.application_features is not None:
        application = set(inputs.application_features)
        result["groups"] = {
            "application": group_summary(summary.restricted([c for c in columns if c in application])),
            "aggregates": group_summary(summary.restricted([c for c in columns if c not in application])),
        }
    result["elapsed_seconds"] = round(time.perf_counter() - started, 2)
    (out / "summary.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (out / "summary.md").write_text(render_markdown(result, summary))
    return result


def render_markdown(result: dict[str, Any], summary: DriftSummary) -> str:
    all_ = result["all"]
    methods = ", ".join(f"{m} (threshold {t})" for m, t in all_["methods"].items())
    lines = [
        "# Data drift summary",
        "",
        f"Compared: {result['inputs']}.",
        f"Method(s): {methods}. A feature drifted when Evidently's drift test for it failed.",
        "",
        "| set | features tested | drifted | share drifted | importance-weighted score |",
        "|---|---:|---:|---:|---:|",
        f"| all | {all_['tested']} | {all_['drifted_count']} | {all_['share_drifted']:.1%} | "
        f"{all_['weighted_score']:.1%} ({all_['weighting']}) |",
    ]
    if result.get("top"):
        top = result["top"]
        lines.append(
            f"| top {len(top['features'])} | {top['tested']} | {top['drifted_count']} | "
            f"{top['share_drifted']:.1%} | {top['weighted_score']:.1%} |"
        )
    for name, group in (result.get("groups") or {}).items():
        lines.append(
            f"| {name} | {group['tested']} | {group['drifted_count']} | {group['share_drifted']:.1%} | "
            f"{group['weighted_score']:.1%} |"
        )
    if all_["skipped"]:
        lines += [
            "",
            f"Not compared by Evidently ({len(all_['skipped'])} features; one side empty counts as drifted):",
        ]
        by_reason: dict[str, list[str]] = {}
        for column, why in all_["skipped"].items():
            by_reason.setdefault(why, []).append(column)
        for why, names in by_reason.items():
            more = f" and {len(names) - 12} more (summary.json)" if len(names) > 12 else ""
            lines.append(f"- {why} ({len(names)}): {', '.join(names[:12])}{more}")
    ranked = sorted(summary.columns, key=lambda c: (-c.importance, c.column))
    lines += [
        "",
        "| feature | importance | method | score | threshold | drifted |",
        "|---|---:|---|---:|---:|---|",
    ]
    lines += [
        f"| {c.column} | {c.importance:.4f} | {c.method} | {c.score:.4g} | {c.threshold:g} | "
        f"{'yes' if c.drifted else 'no'} |"
        for c in ranked
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    configure_logging()
    try:
        settings = load_settings(DriftSettings, "DRIFT_")
        inputs = load_inputs(args.reference, args.current)
        importance: dict[str, float] = {}
        if args.importance_from:
            importance, categorical = bundle_importance(
                args.importance_from, settings.resolved_tracking_uri()
            )
            inputs.categorical = list(dict.fromkeys([*inputs.categorical, *categorical]))
        if args.sample:
            inputs.reference = sample_rows(inputs.reference, args.sample, args.seed)
            inputs.current = sample_rows(inputs.current, args.sample, args.seed)
            inputs.description += f"; sampled to at most {args.sample:,} rows per side (seed {args.seed})"
        result = analyse(
            inputs,
            args.out,
            importance,
            args.top or settings.top_features,
            args.method or settings.method,
            args.threshold if args.threshold is not None else settings.method_threshold,
        )
    except UserError as exc:  # inputs, data, bundle, registry: one sentence
        log.error("%s", exc)
        return exc.exit_code
    all_ = result["all"]
    print(
        f"{all_['drifted_count']} of {all_['tested']} features drifted ({all_['share_drifted']:.1%}); "
        f"importance-weighted drift score {all_['weighted_score']:.1%}. Files in {args.out}."
    )
    return 0
