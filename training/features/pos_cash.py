"""Monthly snapshots of previous point-of-sale and cash loans (POS_CASH_balance): delays and what is left to
pay.
"""

from __future__ import annotations

from training.features.spec import Family, Labels, Scope, Words, measures

SOURCE = """
SELECT SK_ID_CURR, SK_ID_PREV, MONTHS_BALANCE, CNT_INSTALMENT, CNT_INSTALMENT_FUTURE, SK_DPD, SK_DPD_DEF,
  CAST(CNT_INSTALMENT_FUTURE AS DOUBLE) / NULLIF(CNT_INSTALMENT, 0) AS REMAINING_SHARE,
  CASE WHEN SK_DPD > 0 THEN 1 ELSE 0 END AS DPD,
  CASE WHEN SK_DPD_DEF > 0 THEN 1 ELSE 0 END AS DPD_DEF,
  CASE WHEN NAME_CONTRACT_STATUS = 'Completed' THEN 1 ELSE 0 END AS COMPLETED
FROM pos_cash_balance
WHERE SK_ID_CURR IN (SELECT SK_ID_CURR FROM {clients})
"""

# how each column of the source is called, once per source table
LABELS: Labels = {
    "MONTHS_BALANCE": Words("mois du relevé (négatif)", "month of the statement (negative)"),
    "SK_DPD": Words("jours de retard", "days past due"),
    "SK_DPD_DEF": Words("jours de retard hors petites dettes", "days past due, small debts ignored"),
    "DPD": Words("mois avec un retard", "months with a delay"),
    "DPD_DEF": Words("mois avec un retard significatif", "months with a significant delay"),
    "COMPLETED": Words("mois au statut « terminé »", "months with status 'completed'"),
    "CNT_INSTALMENT": Words("durée du crédit (échéances)", "loan term (instalments)"),
    "CNT_INSTALMENT_FUTURE": Words("échéances restantes", "instalments left"),
    "REMAINING_SHARE": Words("part des échéances restantes", "share of instalments left"),
}

ALL = Scope(
    name="",
    where=None,
    rows_fr="relevés mensuels des crédits précédents (points de vente, espèces)",
    rows_en="monthly statements of previous point-of-sale and cash loans",
    measures=measures(
        LABELS,
        ("MONTHS_BALANCE", ("mean", "min", "max")),
        ("SK_DPD", ("mean", "max")),
        ("SK_DPD_DEF", ("mean", "max")),
        ("DPD", ("count", "share")),
        ("DPD_DEF", ("share",)),
        ("COMPLETED", ("count",)),
        ("CNT_INSTALMENT", ("mean", "max")),
        ("CNT_INSTALMENT_FUTURE", ("mean",)),
        ("REMAINING_SHARE", ("mean",)),
    ),
)
RECENT = Scope(
    name="12M",
    where="MONTHS_BALANCE >= -12",
    rows_fr="relevés mensuels des 12 derniers mois (points de vente, espèces)",
    rows_en="monthly statements of the last 12 months (point-of-sale and cash loans)",
    measures=measures(
        LABELS,
        ("SK_DPD", ("mean", "max")),
        ("DPD", ("share",)),
        ("CNT_INSTALMENT_FUTURE", ("mean",)),
    ),
)

FAMILY = Family(
    prefix="POS",
    tables={
        "pos_cash_balance": (
            "SK_ID_CURR",
            "SK_ID_PREV",
            "MONTHS_BALANCE",
            "CNT_INSTALMENT",
            "CNT_INSTALMENT_FUTURE",
            "NAME_CONTRACT_STATUS",
            "SK_DPD",
            "SK_DPD_DEF",
        )
    },
    source=SOURCE,
    scopes=(ALL, RECENT),
)
