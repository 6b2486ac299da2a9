"""The model card of a version, generated from the run's own files (summary.json, fairness.json,
model_comparison.csv) and the bundle's metadata: no figure is typed by hand. French first, English second;
JSON for tools, Markdown for a risk officer or an auditor. It travels inside the bundle (bundle.json `extra`), so the
scoring service returns it with GetModelInfo, and on the MLflow version (description, tag, run artifacts)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from registry.bundle import BundleMetadata

CARD_FORMAT = 1
# how a version's threshold was set: the Bayes point of the costs on the calibrated scale, or (versions before
# 2026-12-03) the empirical minimum of the out-of-fold cost
BAYES_RULE = "bayes"
EMPIRICAL_RULE = "empirical"
LANGUAGES = ("fr", "en")
FEATURE_GROUPS = {  # feature name prefix -> (French, English)
    "BUREAU_": ("Crédits déclarés au bureau de crédit", "Credits reported to the credit bureau"),
    "PREV_": ("Demandes précédentes chez Home Credit", "Previous Home Credit applications"),
    "POS_": ("Soldes mensuels des prêts à la consommation", "Monthly balances of point-of-sale loans"),
    "INSTAL_": ("Historique des remboursements", "Repayment history"),
    "CC_": ("Cartes de crédit", "Credit cards"),
}
APPLICATION_GROUP = ("Demande de crédit (dossier du client)", "Credit application (the client's file)")

TEXT = {
    "fr": {
        "title": "Fiche du modèle",
        "use": "Usage prévu",
        "use_text": "Estimer la probabilité de défaut d'un demandeur de crédit ayant peu ou pas d'historique, et "
        "proposer une décision (accord ou refus) au seuil métier, expliquée variable par variable. Utilisateurs : "
        "chargés de clientèle (tableau de bord) et services internes (API gRPC). La décision reste une aide : un "
        "chargé de clientèle peut la revoir, et le client peut demander une intervention humaine.",
        "out_of_scope": "Hors usage : décider sans revue humaine possible ; des clients d'une autre population que "
        "celle des données d'entraînement ; fixer un prix ou un taux (le modèle ne l'a pas appris).",
        "data": "Données",
        "features": "Variables par groupe",
        "protected": "Attributs protégés",
        "constraints": "Contraintes de monotonie et calibration",
        "metrics": "Performances (validation finale, intervalles bootstrap à 95 %)",
        "fairness": "Équité par groupe (validation finale)",
        "exclusion": "Ce qu'a coûté l'exclusion",
        "threshold": "Seuil et matrice de coûts",
        "gate": "Décision de la barrière d'équité",
        "limits": "Limites connues",
        "none": "aucune déclarée dans cette version",
    },
    "en": {
        "title": "Model card",
        "use": "Intended use",
        "use_text": "Estimate the probability of default of a credit applicant with little or no credit history, "
        "and propose a decision (grant or refuse) at the business threshold, explained feature by feature. Users: "
        "relationship managers (dashboard) and internal services (gRPC API). The decision is an aid: a relationship "
        "manager can review it, and the client can ask for human intervention.",
        "out_of_scope": "Out of scope: deciding with no possible human review; clients from another population than "
        "the training data's; setting a price or a rate (the model did not learn it).",
        "data": "Data",
        "features": "Features by group",
        "protected": "Protected attributes",
        "constraints": "Monotone constraints and calibration",
        "metrics": "Performance (held-out split, 95 % bootstrap intervals)",
        "fairness": "Fairness by group (held-out split)",
        "exclusion": "What the exclusion cost",
        "threshold": "Threshold and cost matrix",
        "gate": "Fairness gate decision",
        "limits": "Known limits",
        "none": "none declared in this version",
    },
}
LIMITS = {
    "fr": [
        "Les chiffres de validation croisée du modèle retenu sont légèrement optimistes (meilleur de plusieurs "
        "candidats sur les mêmes plis) ; la validation finale est le seul chiffre sans biais.",
        "La matrice de coûts est une hypothèse métier ; un autre rapport déplace le seuil.",
        "Les valeurs SHAP expliquent le modèle, pas des causes.",
        "Les petits groupes (sous le minimum de la politique) sont affichés mais pas jugés ; leurs intervalles sont "
        "larges.",
        "Les données n'ont pas de dates de demande : la période couverte n'est pas connue, la dérive est suivie en "
        "production.",
    ],
    "en": [
        "The chosen model's cross-validation figures are slightly optimistic (best of several candidates on the "
        "same folds); the held-out split is the only unbiased figure.",
        "The cost matrix is a business assumption; a different ratio moves the threshold.",
        "SHAP values explain the model, not causes.",
        "Small groups (under the policy's minimum) are shown but not judged; their intervals are wide.",
        "The data carries no application dates: the period covered is unknown; drift is monitored in production.",
    ],
}


def build_card(
    metadata: BundleMetadata,
    run_dir: Path,
    gate: dict[str, str],
    data_source: str = "",
    groups: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The card as JSON-ready data, from the bundle's metadata and the run folder's files; `groups` are the
    features by reason group ({"fr", "en", "features"}), by name prefix when not given."""
    summary = _read_json(run_dir / "summary.json")
    fairness = _read_json(run_dir / "fairness.json")
    extra = metadata.extra
    policy = extra.get("protected_policy") or fairness.get("policy", {})
    return {
        "format": CARD_FORMAT,
        "model": {
            "name": metadata.name,
            "version": metadata.version,
            "trained_at": metadata.trained_at,
            "family": extra.get("model_family"),
            "imbalance": extra.get("imbalance"),
            "mlflow_run_id": extra.get("mlflow_run_id"),
            "profile": extra.get("profile"),
        },
        "data": _data_fields(summary, data_source or extra.get("data_source", ""), metadata.data_fingerprint),
        "features": _feature_groups(metadata, groups),
        "protected": {
            "attributes": policy.get("attributes", []),
            "removed_features": extra.get("protected_removed", []),
            "bounds": {
                k: policy.get(k) for k in ("grant_rate_ratio_min", "equal_opportunity_max", "min_group")
            },
        },
        "monotone_constraints": dict(
            metadata.monotone_constraints or extra.get("monotone_constraints") or {}
        ),
        "calibration": _calibration_summary(metadata.calibration or extra.get("calibration") or {}),
        "metrics": _metric_fields(metadata.metrics, fairness),
        "fairness": {
            "by_attribute": fairness.get("splits", {}).get("holdout", {}),
            "flags": fairness.get("flags", []),
            "exclusion": fairness.get("exclusion", {}),
            "groups": _group_rows(run_dir),
        },
        "decision": {
            "threshold": metadata.threshold,
            "cost_fn": metadata.cost_fn,
            "cost_fp": metadata.cost_fp,
            "rule": summary.get("threshold_rule", EMPIRICAL_RULE),
        },
        "gate": gate,
        "limits": LIMITS,
    }


