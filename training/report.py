"""The run report a colleague can read without MLflow: data, features, model comparison, chosen threshold and
why, over-fitting and leakage guards, global and local interpretability, registry decision, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from training.features.monotone import constraints_for
from training.selection.select import SelectionResult

COMPARISON_COLUMNS = {
    "model": "model",
    "imbalance": "imbalance",
    "features": "features",
    "stage": "best from",
    "folds": "folds",
    "cv_auc": "CV AUC [95% CI]",
    "cost_at_threshold": "CV cost [95% CI]",
    "cost_vs_baseline": "cost vs baseline [95% CI]",
    "auc_vs_baseline": "AUC vs baseline [95% CI]",
    "threshold": "threshold",
    "recall": "recall",
    "train_auc": "train AUC",
    "fit_seconds": "CV seconds",
}


# The figures written next to report.md (training.publish), by what they show.
FIGURES = {
    "roc": "roc_pr_curves.png",
    "cost": "cost_vs_threshold.png",
    "confusion": "confusion_matrices.png",
    "importance": "global_shap_importance.png",
    "reliability": "reliability_curve.png",
}


def figure(key: str, caption: str) -> str:
    return f"![{caption}]({FIGURES[key]})"


@dataclass
class ReportContext:
    run_name: str
    run_id: str
    profile: str
    data_source: str
    n_train: int
    n_test: int
    positive_rate: float
    n_features: int
    n_categorical: int
    fingerprint: str
    cost_fn: float
    cost_fp: float
    importance: pd.Series  # mean |SHAP|, decreasing
    descriptions: dict[str, str]
    local_explanations: list[tuple[str, float, pd.Series]]  # (label, probability, SHAP contributions sorted)
    version: str
    decision: str
    seconds: dict[str, float] = field(default_factory=dict)
    sections: list[str] = field(
        default_factory=list
    )  # further Markdown sections, before the registry decision


def md_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub Markdown table (no extra dependency)."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _interval(mean: float, low: float, high: float, signed: bool = False) -> str:
    if not pd.notna(mean):
        return "n/a"
    fmt = "+.3f" if signed else ".3f"
    if not (pd.notna(low) and pd.notna(high)):
        return f"{mean:{fmt}}"
    return f"{mean:{fmt}} [{low:{fmt}}, {high:{fmt}}]"


def comparison_markdown(comparison: pd.DataFrame) -> str:
    table = comparison.copy()
    table["cv_auc"] = [
        _interval(m, lo, hi)
        for m, lo, hi in zip(table["cv_auc"], table["cv_auc_low"], table["cv_auc_high"], strict=True)
    ]
    table["cost_at_threshold"] = [
        _interval(m, lo, hi)
        for m, lo, hi in zip(table["cost_at_threshold"], table["cost_low"], table["cost_high"], strict=True)
    ]
    for name in ("cost_vs_baseline", "auc_vs_baseline"):
        table[name] = [
            _interval(m, lo, hi, signed=True)
            for m, lo, hi in zip(table[name], table[f"{name}_low"], table[f"{name}_high"], strict=True)
        ]
    table["model"] = [
        f"**{m}** (served)" if c else m for m, c in zip(table["model"], table["chosen"], strict=True)
    ]
    table["features"] = [
        f"{f}{'' if mono else ', no monotone constraints'}"
        for f, mono in zip(table["features"], table["monotone"], strict=True)
    ]
    return md_table(table[list(COMPARISON_COLUMNS)].rename(columns=COMPARISON_COLUMNS))


def _spread_table(selection: SelectionResult) -> str:
    rows = []
    for metric in ("auc", "accuracy", "precision", "recall", "cost"):
        half = selection.cv_spread["at_0.5"][metric]
        best = selection.cv_spread["at_threshold"][metric]
        rows.append(
            {
                "metric": metric,
                "CV @0.5 (mean ± sd over folds)": f"{half[0]:.3f} ± {half[1]:.3f}",
                f"CV @{selection.threshold:.3f}": f"{best[0]:.3f} ± {best[1]:.3f}",
                "held-out @0.5": selection.holdout["at_0.5"][metric],
                f"held-out @{selection.threshold:.3f}": selection.holdout["at_threshold"][metric],
            }
        )
    return md_table(pd.DataFrame(rows))


def _folds_line(selection: SelectionResult) -> str:
    repeats = selection.folds.repeats
    folds = f"{selection.folds.n_folds} stratified folds" + (f" x {repeats} repeats" if repeats > 1 else "")
    searched = len(selection.y_cv)
    if searched == selection.n_dev:
        return f"{folds} on the remaining {selection.n_dev:,}"
    return (
        f"{folds} on a stratified sample of {searched:,} of the remaining {selection.n_dev:,} (the search); "
        f"the chosen model is then fitted on all {selection.n_dev:,}"
    )


def _verdicts(selection: SelectionResult) -> list[str]:
    """What the paired comparisons say, in plain sentences."""
    table = selection.comparison
    lines = []
    cost = selection.versus_baseline["cost"].difference
    auc = selection.versus_baseline["auc"].difference
    baseline = selection.baseline
    lines.append(
        f"- Against the application-only baseline (CatBoost on the application table alone, CV AUC "
        f"{baseline.cv_auc:.3f}, cost {baseline.cv_cost:.3f}), the served model changes the cost per applicant by "
        f"{cost.text()} and the AUC by {auc.text()} (paired over the same folds, 95% interval): "
        + (
            "the six other tables pay for themselves."
            if selection.beats_baseline and cost.high < 0
            else "it beats the baseline on average, but the interval includes no gain."
            if selection.beats_baseline
            else "**it does not beat the baseline; the promotion rule refuses such a version.**"
        )
    )
    others = table[(~table["chosen"]) & (table["stage"] != "application-only baseline")]
    others = others[(others["model"] != "dummy") & (others["monotone"])]
    if len(others):
        rival = others.sort_values(["cost_at_threshold", "cv_auc"], ascending=[True, False]).iloc[0]
        served = table[table["chosen"]].iloc[0]
        gap = served["cost_at_threshold"] - rival["cost_at_threshold"]
        if gap <= 0:
            lines.append(
                f"- The served CatBoost is at least as good as the best other family ({rival['model']}, cost "
                f"{rival['cost_at_threshold']:.3f}, AUC {rival['cv_auc']:.3f}): cost lower by {-gap:.3f}."
            )
        else:
            lines.append(
                f"- **The served CatBoost is not the cheapest family**: {rival['model']} has a CV cost of "
                f"{rival['cost_at_threshold']:.3f} [{rival['cost_low']:.3f}, {rival['cost_high']:.3f}] against "
                f"{served['cost_at_threshold']:.3f} [{served['cost_low']:.3f}, {served['cost_high']:.3f}] (gap "
                f"{gap:.3f}); CatBoost is kept for its native categories and exact SHAP values."
            )
    mono_auc = selection.monotone_cost["auc"].difference
    mono_cost = selection.monotone_cost["cost"].difference
    lines.append(
        f"- Monotone constraints ({len(constraints_for([str(c) for c in selection.model.feature_names_]))} features "
        f"in the served model) change the AUC by {mono_auc.text()} and the cost by {mono_cost.text()} against the same "
        "model without them (paired, same folds)."
    )
    lines.append(f"- {selection.extra.get('guard', '')}.")
    if choice := selection.extra.get("choice"):
        lines.append(f"- Choice: {choice}.")
    return lines


def _calibration_section(selection: SelectionResult) -> list[str]:
    choice = selection.calibration
    rows = [
        {"map": name, "Brier score [95% CI] (each fold calibrated by the other folds)": e.text(4)}
        for name, e in choice.brier_by_method.items()
    ]
    return [
        "## Calibration",
        f"The probability served is calibrated: a **{choice.method}** map, chosen by cross-fitted Brier score and "
        "refitted on every out-of-fold prediction of the chosen model, turns the model's score into a default "
        "rate. The bundle carries the map and the scoring service applies it to every probability it returns; the "
        "threshold is chosen on this calibrated scale. SHAP contributions stay on the model's raw log-odds scale "
        "(the map is not additive, but it is non-decreasing, so it never changes the direction of a contribution).",
        md_table(pd.DataFrame(rows), digits=4),
        f"Held-out Brier score: {selection.holdout['at_threshold'].get('brier', float('nan')):.4f} "
        f"(a constant at the default rate would score {_base_brier(selection):.4f}).",
        figure(
            "reliability",
            "Reliability curve: predicted probability against observed default rate, per decile",
        ),
    ]


def _base_brier(selection: SelectionResult) -> float:
    rate = float(selection.y_holdout.mean())
    return rate * (1 - rate)


def render(selection: SelectionResult, ctx: ReportContext) -> str:
    sections = [
        *_data_sections(selection, ctx),
        *_comparison_sections(selection, ctx),
        *_chosen_sections(selection, ctx),
        *_calibration_section(selection),
        *_guard_sections(selection),
        *_interpretability_sections(selection, ctx),
        *ctx.sections,
        "## Registry",
        ctx.decision,
        *_limits_sections(ctx),
    ]
    return "\n\n".join(sections) + "\n"


def _data_sections(selection: SelectionResult, ctx: ReportContext) -> list[str]:
    return [
        f"# Training run {ctx.run_name}",
        f"MLflow run `{ctx.run_id}`, profile `{ctx.profile}`, model version `{ctx.version}`.",
        "## Data",
        f"- source: {ctx.data_source}",
        f"- {ctx.n_train:,} training clients ({ctx.positive_rate:.2%} defaults), {ctx.n_test:,} clients to score",
        f"- held-out split: {len(selection.y_holdout):,} clients, stratified, used once at the end; "
        + _folds_line(selection),
        f"- fingerprint: `{ctx.fingerprint}`",
        "## Features",
        f"{ctx.n_features} features per client ({ctx.n_categorical} categorical, kept as CatBoost native "
        "categoricals), built from the application and the six history tables; a client with no rows in a table "
        "gets missing values.",
    ]


def _comparison_sections(selection: SelectionResult, ctx: ReportContext) -> list[str]:
    return [
        "## Model comparison (same folds for every model)",
        f"Business cost per applicant = ({ctx.cost_fn:g}·FN + {ctx.cost_fp:g}·FP) / n. Each row is the best "
        "candidate of a family, judged on every repeat of the same folds; each fold's cost is taken at the "
        "threshold chosen on the other folds of its repeat (a threshold the fold never saw). Feature selection, "
        "early stopping and resampling are fitted inside each fold. Intervals are 95% t intervals with the "
        "Nadeau-Bengio correction for overlapping training folds; 'vs baseline' is the paired difference with the "
        "application-only baseline on the same folds (a negative cost difference is a saving).",
        comparison_markdown(selection.comparison),
        *_verdicts(selection),
        figure("roc", "ROC and precision-recall curves of the best candidate of each model (out-of-fold)"),
    ]


def _trees_text(selection: SelectionResult) -> str:
    """How many trees the served model holds: one model's, or a seed bag's members' (seed_bag)."""
    seeds = int(selection.chosen.params.get("seeds", 1))
    trees = f"{selection.final_trees} trees (the median early-stopping point of the folds)"
    if seeds <= 1:
        return trees
    return f"{seeds} seeds of {trees}, merged into one model of {selection.model.tree_count_} trees"


