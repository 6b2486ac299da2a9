"""The run report a colleague can read without MLflow: data, features, model comparison, chosen threshold and
why, over-fitting and leakage guards, global and local interpretability, registry decision, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from training.selection.select import SelectionResult

COMPARISON_COLUMNS = {
    "model": "model",
    "imbalance": "imbalance",
    "stage": "best from",
    "cv_auc": "CV AUC",
    "cost_at_0.5": "cost @0.5",
    "threshold": "threshold",
    "cost_at_threshold": "cost @threshold",
    "accuracy": "accuracy",
    "precision": "precision",
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


def md_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub Markdown table (no extra dependency)."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def comparison_markdown(comparison: pd.DataFrame) -> str:
    table = comparison.copy()
    for name in ("cv_auc", "cost_at_0.5", "cost_at_threshold"):
        table[name] = [f"{m:.3f} ± {s:.3f}" for m, s in zip(table[name], table[f"{name}_std"], strict=True)]
    table["recall"] = [
        f"{m:.3f} ± {s:.3f}" for m, s in zip(table["recall"], table["recall_std"], strict=True)
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
    folds = f"{len(selection.folds.validation)} stratified folds"
    searched = len(selection.y_cv)
    if searched == selection.n_dev:
        return f"{folds} on the remaining {selection.n_dev:,}"
    return (
        f"{folds} on a stratified sample of {searched:,} of the remaining {selection.n_dev:,} (the search); "
        f"the chosen model is then fitted on all {selection.n_dev:,}"
    )


def render(selection: SelectionResult, ctx: ReportContext) -> str:
    chosen = selection.chosen
    guards = selection.guards
    top = ctx.importance.head(15)
    importance = pd.DataFrame(
        {
            "feature": top.index,
            "mean abs SHAP": top.to_numpy(),
            "description": [ctx.descriptions.get(f, "") for f in top.index],
        }
    )
    suspicious = selection.feature_aucs.head(5)
    sections = [
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
        "## Model comparison (same folds for every model)",
        f"Business cost per applicant = ({ctx.cost_fn:g}·FN + {ctx.cost_fp:g}·FP) / n. Each row is the best "
        "candidate (lowest out-of-fold cost) of a model and imbalance method; thresholds are chosen on out-of-fold "
        "predictions; ± is the standard deviation over folds.",
        comparison_markdown(selection.comparison),
        figure("roc", "ROC and precision-recall curves of the best candidate of each model (out-of-fold)"),
        "## Chosen model and threshold",
        f"- model: {chosen.family}, imbalance method {chosen.imbalance}, parameters `{chosen.params}`",
        f"- threshold **{selection.threshold:.3f}**: the probability above which an application is refused, "
        f"chosen where the out-of-fold business cost is lowest ({chosen.threshold.cost:.3f} per applicant). "
        f"A false negative costs {ctx.cost_fn:g} times a false positive: on calibrated probabilities the best "
        f"threshold would sit near {ctx.cost_fp / (ctx.cost_fn + ctx.cost_fp):.2f}; class weights and "
        "under-sampling inflate the probabilities (the model learns on a balanced population), which moves it up. "
        "The threshold belongs to this model and travels with it in the bundle.",
        _spread_table(selection),
        figure("cost", "Business cost against the threshold (out-of-fold), the chosen threshold marked"),
        figure("confusion", "Confusion matrices on the held-out split, at 0.5 and at the chosen threshold"),
        "## Over-fitting and leakage guards",
        md_table(pd.DataFrame(guards.as_rows(), columns=["AUC on", "value"])),
        "Features with the strongest AUC taken alone (flagged outside [0.30, 0.70]):",
        md_table(pd.DataFrame({"feature": suspicious.index, "AUC alone": suspicious.to_numpy()})),
        "\n".join(f"- ⚠ {w}" for w in guards.warnings) or "- no warning",
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
    sections += [
        "## Registry",
        ctx.decision,
        "## Limits",
        "- The held-out split is the only unbiased figure; the CV figures of the chosen model are slightly optimistic "
        "because the search picked the best of several candidates on the same folds.",
        "- The served model is always CatBoost (native categoricals, exact SHAP values for the explanations); "
        "another family may have a lower CV cost in the table above, and the gap is then the price of that choice.",
        "- The cost matrix (10:1) is a business assumption; a different ratio moves the threshold.",
        "- With class weights or under-sampling the probability shown is a score, not a calibrated default rate; "
        "the decision (probability against the threshold) is what the cost was optimised for.",
        "- Promotion compares held-out costs of versions; that comparison is fair only on the same data "
        "(see the fingerprints).",
        "- SHAP values explain the model, not causes; correlated features share credit arbitrarily.",
        f"- Timings (seconds): {', '.join(f'{k} {v:.1f}' for k, v in ctx.seconds.items())}.",
    ]
    return "\n\n".join(sections) + "\n"


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