def _data_fields(summary: dict[str, Any], source: str, fingerprint: str) -> dict[str, Any]:
    return {
        "source": source,
        "fingerprint": fingerprint,
        "n_train": summary.get("n_train"),
        "default_rate": summary.get("default_rate"),
        "n_holdout": summary.get("n_holdout"),
        "n_development": summary.get("n_development"),
        "n_folds": summary.get("n_folds"),
        "period": None,
    }


def _metric_fields(metrics: dict[str, float], fairness: dict[str, Any]) -> dict[str, Any]:
    """Held-out intervals from the fairness report, cross-validated means with their spread, the rest as is."""
    return {
        "holdout": fairness.get("holdout_intervals", {}),
        "cv": {
            k[3:]: [v, metrics.get(f"{k}_std")]
            for k, v in metrics.items()
            if k.startswith("cv_") and not k.endswith("_std") and "@" not in k and "_at_" not in k
        },
        "other": {k: v for k, v in metrics.items() if not k.startswith(("cv_", "holdout_"))},
    }


def render(card: dict[str, Any], language: str) -> str:
    """The card in Markdown, in `language` (fr or en)."""
    t = TEXT[language]
    fr = language == "fr"
    m, d = card["model"], card["data"]
    lines = [
        f"# {t['title']} — {m['name']} version {m['version']}",
        (f"Entraîné le {m['trained_at']}" if fr else f"Trained on {m['trained_at']}")
        + (" ; " if fr else "; ")
        + f"{m['family'] or '–'} ({m['imbalance'] or '–'}), run MLflow `{m['mlflow_run_id'] or '–'}`.",
        f"## {t['use']}",
        t["use_text"],
        t["out_of_scope"],
        f"## {t['data']}",
        _data_lines(d, language),
        f"## {t['features']}",
        _table(
            [
                "groupe" if fr else "group",
                "variables" if fr else "features",
                "exemples" if fr else "examples",
            ],
            [[g[language], str(g["count"]), ", ".join(g["examples"])] for g in card["features"]],
        ),
        f"## {t['protected']}",
        _protected(card["protected"], language),
        f"## {t['constraints']}",
        _mapping(card["monotone_constraints"], t["none"], language, "monotone")
        + "\n\n"
        + _mapping(card["calibration"], t["none"], language, "calibration"),
        f"## {t['metrics']}",
        _metrics(card["metrics"], language),
        f"## {t['fairness']}",
        _fairness(card["fairness"], card["protected"], language),
    ]
    exclusion = card["fairness"].get("exclusion") or {}
    if exclusion:
        lines += [f"## {t['exclusion']}", _exclusion(exclusion, language)]
    lines += [
        f"## {t['threshold']}",
        _decision_text(card["decision"], language),
        f"## {t['gate']}",
        _gate(card["gate"], language),
        f"## {t['limits']}",
        "\n".join(f"- {x}" for x in card["limits"][language]),
    ]
    return "\n\n".join(lines) + "\n"


