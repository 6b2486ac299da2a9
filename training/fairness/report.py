"""The fairness report of a run: every protected attribute on the held-out split and on the out-of-fold predictions,
as tables (CSV, JSON, Markdown) and figures next to report.md, flat metrics for MLflow, and the figures the promotion
gate reads (held-out split only: the out-of-fold figures helped choose the threshold)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from training.fairness.metrics import METRIC_LABELS, GroupFairness, fairness_by_group
from training.features.protected import Policy

SPLITS = {"holdout": "held-out split", "oof": "out-of-fold (development)"}
GATE_SPLIT = "holdout"
TABLE_FILE = "fairness_by_group.csv"
SUMMARY_FILE = "fairness.json"
FIGURES = {"grant": "fairness_grant_rates.png", "calibration": "fairness_calibration.png"}


@dataclass
class SplitData:
    y: np.ndarray
    proba: np.ndarray
    groups: pd.DataFrame  # one column per protected attribute, rows aligned with y


@dataclass
class FairnessReport:
    policy: dict[str, Any]
    threshold: float
    results: dict[str, list[GroupFairness]]  # split -> one per attribute
    # what excluding an attribute cost (when measured)
    exclusion: dict[str, Any] = field(default_factory=dict)
    overall: dict[str, list[float]] = field(default_factory=dict)  # held-out metric -> [value, low, high]

    @property
    def bounds(self) -> tuple[float, float]:
        return float(self.policy["grant_rate_ratio_min"]), float(self.policy["equal_opportunity_max"])

    def gate_figures(self) -> dict[str, float]:
        """The held-out split's worst grant-rate ratio and largest equal-opportunity difference over attributes."""
        results = self.results.get(GATE_SPLIT, [])
        ratios = [r.grant_rate_ratio for r in results if math.isfinite(r.grant_rate_ratio)]
        gaps = [
            r.equal_opportunity_difference for r in results if math.isfinite(r.equal_opportunity_difference)
        ]
        return {
            "fairness_min_grant_rate_ratio": min(ratios) if ratios else math.nan,
            "fairness_max_equal_opportunity_difference": max(gaps) if gaps else math.nan,
        }

    def flags(self, split: str = GATE_SPLIT) -> list[str]:
        ratio_min, eo_max = self.bounds
        return [
            f"{r.attribute}: {f}" for r in self.results.get(split, []) for f in r.flagged(ratio_min, eo_max)
        ]

    def metrics(self) -> dict[str, float]:
        """Flat figures for MLflow: per split and attribute, plus the gate's two figures."""
        out: dict[str, float] = {}
        for split, results in self.results.items():
            for r in results:
                out[f"fairness_{split}_{r.attribute}_grant_rate_ratio"] = r.grant_rate_ratio
                out[f"fairness_{split}_{r.attribute}_equal_opportunity_difference"] = (
                    r.equal_opportunity_difference
                )
        out |= self.gate_figures()
        for key, value in self.exclusion.get("difference", {}).items():
            out[f"exclusion_{key}_difference"] = float(value)
        return {k: float(v) for k, v in out.items() if math.isfinite(v)}

    def table(self) -> pd.DataFrame:
        """One row per split, attribute and group, every metric with its interval."""
        frames = []
        for split, results in self.results.items():
            for r in results:
                frame = r.by_group.reset_index()
                frame.insert(0, "attribute", r.attribute)
                frame.insert(0, "split", split)
                frame["judged"] = frame["group"].isin(r.judged)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def summary(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "policy": self.policy,
            "gate": self.gate_figures(),
            "flags": self.flags(),
            "splits": {
                split: {
                    r.attribute: {
                        "grant_rate_ratio": r.grant_rate_ratio,
                        "grant_rate_ratio_interval": list(r.grant_rate_ratio_interval),
                        "equal_opportunity_difference": r.equal_opportunity_difference,
                        "equal_opportunity_interval": list(r.equal_opportunity_interval),
                        "judged_groups": r.judged,
                    }
                    for r in results
                }
                for split, results in self.results.items()
            },
            "exclusion": self.exclusion,
            "holdout_intervals": self.overall,
        }

    def write(self, out: Path) -> list[Path]:
        """The table, the summary and the two figures into `out` (aggregates only: no client appears)."""
        out.mkdir(parents=True, exist_ok=True)
        self.table().to_csv(out / TABLE_FILE, index=False)
        (out / SUMMARY_FILE).write_text(
            json.dumps(_finite(self.summary()), indent=2, ensure_ascii=False) + "\n"
        )
        grant_figure(self, out / FIGURES["grant"])
        calibration_figure(self, out / FIGURES["calibration"])
        return [out / TABLE_FILE, out / SUMMARY_FILE, *(out / f for f in FIGURES.values())]