def _threshold_text(selection: SelectionResult, ctx: ReportContext) -> str:
    """The decision rule, and where the empirical minimum of the pooled out-of-fold cost lies beside it."""
    empirical = selection.extra["threshold_empirical"]
    return (
        f"- threshold **{selection.threshold:.3f}** on the calibrated probability: an application is refused from "
        f"there. A granted default costs {ctx.cost_fn:g} times a refused good client, so granting a client whose "
        f"default probability is p costs {ctx.cost_fn:g} x p on average and refusing costs {ctx.cost_fp:g} x (1 - p): "
        f"refusing is cheaper from p = {ctx.cost_fp:g} / ({ctx.cost_fp:g} + {ctx.cost_fn:g}). The pooled "
        f"out-of-fold cost there is {selection.extra.get('threshold_cost', float('nan')):.3f} per applicant; the "
        f"lowest cost these same predictions allow is {empirical.cost:.3f}, at {empirical.threshold:.3f}, a point "
        "that moves with the sample (the repeated-CV cost below judges each fold by the rule, its calibration fitted "
        "on the other folds). The threshold and the calibration map belong to this model and travel with it in the "
        "bundle."
    )


def _chosen_sections(selection: SelectionResult, ctx: ReportContext) -> list[str]:
    chosen = selection.chosen
    return [
        "## Chosen model and threshold",
        f"- model: {chosen.family}, imbalance method {chosen.imbalance}, parameters `{chosen.params}`, "
        f"{_trees_text(selection)}, "
        f"{selection.extra.get('features_kept')} features kept by the selection on the development split",
        f"- repeated CV: AUC {selection.estimates['cv_auc'].text()}, cost per applicant "
        f"{selection.estimates['cv_cost'].text()}, train AUC {selection.estimates['train_auc'].mean:.3f} "
        f"(train-CV gap {selection.estimates['train_auc'].mean - selection.estimates['cv_auc'].mean:.3f})",
        _threshold_text(selection, ctx),
        _spread_table(selection),
        figure("cost", "Business cost against the threshold (out-of-fold), the chosen threshold marked"),
        figure("confusion", "Confusion matrices on the held-out split, at 0.5 and at the chosen threshold"),
    ]


