"""Reason groups: the model's features gathered by what they mean to a client, in French and English.

A relationship manager explains a decision in a handful of reasons ("your repayments on previous loans"),
not in 300 columns. Each group names the features it owns (exact names, or a prefix for the secondary-table
families) and says, in a sentence a client understands, what it does when it raises or lowers the risk.
The scoring service sums the SHAP contributions per group; a feature that belongs to no group, or to two,
is an error (tests/unit/test_reason_groups.py holds every feature the pipeline builds to exactly one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from training.data.schema import BUILDING_COLUMNS
from training.features import bureau, credit_card, installments, pos_cash, previous
from training.features.application import ADDRESS_MISMATCHES, CONTACT_FLAGS


@dataclass(frozen=True)
class ReasonGroup:
    key: str
    fr: str
    en: str
    raises_fr: str  # said when the group's contribution raises the risk of default
    lowers_fr: str
    raises_en: str
    lowers_en: str
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    # A group read from the client's history (secondary tables) says what it says when the client has none of that
    # history ("Aucune carte de crédit n'est connue") instead of a sentence about a history the client does not
    # have; its history features are those of `prefixes`, or of `history` when only some of them come from there.
    absent_fr: str = ""
    absent_en: str = ""
    history: tuple[str, ...] = ()

    def owns(self, feature: str) -> bool:
        return feature in self.names or any(feature.startswith(p) for p in self.prefixes)

    def is_history(self, feature: str) -> bool:
        if not self.absent_fr:  # not a history group
            return False
        return feature not in self.names and any(feature.startswith(p) for p in self.history or self.prefixes)

    def name(self, language: str) -> str:
        return self.fr if language == "fr" else self.en

    def sentence(self, contribution: float, language: str, without_history: bool = False) -> str:
        raises = contribution > 0
        if without_history and self.absent_fr:
            if language == "fr":
                effect = "augmente" if raises else "diminue"
                return f"{self.absent_fr} : cette absence d'historique {effect} le risque."
            return f"{self.absent_en}: this lack of history {'raises' if raises else 'lowers'} the risk."
        if language == "fr":
            return self.raises_fr if raises else self.lowers_fr
        return self.raises_en if raises else self.lowers_en


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


REASON_GROUPS: tuple[ReasonGroup, ...] = (
    ReasonGroup(
        "external_scores",
        "Scores d'organismes extérieurs",
        "Scores from outside agencies",
        "Vos notes auprès d'organismes de crédit extérieurs augmentent le risque.",
        "Vos bonnes notes auprès d'organismes de crédit extérieurs diminuent le risque.",
        "Your ratings with outside credit agencies raise the risk.",
        "Your good ratings with outside credit agencies lower the risk.",
        prefixes=("EXT_SOURCE_",),
    ),
    ReasonGroup(
        "previous_repayments",
        "Remboursement des crédits précédents",
        "Repayment of previous loans",
        "Vos retards ou difficultés de paiement sur vos crédits précédents augmentent le risque.",
        "Votre façon de rembourser vos crédits précédents diminue le risque.",
        "Late or missed payments on your previous loans raise the risk.",
        "The way you repaid your previous loans lowers the risk.",
        prefixes=(f"{installments.FAMILY.prefix}_", "INST_", f"{pos_cash.FAMILY.prefix}_"),
        absent_fr="Aucun remboursement de crédit précédent n'est connu",
        absent_en="No repayment of a previous loan is known",
    ),
    ReasonGroup(
        "credit_cards",
        "Utilisation des cartes de crédit",
        "Use of credit cards",
        "L'utilisation de vos cartes de crédit (solde, retards) augmente le risque.",
        "L'utilisation de vos cartes de crédit diminue le risque.",
        "The use of your credit cards (balance, late payments) raises the risk.",
        "The use of your credit cards lowers the risk.",
        prefixes=(f"{credit_card.FAMILY.prefix}_",),
        absent_fr="Aucune carte de crédit n'est connue",
        absent_en="No credit card is known",
    ),
    ReasonGroup(
        "previous_applications",
        "Demandes de crédit précédentes",
        "Previous credit applications",
        "Vos demandes de crédit précédentes (refus, montants) augmentent le risque.",
        "Vos demandes de crédit précédentes diminuent le risque.",
        "Your previous credit applications (refusals, amounts) raise the risk.",
        "Your previous credit applications lower the risk.",
        prefixes=(f"{previous.FAMILY.prefix}_",),
        absent_fr="Aucune demande de crédit précédente n'est connue",
        absent_en="No previous credit application is known",
    ),
    ReasonGroup(
        "credit_bureau",
        "Crédits auprès d'autres établissements",
        "Credits with other lenders",
        "Vos crédits et demandes auprès d'autres établissements augmentent le risque.",
        "Vos crédits auprès d'autres établissements diminuent le risque.",
        "Your credits and enquiries with other lenders raise the risk.",
        "Your credits with other lenders lower the risk.",
        names=_names("BUREAU_REQUESTS_TOTAL"),
        prefixes=(f"{bureau.FAMILY.prefix}_", "AMT_REQ_CREDIT_BUREAU_"),
        history=(f"{bureau.FAMILY.prefix}_",),  # the enquiries (AMT_REQ_...) come with the application
        absent_fr="Aucun crédit auprès d'autres établissements n'est connu",
        absent_en="No credit with other lenders is known",
    ),
    ReasonGroup(
        "income_burden",
        "Revenus et poids des remboursements",
        "Income and repayment burden",
        "Le poids des remboursements par rapport à vos revenus augmente le risque.",
        "Vos revenus, comparés aux remboursements, diminuent le risque.",
        "The weight of the repayments compared with your income raises the risk.",
        "Your income, compared with the repayments, lowers the risk.",
        names=_names(
            "AMT_INCOME_TOTAL",
            "AMT_ANNUITY",
            "CREDIT_INCOME_RATIO",
            "ANNUITY_INCOME_RATIO",
            "INCOME_PER_PERSON",
            "ANNUITY_PER_PERSON",
            "NAME_INCOME_TYPE",
        ),
    ),
    ReasonGroup(
        "age_employment",
        "Âge, études et emploi",
        "Age, education and employment",
        "Votre âge, vos études ou votre situation professionnelle augmentent le risque.",
        "Votre âge, vos études ou votre situation professionnelle diminuent le risque.",
        "Your age, education or employment raise the risk.",
        "Your age, education or employment lower the risk.",
        names=_names(
            "DAYS_BIRTH",
            "AGE_YEARS",
            "DAYS_EMPLOYED",
            "EMPLOYED_YEARS",
            "DAYS_EMPLOYED_ANOMALY",
            "EMPLOYED_AGE_RATIO",
            "OCCUPATION_TYPE",
            "ORGANIZATION_TYPE",
            "NAME_EDUCATION_TYPE",
        ),
    ),
    ReasonGroup(
        "family_housing",
        "Famille et logement",
        "Family and housing",
        "Votre situation familiale ou votre logement augmentent le risque.",
        "Votre situation familiale ou votre logement diminuent le risque.",
        "Your family situation or housing raise the risk.",
        "Your family situation or housing lower the risk.",
        names=_names(
            "CODE_GENDER",
            "CNT_CHILDREN",
            "CNT_FAM_MEMBERS",
            "CHILDREN_RATIO",
            "NAME_FAMILY_STATUS",
            "NAME_HOUSING_TYPE",
            "FLAG_OWN_REALTY",
            "FLAG_OWN_CAR",
            "OWN_CAR_AGE",
            "CAR_AGE_RATIO",
            "TOTALAREA_MODE",
            "FONDKAPREMONT_MODE",
            "HOUSETYPE_MODE",
            "WALLSMATERIAL_MODE",
            "EMERGENCYSTATE_MODE",
            "BUILDING_INFO_MISSING",
            *BUILDING_COLUMNS,
        ),
    ),
    ReasonGroup(
        "region_address",
        "Région et adresses",
        "Region and addresses",
        "Votre région ou l'écart entre vos adresses de résidence et de travail augmentent le risque.",
        "Votre région et vos adresses diminuent le risque.",
        "Your region or the distance between your home and work addresses raise the risk.",
        "Your region and addresses lower the risk.",
        names=_names(
            "REGION_POPULATION_RELATIVE",
            "REGION_RATING_CLIENT",
            "REGION_RATING_CLIENT_W_CITY",
            *ADDRESS_MISMATCHES,
            "ADDRESS_MISMATCH_COUNT",
        ),
    ),
    ReasonGroup(
        "documents_contact",
        "Documents et coordonnées",
        "Documents and contact details",
        "Les documents fournis ou des coordonnées changées récemment augmentent le risque.",
        "Les documents fournis et vos coordonnées stables diminuent le risque.",
        "The documents provided or recently changed contact details raise the risk.",
        "The documents provided and your stable contact details lower the risk.",
        names=_names(
            *CONTACT_FLAGS,
            "CONTACT_COUNT",
            "DOCUMENT_COUNT",
            "DAYS_REGISTRATION",
            "DAYS_ID_PUBLISH",
            "DAYS_LAST_PHONE_CHANGE",
            "REGISTRATION_AGE_RATIO",
            "ID_PUBLISH_AGE_RATIO",
            "PHONE_CHANGE_AGE_RATIO",
        ),
        prefixes=("FLAG_DOCUMENT_",),
    ),
    ReasonGroup(
        "social_circle",
        "Entourage",
        "Social circle",
        "Des difficultés de paiement observées dans votre entourage augmentent le risque.",
        "L'absence de difficultés de paiement dans votre entourage diminue le risque.",
        "Payment difficulties observed among people around you raise the risk.",
        "No payment difficulties among people around you lowers the risk.",
        names=_names(
            "OBS_30_CNT_SOCIAL_CIRCLE",
            "DEF_30_CNT_SOCIAL_CIRCLE",
            "OBS_60_CNT_SOCIAL_CIRCLE",
            "DEF_60_CNT_SOCIAL_CIRCLE",
            "SOCIAL_DEFAULT_RATIO_30",
            "SOCIAL_DEFAULT_RATIO_60",
        ),
    ),
    ReasonGroup(
        "application",
        "Le crédit demandé",
        "The credit applied for",
        "Les caractéristiques du crédit demandé (montant, durée, type) augmentent le risque.",
        "Les caractéristiques du crédit demandé (montant, durée, type) diminuent le risque.",
        "The features of the credit applied for (amount, term, type) raise the risk.",
        "The features of the credit applied for (amount, term, type) lower the risk.",
        names=_names(
            "NAME_CONTRACT_TYPE",
            "AMT_CREDIT",
            "AMT_GOODS_PRICE",
            "ANNUITY_CREDIT_RATIO",
            "CREDIT_TERM_MONTHS",
            "GOODS_CREDIT_RATIO",
            "CREDIT_GOODS_DIFF",
            "NAME_TYPE_SUITE",
            "WEEKDAY_APPR_PROCESS_START",
            "HOUR_APPR_PROCESS_START",
        ),
    ),
)

GROUPS_BY_KEY: dict[str, ReasonGroup] = {g.key: g for g in REASON_GROUPS}


def groups_of(feature: str) -> list[ReasonGroup]:
    """Every group that claims the feature (exactly one for a well-declared feature)."""
    return [g for g in REASON_GROUPS if g.owns(feature)]


def group_of(feature: str) -> ReasonGroup:
    """The reason group of a feature; ValueError when no group, or more than one, claims it."""
    found = groups_of(feature)
    if len(found) != 1:
        claimed = "no group" if not found else f"the groups {[g.key for g in found]}"
        raise ValueError(
            f"The feature {feature} belongs to {claimed}; declare it in exactly one group of "
            "training/features/reasons.py."
        )
    return found[0]


def feature_groups(features: Iterable[str]) -> list[str]:
    """The group key of each feature, in order; ValueError naming every feature not in exactly one group."""
    features = list(features)
    bad = [f for f in features if len(groups_of(f)) != 1]
    if bad:
        raise ValueError(
            f"The features {bad[:10]} do not belong to exactly one reason group; declare each in one group of "
            "training/features/reasons.py."
        )
    return [group_of(f).key for f in features]
