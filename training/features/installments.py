"""Repayment history of previous loans (installments_payments): lateness and shortfall of each payment.

Late days = DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT when positive; a payment row without an entry date (not
paid) has missing lateness, so it does not count as on time.
"""

from __future__ import annotations

from training.features.spec import Family, Labels, Scope, Words, measures

_DELAY = "DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT"

SOURCE = f"""
SELECT SK_ID_CURR, SK_ID_PREV, DAYS_INSTALMENT, DAYS_ENTRY_PAYMENT, AMT_INSTALMENT, AMT_PAYMENT,
  CASE WHEN DAYS_ENTRY_PAYMENT IS NULL THEN NULL ELSE GREATEST({_DELAY}, 0) END AS LATE_DAYS,
  CASE WHEN DAYS_ENTRY_PAYMENT IS NULL THEN NULL ELSE GREATEST(-({_DELAY}), 0) END AS EARLY_DAYS,
  CASE WHEN DAYS_ENTRY_PAYMENT IS NULL THEN NULL WHEN {_DELAY} > 0 THEN 1 ELSE 0 END AS LATE,
  CASE WHEN DAYS_ENTRY_PAYMENT IS NULL THEN NULL WHEN {_DELAY} > 30 THEN 1 ELSE 0 END AS LATE_30,
  CAST(AMT_PAYMENT AS DOUBLE) / NULLIF(AMT_INSTALMENT, 0) AS PAYMENT_RATIO,
  AMT_INSTALMENT - AMT_PAYMENT AS PAYMENT_DIFF,
  CASE WHEN AMT_PAYMENT IS NULL THEN NULL WHEN AMT_PAYMENT < AMT_INSTALMENT THEN 1 ELSE 0 END AS UNDERPAID
FROM installments_payments
WHERE SK_ID_CURR IN (SELECT SK_ID_CURR FROM {{clients}})
"""

# how each column of the source is called, once per source table
LABELS: Labels = {
    "LATE": Words("paiements en retard", "late payments"),
    "LATE_30": Words("paiements en retard de plus de 30 jours", "payments over 30 days late"),
    "LATE_DAYS": Words("jours de retard du paiement", "days the payment was late"),
    "EARLY_DAYS": Words("jours d'avance du paiement", "days the payment was early"),
    "PAYMENT_RATIO": Words("montant payé / montant dû", "amount paid / amount due"),
    "PAYMENT_DIFF": Words("montant dû moins payé", "amount due minus paid"),
    "UNDERPAID": Words("paiements inférieurs au montant dû", "payments below the amount due"),
    "AMT_INSTALMENT": Words("montant dû", "amount due"),
    "AMT_PAYMENT": Words("montant payé", "amount paid"),
    "DAYS_ENTRY_PAYMENT": Words("jours depuis le paiement", "days since the payment"),
}

ALL = Scope(
    name="",
    where=None,
    rows_fr="paiements d'échéances de crédits précédents",
    rows_en="instalment payments of previous loans",
    measures=measures(
        LABELS,
        ("LATE", ("count", "share")),
        ("LATE_30", ("count", "share")),
        ("LATE_DAYS", ("mean", "max", "sum")),
        ("EARLY_DAYS", ("mean", "max")),
        ("PAYMENT_RATIO", ("mean", "min")),
        ("PAYMENT_DIFF", ("mean", "max", "sum")),
        ("UNDERPAID", ("count", "share")),
        ("AMT_INSTALMENT", ("mean", "max", "sum")),
        ("AMT_PAYMENT", ("mean", "min", "sum")),
        ("DAYS_ENTRY_PAYMENT", ("mean", "max")),
    ),
)
RECENT = Scope(
    name="12M",
    where="DAYS_INSTALMENT >= -365",
    rows_fr="paiements d'échéances des 12 derniers mois",
    rows_en="instalment payments due in the last 12 months",
    measures=measures(
        LABELS,
        ("LATE", ("count", "share")),
        ("LATE_DAYS", ("mean", "max")),
        ("PAYMENT_RATIO", ("mean",)),
        ("PAYMENT_DIFF", ("mean", "sum")),
        ("UNDERPAID", ("share",)),
    ),
)

FAMILY = Family(
    prefix="INSTAL",
    tables={
        "installments_payments": (
            "SK_ID_CURR",
            "SK_ID_PREV",
            "DAYS_INSTALMENT",
            "DAYS_ENTRY_PAYMENT",
            "AMT_INSTALMENT",
            "AMT_PAYMENT",
        )
    },
    source=SOURCE,
    scopes=(ALL, RECENT),
)