def _guard_sections(selection: SelectionResult) -> list[str]:
    guards = selection.guards
    suspicious = selection.feature_aucs.head(5)
    return [
        "## Over-fitting and leakage guards",
        md_table(pd.DataFrame(guards.as_rows(), columns=["AUC on", "value"])),
        "Features with the strongest AUC taken alone (flagged outside [0.30, 0.70]):",
        md_table(pd.DataFrame({"feature": suspicious.index, "AUC alone": suspicious.to_numpy()})),
        "\n".join(f"- ⚠ {w}" for w in guards.warnings) or "- no warning",
    ]


def _interpretability_sections(selection: SelectionResult, ctx: ReportContext) -> list[str]:
    top = ctx.importance.head(15)
    importance = pd.DataFrame(
        {
            "feature": top.index,
            "mean abs SHAP": top.to_numpy(),
            "description": [ctx.descriptions.get(f, "") for f in top.index],
        }
    )
    sections = [
        "## Global interpretability (mean |SHAP| on the reference sample)",
        md_table(importance, digits=4),
        figure("importance", "Global importance: mean absolute SHAP value of the top features"),
        "## Local interpretability (held-out clients)",
    ]
    for label, probability, contributions in ctx.local_explanations:
        head = contributions.head(6)
        sections.append(f"**{label}**: probability {probability:.3f} (threshold {selection.threshold:.3f})")
        sections.append(
            md_table(
                pd.DataFrame({"feature": head.index, "SHAP (log-odds)": head.to_numpy()}),
                digits=4,
            )
        )
    return sections


