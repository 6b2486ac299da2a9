"""Plain-language descriptions, in French and English, of the raw application fields and of the features
derived from them.

A relationship manager reads them on screen next to a client's values, so they say what the field means
for the client, not how it is stored. The building statistics and the document flags follow a pattern, so
they are composed.
"""

from __future__ import annotations

# field -> (French, English)
_FIELDS: dict[str, tuple[str, str]] = {
    "SK_ID_CURR": ("Identifiant du dossier client", "Client application identifier"),
    "TARGET": (
        "Défaut de paiement observé (1 = difficultés de paiement)",
        "Observed default (1 = payment difficulties)",
    ),
    "NAME_CONTRACT_TYPE": (
        "Type de crédit demandé (prêt d'espèces ou crédit renouvelable)",
        "Loan type (cash or revolving)",
    ),
    "CODE_GENDER": ("Sexe du client", "Client's gender"),
    "FLAG_OWN_CAR": ("Le client possède une voiture", "The client owns a car"),
    "FLAG_OWN_REALTY": ("Le client possède un logement", "The client owns a house or flat"),
    "CNT_CHILDREN": ("Nombre d'enfants", "Number of children"),
    "AMT_INCOME_TOTAL": ("Revenu annuel du client", "Client's annual income"),
    "AMT_CREDIT": ("Montant du crédit demandé", "Credit amount of the loan"),
    "AMT_ANNUITY": ("Montant de l'échéance du crédit", "Loan annuity (instalment amount)"),
    "AMT_GOODS_PRICE": (
        "Prix du bien financé (crédit à la consommation)",
        "Price of the goods financed (consumer loans)",
    ),
    "NAME_TYPE_SUITE": (
        "Personne qui accompagnait le client lors de la demande",
        "Who accompanied the client when applying",
    ),
    "NAME_INCOME_TYPE": (
        "Source de revenus (salarié, retraité, indépendant...)",
        "Income type (working, pensioner, ...)",
    ),
    "NAME_EDUCATION_TYPE": ("Niveau d'études le plus élevé", "Highest level of education"),
    "NAME_FAMILY_STATUS": ("Situation familiale", "Family status"),
    "NAME_HOUSING_TYPE": (
        "Situation de logement (propriétaire, locataire, chez les parents...)",
        "Housing situation",
    ),
    "REGION_POPULATION_RELATIVE": (
        "Densité de population de la région du client (plus élevé = plus peuplée)",
        "Relative population of the client's region (higher = more populated)",
    ),
    "DAYS_BIRTH": (
        "Âge du client en jours (négatif, compté avant la demande)",
        "Client's age in days (negative)",
    ),
    "DAYS_EMPLOYED": (
        "Ancienneté dans l'emploi actuel en jours (négatif ; vide si sans emploi)",
        "Days since the current employment started (negative; empty when not employed)",
    ),
    "DAYS_REGISTRATION": (
        "Jours depuis la dernière modification de l'enregistrement du client (négatif)",
        "Days since the client last changed their registration (negative)",
    ),
    "DAYS_ID_PUBLISH": (
        "Jours depuis le dernier changement de pièce d'identité (négatif)",
        "Days since the client last changed their identity document (negative)",
    ),
    "OWN_CAR_AGE": ("Âge de la voiture du client, en années", "Age of the client's car, in years"),
    "FLAG_MOBIL": ("Le client a donné un téléphone mobile", "The client gave a mobile phone"),
    "FLAG_EMP_PHONE": ("Le client a donné un téléphone professionnel", "The client gave a work phone"),
    "FLAG_WORK_PHONE": ("Le client a donné un téléphone fixe personnel", "The client gave a home phone"),
    "FLAG_CONT_MOBILE": (
        "Le téléphone mobile du client était joignable",
        "The client's mobile phone was reachable",
    ),
    "FLAG_PHONE": ("Le client a donné un téléphone fixe", "The client gave a landline"),
    "FLAG_EMAIL": ("Le client a donné une adresse e-mail", "The client gave an e-mail address"),
    "OCCUPATION_TYPE": ("Métier du client", "Client's occupation"),
    "CNT_FAM_MEMBERS": ("Nombre de personnes dans le foyer", "Number of family members"),
    "REGION_RATING_CLIENT": ("Note de la région du client (1 à 3)", "Rating of the client's region (1 to 3)"),
    "REGION_RATING_CLIENT_W_CITY": (
        "Note de la région et de la ville du client (1 à 3)",
        "Rating of the client's region, taking the city into account (1 to 3)",
    ),
    "WEEKDAY_APPR_PROCESS_START": ("Jour de la semaine de la demande", "Day of the week of the application"),
    "HOUR_APPR_PROCESS_START": ("Heure de la demande", "Hour of the application"),
    "REG_REGION_NOT_LIVE_REGION": (
        "La région de résidence officielle diffère de la région de vie",
        "Registered region differs from the region where the client lives",
    ),
    "REG_REGION_NOT_WORK_REGION": (
        "La région de résidence officielle diffère de la région de travail",
        "Registered region differs from the work region",
    ),
    "LIVE_REGION_NOT_WORK_REGION": (
        "La région de vie diffère de la région de travail",
        "The region where the client lives differs from the work region",
    ),
    "REG_CITY_NOT_LIVE_CITY": (
        "La ville de résidence officielle diffère de la ville de vie",
        "Registered city differs from the city where the client lives",
    ),
    "REG_CITY_NOT_WORK_CITY": (
        "La ville de résidence officielle diffère de la ville de travail",
        "Registered city differs from the work city",
    ),
    "LIVE_CITY_NOT_WORK_CITY": (
        "La ville de vie diffère de la ville de travail",
        "The city where the client lives differs from the work city",
    ),
    "ORGANIZATION_TYPE": ("Secteur de l'employeur", "Type of the employer's organisation"),
    "EXT_SOURCE_1": (
        "Score externe n°1 (0 à 1, plus élevé = moins risqué)",
        "External score 1 (0 to 1, higher = safer)",
    ),
    "EXT_SOURCE_2": (
        "Score externe n°2 (0 à 1, plus élevé = moins risqué)",
        "External score 2 (0 to 1, higher = safer)",
    ),
    "EXT_SOURCE_3": (
        "Score externe n°3 (0 à 1, plus élevé = moins risqué)",
        "External score 3 (0 to 1, higher = safer)",
    ),
    "FONDKAPREMONT_MODE": ("Fonds de rénovation de l'immeuble", "Building's renovation fund"),
    "HOUSETYPE_MODE": ("Type d'habitation", "Type of housing"),
    "TOTALAREA_MODE": (
        "Surface totale de l'immeuble (normalisée)",
        "Total area of the building (normalised)",
    ),
    "WALLSMATERIAL_MODE": ("Matériau des murs de l'immeuble", "Wall material of the building"),
    "EMERGENCYSTATE_MODE": ("L'immeuble est en état d'urgence", "The building is in an emergency state"),
    "OBS_30_CNT_SOCIAL_CIRCLE": (
        "Proches du client suivis, avec un retard de 30 jours observé",
        "People around the client observed with a 30-day overdue",
    ),
    "DEF_30_CNT_SOCIAL_CIRCLE": (
        "Proches du client en défaut avec un retard de 30 jours",
        "People around the client who defaulted with a 30-day overdue",
    ),
    "OBS_60_CNT_SOCIAL_CIRCLE": (
        "Proches du client suivis, avec un retard de 60 jours observé",
        "People around the client observed with a 60-day overdue",
    ),
    "DEF_60_CNT_SOCIAL_CIRCLE": (
        "Proches du client en défaut avec un retard de 60 jours",
        "People around the client who defaulted with a 60-day overdue",
    ),
    "DAYS_LAST_PHONE_CHANGE": (
        "Jours depuis le dernier changement de téléphone (négatif)",
        "Days since the client last changed phone (negative)",
    ),
}

