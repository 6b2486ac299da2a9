"""Credits at other institutions (bureau), with their monthly history (bureau_balance) folded in per credit.

bureau_balance is summarised per SK_ID_BUREAU first (months overdue, share of overdue months, worst delay
class), then those per-credit values are aggregated per client like any other bureau column.
"""

from __future__ import annotations

from training.features.spec import Family, Labels, Scope, Words, measures

_OVERDUE = "STATUS IN ('1', '2', '3', '4', '5')"

SOURCE = f"""
WITH balance AS (
  SELECT SK_ID_BUREAU,
    COUNT(*) AS BB_MONTHS,
    SUM(CASE WHEN {_OVERDUE} THEN 1 ELSE 0 END) AS BB_OVERDUE_MONTHS,
    AVG(CASE WHEN {_OVERDUE} THEN 1 ELSE 0 END) AS BB_OVERDUE_SHARE,
    MAX(CASE STATUS WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3 WHEN '4' THEN 4 WHEN '5' THEN 5 ELSE 0 END)
      AS BB_WORST_STATUS,
    SUM(CASE WHEN {_OVERDUE} AND MONTHS_BALANCE >= -12 THEN 1 ELSE 0 END) AS BB_OVERDUE_MONTHS_12M
  FROM bureau_balance
  GROUP BY SK_ID_BUREAU
)
SELECT b.SK_ID_CURR, b.CREDIT_ACTIVE, b.DAYS_CREDIT, b.CREDIT_DAY_OVERDUE, b.DAYS_CREDIT_ENDDATE,
  b.DAYS_ENDDATE_FACT, b.AMT_CREDIT_MAX_OVERDUE, b.CNT_CREDIT_PROLONG, b.AMT_CREDIT_SUM, b.AMT_CREDIT_SUM_DEBT,
  b.AMT_CREDIT_SUM_LIMIT, b.AMT_CREDIT_SUM_OVERDUE, b.DAYS_CREDIT_UPDATE, b.AMT_ANNUITY,
  CAST(b.AMT_CREDIT_SUM_DEBT AS DOUBLE) / NULLIF(b.AMT_CREDIT_SUM, 0) AS DEBT_CREDIT_RATIO,
  b.DAYS_CREDIT_ENDDATE - b.DAYS_CREDIT AS CREDIT_DURATION,
  b.DAYS_ENDDATE_FACT - b.DAYS_CREDIT_ENDDATE AS ENDDATE_GAP,
  CASE WHEN b.CREDIT_DAY_OVERDUE > 0 THEN 1 ELSE 0 END AS OVERDUE,
  CASE WHEN b.CREDIT_TYPE = 'Credit card' THEN 1 ELSE 0 END AS CREDIT_CARD,
  CASE WHEN b.CREDIT_TYPE IN ('Car loan', 'Mortgage') THEN 1 ELSE 0 END AS SECURED,
  CASE WHEN b.CREDIT_TYPE = 'Microloan' THEN 1 ELSE 0 END AS MICROLOAN,
  bb.BB_MONTHS, bb.BB_OVERDUE_MONTHS, bb.BB_OVERDUE_SHARE, bb.BB_WORST_STATUS,
  bb.BB_OVERDUE_MONTHS_12M
FROM bureau AS b LEFT JOIN balance AS bb ON b.SK_ID_BUREAU = bb.SK_ID_BUREAU
WHERE b.SK_ID_CURR IN (SELECT SK_ID_CURR FROM {{clients}})
"""

# how each column of the source is called, once per source table
LABELS: Labels = {
    "DAYS_CREDIT": Words("jours depuis la demande du crédit", "days since the credit was granted"),
    "CREDIT_DAY_OVERDUE": Words("jours de retard en cours", "days overdue now"),
    "AMT_CREDIT_MAX_OVERDUE": Words("plus gros impayé connu", "largest amount ever overdue"),
    "CNT_CREDIT_PROLONG": Words("prolongations du crédit", "times the credit was prolonged"),
    "AMT_CREDIT_SUM": Words("montant du crédit", "credit amount"),
    "AMT_CREDIT_SUM_DEBT": Words("dette restante", "remaining debt"),
    "AMT_CREDIT_SUM_OVERDUE": Words("montant en retard", "amount overdue"),
    "AMT_CREDIT_SUM_LIMIT": Words("plafond de la carte de crédit", "credit card limit"),
    "AMT_ANNUITY": Words("échéance", "annuity"),
    "DAYS_CREDIT_UPDATE": Words("jours depuis la dernière mise à jour", "days since the last update"),
    "DAYS_CREDIT_ENDDATE": Words("jours restant jusqu'à la fin prévue", "days left until planned end"),
    "DEBT_CREDIT_RATIO": Words("dette restante / montant du crédit", "remaining debt / credit amount"),
    "CREDIT_DURATION": Words("durée prévue du crédit (jours)", "planned credit duration (days)"),
    "ENDDATE_GAP": Words("fin réelle moins fin prévue (jours)", "actual minus planned end (days)"),
    "OVERDUE": Words("crédits actuellement en retard", "credits overdue now"),
    "CREDIT_CARD": Words("cartes de crédit", "credit cards"),
    "SECURED": Words("crédits auto ou immobiliers", "car loans or mortgages"),
    "MICROLOAN": Words("microcrédits", "microloans"),
    "BB_MONTHS": Words("mois d'historique mensuel", "months of monthly history"),
    "BB_OVERDUE_MONTHS": Words("mois en retard dans l'historique", "months overdue in the history"),
    "BB_OVERDUE_SHARE": Words("part des mois en retard", "share of months overdue"),
    "BB_WORST_STATUS": Words("pire classe de retard (0 à 5)", "worst overdue class (0 to 5)"),
    "BB_OVERDUE_MONTHS_12M": Words("mois en retard sur 12 mois", "months overdue in the last 12"),
    "DAYS_ENDDATE_FACT": Words("jours depuis la clôture", "days since the credit was closed"),
}