def _data_lines(d: dict[str, Any], language: str) -> str:
    fr = language == "fr"
    return "\n".join(
        [
            f"- source : {d['source'] or '–'}",
            f"- {'clients d’entraînement' if fr else 'training clients'} : {_int(d['n_train'])} "
            f"({_pct(d['default_rate'], language)} {'de défauts' if fr else 'defaults'})",
            f"- {'validation finale' if fr else 'held-out split'} : {_int(d['n_holdout'])} ; "
            f"{'validation croisée' if fr else 'cross-validation'} : {d['n_folds'] or '–'} "
            f"{'plis sur' if fr else 'folds on'} {_int(d['n_development'])}",
            f"- {'période' if fr else 'period'} : "
            + ("inconnue (pas de dates dans les données)" if fr else "unknown (no dates in the data)"),
            f"- {'empreinte' if fr else 'fingerprint'} : `{d['fingerprint']}`",
        ]
    )


def _threshold_rule(decision: dict[str, Any]) -> str:
    """The rule the run recorded; a card written before runs recorded it applied the Bayes point when its threshold
    is that point, the empirical minimum of the out-of-fold cost otherwise."""
    if "rule" in decision:
        return str(decision["rule"])
    fn, fp = decision["cost_fn"], decision["cost_fp"]
    return BAYES_RULE if abs(float(decision["threshold"]) - fp / (fp + fn)) < 1e-12 else EMPIRICAL_RULE


def _decision_text(decision: dict[str, Any], language: str) -> str:
    fn, fp = decision["cost_fn"], decision["cost_fp"]
    bayes = _threshold_rule(decision) == BAYES_RULE
    if language == "fr":
        rule = (
            f"le seuil est le point où refuser coûte moins qu'accorder en moyenne, {fp:g} / ({fp:g} + {fn:g}), "
            "sur la probabilité calibrée."
            if bayes
            else "le seuil minimise ce coût sur les prédictions hors-pli."
        )
        return (
            f"Refus si la probabilité de défaut est supérieure ou égale à **{_num(decision['threshold'], language)}**. "
            f"Un défaut accordé (faux négatif) coûte {fn:g}, un bon client refusé (faux positif) {fp:g} ; {rule}"
        )
    rule = (
        f"the threshold is where refusing costs less than granting on average, {fp:g} / ({fp:g} + {fn:g}), on the "
        "calibrated probability."
        if bayes
        else "the threshold minimises that cost on out-of-fold predictions."
    )
    return (
        f"Refused when the probability of default is at or above **{_num(decision['threshold'])}**. A "
        f"default granted (false negative) costs {fn:g}, a good client refused (false positive) {fp:g}; {rule}"
    )