def compute(
    policy: Policy, splits: dict[str, SplitData], threshold: float, n_boot: int = 200, seed: int = 0
) -> FairnessReport:
    results = {
        split: [
            fairness_by_group(
                a.name, data.y, data.proba, data.groups[a.name], threshold, policy.min_group, n_boot, seed
            )
            for a in policy.attributes
        ]
        for split, data in splits.items()
    }
    return FairnessReport(policy=policy.as_dict(), threshold=threshold, results=results)


def markdown(report: FairnessReport) -> str:
    """The run report's fairness section (English, like the rest of report.md)."""
    ratio_min, eo_max = report.bounds
    lines = [
        "## Fairness by protected attribute",
        "Policy (`training/features/protected.toml`): "
        + "; ".join(
            f"**{a['name']}** {a['treatment']}"
            + (
                " (model input, reason written)"
                if a["treatment"] == "monitored" and a.get("input_reason_en")
                else ""
            )
            for a in report.policy["attributes"]
        )
        + ". Excluded attributes are never model inputs, nor any feature derived from them; every attribute is "
        "measured. A client is refused when the probability is at or above the threshold "
        f"{report.threshold:.3f}. TPR = share of defaulters refused, FPR = share of good clients refused; calibration: "
        "mean probability against the observed default rate. Intervals: 95 % bootstrap over clients. "
        f"Groups under {report.policy['min_group']} clients are shown but not judged. Bounds: grant-rate ratio "
        f">= {ratio_min:g}, equal-opportunity difference (gap in FPR) <= {eo_max:g}.",
    ]
    for split, results in report.results.items():
        lines.append(f"### {SPLITS.get(split, split)}")
        lines.append(summary_markdown(results, ratio_min, eo_max))
        for r in results:
            lines.append(f"**{r.attribute}**")
            lines.append(group_markdown(r))
    flags = report.flags()
    lines.append(
        "\n".join(f"- ⚠ {f}" for f in flags)
        if flags
        else "- no attribute under the bounds on the held-out split"
    )
    if report.exclusion:
        lines.append(exclusion_markdown(report.exclusion))
    lines.append(f"![Grant rate by group, held-out split, 95 % intervals]({FIGURES['grant']})")
    lines.append(
        f"![Calibration by group: mean probability and observed default rate]({FIGURES['calibration']})"
    )
    return "\n\n".join(lines)


def summary_markdown(results: list[GroupFairness], ratio_min: float, eo_max: float) -> str:
    rows = [
        "| attribute | grant-rate ratio [95 %] | equal-opportunity difference [95 %] | flag |",
        "|---|---|---|---|",
    ]
    for r in results:
        flag = "⚠" if r.flagged(ratio_min, eo_max) else "ok"
        rows.append(
            f"| {r.attribute} | {_num(r.grant_rate_ratio)} {_ci(r.grant_rate_ratio_interval)} "
            f"| {_num(r.equal_opportunity_difference)} {_ci(r.equal_opportunity_interval)} | {flag} |"
        )
    return "\n".join(rows)