ALL = Scope(
    name="",
    where=None,
    rows_fr="crédits déclarés au bureau de crédit",
    rows_en="credits reported to the credit bureau",
    measures=measures(
        LABELS,
        ("DAYS_CREDIT", ("mean", "min", "max")),
        ("CREDIT_DAY_OVERDUE", ("mean", "max")),
        ("AMT_CREDIT_MAX_OVERDUE", ("mean", "max")),
        ("CNT_CREDIT_PROLONG", ("sum",)),
        ("AMT_CREDIT_SUM", ("mean", "max", "sum")),
        ("AMT_CREDIT_SUM_DEBT", ("mean", "max", "sum")),
        ("AMT_CREDIT_SUM_OVERDUE", ("max", "sum")),
        ("AMT_CREDIT_SUM_LIMIT", ("mean", "sum")),
        ("AMT_ANNUITY", ("mean", "max")),
        ("DAYS_CREDIT_UPDATE", ("mean",)),
        ("DAYS_CREDIT_ENDDATE", ("mean", "max")),
        ("DEBT_CREDIT_RATIO", ("mean", "max")),
        ("CREDIT_DURATION", ("mean",)),
        ("ENDDATE_GAP", ("mean",)),
        ("OVERDUE", ("count", "share")),
        ("CREDIT_CARD", ("share",)),
        ("SECURED", ("share",)),
        ("MICROLOAN", ("count",)),
        ("BB_MONTHS", ("mean", "sum")),
        ("BB_OVERDUE_MONTHS", ("max", "sum")),
        ("BB_OVERDUE_SHARE", ("mean", "max")),
        ("BB_WORST_STATUS", ("max",)),
        ("BB_OVERDUE_MONTHS_12M", ("sum",)),
    ),
)
ACTIVE = Scope(
    name="ACTIVE",
    where="CREDIT_ACTIVE = 'Active'",
    rows_fr="crédits en cours déclarés au bureau de crédit",
    rows_en="active credits reported to the credit bureau",
    measures=measures(
        LABELS,
        ("DAYS_CREDIT", ("mean", "max")),
        ("CREDIT_DAY_OVERDUE", ("max",)),
        ("AMT_CREDIT_SUM", ("mean", "sum")),
        ("AMT_CREDIT_SUM_DEBT", ("mean", "sum")),
        ("AMT_CREDIT_SUM_OVERDUE", ("sum",)),
        ("AMT_CREDIT_SUM_LIMIT", ("sum",)),
        ("AMT_ANNUITY", ("sum",)),
        ("DAYS_CREDIT_ENDDATE", ("mean", "max")),
        ("DEBT_CREDIT_RATIO", ("mean", "max")),
        ("BB_OVERDUE_SHARE", ("mean",)),
    ),
)
CLOSED = Scope(
    name="CLOSED",
    where="CREDIT_ACTIVE = 'Closed'",
    rows_fr="crédits clos déclarés au bureau de crédit",
    rows_en="closed credits reported to the credit bureau",
    measures=measures(
        LABELS,
        ("DAYS_CREDIT", ("mean", "max")),
        ("DAYS_ENDDATE_FACT", ("mean", "max")),
        ("AMT_CREDIT_SUM", ("mean", "sum")),
        ("AMT_CREDIT_MAX_OVERDUE", ("max",)),
        ("ENDDATE_GAP", ("mean",)),
        ("BB_OVERDUE_SHARE", ("mean",)),
    ),
)
RECENT = Scope(
    name="12M",
    where="DAYS_CREDIT >= -365",
    rows_fr="crédits ouverts ces 12 derniers mois (bureau de crédit)",
    rows_en="credits opened in the last 12 months (credit bureau)",
    measures=measures(
        LABELS,
        ("AMT_CREDIT_SUM", ("sum",)),
        ("AMT_CREDIT_SUM_DEBT", ("sum",)),
    ),
)

FAMILY = Family(
    prefix="BUREAU",
    tables={
        "bureau": (
            "SK_ID_CURR",
            "SK_ID_BUREAU",
            "CREDIT_ACTIVE",
            "DAYS_CREDIT",
            "CREDIT_DAY_OVERDUE",
            "DAYS_CREDIT_ENDDATE",
            "DAYS_ENDDATE_FACT",
            "AMT_CREDIT_MAX_OVERDUE",
            "CNT_CREDIT_PROLONG",
            "AMT_CREDIT_SUM",
            "AMT_CREDIT_SUM_DEBT",
            "AMT_CREDIT_SUM_LIMIT",
            "AMT_CREDIT_SUM_OVERDUE",
            "CREDIT_TYPE",
            "DAYS_CREDIT_UPDATE",
            "AMT_ANNUITY",
        ),
        "bureau_balance": ("SK_ID_BUREAU", "MONTHS_BALANCE", "STATUS"),
    },
    source=SOURCE,
    scopes=(ALL, ACTIVE, CLOSED, RECENT),
)
