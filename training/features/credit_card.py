"""Monthly statements of previous credit cards (credit_card_balance): use of the limit, drawings, payments,
delays.
"""

from __future__ import annotations

from training.features.spec import Family, Measure, Scope

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

_M = Measure
_UTILISATION = ("utilisation du plafond (solde / plafond)", "use of the limit (balance / limit)")
ALL = Scope(
    name="",
    where=None,
    rows_fr="relevés mensuels de cartes de crédit précédentes",
    rows_en="monthly statements of previous credit cards",
    measures=(
        _M("SK_ID_PREV", ("nunique",), "cartes de crédit suivies", "credit cards followed"),
        _M("AMT_BALANCE", ("mean", "max"), "solde", "balance"),
        _M("AMT_CREDIT_LIMIT_ACTUAL", ("mean", "max"), "plafond", "credit limit"),
        _M("UTILISATION", ("mean", "max"), *_UTILISATION),
        _M("AMT_DRAWINGS_CURRENT", ("mean", "max", "sum"), "montant retiré ou dépensé", "amount drawn"),
        _M(
            "AMT_DRAWINGS_ATM_CURRENT",
            ("mean", "sum"),
            "retraits au distributeur",
            "cash machine withdrawals",
        ),
        _M("CNT_DRAWINGS_CURRENT", ("mean", "sum"), "nombre d'opérations", "number of drawings"),
        _M(
            "CNT_DRAWINGS_ATM_CURRENT",
            ("mean",),
            "nombre de retraits au distributeur",
            "cash machine withdrawals",
        ),
        _M("AMT_PAYMENT_TOTAL_CURRENT", ("mean", "sum"), "montant remboursé", "amount repaid"),
        _M("AMT_INST_MIN_REGULARITY", ("mean",), "remboursement minimal exigé", "minimum payment due"),
        _M("PAYMENT_MIN_RATIO", ("mean", "min"), "remboursé / minimum exigé", "repaid / minimum due"),
        _M("BELOW_MIN", ("share",), "mois remboursés sous le minimum", "months repaid below the minimum"),
        _M("AMT_TOTAL_RECEIVABLE", ("mean", "max"), "montant total dû", "total amount receivable"),
        _M("SK_DPD", ("mean", "max"), "jours de retard", "days past due"),
        _M(
            "SK_DPD_DEF",
            ("max",),
            "jours de retard hors petites dettes",
            "days past due, small debts ignored",
        ),
        _M("DPD", ("share",), "mois avec un retard", "months with a delay"),
        _M("CNT_INSTALMENT_MATURE_CUM", ("max",), "échéances échues", "instalments fallen due"),
    ),
)
RECENT = Scope(
    name="12M",
    where="MONTHS_BALANCE >= -12",
    rows_fr="relevés de cartes de crédit des 12 derniers mois",
    rows_en="credit card statements of the last 12 months",
    measures=(
        _M("AMT_BALANCE", ("mean",), "solde", "balance"),
        _M("UTILISATION", ("mean", "max"), *_UTILISATION),
        _M("AMT_DRAWINGS_CURRENT", ("sum",), "montant retiré ou dépensé", "amount drawn"),
        _M("SK_DPD", ("max",), "jours de retard", "days past due"),
        _M("DPD", ("share",), "mois avec un retard", "months with a delay"),
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
