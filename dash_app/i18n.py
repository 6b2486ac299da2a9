"""French-first strings and number formats. Feature descriptions are not here: the scoring service returns them
in the language asked for."""

from __future__ import annotations

import math

from common.numbers import fmt_number
from dash_app.labels import FILTER_FIELDS, level
from scoring_service.domain import FeatureValue

FR: dict[str, str] = {
    "app.name": "Prêt à dépenser",
    "app.tagline": "Score crédit expliqué, pour les chargés de relation client",
    "title.home": "Recherche d'un client — Prêt à dépenser",
    "title.client": "Client {id} — {decision} — Prêt à dépenser",
    "skip": "Aller au contenu principal",
    "colon": " : ",  # French typography: a space before the colon
    "logout": "Se déconnecter",
    "drift.link": "Dérive des données",
    "drift.title": "Dérive des données",
    "drift.none": "Aucun contrôle de dérive n'a encore été écrit dans {folder}. Lancez `python -m drift monitor`.",
    "drift.back": "Retour au tableau de bord",
    "card.link": "Fiche du modèle",
    "card.title": "Fiche du modèle",
    "card.none": "La version servie n'a pas de fiche : elle a été entraînée avant les fiches. Réentraînez le modèle.",
    "card.unavailable": "La fiche du modèle est indisponible : le service de score ne répond pas ({error}).",
    "lang.switch": "Version française",
    "login.title": "Connexion — Prêt à dépenser",
    "login.heading": "Connexion",
    "login.user": "Identifiant",
    "login.password": "Mot de passe",
    "login.submit": "Se connecter",
    "login.failed": "Identifiant ou mot de passe incorrect. Vérifiez la saisie et réessayez.",
    "login.expired": "Votre session a expiré après une période d'inactivité : reconnectez-vous.",
    "login.throttled": "Trop d'essais infructueux : réessayez dans {minutes} min.",
    "login.stale": "Le formulaire a expiré : saisissez à nouveau vos identifiants.",
    "search.heading": "Trouver un client",
    "search.id_label": "Identifiant client (6 chiffres)",
    "search.id_help": "Par exemple 100002. Appuyez sur Entrée ou sur « Afficher ».",
    "search.submit": "Afficher",
    "search.filters": "Ou filtrer le portefeuille",
    "search.any": "Tous",
    "search.gender": "Sexe",
    "search.age": "Tranche d'âge",
    "search.income": "Tranche de revenu",
    "search.contract": "Type de contrat",
    "search.family": "Situation familiale",
    "search.decision": "Décision",
    "search.apply": "Filtrer",
    "search.count": "{total} clients correspondent ; {shown} affichés (page {page}).",
    "search.none": "Aucun client ne correspond à ces filtres. Élargissez-les.",
    "search.pick": "Voir le client {id}",
    "search.prev": "Page précédente",
    "search.next": "Page suivante",
    "search.col.id": "Identifiant",
    "search.col.gender": "Sexe",
    "search.col.age": "Âge",
    "search.col.income": "Revenu annuel",
    "search.col.contract": "Contrat",
    "search.col.score": "Probabilité de défaut",
    "search.col.decision": "Décision",
    "search.col.action": "Action",
    "error.id_empty": "Saisissez l'identifiant du client : 6 chiffres, par exemple 100002.",
    "error.id_format": "« {value} » n'est pas un identifiant valide : il faut exactement 6 chiffres, "
    "par exemple 100002.",
    "error.id_unknown": "Aucun client n'a l'identifiant {id} dans le portefeuille. Vérifiez le numéro ou "
    "utilisez les filtres.",
    "error.unavailable": "Le service de score ne répond pas pour le moment. Vos saisies sont conservées : "
    "réessayez dans un instant.",
    "error.slow": "Le service de score met trop de temps à répondre. Réessayez dans un instant.",
    "error.rejected": "Le service de score a refusé la demande : {detail}",
    "error.auth": "Le tableau de bord n'est pas autorisé par le service de score. Prévenez l'administrateur "
    "(jeton du service).",
    "error.retry": "Réessayer",
    "error.unexpected": "Une erreur inattendue est survenue ; réessayez",
    "status.loading": "Chargement…",
    "score.heading": "Score et décision",
    "score.empty": "Choisissez un client pour voir son score.",
    "score.granted": "Crédit accordé",
    "score.refused": "Crédit refusé",
    "score.granted_short": "accordé",
    "score.refused_short": "refusé",
    "score.gauge_title": "Probabilité de défaut",
    "score.threshold": "seuil",
    "score.below": "La probabilité de défaut ({p}) est inférieure de {d} points au seuil de {s} : le crédit "
    "est accordé{margin}.",
    "score.above": "La probabilité de défaut ({p}) dépasse de {d} points le seuil de {s} : le crédit est "
    "refusé{margin}.",
    "score.margin_small": ", mais de justesse",
    "score.margin_large": " avec une marge nette",
    "score.gauge_alt": "Jauge : probabilité de défaut de {p} pour un seuil de {s}. Décision : {decision}.",
    "score.model": "Modèle version {v}",
    "why.heading": "Pourquoi cette décision ?",
    "why.empty": "Les principaux facteurs de la décision s'afficheront ici.",
    "why.base": "Point de départ (client moyen)",
    "why.rest": "{n} autres facteurs",
    "why.final": "Score du client",
    "why.axis": "Effet sur le risque<br>← diminue le risque · augmente le risque →",
    "why.reasons": "Les principales raisons",
    "why.details": "Le détail de chaque raison",
    "why.more": "et {n} autres éléments de moindre poids",
    "why.raise": "Ce qui augmente le plus le risque : {items}.",
    "why.lower": "Ce qui diminue le plus le risque : {items}.",
    "why.raise_none": "Aucun facteur n'augmente nettement le risque.",
    "why.lower_none": "Aucun facteur ne diminue nettement le risque.",
    "why.alt": "Graphique en cascade des raisons, du client moyen au score du client. {lines}",
    "why.alt_item": "{name} : {sign} ({value}).",
    "why.up": "augmente le risque de {v}",
    "why.raises": "augmente le risque",
    "why.lowers": "diminue le risque",
    "why.down": "diminue le risque de {v}",
    "why.missing": "non renseigné",
    "imp.heading": "Ce qui compte le plus dans le portefeuille",
    "imp.help": "Cliquez sur une barre (ou choisissez dans la liste de la comparaison) pour comparer le client "
    "sur cette variable.",
    "imp.axis": "Importance moyenne (|SHAP| moyen)",
    "imp.alt": "Importance globale des variables, de la plus à la moins importante : {items}.",
    "cmp.heading": "Comparer le client",
    "cmp.empty": "Choisissez un client pour le comparer aux autres.",
    "cmp.feature": "Variable comparée",
    "cmp.second": "Seconde variable (nuage de points)",
    "cmp.group": "Groupe de comparaison",
    "cmp.group.all": "Tous les clients",
    "cmp.group.filtered": "Clients des filtres de recherche",
    "cmp.group.similar": "Clients les plus semblables",
    "cmp.client": "Ce client",
    "cmp.count": "Nombre de clients",
    "cmp.percentile": "Sur « {name} », le client ({value}) se situe au {pct}e centile du groupe « {group} » : "
    "{pct} % des clients du groupe ont une valeur inférieure ou égale.",
    "cmp.categorical": "Sur « {name} », le client a la valeur « {value} ».",
    "cmp.missing": "La valeur du client pour « {name} » n'est pas renseignée.",
    "cmp.dist_alt": "Distribution de « {name} » dans le groupe « {group} » ({n} clients) : médiane {p50}, "
    "de {p05} (5e centile) à {p95} (95e centile). Valeur du client : {value}.",
    "cmp.cat_alt": "Répartition de « {name} » dans le groupe « {group} » ({n} clients) : {items}. "
    "Valeur du client : {value}.",
    "cmp.scatter_alt": "Nuage de {n} clients du groupe : « {x} » en abscisse, « {y} » en ordonnée, couleur selon "
    "la probabilité de défaut. Le client ({xv} ; {yv}) est marqué d'une étoile.",
    "cmp.scatter_none": "Choisissez une seconde variable pour voir le nuage de points.",
    "cmp.stats": "Groupe « {group} » : {n} clients ; probabilité de défaut moyenne {mean} ; {refused} refusés "
    "par le modèle ; {observed}.",
    "cmp.observed": "taux de défaut observé {rate} sur {h} anciens clients comparables",
    "cmp.observed_none": "pas d'historique de défaut comparable",
    "cmp.colorbar": "Probabilité de défaut",
    "info.heading": "Informations du client",
    "info.empty": "Choisissez un client pour voir ses informations.",
    "info.search": "Rechercher une information",
    "info.col.field": "Information",
    "info.col.value": "Valeur",
    "info.col.code": "Code",
    "info.count": "{n} informations sur {total}.",
    "info.count_some": "{shown} premières informations affichées sur {n} : cherchez un mot ou affichez-les toutes.",
    "info.all": "Afficher toutes les informations",
    "info.codes": "Afficher les noms techniques",
    "whatif.heading": "Et si… ? Simuler une autre demande",
    "whatif.empty": "Choisissez un client pour simuler une autre demande.",
    "whatif.help": "Modifiez quelques montants puis lancez la simulation : le dossier réel n'est pas modifié.",
    "whatif.income": "Revenu annuel",
    "whatif.credit": "Montant du crédit",
    "whatif.annuity": "Annuité",
    "whatif.goods": "Prix du bien financé",
    "whatif.employed": "Ancienneté dans l'emploi (années)",
    "whatif.run": "Simuler",
    "whatif.current": "Actuel",
    "whatif.new": "Simulation",
    "whatif.invalid": "« {field} » doit être un nombre positif ou nul.",
    "whatif.delta": "La simulation fait passer la probabilité de défaut de {old} à {new} ({delta} points).",
    "whatif.flip": "La décision change : {old} → {new}.",
    "whatif.same": "La décision reste : {new}.",
    "decision.granted": "Accordé",
    "decision.refused": "Refusé",
    "years": "{n} ans",
}