def group_markdown(result: GroupFairness) -> str:
    names = ["refusal_rate", "default_rate_granted", "tpr", "fpr", "mean_probability", "default_rate"]
    header = "| group | clients | " + " | ".join(METRIC_LABELS[n][1] for n in names) + " |"
    rows = [header, "|" + "---|" * (len(names) + 2)]
    for group, row in result.by_group.iterrows():
        cells = [
            f"{_num(row[n])} {_ci((row.get(f'{n}_low', math.nan), row.get(f'{n}_high', math.nan)))}"
            for n in names
        ]
        mark = "" if group in result.judged else " (not judged)"
        rows.append(f"| {group}{mark} | {int(row['count']):,} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def exclusion_markdown(exclusion: dict[str, Any]) -> str:
    rows = [
        f"### What excluding {', '.join(exclusion['attributes'])} cost",
        "The chosen model's parameters refitted with the excluded fields added back "
        f"({', '.join(exclusion['fields'])}), same folds, same held-out split, its own threshold.",
        "| model | CV AUC | CV cost | held-out AUC | held-out cost | threshold | grant-rate ratio (held-out) |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label in (("without", "served (excluded)"), ("with", "with the excluded fields")):
        m = exclusion[key]
        rows.append(
            f"| {label} | {_num(m['cv_auc'])} | {_num(m['cv_cost'])} | {_num(m['holdout_auc'])} "
            f"| {_num(m['holdout_cost'])} | {_num(m['threshold'])} | {_num(m.get('grant_rate_ratio', math.nan))} |"
        )
    d = exclusion["difference"]
    rows.append(
        f"\nExcluding them changes the held-out AUC by {d['holdout_auc']:+.4f} and the held-out business cost by "
        f"{d['holdout_cost']:+.4f} per applicant (CV: {d['cv_auc']:+.4f} AUC, {d['cv_cost']:+.4f} cost)."
    )
    return "\n".join(rows)


@dataclass
class _Panels:
    """A figure with one panel per attribute of the gated split (the first split when the gated one is absent)."""

    plt: Any
    fig: Any
    axes: list[tuple[Any, GroupFairness]]

    def save(self, path: Path) -> Path:
        self.fig.tight_layout()
        self.fig.savefig(path, dpi=90)
        self.plt.close(self.fig)
        return path


def _attribute_panels(report: FairnessReport) -> _Panels:
    from training.selection.figures import _pyplot

    plt = _pyplot()
    results = report.results.get(GATE_SPLIT) or next(iter(report.results.values()), [])
    fig, axes = plt.subplots(
        1, max(len(results), 1), figsize=(4.2 * max(len(results), 1), 3.8), squeeze=False
    )
    return _Panels(plt, fig, list(zip(axes[0], results, strict=False)))


def grant_figure(report: FairnessReport, path: Path) -> Path:
    panels = _attribute_panels(report)
    for ax, r in panels.axes:
        table = r.by_group
        refusal = table["refusal_rate"]
        grant = (1 - refusal).to_numpy()
        low = (1 - table.get("refusal_rate_high", refusal)).fillna(1 - refusal).to_numpy()
        high = (1 - table.get("refusal_rate_low", refusal)).fillna(1 - refusal).to_numpy()
        colours = ["tab:blue" if g in r.judged else "lightgrey" for g in table.index]
        ax.bar(range(len(table)), grant, color=colours)
        ax.errorbar(
            range(len(table)), grant, yerr=[grant - low, high - grant], fmt="none", ecolor="black", lw=1
        )
        judged = grant[np.asarray([g in r.judged for g in table.index], dtype=bool)]
        if len(judged):
            ax.axhline(judged.max() * report.bounds[0], ls="--", color="red", lw=1, label="0.8 × highest")
            ax.legend(fontsize=7)
        ax.set_xticks(range(len(table)), [str(g) for g in table.index], rotation=35, ha="right", fontsize=7)
        ax.set(ylim=(0, 1), ylabel="grant rate", title=f"{r.attribute} (ratio {_num(r.grant_rate_ratio)})")
    return panels.save(path)


def calibration_figure(report: FairnessReport, path: Path) -> Path:
    panels = _attribute_panels(report)
    for ax, r in panels.axes:
        table = r.by_group
        x = np.arange(len(table))
        ax.bar(x - 0.2, table["mean_probability"].to_numpy(), width=0.4, label="mean probability")
        ax.bar(x + 0.2, table["default_rate"].to_numpy(), width=0.4, label="observed default rate")
        ax.set_xticks(x, [str(g) for g in table.index], rotation=35, ha="right", fontsize=7)
        ax.set(title=r.attribute)
        ax.legend(fontsize=7)
    return panels.save(path)


def _num(value: float) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) and math.isfinite(value) else "–"


def _ci(interval: tuple[float, float]) -> str:
    low, high = interval
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{low:.3f}, {high:.3f}]"


def _finite(value: Any) -> Any:
    """JSON without NaN (null instead)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