# derived feature -> (French, English); computed in `application._derived`, in this order
DERIVED_TEXTS: dict[str, tuple[str, str]] = {
    "AGE_YEARS": ("Âge du client (années)", "Client's age (years)"),
    "EMPLOYED_YEARS": ("Ancienneté dans l'emploi actuel (années)", "Years in the current employment"),
    "DAYS_EMPLOYED_ANOMALY": (
        "Sans emploi déclaré (code 365243 dans les données, retraités surtout)",
        "No current employment recorded (code 365243 in the data, mostly pensioners)",
    ),
    "EMPLOYED_AGE_RATIO": (
        "Part de la vie passée dans l'emploi actuel",
        "Share of the client's life in current job",
    ),
    "CREDIT_INCOME_RATIO": ("Montant du crédit / revenu annuel", "Credit amount / annual income"),
    "ANNUITY_INCOME_RATIO": (
        "Échéance / revenu annuel (taux d'effort)",
        "Annuity / annual income (debt burden)",
    ),
    "ANNUITY_CREDIT_RATIO": (
        "Échéance / montant du crédit (rythme de remboursement)",
        "Annuity / credit amount",
    ),
    "CREDIT_TERM_MONTHS": (
        "Durée implicite du crédit (montant / échéance)",
        "Implied loan term (credit / annuity)",
    ),
    "GOODS_CREDIT_RATIO": ("Prix du bien / montant du crédit", "Goods price / credit amount"),
    "CREDIT_GOODS_DIFF": ("Montant du crédit moins prix du bien", "Credit amount minus goods price"),
    "INCOME_PER_PERSON": ("Revenu annuel par personne du foyer", "Annual income per family member"),
    "ANNUITY_PER_PERSON": ("Échéance par personne du foyer", "Annuity per family member"),
    "CHILDREN_RATIO": ("Part d'enfants dans le foyer", "Share of children in the family"),
    "CAR_AGE_RATIO": ("Âge de la voiture / âge du client", "Car age / client's age"),
    "REGISTRATION_AGE_RATIO": ("Ancienneté de l'enregistrement / âge", "Days since registration / age"),
    "ID_PUBLISH_AGE_RATIO": ("Ancienneté de la pièce d'identité / âge", "Days since ID change / age"),
    "PHONE_CHANGE_AGE_RATIO": ("Ancienneté du téléphone / âge", "Days since phone change / age"),
    "EXT_SOURCE_MEAN": ("Moyenne des scores externes disponibles", "Mean of the available external scores"),
    "EXT_SOURCE_MIN": ("Plus faible des scores externes", "Lowest external score"),
    "EXT_SOURCE_MAX": ("Plus élevé des scores externes", "Highest external score"),
    "EXT_SOURCE_PROD": ("Produit des trois scores externes", "Product of the three external scores"),
    "EXT_SOURCE_STD": ("Écart entre les scores externes (écart-type)", "Spread of the external scores (std)"),
    "EXT_SOURCE_NAN_COUNT": (
        "Nombre de scores externes manquants (0 à 3)",
        "Missing external scores (0 to 3)",
    ),
    "DOCUMENT_COUNT": ("Nombre de documents fournis", "Number of documents provided"),
    "CONTACT_COUNT": ("Nombre de moyens de contact donnés", "Number of contact channels given"),
    "ADDRESS_MISMATCH_COUNT": (
        "Nombre d'écarts entre adresses de résidence, de vie et de travail",
        "Mismatches between registered, living and work addresses",
    ),
    "BUREAU_REQUESTS_TOTAL": (
        "Consultations du bureau de crédit sur l'année",
        "Credit bureau enquiries in the year",
    ),
    "SOCIAL_DEFAULT_RATIO_30": (
        "Part des proches en défaut (30 jours)",
        "Share of defaulting acquaintances (30 days)",
    ),
    "SOCIAL_DEFAULT_RATIO_60": (
        "Part des proches en défaut (60 jours)",
        "Share of defaulting acquaintances (60 days)",
    ),
    "BUILDING_INFO_MISSING": (
        "Nombre d'informations manquantes sur l'immeuble (0 à 14)",
        "Missing building statistics (0 to 14)",
    ),
}

