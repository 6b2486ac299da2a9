"""Every category level of the official application schema in words, French and English.

The service sends the levels as Home Credit stores them ("Cash loans", "Unaccompanied", "Y"); a relationship
manager reads them here, in the language of the page. Every panel and every figure goes through `level`, so the
search list, the client's file and the charts say the same thing.
"""

from __future__ import annotations

# field -> level as stored -> (French, English)
_YES_NO = {"Y": ("Oui", "Yes"), "N": ("Non", "No")}

LEVELS: dict[str, dict[str, tuple[str, str]]] = {
    "NAME_CONTRACT_TYPE": {
        "Cash loans": ("Prêt personnel", "Cash loan"),
        "Revolving loans": ("Crédit renouvelable", "Revolving credit"),
    },
    "CODE_GENDER": {"F": ("Femme", "Woman"), "M": ("Homme", "Man"), "XNA": ("Non précisé", "Not given")},
    "FLAG_OWN_CAR": _YES_NO,
    "FLAG_OWN_REALTY": _YES_NO,
    "NAME_TYPE_SUITE": {
        "Unaccompanied": ("Seul(e)", "Alone"),
        "Family": ("Avec de la famille", "With family"),
        "Spouse, partner": ("Avec son conjoint", "With a spouse or partner"),
        "Children": ("Avec ses enfants", "With children"),
        "Other_A": ("Avec une autre personne", "With another person"),
        "Other_B": ("Avec d'autres personnes", "With other people"),
        "Group of people": ("En groupe", "With a group of people"),
    },
    "NAME_INCOME_TYPE": {
        "Working": ("Salarié(e)", "Employee"),
        "Commercial associate": ("Commercial(e), associé(e)", "Commercial associate"),
        "Pensioner": ("Retraité(e)", "Pensioner"),
        "State servant": ("Fonctionnaire", "Civil servant"),
        "Unemployed": ("Sans emploi", "Unemployed"),
        "Student": ("Étudiant(e)", "Student"),
        "Businessman": ("Chef d'entreprise", "Business owner"),
        "Maternity leave": ("En congé maternité", "On maternity leave"),
    },
    "NAME_EDUCATION_TYPE": {
        "Lower secondary": ("Collège", "Lower secondary"),
        "Secondary / secondary special": ("Lycée ou formation professionnelle", "Secondary or vocational"),
        "Incomplete higher": ("Études supérieures non terminées", "Higher education, not completed"),
        "Higher education": ("Études supérieures", "Higher education"),
        "Academic degree": ("Doctorat", "Doctorate"),
    },
    "NAME_FAMILY_STATUS": {
        "Married": ("Marié(e)", "Married"),
        "Single / not married": ("Célibataire", "Single"),
        "Civil marriage": ("Union civile", "Civil partnership"),
        "Separated": ("Séparé(e)", "Separated"),
        "Widow": ("Veuf / veuve", "Widow(er)"),
        "Unknown": ("Inconnue", "Unknown"),
    },
    "NAME_HOUSING_TYPE": {
        "House / apartment": ("Maison ou appartement", "House or flat"),
        "With parents": ("Chez ses parents", "With parents"),
        "Municipal apartment": ("Logement social", "Council housing"),
        "Rented apartment": ("Location", "Rented flat"),
        "Office apartment": ("Logement de fonction", "Company housing"),
        "Co-op apartment": ("Logement coopératif", "Co-op flat"),
    },
    "OCCUPATION_TYPE": {
        "Laborers": ("Ouvrier / ouvrière", "Labourer"),
        "Low-skill Laborers": ("Ouvrier / ouvrière non qualifié(e)", "Low-skill labourer"),
        "Sales staff": ("Vendeur / vendeuse", "Sales staff"),
        "Core staff": ("Employé(e)", "Office staff"),
        "Managers": ("Cadre", "Manager"),
        "Drivers": ("Chauffeur", "Driver"),
        "High skill tech staff": ("Technicien(ne) qualifié(e)", "Skilled technician"),
        "Accountants": ("Comptable", "Accountant"),
        "Medicine staff": ("Personnel médical", "Medical staff"),
        "Security staff": ("Agent de sécurité", "Security staff"),
        "Cleaning staff": ("Agent d'entretien", "Cleaning staff"),
        "Cooking staff": ("Cuisinier / cuisinière", "Cook"),
        "Private service staff": ("Employé(e) de maison", "Domestic staff"),
        "Waiters/barmen staff": ("Serveur / serveuse", "Waiter or bartender"),
        "Secretaries": ("Secrétaire", "Secretary"),
        "HR staff": ("Ressources humaines", "Human resources"),
        "IT staff": ("Informaticien(ne)", "IT staff"),
        "Realty agents": ("Agent immobilier", "Estate agent"),
    },
    "WEEKDAY_APPR_PROCESS_START": {
        "MONDAY": ("Lundi", "Monday"),
        "TUESDAY": ("Mardi", "Tuesday"),
        "WEDNESDAY": ("Mercredi", "Wednesday"),
        "THURSDAY": ("Jeudi", "Thursday"),
        "FRIDAY": ("Vendredi", "Friday"),
        "SATURDAY": ("Samedi", "Saturday"),
        "SUNDAY": ("Dimanche", "Sunday"),
    },
    "ORGANIZATION_TYPE": {
        **{f"Business Entity Type {n}": (f"Entreprise (type {n})", f"Company (type {n})") for n in (1, 2, 3)},
        **{f"Industry: type {n}": (f"Industrie (type {n})", f"Industry (type {n})") for n in range(1, 14)},
        **{f"Trade: type {n}": (f"Commerce (type {n})", f"Trade (type {n})") for n in range(1, 8)},
        **{f"Transport: type {n}": (f"Transport (type {n})", f"Transport (type {n})") for n in range(1, 5)},
        "Self-employed": ("Travailleur indépendant", "Self-employed"),
        "XNA": ("Sans employeur", "No employer"),
        "Other": ("Autre secteur", "Other sector"),
        "Government": ("Administration", "Government"),
        "Medicine": ("Santé", "Health care"),
        "School": ("École", "School"),
        "Kindergarten": ("Crèche, maternelle", "Nursery"),
        "Construction": ("Bâtiment", "Construction"),
        "Military": ("Armée", "Armed forces"),
        "Security Ministries": ("Ministères de la sécurité", "Security ministries"),
        "Housing": ("Logement", "Housing"),
        "Agriculture": ("Agriculture", "Agriculture"),
        "Services": ("Services", "Services"),
        "University": ("Université", "University"),
        "Police": ("Police", "Police"),
        "Postal": ("Poste", "Postal services"),
        "Restaurant": ("Restauration", "Restaurants"),
        "Bank": ("Banque", "Banking"),
        "Security": ("Sécurité privée", "Private security"),
        "Hotel": ("Hôtellerie", "Hotels"),
        "Electricity": ("Énergie", "Electricity"),
        "Insurance": ("Assurance", "Insurance"),
        "Telecom": ("Télécommunications", "Telecoms"),
        "Emergency": ("Secours", "Emergency services"),
        "Advertising": ("Publicité", "Advertising"),
        "Realtor": ("Immobilier", "Real estate"),
        "Culture": ("Culture", "Culture"),
        "Legal Services": ("Services juridiques", "Legal services"),
        "Cleaning": ("Nettoyage", "Cleaning"),
        "Mobile": ("Téléphonie mobile", "Mobile phones"),
        "Religion": ("Religion", "Religion"),
    },
    "FONDKAPREMONT_MODE": {
        "not specified": ("Non précisé", "Not specified"),
        "org spec account": ("Compte spécial de l'organisme", "Organisation's special account"),
        "reg oper account": ("Compte de l'opérateur régional", "Regional operator's account"),
        "reg oper spec account": (
            "Compte spécial de l'opérateur régional",
            "Regional operator's special account",
        ),
    },
    "HOUSETYPE_MODE": {
        "block of flats": ("Immeuble", "Block of flats"),
        "specific housing": ("Habitat spécifique", "Specific housing"),
        "terraced house": ("Maison mitoyenne", "Terraced house"),
    },
    "WALLSMATERIAL_MODE": {
        "Block": ("Parpaing", "Block"),
        "Mixed": ("Mixte", "Mixed"),
        "Monolithic": ("Béton coulé", "Monolithic"),
        "Others": ("Autre", "Other"),
        "Panel": ("Panneaux préfabriqués", "Panel"),
        "Stone, brick": ("Pierre, brique", "Stone, brick"),
        "Wooden": ("Bois", "Wood"),
    },
    "EMERGENCYSTATE_MODE": {"Yes": ("Oui", "Yes"), "No": ("Non", "No")},
}
# the same levels under the names the search filters use
FILTER_FIELDS = {"gender": "CODE_GENDER", "contract": "NAME_CONTRACT_TYPE", "family": "NAME_FAMILY_STATUS"}
MISSING_LEVELS = frozenset({"MISSING", "", "nan", "None"})


def level(field: str, value: str, lang: str) -> str:
    """A stored level in the page's language; a level the table does not know is shown as stored."""
    words = LEVELS.get(field, {}).get(value)
    if words is None:
        return value
    return words[0] if lang == "fr" else words[1]


def levels(field: str) -> tuple[str, ...]:
    return tuple(LEVELS.get(field, {}))
