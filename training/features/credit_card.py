"""Monthly statements of previous credit cards (credit_card_balance): use of the limit, drawings, payments,
delays.
"""

from __future__ import annotations

from training.features.spec import Family, Labels, Scope, Words, measures

SOURCE = """
SELECT SK_ID_CURR, SK_ID_PREV, MONTHS_BALANCE, AMT_BALANCE, AMT_CREDIT_LIMIT_ACTUAL, AMT_DRAWINGS_ATM_CURRENT,
  AMT_DRAWINGS_CURRENT, AMT_INST_MIN_REGULARITY, AMT_PAYMENT_TOTAL_CURRENT, AMT_TOTAL_RECEIVABLE,
  CNT_DRAWINGS_CURRENT, CNT_DRAWINGS_ATM_CURRENT, CNT_INSTALMENT_MATURE_CUM, SK_DPD, SK_DPD_DEF,
  CAST(AMT_BALANCE AS DOUBLE) / NULLIF(AMT_CREDIT_LIMIT_ACTUAL, 0) AS UTILISATION,
  CAST(AMT_PAYMENT_TOTAL_CURRENT AS DOUBLE) / NULLIF(AMT_INST_MIN_REGULARITY, 0) AS PAYMENT_MIN_RATIO,
  CASE WHEN AMT_INST_MIN_REGULARITY > 0 AND AMT_PAYMENT_TOTAL_CURRENT < AMT_INST_MIN_REGULARITY
    THEN 1 ELSE 0 END AS BELOW_MIN,
  CASE WHEN SK_DPD > 0 THEN 1 ELSE 0 END AS DPD
FROM credit_card_balance
WHERE SK_ID_CURR IN (SELECT SK_ID_CURR FROM {clients})
"""

# how each column of the source is called, once per source table
LABELS: Labels = {
    "SK_ID_PREV": Words("cartes de crédit suivies", "credit cards followed"),
    "AMT_BALANCE": Words("solde", "balance"),
    "AMT_CREDIT_LIMIT_ACTUAL": Words("plafond", "credit limit"),
    "UTILISATION": Words("utilisation du plafond (solde / plafond)", "use of the limit (balance / limit)"),
    "AMT_DRAWINGS_CURRENT": Words("montant retiré ou dépensé", "amount drawn"),
    "AMT_DRAWINGS_ATM_CURRENT": Words("retraits au distributeur", "cash machine withdrawals"),
    "CNT_DRAWINGS_CURRENT": Words("nombre d'opérations", "number of drawings"),
    "CNT_DRAWINGS_ATM_CURRENT": Words("nombre de retraits au distributeur", "cash machine withdrawals"),
    "AMT_PAYMENT_TOTAL_CURRENT": Words("montant remboursé", "amount repaid"),
    "AMT_INST_MIN_REGULARITY": Words("remboursement minimal exigé", "minimum payment due"),
    "PAYMENT_MIN_RATIO": Words("remboursé / minimum exigé", "repaid / minimum due"),
    "BELOW_MIN": Words("mois remboursés sous le minimum", "months repaid below the minimum"),
    "AMT_TOTAL_RECEIVABLE": Words("montant total dû", "total amount receivable"),
    "SK_DPD": Words("jours de retard", "days past due"),
    "SK_DPD_DEF": Words("jours de retard hors petites dettes", "days past due, small debts ignored"),
    "DPD": Words("mois avec un retard", "months with a delay"),
    "CNT_INSTALMENT_MATURE_CUM": Words("échéances échues", "instalments fallen due"),
}

ALL = Scope(
    name="",
    where=None,
    rows_fr="relevés mensuels de cartes de crédit précédentes",
    rows_en="monthly statements of previous credit cards",
    measures=measures(
        LABELS,
        ("SK_ID_PREV", ("nunique",)),
        ("AMT_BALANCE", ("mean", "max")),
        ("AMT_CREDIT_LIMIT_ACTUAL", ("mean", "max")),
        ("UTILISATION", ("mean", "max")),
        ("AMT_DRAWINGS_CURRENT", ("mean", "max", "sum")),
        ("AMT_DRAWINGS_ATM_CURRENT", ("mean", "sum")),
        ("CNT_DRAWINGS_CURRENT", ("mean", "sum")),
        ("CNT_DRAWINGS_ATM_CURRENT", ("mean",)),
        ("AMT_PAYMENT_TOTAL_CURRENT", ("mean", "sum")),
        ("AMT_INST_MIN_REGULARITY", ("mean",)),
        ("PAYMENT_MIN_RATIO", ("mean", "min")),
        ("BELOW_MIN", ("share",)),
        ("AMT_TOTAL_RECEIVABLE", ("mean", "max")),
        ("SK_DPD", ("mean", "max")),
        ("SK_DPD_DEF", ("max",)),
        ("DPD", ("share",)),
        ("CNT_INSTALMENT_MATURE_CUM", ("max",)),
    ),
)
RECENT = Scope(
    name="12M",
    where="MONTHS_BALANCE >= -12",
    rows_fr="relevés de cartes de crédit des 12 derniers mois",
    rows_en="credit card statements of the last 12 months",
    measures=measures(
        LABELS,
        ("AMT_BALANCE", ("mean",)),
        ("UTILISATION", ("mean", "max")),
        ("AMT_DRAWINGS_CURRENT", ("sum",)),
        ("SK_DPD", ("max",)),
        ("DPD", ("share",)),
    ),
)

FAMILY = Family(
    prefix="CC",
    tables={
        "credit_card_balance": (
            "SK_ID_CURR",
            "SK_ID_PREV",
            "MONTHS_BALANCE",
            "AMT_BALANCE",
            "AMT_CREDIT_LIMIT_ACTUAL",
            "AMT_DRAWINGS_ATM_CURRENT",
            "AMT_DRAWINGS_CURRENT",
            "AMT_INST_MIN_REGULARITY",
            "AMT_PAYMENT_TOTAL_CURRENT",
            "AMT_TOTAL_RECEIVABLE",
            "CNT_DRAWINGS_CURRENT",
            "CNT_DRAWINGS_ATM_CURRENT",
            "CNT_INSTALMENT_MATURE_CUM",
            "SK_DPD",
            "SK_DPD_DEF",
        )
    },
    source=SOURCE,
    scopes=(ALL, RECENT),
)