EN: dict[str, str] = {
    "app.name": "Prêt à dépenser",
    "app.tagline": "Explained credit score for relationship managers",
    "title.home": "Find a client — Prêt à dépenser",
    "title.client": "Client {id} — {decision} — Prêt à dépenser",
    "skip": "Skip to main content",
    "colon": ": ",
    "logout": "Log out",
    "drift.link": "Data drift",
    "drift.title": "Data drift",
    "drift.none": "No drift check has been written in {folder} yet. Run `python -m drift monitor`.",
    "drift.back": "Back to the dashboard",
    "card.link": "Model card",
    "card.title": "Model card",
    "card.none": "The served version has no model card: it was trained before model cards. Retrain the model.",
    "card.unavailable": "The model card is unavailable: the scoring service does not answer ({error}).",
    "lang.switch": "English version",
    "login.title": "Log in — Prêt à dépenser",
    "login.heading": "Log in",
    "login.user": "User name",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Wrong user name or password. Check what you typed and try again.",
    "login.expired": "Your session expired after a period of inactivity: please log in again.",
    "login.throttled": "Too many failed attempts: try again in {minutes} min.",
    "login.stale": "The form had expired: please enter your user name and password again.",
    "search.heading": "Find a client",
    "search.id_label": "Client id (6 digits)",
    "search.id_help": "For example 100002. Press Enter or “Show”.",
    "search.submit": "Show",
    "search.filters": "Or filter the portfolio",
    "search.any": "Any",
    "search.gender": "Gender",
    "search.age": "Age band",
    "search.income": "Income band",
    "search.contract": "Contract type",
    "search.family": "Family status",
    "search.decision": "Decision",
    "search.apply": "Filter",
    "search.count": "{total} clients match; {shown} shown (page {page}).",
    "search.none": "No client matches these filters. Widen them.",
    "search.pick": "Show client {id}",
    "search.prev": "Previous page",
    "search.next": "Next page",
    "search.col.id": "Id",
    "search.col.gender": "Gender",
    "search.col.age": "Age",
    "search.col.income": "Annual income",
    "search.col.contract": "Contract",
    "search.col.score": "Default probability",
    "search.col.decision": "Decision",
    "search.col.action": "Action",
    "error.id_empty": "Type the client id: 6 digits, for example 100002.",
    "error.id_format": "“{value}” is not a valid id: it must be exactly 6 digits, for example 100002.",
    "error.id_unknown": "No client has the id {id} in the portfolio. Check the number or use the filters.",
    "error.unavailable": "The scoring service is not answering right now. What you typed is kept: try again "
    "in a moment.",
    "error.slow": "The scoring service is taking too long to answer. Try again in a moment.",
    "error.rejected": "The scoring service rejected the request: {detail}",
    "error.auth": "The dashboard is not authorised by the scoring service. Tell the administrator (service token).",
    "error.retry": "Try again",
    "error.unexpected": "An unexpected error occurred; try again",
    "status.loading": "Loading…",
    "score.heading": "Score and decision",
    "score.empty": "Choose a client to see their score.",
    "score.granted": "Credit granted",
    "score.refused": "Credit refused",
    "score.granted_short": "granted",
    "score.refused_short": "refused",
    "score.gauge_title": "Default probability",
    "score.threshold": "threshold",
    "score.below": "The default probability ({p}) is {d} points below the threshold of {s}: the credit is "
    "granted{margin}.",
    "score.above": "The default probability ({p}) is {d} points above the threshold of {s}: the credit is "
    "refused{margin}.",
    "score.margin_small": ", but narrowly",
    "score.margin_large": " by a clear margin",
    "score.gauge_alt": "Gauge: default probability {p} against a threshold of {s}. Decision: {decision}.",
    "score.model": "Model version {v}",
    "why.heading": "Why this decision?",
    "why.empty": "The main factors of the decision will appear here.",
    "why.base": "Starting point (average client)",
    "why.rest": "{n} other factors",
    "why.final": "Client's score",
    "why.axis": "Effect on the risk<br>← lowers the risk · raises the risk →",
    "why.reasons": "The main reasons",
    "why.details": "Each reason in detail",
    "why.more": "and {n} other items that weigh less",
    "why.raise": "What raises the risk most: {items}.",
    "why.lower": "What lowers the risk most: {items}.",
    "why.raise_none": "No factor clearly raises the risk.",
    "why.lower_none": "No factor clearly lowers the risk.",
    "why.alt": "Waterfall chart of the reasons, from the average client to this client's score. {lines}",
    "why.alt_item": "{name}: {sign} ({value}).",
    "why.up": "raises the risk by {v}",
    "why.raises": "raises the risk",
    "why.lowers": "lowers the risk",
    "why.down": "lowers the risk by {v}",
    "why.missing": "not given",
    "imp.heading": "What matters most across the portfolio",
    "imp.help": "Click a bar (or choose in the comparison list) to compare the client on that feature.",
    "imp.axis": "Mean importance (mean |SHAP|)",
    "imp.alt": "Global importance of the features, from most to least important: {items}.",
    "cmp.heading": "Compare the client",
    "cmp.empty": "Choose a client to compare them with others.",
    "cmp.feature": "Compared feature",
    "cmp.second": "Second feature (scatter plot)",
    "cmp.group": "Comparison group",
    "cmp.group.all": "All clients",
    "cmp.group.filtered": "Clients of the search filters",
    "cmp.group.similar": "Most similar clients",
    "cmp.client": "This client",
    "cmp.count": "Number of clients",
    "cmp.percentile": "On “{name}”, the client ({value}) is at the {pct}th percentile of the group “{group}”: "
    "{pct}% of the group have a value lower or equal.",
    "cmp.categorical": "On “{name}”, the client's value is “{value}”.",
    "cmp.missing": "The client's value for “{name}” is not given.",
    "cmp.dist_alt": "Distribution of “{name}” in the group “{group}” ({n} clients): median {p50}, from {p05} "
    "(5th percentile) to {p95} (95th percentile). Client's value: {value}.",
    "cmp.cat_alt": "Breakdown of “{name}” in the group “{group}” ({n} clients): {items}. Client's value: {value}.",
    "cmp.scatter_alt": "Scatter of {n} clients of the group: “{x}” across, “{y}” up, coloured by default "
    "probability. The client ({xv}; {yv}) is marked with a star.",
    "cmp.scatter_none": "Choose a second feature to see the scatter plot.",
    "cmp.stats": "Group “{group}”: {n} clients; mean default probability {mean}; {refused} refused by the "
    "model; {observed}.",
    "cmp.observed": "observed default rate {rate} over {h} comparable past clients",
    "cmp.observed_none": "no comparable default history",
    "cmp.colorbar": "Default probability",
    "info.heading": "Client information",
    "info.empty": "Choose a client to see their information.",
    "info.search": "Search the information",
    "info.col.field": "Information",
    "info.col.value": "Value",
    "info.col.code": "Code",
    "info.count": "{n} of {total} fields.",
    "info.count_some": "First {shown} of {n} fields shown: search for a word or show them all.",
    "info.all": "Show every field",
    "info.codes": "Show the technical names",
    "whatif.heading": "What if…? Simulate another application",
    "whatif.empty": "Choose a client to simulate another application.",
    "whatif.help": "Change a few amounts and run the simulation: the real file is not changed.",
    "whatif.income": "Annual income",
    "whatif.credit": "Credit amount",
    "whatif.annuity": "Annuity",
    "whatif.goods": "Price of the goods",
    "whatif.employed": "Years in current employment",
    "whatif.run": "Simulate",
    "whatif.current": "Current",
    "whatif.new": "Simulation",
    "whatif.invalid": "“{field}” must be a number, zero or more.",
    "whatif.delta": "The simulation moves the default probability from {old} to {new} ({delta} points).",
    "whatif.flip": "The decision changes: {old} → {new}.",
    "whatif.same": "The decision stays: {new}.",
    "decision.granted": "Granted",
    "decision.refused": "Refused",
    "years": "{n} years",
}

