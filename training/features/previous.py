"""Previous applications at Home Credit: all of them, the approved ones, the ones still running, the refused
ones.

The DAYS_* due dates of previous applications use 365243 as "no date"; it becomes missing before
aggregation.
"""

from __future__ import annotations

from training.features.spec import Family, Labels, Scope, Words, measures


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

# how each column of the source is called, once per source table
LABELS: Labels = {
    "APPROVED": Words("demandes acceptées", "approved applications"),
    "REFUSED": Words("demandes refusées", "refused applications"),
    "AMT_ANNUITY": Words("échéance", "annuity"),
    "AMT_APPLICATION": Words("montant demandé", "amount asked for"),
    "AMT_CREDIT": Words("montant accordé", "amount granted"),
    "APP_CREDIT_RATIO": Words("montant demandé / accordé", "amount asked / granted"),
    "AMT_DOWN_PAYMENT": Words("apport personnel", "down payment"),
    "RATE_DOWN_PAYMENT": Words("taux d'apport", "down payment rate"),
    "AMT_GOODS_PRICE": Words("prix du bien", "goods price"),
    "DAYS_DECISION": Words("jours depuis la décision", "days since the decision"),
    "CNT_PAYMENT": Words("nombre d'échéances prévues", "planned number of instalments"),
    "HIGH_YIELD": Words("crédits à taux élevé", "high interest rate loans"),
    "CASH_LOAN": Words("prêts d'espèces", "cash loans"),
    "CREDIT_APP_DIFF": Words("montant accordé moins demandé", "amount granted minus asked"),
    "ANNUITY_CREDIT_RATIO": Words("échéance / montant accordé", "annuity / amount granted"),
    "DAYS_FIRST_DRAWING": Words("jours depuis le premier tirage", "days since the first drawing"),
    "DAYS_LAST_DUE_1ST_VERSION": Words(
        "jours jusqu'à la dernière échéance prévue",
        "days to the first planned last due date",
    ),
    "DAYS_TERMINATION": Words("jours depuis la fin prévue du crédit", "days since the expected end"),
}

ALL = Scope(
    name="",
    where=None,
    rows_fr="demandes de crédit précédentes chez Home Credit",
    rows_en="previous applications at Home Credit",
    measures=measures(
        LABELS,
        ("APPROVED", ("share",)),
        ("REFUSED", ("share",)),
        ("AMT_ANNUITY", ("mean", "max")),
        ("AMT_APPLICATION", ("mean", "max", "sum")),
        ("AMT_CREDIT", ("mean", "max", "sum")),
        ("APP_CREDIT_RATIO", ("mean", "min", "max")),
        ("AMT_DOWN_PAYMENT", ("mean", "max")),
        ("RATE_DOWN_PAYMENT", ("mean",)),
        ("AMT_GOODS_PRICE", ("mean",)),
        ("DAYS_DECISION", ("mean", "min", "max")),
        ("CNT_PAYMENT", ("mean", "sum")),
        ("HIGH_YIELD", ("share",)),
        ("CASH_LOAN", ("share",)),
    ),
)
APPROVED = Scope(
    name="APPROVED",
    where="NAME_CONTRACT_STATUS = 'Approved'",
    rows_fr="demandes précédentes acceptées",
    rows_en="approved previous applications",
    measures=measures(
        LABELS,
        ("AMT_ANNUITY", ("mean", "sum")),
        ("AMT_CREDIT", ("mean", "max", "sum")),
        ("APP_CREDIT_RATIO", ("mean", "min")),
        ("CREDIT_APP_DIFF", ("mean",)),
        ("ANNUITY_CREDIT_RATIO", ("mean",)),
        ("CNT_PAYMENT", ("mean",)),
        ("DAYS_DECISION", ("mean", "max")),
        ("DAYS_FIRST_DRAWING", ("mean",)),
        ("DAYS_LAST_DUE_1ST_VERSION", ("mean", "max")),
        ("DAYS_TERMINATION", ("max",)),
    ),
)
RUNNING = Scope(
    name="RUNNING",
    where="NAME_CONTRACT_STATUS = 'Approved' AND DAYS_LAST_DUE_1ST_VERSION > 0",
    rows_fr="crédits précédents encore en remboursement",
    rows_en="previous loans still being repaid",
    measures=measures(
        LABELS,
        ("AMT_ANNUITY", ("sum",)),
        ("AMT_CREDIT", ("sum",)),
    ),
)
REFUSED = Scope(
    name="REFUSED",
    where="NAME_CONTRACT_STATUS = 'Refused'",
    rows_fr="demandes précédentes refusées",
    rows_en="refused previous applications",
    measures=measures(
        LABELS,
        ("AMT_APPLICATION", ("mean", "max")),
        ("APP_CREDIT_RATIO", ("mean",), Words("montant demandé / proposé", "amount asked / offered")),
        ("DAYS_DECISION", ("mean", "max")),
        ("CNT_PAYMENT", ("mean",)),
    ),
)
RECENT = Scope(
    name="12M",
    where="DAYS_DECISION >= -365",
    rows_fr="demandes précédentes des 12 derniers mois",
    rows_en="previous applications in the last 12 months",
    measures=measures(
        LABELS,
        ("REFUSED", ("count", "share")),
        ("AMT_APPLICATION", ("mean",)),
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