def _limits_sections(ctx: ReportContext) -> list[str]:
    return [
        "## Limits",
        "- The held-out split is the only unbiased figure, but at a few thousand clients it holds few defaults and "
        "moves a lot; the repeated-CV figures of the chosen model are slightly optimistic because the search picked "
        "the best of several candidates on the same folds.",
        "- The served model is always CatBoost (native categoricals, exact SHAP values for the explanations); "
        "another family may have a lower CV cost in the table above, and the gap is then the price of that choice.",
        "- The cost matrix (10:1) is a business assumption; a different ratio moves the threshold.",
        "- The calibration map is fitted on out-of-fold predictions of models fitted on 4/5 of the development "
        "split; the final model, fitted on all of it, may be slightly sharper than the map assumes.",
        "- Promotion compares held-out costs of versions; that comparison is fair only on the same data "
        "(see the fingerprints).",
        "- SHAP values explain the model, not causes; correlated features share credit arbitrarily.",
        f"- Timings (seconds): {', '.join(f'{k} {v:.1f}' for k, v in ctx.seconds.items())}.",
    ]


def write_comparison(comparison: pd.DataFrame, folder: Path) -> None:
    """The model comparison as model_comparison.csv (for tools) and model_comparison.md (for people)."""
    folder.mkdir(parents=True, exist_ok=True)
    comparison.assign(params=comparison["params"].astype(str)).to_csv(
        folder / "model_comparison.csv", index=False
    )
    (folder / "model_comparison.md").write_text(comparison_markdown(comparison) + "\n")


def write(text: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.md"
    path.write_text(text, encoding="utf-8")
    return path