# building statistic stem -> (French, English)
_BUILDING: dict[str, tuple[str, str]] = {
    "APARTMENTS": ("taille des appartements", "apartment size"),
    "BASEMENTAREA": ("surface du sous-sol", "basement area"),
    "YEARS_BEGINEXPLUATATION": ("ancienneté d'exploitation", "years since first use"),
    "YEARS_BUILD": ("âge du bâtiment", "building age"),
    "COMMONAREA": ("surface des parties communes", "common area"),
    "ELEVATORS": ("nombre d'ascenseurs", "number of elevators"),
    "ENTRANCES": ("nombre d'entrées", "number of entrances"),
    "FLOORSMAX": ("nombre d'étages maximal", "highest floor count"),
    "FLOORSMIN": ("nombre d'étages minimal", "lowest floor count"),
    "LANDAREA": ("surface du terrain", "land area"),
    "LIVINGAPARTMENTS": ("nombre de logements habités", "living apartments"),
    "LIVINGAREA": ("surface habitable", "living area"),
    "NONLIVINGAPARTMENTS": ("nombre de locaux non habités", "non-living apartments"),
    "NONLIVINGAREA": ("surface non habitable", "non-living area"),
}
_BUILDING_STATS: dict[str, tuple[str, str]] = {
    "AVG": ("moyenne", "average"),
    "MODE": ("valeur la plus fréquente", "most frequent value"),
    "MEDI": ("médiane", "median"),
}
_BUREAU_REQUESTS: dict[str, tuple[str, str]] = {
    "HOUR": ("dans l'heure", "in the hour"),
    "DAY": ("dans la journée", "in the day"),
    "WEEK": ("dans la semaine", "in the week"),
    "MON": ("dans le mois", "in the month"),
    "QRT": ("dans le trimestre", "in the quarter"),
    "YEAR": ("dans l'année", "in the year"),
}


def application_field_texts() -> dict[str, tuple[str, str]]:
    """Every official application field (and TARGET) -> (French, English) description."""
    texts = dict(_FIELDS)
    for stem, (fr, en) in _BUILDING.items():
        for stat, (stat_fr, stat_en) in _BUILDING_STATS.items():
            texts[f"{stem}_{stat}"] = (
                f"Immeuble du client : {fr} ({stat_fr}, normalisée)",
                f"Client's building: {en} ({stat_en}, normalised)",
            )
    for number in range(2, 22):
        texts[f"FLAG_DOCUMENT_{number}"] = (
            f"Le client a fourni le document n°{number}",
            f"The client provided document {number}",
        )
    for period, (fr, en) in _BUREAU_REQUESTS.items():
        texts[f"AMT_REQ_CREDIT_BUREAU_{period}"] = (
            f"Consultations du bureau de crédit {fr} précédant la demande",
            f"Credit bureau enquiries {en} before the application",
        )
    return texts