STRINGS: dict[str, dict[str, str]] = {"fr": FR, "en": EN}


def t(lang: str, key: str, **values: object) -> str:
    """The string for `key` in `lang` (French when the language is unknown), with `values` filled in."""
    table = STRINGS.get(lang, FR)
    return table[key].format(**values) if values else table[key]


def label(lang: str, prefix: str, value: str) -> str:
    """A category level in words (e.g. label('fr', 'contract', 'Cash loans')), the raw level when unknown. The
    levels of the data come from the one table of dash_app.labels, so the search list and the client's file agree."""
    if prefix in FILTER_FIELDS:
        return level(FILTER_FIELDS[prefix], value, lang)
    return STRINGS.get(lang, FR).get(f"{prefix}.{value}", value)


def fmt_pct(probability: float, lang: str, digits: int = 1) -> str:
    text = fmt_number(100 * probability, lang, digits)
    return f"{text}\u202f%" if lang == "fr" else f"{text}%"


def fmt_points(delta: float, lang: str) -> str:
    """A difference of probabilities in percentage points, signed."""
    sign = "+" if delta >= 0 else "−"
    return sign + fmt_number(abs(100 * delta), lang, 1)


def fmt_value(value: FeatureValue, lang: str) -> str:
    """A feature value for a person: integers without decimals, small numbers with two significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t(lang, "why.missing")
    if isinstance(value, str):
        return value
    if float(value).is_integer() or abs(value) >= 100:
        return fmt_number(value, lang, 0)
    if abs(value) >= 1:
        return fmt_number(value, lang, 2)
    return fmt_number(value, lang, 3)
