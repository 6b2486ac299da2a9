"""Previous applications at Home Credit: all of them, the approved ones, the ones still running, the refused
ones.

The DAYS_* due dates of previous applications use 365243 as "no date"; it becomes missing before
aggregation.
"""

from __future__ import annotations

from training.features.spec import Family, Measure, Scope


def _no_sentinel(column: str) -> str:
    return f"NULLIF({column}, 365243) AS {column}"


SOURCE = f"""
SELECT SK_ID_CURR, NAME_CONTRACT_STATUS, AMT_ANNUITY, AMT_APPLICATION,
  AMT_CREDIT, AMT_DOWN_PAYMENT,
  AMT_GOODS_PRICE, RATE_DOWN_PAYMENT, DAYS_DECISION, CNT_PAYMENT,
  {_no_sentinel("DAYS_FIRST_DRAWING")}, {_no_sentinel("DAYS_FIRST_DUE")},
  {_no_sentinel("DAYS_LAST_DUE_1ST_VERSION")},
  {_no_sentinel("DAYS_LAST_DUE")}, {_no_sentinel("DAYS_TERMINATION")},
  CAST(AMT_APPLICATION AS DOUBLE) / NULLIF(AMT_CREDIT, 0) AS APP_CREDIT_RATIO,
  AMT_CREDIT - AMT_APPLICATION AS CREDIT_APP_DIFF,
  CAST(AMT_ANNUITY AS DOUBLE) / NULLIF(AMT_CREDIT, 0) AS ANNUITY_CREDIT_RATIO,
  CASE WHEN NAME_CONTRACT_STATUS = 'Refused' THEN 1 ELSE 0 END AS REFUSED,
  CASE WHEN NAME_CONTRACT_STATUS = 'Approved' THEN 1 ELSE 0 END AS APPROVED,
  CASE WHEN NAME_YIELD_GROUP = 'high' THEN 1 ELSE 0 END AS HIGH_YIELD,
  CASE WHEN NAME_CONTRACT_TYPE = 'Cash loans' THEN 1 ELSE 0 END AS CASH_LOAN
FROM previous_application
WHERE SK_ID_CURR IN (SELECT SK_ID_CURR FROM {{clients}})
"""

