"""`python -m training document-run REPORT_DIR --name NAME`: put a pipeline run into the methodology note.

It copies the run's aggregate outputs (comparison table, summary, figures) into `docs/runs/NAME/` and rewrites the
block `<!-- run:NAME -->` ... `<!-- /run:NAME -->` of `docs/methodology.md` from them, in French. The figures and
numbers of the note therefore come from the pipeline's own outputs, never typed by hand; a test checks that each
block still matches its files. `report.md` is not copied: its local explanations describe single clients, and
on the real sample those are real people.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from common.errors import UserError, exit_with
from common.numbers import fmt_number
from registry.model_card import BAYES_RULE
from training.fairness.report import FIGURES as FAIRNESS_FIGURES
from training.report import FIGURES

PROJECT = Path(__file__).resolve().parents[1]
METHODOLOGY = PROJECT / "docs" / "methodology.md"
RUNS = PROJECT / "docs" / "runs"
OPTIONAL_FIGURES = ("reliability",)  # runs documented before calibration have no reliability curve
COPIED = (
    "model_comparison.csv",
    "summary.json",
    *(v for k, v in FIGURES.items() if k not in OPTIONAL_FIGURES),
)
# the fairness report's aggregates, copied and written into the block when the run has them
FAIRNESS = ("fairness.json", "fairness_by_group.csv", *FAIRNESS_FIGURES.values())
ATTRIBUTES = {"gender": "sexe", "age_band": "tranche d'âge", "family_status": "situation familiale"}
FAIRNESS_CAPTIONS = {
    "grant": "Taux d'accord par groupe sur la validation finale, intervalles à 95 %",
    "calibration": "Calibration par groupe : probabilité moyenne et taux de défaut observé",
}
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

MODELS = {
    "dummy": "naïf",
    "logistic_regression": "régression logistique",
    "random_forest": "forêt aléatoire",
    "catboost": "CatBoost",
}
IMBALANCE = {
    "none": "aucun",
    "class_weight": "pondération",
    "sqrt_class_weight": "pondération (racine carrée)",
    "undersample": "sous-échantillonnage",
}
CAPTIONS = {
    "roc": "Courbes ROC et précision-rappel hors-pli du meilleur candidat de chaque modèle",
    "cost": "Coût métier hors-pli selon le seuil, seuil retenu marqué",
    "confusion": "Matrices de confusion sur la validation finale, à 0,5 et au seuil retenu",
    "importance": "Importance globale : moyenne des |SHAP| des variables principales",
    "reliability": "Courbe de fiabilité : probabilité prédite et taux de défaut observé, par décile",
}
FEATURES = {"all": "toutes", "application": "demande seule"}


class RunDocsError(UserError):
    """A run folder or a note that cannot be documented; the message says what to fix."""


def fr(value: float, digits: int = 3) -> str:
    """A number the French way (0,512; 307 511 with digits=0)."""
    return fmt_number(value, "fr", digits)


def fr_interval(mean: float, low: float, high: float, signed: bool = False) -> str:
    sign = "+" if signed and mean >= 0 else ""
    if pd.isna(low) or pd.isna(high):
        return f"{sign}{fr(mean)}"
    return f"{sign}{fr(mean)} [{fr(low)} ; {fr(high)}]"


def _repeated_rows(table: pd.DataFrame) -> list[str]:
    """The comparison of a run on repeated folds: intervals and the paired difference with the baseline."""
    rows = [
        "| modèle | déséquilibre | variables | plis | AUC (VC) [IC 95 %] | coût au seuil [IC 95 %] "
        "| écart de coût avec la référence [IC 95 %] | seuil | rappel |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in table.to_dict("records"):
        model = MODELS.get(r["model"], r["model"])
        if r.get("chosen"):
            model = f"**{model}** (servi)"
        features = FEATURES.get(r["features"], r["features"])
        if not r["monotone"]:
            features += ", sans contraintes monotones"
        if r["stage"] == "application-only baseline":
            features += " (référence)"
        rows.append(
            f"| {model} | {IMBALANCE.get(r['imbalance'], r['imbalance'])} | {features} | {int(r['folds'])} "
            f"| {fr_interval(r['cv_auc'], r['cv_auc_low'], r['cv_auc_high'])} "
            f"| {fr_interval(r['cost_at_threshold'], r['cost_low'], r['cost_high'])} "
            f"| {fr_interval(r['cost_vs_baseline'], r['cost_vs_baseline_low'], r['cost_vs_baseline_high'], True)} "
            f"| {fr(r['threshold'])} | {fr(r['recall'])} |"
        )
    return rows


def _versus_baseline(beats: bool | None, saving_high: float) -> str:
    """What the paired cost difference with the application-only baseline says, its interval included."""
    if not beats:
        return " : **la référence n'est pas battue**, la version n'est pas promue."
    if saving_high < 0:
        return " : les six autres tables paient, intervalle compris."
    return " : les six autres tables font baisser le coût en moyenne, mais l'intervalle n'exclut pas l'absence de gain."


def _threshold_rule(summary: dict[str, Any]) -> str:
    """How the run's threshold was set: at the Bayes point of the calibrated scale, or (older runs) at the empirical
    minimum of the out-of-fold cost."""
    if summary.get("threshold_rule") == BAYES_RULE:
        return (
            f"on refuse dès que la probabilité calibrée atteint {fr(summary['metrics']['threshold'])}, soit coût FP / "
            "(coût FP + coût FN) : le point où refuser coûte moins qu'accorder"
        )
    return "le seuil est choisi sur la probabilité calibrée"


def _repeated_lines(summary: dict, metrics: dict) -> list[str]:
    beats = summary.get("beats_baseline")

    def between(key: str, signed: bool = False) -> str:
        return fr_interval(metrics[key], metrics[f"{key}_low"], metrics[f"{key}_high"], signed)

    return [
        "",
        f"Validation croisée répétée ({summary['n_folds']} plis au total) du modèle retenu : AUC "
        f"{between('cv_auc')}, coût "
        f"{between('cv_cost')} par demandeur, AUC "
        f"d'entraînement {fr(metrics['cv_train_auc'])} "
        f"(écart {fr(metrics['overfit_gap'])}). Face à la référence sur la seule demande (mêmes plis, différence "
        f"appariée) : coût {between('cost_vs_baseline', True)}, "
        f"AUC {between('auc_vs_baseline', True)}" + _versus_baseline(beats, metrics["cost_vs_baseline_high"]),
        "",
        f"Calibration : {summary.get('calibration', 'aucune')} (choisie par score de Brier en validation croisée), "
        f"Brier hors-pli {fr(metrics['cv_brier'], 4)}, sur la validation finale {fr(metrics['holdout_brier'], 4)} ; "
        f"{_threshold_rule(summary)}. Contraintes monotones : effet sur l'AUC "
        f"{fr(metrics['auc_monotone_effect'])}, sur le coût {fr(metrics['cost_monotone_effect'])}.",
    ]


def render_block(name: str, folder: Path) -> str:
    """The French text of a run's block, from the files in `folder` (docs/runs/NAME)."""
    table = pd.read_csv(folder / "model_comparison.csv")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    metrics = summary["metrics"]
    if "cv_auc_low" in table.columns:
        return _render(name, folder, table, summary, metrics, _repeated_rows(table))
    rows = [
        "| modèle | déséquilibre | AUC (VC) | coût à 0,5 | seuil | coût au seuil | exactitude | rappel |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.to_dict("records"):
        rows.append(
            f"| {MODELS.get(r['model'], r['model'])} | {IMBALANCE.get(r['imbalance'], r['imbalance'])} "
            f"| {fr(r['cv_auc'])} ± {fr(r['cv_auc_std'])} | {fr(r['cost_at_0.5'])} | {fr(r['threshold'])} "
            f"| {fr(r['cost_at_threshold'])} ± {fr(r['cost_at_threshold_std'])} | {fr(r['accuracy'])} "
            f"| {fr(r['recall'])} |"
        )
    return _render(name, folder, table, summary, metrics, rows)


def _render(
    name: str, folder: Path, table: pd.DataFrame, summary: dict, metrics: dict, rows: list[str]
) -> str:
    repeated = "cv_auc_low" in table.columns
    dummy = table.loc[table["model"] == "dummy", "cost_at_threshold"]
    search = (
        f"{summary['n_folds']} plis sur les {fr(summary['n_development'], 0)} clients de développement"
        if summary["n_searched"] == summary["n_development"]
        else f"{summary['n_folds']} plis sur un échantillon stratifié de {fr(summary['n_searched'], 0)} des "
        f"{fr(summary['n_development'], 0)} clients de développement, modèle final ajusté sur les "
        f"{fr(summary['n_development'], 0)}"
    )
    text = [
        f"<!-- run:{name} (généré par `python -m training document-run`, ne pas modifier à la main) -->",
        f"Données : {fr(summary['n_train'], 0)} clients d'entraînement ({fr(100 * summary['default_rate'], 2)} % "
        f"de défauts), {summary['n_features']} variables ; validation finale de {fr(summary['n_holdout'], 0)} "
        f"clients ; recherche en validation croisée : {search}.",
        "",
        *rows,
        "",
        f"Modèle retenu : {MODELS.get(summary['model'], summary['model'])} "
        f"({IMBALANCE.get(summary['imbalance'], summary['imbalance'])}), seuil {fr(metrics['threshold'])}. "
        f"Sur la validation finale : AUC {fr(metrics['holdout_auc'])}, coût {fr(metrics['holdout_cost'])} par "
        f"demandeur au seuil ({fr(metrics['holdout_cost_at_0.5'])} à 0,5), exactitude "
        f"{fr(metrics['holdout_accuracy'])}, rappel {fr(metrics['holdout_recall'])}"
        + (f" ; tout accorder coûterait {fr(float(dummy.iloc[0]))}." if len(dummy) else "."),
        *(_repeated_lines(summary, metrics) if repeated else []),
        "",
        "\n\n".join(
            f"![{CAPTIONS[key]}](runs/{name}/{FIGURES[key]})"
            for key in FIGURES
            if key not in OPTIONAL_FIGURES or (folder / FIGURES[key]).is_file()
        ),
        *fairness_block(name, folder),
        f"<!-- /run:{name} -->",
    ]
    return "\n".join(text)


def _interval(values: list[float | None] | None) -> str:
    if not values:
        return ""
    low, high = values[0], values[1]
    if low is None or high is None or math.isnan(float(low)) or math.isnan(float(high)):
        return ""
    return f" [{fr(float(low))} ; {fr(float(high))}]"


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + fr(value, 4)


def _maybe(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else fr(float(value))


def fairness_block(name: str, folder: Path) -> list[str]:
    """The block's fairness part (French), from fairness.json and fairness_by_group.csv; none for an older run."""
    if not (folder / "fairness.json").is_file():
        return []
    fairness = json.loads((folder / "fairness.json").read_text(encoding="utf-8"))
    policy = fairness["policy"]
    held = fairness["splits"].get("holdout", {})
    rows = [
        "",
        f"Équité sur la validation finale (seuil {fr(fairness['threshold'])} ; bornes : ratio des taux d'accord "
        f"≥ {fr(policy['grant_rate_ratio_min'], 2)}, écart d'égalité des chances ≤ "
        f"{fr(policy['equal_opportunity_max'], 2)} ; groupes d'au moins {policy['min_group']} clients jugés ; "
        "intervalles bootstrap à 95 %) :",
        "",
        "| attribut | ratio des taux d'accord | écart d'égalité des chances | statut |",
        "|---|---|---|---|",
    ]
    rows += [_attribute_row(attribute, r, policy) for attribute, r in held.items()]
    rows += _group_rows(folder)
    rows += _exclusion_rows(fairness.get("exclusion") or {})
    rows += [
        "",
        "\n\n".join(
            f"![{FAIRNESS_CAPTIONS[k]}](runs/{name}/{FAIRNESS_FIGURES[k]})" for k in FAIRNESS_FIGURES
        ),
    ]
    return rows


def _attribute_row(attribute: str, r: dict[str, Any], policy: dict[str, Any]) -> str:
    ratio, gap = r.get("grant_rate_ratio"), r.get("equal_opportunity_difference")
    under = (ratio is not None and ratio < policy["grant_rate_ratio_min"]) or (
        gap is not None and gap > policy["equal_opportunity_max"]
    )
    label = ATTRIBUTES.get(attribute, attribute)
    ratio_text = _maybe(ratio) + _interval(r.get("grant_rate_ratio_interval"))
    gap_text = _maybe(gap) + _interval(r.get("equal_opportunity_interval"))
    return f"| {label} | {ratio_text} | {gap_text} | {'hors bornes' if under else 'dans les bornes'} |"


def _group_rows(folder: Path) -> list[str]:
    """The held-out split's groups, from fairness_by_group.csv."""
    table = pd.read_csv(folder / "fairness_by_group.csv")
    table = table[table["split"] == "holdout"]
    rows = [
        "",
        "| attribut | groupe | clients | part refusée | défauts parmi les accordés | TPR | FPR | probabilité moyenne "
        "| défauts observés |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in table.to_dict("records"):
        group = str(r["group"]) + ("" if r["judged"] else " (non jugé)")
        refused = _maybe(r["refusal_rate"]) + _interval(
            [r.get("refusal_rate_low"), r.get("refusal_rate_high")]
        )
        rows.append(
            f"| {ATTRIBUTES.get(r['attribute'], r['attribute'])} | {group} | {fr(r['count'], 0)} | {refused} "
            f"| {_maybe(r['default_rate_granted'])} | {_maybe(r['tpr'])} | {_maybe(r['fpr'])} "
            f"| {_maybe(r['mean_probability'])} | {_maybe(r['default_rate'])} |"
        )
    return rows


def _exclusion_rows(exclusion: dict[str, Any]) -> list[str]:
    if not exclusion:
        return []
    d, without, with_ = exclusion["difference"], exclusion["without"], exclusion["with"]
    return [
        "",
        f"Ce qu'a coûté l'exclusion de {', '.join(exclusion['fields'])} (même modèle réentraîné avec, mêmes plis, "
        f"même validation finale, son propre seuil) : AUC {fr(without['holdout_auc'])} contre "
        f"{fr(with_['holdout_auc'])} sur la validation finale ({_signed(d['holdout_auc'])}), coût "
        f"{fr(without['holdout_cost'])} contre {fr(with_['holdout_cost'])} par demandeur "
        f"({_signed(d['holdout_cost'])}) ; en validation croisée : AUC {_signed(d['cv_auc'])}, coût "
        f"{_signed(d['cv_cost'])} (modèle servi moins modèle avec l'attribut).",
    ]


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- run:{re.escape(name)}( [^\n]*)? -->.*?<!-- /run:{re.escape(name)} -->", re.S)


def documented_runs(note: str) -> list[str]:
    return re.findall(r"<!-- run:([a-z0-9-]+)[ -]", note)


def rewrite(note: str, name: str, block: str) -> str:
    pattern = block_pattern(name)
    if not pattern.search(note):
        raise RunDocsError(
            f"{METHODOLOGY.name} has no block for the run {name!r}: add the two lines "
            f"'<!-- run:{name} -->' and '<!-- /run:{name} -->' where its figures belong, then run this again."
        )
    return pattern.sub(lambda _: block, note, count=1)


def document_run(report_dir: Path, name: str, note_path: Path = METHODOLOGY, runs: Path = RUNS) -> Path:
    if not NAME.match(name):
        raise RunDocsError(f"The run name {name!r} must be lower-case letters, digits and dashes.")
    missing = [f for f in COPIED if not (report_dir / f).is_file()]
    if missing:
        raise RunDocsError(
            f"{report_dir} is not a complete run report folder (missing: {', '.join(missing)}). Give the folder "
            "of one `python -m training run`, data/reports/<run name>/ by default."
        )
    target = runs / name
    target.mkdir(parents=True, exist_ok=True)
    for file in COPIED:
        shutil.copyfile(report_dir / file, target / file)
    for key in OPTIONAL_FIGURES:
        if (report_dir / FIGURES[key]).is_file():
            shutil.copyfile(report_dir / FIGURES[key], target / FIGURES[key])
    for file in FAIRNESS:
        if (report_dir / file).is_file():
            shutil.copyfile(report_dir / file, target / file)
    note = note_path.read_text(encoding="utf-8")
    note_path.write_text(rewrite(note, name, render_block(name, target)), encoding="utf-8")
    return target


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", type=Path, help="the run's report folder (data/reports/<run name>/)")
    parser.add_argument("--name", required=True, help="the run's name in docs/runs/ and in the note's block")


def run(args: argparse.Namespace) -> int:
    try:
        target = document_run(args.report, args.name)
    except RunDocsError as exc:
        return exit_with(exc)
    print(f"copied the run's tables and figures to {target}; rewrote its block in {METHODOLOGY}")
    return 0