def write_card(card: dict[str, Any], folder: Path) -> list[Path]:
    """model_card.json, model_card.fr.md and model_card.en.md into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "model_card.json"]
    paths[0].write_text(json.dumps(finite(card), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for language in LANGUAGES:
        path = folder / f"model_card.{language}.md"
        path.write_text(render(card, language), encoding="utf-8")
        paths.append(path)
    return paths


def _feature_groups(metadata: BundleMetadata, declared: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[str]] = {}
    if declared:
        groups = {(g["fr"], g["en"]): list(g["features"]) for g in declared}
    else:
        for name in metadata.features:
            key = next((v for p, v in FEATURE_GROUPS.items() if name.startswith(p)), APPLICATION_GROUP)
            groups.setdefault(key, []).append(name)
    ranked = list(metadata.global_importance)
    out = []
    for (fr, en), names in groups.items():
        top = sorted(names, key=lambda n: ranked.index(n) if n in ranked else len(ranked))[:3]
        out.append({"fr": fr, "en": en, "count": len(names), "examples": top})
    return out


def _group_rows(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "fairness_by_group.csv"
    if not path.is_file():
        return []
    table = pd.read_csv(path)
    table = table[table["split"] == "holdout"]
    keep = ["attribute", "group", "count", "judged", "refusal_rate", "refusal_rate_low", "refusal_rate_high"]
    keep += ["default_rate_granted", "tpr", "fpr", "mean_probability", "default_rate"]
    return finite(table[[c for c in keep if c in table.columns]].to_dict("records"))


def _protected(protected: dict[str, Any], language: str) -> str:
    fr = language == "fr"
    rows = []
    for a in protected["attributes"]:
        label = a.get(f"label_{language}", a["name"])
        if a["treatment"] == "excluded":
            use = (
                "exclu : jamais une entrée du modèle, toujours mesuré"
                if fr
                else "excluded: never an input, always measured"
            )
        else:
            use = (
                "surveillé : entrée du modèle, raison écrite"
                if fr
                else "monitored: a model input, reason written"
            )
        rows.append([label, use, _reasons(a, language)])
    removed = ", ".join(protected.get("removed_features") or []) or "–"
    return (
        _table(
            [
                "attribut" if fr else "attribute",
                "traitement" if fr else "treatment",
                "raison" if fr else "reason",
            ],
            rows,
        )
        + f"\n\n{'Variables retirées du modèle' if fr else 'Features removed from the model'} : {removed}"
    )


def _reasons(attribute: dict[str, Any], language: str) -> str:
    """Why the attribute is protected and, for a model input, why it may be one, in the card's language (a policy
    written before reasons came in both languages has one English `reason` / `input_reason`)."""
    reason = attribute.get(f"reason_{language}") or attribute.get("reason", "")
    input_reason = attribute.get(f"input_reason_{language}") or attribute.get("input_reason", "")
    if not input_reason:
        return str(reason)
    return f"{reason} " + (
        f"Entrée du modèle : {input_reason}" if language == "fr" else f"Model input: {input_reason}"
    )


def _calibration_summary(calibration: dict[str, Any]) -> dict[str, Any]:
    """What the card says of the calibration map: its method and size, not its points."""
    method = calibration.get("method", "identity")
    if method == "identity":
        return {}
    summary: dict[str, Any] = {"method": method}
    if method == "platt":
        summary.update(slope=calibration.get("slope"), intercept=calibration.get("intercept"))
    elif method == "isotonic":
        summary["points"] = len(calibration.get("x", []))
    return summary


def _mapping(values: dict[str, Any], none: str, language: str, kind: str) -> str:
    title = {
        "monotone": ("Monotonie", "Monotone constraints"),
        "calibration": ("Calibration", "Calibration"),
    }[kind]
    label = title[0] if language == "fr" else title[1]
    if not values:
        return f"{label} : {none}."
    words = {
        1: (
            "la probabilité ne baisse jamais quand la valeur augmente",
            "the probability never falls as it rises",
        ),
        -1: (
            "la probabilité ne monte jamais quand la valeur augmente",
            "the probability never rises as it rises",
        ),
    }
    if kind == "monotone":
        lines = [
            f"- `{k}` : {words.get(int(v), (str(v), str(v)))[0 if language == 'fr' else 1]}"
            for k, v in values.items()
        ]
    else:
        lines = [f"- `{k}` : {v}" for k, v in values.items()]
    return f"{label} :\n\n" + "\n".join(lines)


def _metrics(metrics: dict[str, Any], language: str) -> str:
    fr = language == "fr"
    names = {
        "auc": "AUC",
        "cost": "coût par demandeur" if fr else "cost per applicant",
        "recall": "rappel (défauts refusés)" if fr else "recall (defaulters refused)",
        "precision": "précision" if fr else "precision",
        "accuracy": "exactitude" if fr else "accuracy",
        "refusal_rate": "part refusée" if fr else "share refused",
    }
    rows = []
    for key, label in names.items():
        held = metrics.get("holdout", {}).get(key)
        cv = metrics.get("cv", {}).get(key)
        rows.append(
            [
                label,
                f"{_num(held[0], language)} {_ci(held[1:], language)}" if held else "–",
                f"{_num(cv[0], language)} ± {_num(cv[1], language)}" if cv and cv[0] is not None else "–",
            ]
        )
    head = ["mesure" if fr else "metric", "validation finale [95 %]" if fr else "held-out [95 %]"]
    return _table([*head, "validation croisée (± écart-type)" if fr else "cross-validation (± std)"], rows)


def _fairness(fairness: dict[str, Any], protected: dict[str, Any], language: str) -> str:
    fr = language == "fr"
    bounds = protected["bounds"]
    labels = {a["name"]: a.get(f"label_{language}", a["name"]) for a in protected["attributes"]}
    rows = []
    for name, r in fairness.get("by_attribute", {}).items():
        ratio, gap = r.get("grant_rate_ratio"), r.get("equal_opportunity_difference")
        ratio_min, eo_max = (
            bounds.get("grant_rate_ratio_min") or 0.0,
            bounds.get("equal_opportunity_max") or 1.0,
        )
        ok = (ratio is None or ratio >= ratio_min) and (gap is None or gap <= eo_max)
        rows.append(
            [
                labels.get(name, name),
                f"{_num(ratio, language)} {_ci(r.get('grant_rate_ratio_interval'), language)}",
                f"{_num(gap, language)} {_ci(r.get('equal_opportunity_interval'), language)}",
                "ok" if ok else "⚠",
            ]
        )
    head = [
        "attribut" if fr else "attribute",
        "ratio des taux d'accord [95 %]" if fr else "grant-rate ratio [95 %]",
        "écart d'égalité des chances [95 %]" if fr else "equal-opportunity difference [95 %]",
        "",
    ]
    text = _table(head, rows)
    groups = fairness.get("groups") or []
    if groups:
        text += "\n\n" + _group_table(groups, labels, language)
    bound = (
        f"Bornes : ratio ≥ {_num(bounds['grant_rate_ratio_min'], language, 2)}, écart ≤ "
        f"{_num(bounds['equal_opportunity_max'], language, 2)} ; TPR = défauts refusés, FPR = bons clients refusés."
        if fr
        else f"Bounds: ratio ≥ {_num(bounds['grant_rate_ratio_min'], language, 2)}, gap ≤ "
        f"{_num(bounds['equal_opportunity_max'], language, 2)}; "
        "TPR = defaulters refused, FPR = good clients refused."
    )
    return text + "\n\n" + bound


def _group_table(groups: list[dict[str, Any]], labels: dict[str, str], language: str) -> str:
    """One row per group of each attribute: refusals with their interval, defaults, error rates."""
    fr = language == "fr"
    return _table(
        [
            "attribut" if fr else "attribute",
            "groupe" if fr else "group",
            "clients",
            "part refusée [95 %]" if fr else "share refused [95 %]",
            "défauts parmi les accordés" if fr else "default rate among granted",
            "TPR",
            "FPR",
            "probabilité moyenne" if fr else "mean probability",
            "défauts observés" if fr else "observed defaults",
        ],
        [
            [
                labels.get(g["attribute"], g["attribute"]),
                g["group"] + ("" if g.get("judged") else (" (non jugé)" if fr else " (not judged)")),
                _int(g["count"]),
                f"{_num(g.get('refusal_rate'), language)} "
                f"{_ci([g.get('refusal_rate_low'), g.get('refusal_rate_high')], language)}",
                _num(g.get("default_rate_granted"), language),
                _num(g.get("tpr"), language),
                _num(g.get("fpr"), language),
                _num(g.get("mean_probability"), language),
                _num(g.get("default_rate"), language),
            ]
            for g in groups
        ],
    )


def _exclusion(exclusion: dict[str, Any], language: str) -> str:
    fr = language == "fr"
    diff = exclusion["difference"]
    fields = ", ".join(exclusion.get("fields", []))
    if fr:
        with_, without = exclusion["with"], exclusion["without"]
        return (
            f"Le même modèle réentraîné avec {fields} (mêmes plis, même validation finale, son propre seuil) : AUC "
            f"{_num(with_['holdout_auc'], language)} contre {_num(without['holdout_auc'], language)} "
            f"pour le modèle servi ; coût {_num(exclusion['with']['holdout_cost'], language)} contre "
            f"{_num(exclusion['without']['holdout_cost'], language)}. L'exclusion change l'AUC de "
            f"{_signed(diff['holdout_auc'], language)} et le coût de {_signed(diff['holdout_cost'], language)} par "
            "demandeur."
        )
    return (
        f"The same model refitted with {fields} (same folds, same held-out split, its own threshold): AUC "
        f"{_num(exclusion['with']['holdout_auc'])} against {_num(exclusion['without']['holdout_auc'])} for the "
        f"served model; cost {_num(exclusion['with']['holdout_cost'])} against "
        f"{_num(exclusion['without']['holdout_cost'])}. The exclusion changes the AUC by "
        f"{_signed(diff['holdout_auc'])} and the cost by {_signed(diff['holdout_cost'])} per applicant."
    )


def _gate(gate: dict[str, str], language: str) -> str:
    fr = language == "fr"
    status = gate.get("fairness_gate", "not measured")
    names = {
        "passed": ("franchie", "passed"),
        "refused": ("refusée", "refused"),
        "overridden": ("levée avec une raison écrite", "overridden with a written reason"),
        "not measured": ("non mesurée", "not measured"),
    }
    label = names.get(status, (status, status))[0 if fr else 1]
    text = f"**{label}** — {gate.get('fairness_gate_reason', '')}"
    if gate.get("fairness_override_reason"):
        text += (
            f"\n\n{'Raison de la levée' if fr else 'Override reason'} : {gate['fairness_override_reason']}"
        )
    return text


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _num(value: Any, language: str = "en", digits: int = 3) -> str:
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "fr" else text


def _signed(value: float, language: str = "en") -> str:
    text = f"{value:+.4f}"
    return text.replace(".", ",") if language == "fr" else text


def _ci(interval: Any, language: str = "en") -> str:
    if not interval or any(v is None or not math.isfinite(v) for v in interval):
        return ""
    sep = " ; " if language == "fr" else ", "
    return f"[{_num(interval[0], language)}{sep}{_num(interval[1], language)}]"


def _int(value: Any) -> str:
    return f"{int(value):,}".replace(",", "\u202f") if isinstance(value, int | float) else "–"


def _pct(value: Any, language: str = "en") -> str:
    if not isinstance(value, int | float):
        return "–"
    text = f"{100 * value:.2f} %"
    return text.replace(".", ",") if language == "fr" else text


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def finite(value: Any) -> Any:
    """JSON-ready: NaN and infinities as null, tuples as lists, numpy scalars as Python numbers."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


# MLflow's SQL stores hold at most 5,000 characters of a version's description (PostgreSQL refuses more)
DESCRIPTION_LIMIT = 5000


def record_on_version(client: Any, name: str, version: str, card: dict[str, Any], run_id: str) -> None:
    """The card on the MLflow version: its Markdown (French, then English) as the description, a tag pointing at
    the run's card files, and the gate's decision as tags."""
    text = render(card, "fr") + "\n---\n\n" + render(card, "en")
    if len(text) > DESCRIPTION_LIMIT:  # the whole card stays in the run's files, which the pointer names
        pointer = f"\n\n… Fiche complète / full card: runs:/{run_id}/model_card/"
        text = text[: DESCRIPTION_LIMIT - len(pointer)] + pointer
    client.update_model_version(name, version, description=text)
    client.set_model_version_tag(name, version, "model_card", f"runs:/{run_id}/model_card/model_card.json")