_M = Measure
ALL = Scope(
    name="",
    where=None,
    rows_fr="demandes de crédit précédentes chez Home Credit",
    rows_en="previous applications at Home Credit",
    measures=(
        _M("APPROVED", ("share",), "demandes acceptées", "approved applications"),
        _M("REFUSED", ("share",), "demandes refusées", "refused applications"),
        _M("AMT_ANNUITY", ("mean", "max"), "échéance", "annuity"),
        _M("AMT_APPLICATION", ("mean", "max", "sum"), "montant demandé", "amount asked for"),
        _M("AMT_CREDIT", ("mean", "max", "sum"), "montant accordé", "amount granted"),
        _M("APP_CREDIT_RATIO", ("mean", "min", "max"), "montant demandé / accordé", "amount asked / granted"),
        _M("AMT_DOWN_PAYMENT", ("mean", "max"), "apport personnel", "down payment"),
        _M("RATE_DOWN_PAYMENT", ("mean",), "taux d'apport", "down payment rate"),
        _M("AMT_GOODS_PRICE", ("mean",), "prix du bien", "goods price"),
        _M("DAYS_DECISION", ("mean", "min", "max"), "jours depuis la décision", "days since the decision"),
        _M("CNT_PAYMENT", ("mean", "sum"), "nombre d'échéances prévues", "planned number of instalments"),
        _M("HIGH_YIELD", ("share",), "crédits à taux élevé", "high interest rate loans"),
        _M("CASH_LOAN", ("share",), "prêts d'espèces", "cash loans"),
    ),
)
APPROVED = Scope(
    name="APPROVED",
    where="NAME_CONTRACT_STATUS = 'Approved'",
    rows_fr="demandes précédentes acceptées",
    rows_en="approved previous applications",
    measures=(
        _M("AMT_ANNUITY", ("mean", "sum"), "échéance", "annuity"),
        _M("AMT_CREDIT", ("mean", "max", "sum"), "montant accordé", "amount granted"),
        _M("APP_CREDIT_RATIO", ("mean", "min"), "montant demandé / accordé", "amount asked / granted"),
        _M("CREDIT_APP_DIFF", ("mean",), "montant accordé moins demandé", "amount granted minus asked"),
        _M("ANNUITY_CREDIT_RATIO", ("mean",), "échéance / montant accordé", "annuity / amount granted"),
        _M("CNT_PAYMENT", ("mean",), "nombre d'échéances prévues", "planned number of instalments"),
        _M("DAYS_DECISION", ("mean", "max"), "jours depuis la décision", "days since the decision"),
        _M("DAYS_FIRST_DRAWING", ("mean",), "jours depuis le premier tirage", "days since the first drawing"),
        _M(
            "DAYS_LAST_DUE_1ST_VERSION",
            ("mean", "max"),
            "jours jusqu'à la dernière échéance prévue",
            "days to the first planned last due date",
        ),
        _M(
            "DAYS_TERMINATION",
            ("max",),
            "jours depuis la fin prévue du crédit",
            "days since the expected end",
        ),
    ),
)
RUNNING = Scope(
    name="RUNNING",
    where="NAME_CONTRACT_STATUS = 'Approved' AND DAYS_LAST_DUE_1ST_VERSION > 0",
    rows_fr="crédits précédents encore en remboursement",
    rows_en="previous loans still being repaid",
    measures=(
        _M("AMT_ANNUITY", ("sum",), "échéance", "annuity"),
        _M("AMT_CREDIT", ("sum",), "montant accordé", "amount granted"),
    ),
)
REFUSED = Scope(
    name="REFUSED",
    where="NAME_CONTRACT_STATUS = 'Refused'",
    rows_fr="demandes précédentes refusées",
    rows_en="refused previous applications",
    measures=(
        _M("AMT_APPLICATION", ("mean", "max"), "montant demandé", "amount asked for"),
        _M("APP_CREDIT_RATIO", ("mean",), "montant demandé / proposé", "amount asked / offered"),
        _M("DAYS_DECISION", ("mean", "max"), "jours depuis la décision", "days since the decision"),
        _M("CNT_PAYMENT", ("mean",), "nombre d'échéances prévues", "planned number of instalments"),
    ),
)
RECENT = Scope(
    name="12M",
    where="DAYS_DECISION >= -365",
    rows_fr="demandes précédentes des 12 derniers mois",
    rows_en="previous applications in the last 12 months",
    measures=(
        _M("REFUSED", ("count", "share"), "demandes refusées", "refused applications"),
        _M("AMT_APPLICATION", ("mean",), "montant demandé", "amount asked for"),
    ),
)

FAMILY = Family(
    prefix="PREV",
    tables={
        "previous_application": (
            "SK_ID_CURR",
            "NAME_CONTRACT_STATUS",
            "NAME_CONTRACT_TYPE",
            "NAME_YIELD_GROUP",
            "AMT_ANNUITY",
            "AMT_APPLICATION",
            "AMT_CREDIT",
            "AMT_DOWN_PAYMENT",
            "AMT_GOODS_PRICE",
            "RATE_DOWN_PAYMENT",
            "DAYS_DECISION",
            "CNT_PAYMENT",
            "DAYS_FIRST_DRAWING",
            "DAYS_FIRST_DUE",
            "DAYS_LAST_DUE_1ST_VERSION",
            "DAYS_LAST_DUE",
            "DAYS_TERMINATION",
        ),
    },
    source=SOURCE,
    scopes=(ALL, APPROVED, RUNNING, REFUSED, RECENT),
)
