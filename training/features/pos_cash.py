"""Monthly snapshots of previous point-of-sale and cash loans (POS_CASH_balance): delays and what is left to
pay.
"""

from __future__ import annotations

from training.features.spec import Family, Measure, Scope

SOURCE = """
SELECT SK_ID_CURR, SK_ID_PREV, MONTHS_BALANCE, CNT_INSTALMENT, CNT_INSTALMENT_FUTURE, SK_DPD, SK_DPD_DEF,
  CAST(CNT_INSTALMENT_FUTURE AS DOUBLE) / NULLIF(CNT_INSTALMENT, 0) AS REMAINING_SHARE,
  CASE WHEN SK_DPD > 0 THEN 1 ELSE 0 END AS DPD,
  CASE WHEN SK_DPD_DEF > 0 THEN 1 ELSE 0 END AS DPD_DEF,
  CASE WHEN NAME_CONTRACT_STATUS = 'Completed' THEN 1 ELSE 0 END AS COMPLETED
FROM pos_cash_balance
WHERE SK_ID_CURR IN (SELECT SK_ID_CURR FROM {clients})
"""

_M = Measure
ALL = Scope(
    name="",
    where=None,
    rows_fr="relevés mensuels des crédits précédents (points de vente, espèces)",
    rows_en="monthly statements of previous point-of-sale and cash loans",
    measures=(
        _M(
            "MONTHS_BALANCE",
            ("mean", "min", "max"),
            "mois du relevé (négatif)",
            "month of the statement (negative)",
        ),
        _M("SK_DPD", ("mean", "max"), "jours de retard", "days past due"),
        _M(
            "SK_DPD_DEF",
            ("mean", "max"),
            "jours de retard hors petites dettes",
            "days past due, small debts ignored",
        ),
        _M("DPD", ("count", "share"), "mois avec un retard", "months with a delay"),
        _M("DPD_DEF", ("share",), "mois avec un retard significatif", "months with a significant delay"),
        _M("COMPLETED", ("count",), "mois au statut « terminé »", "months with status 'completed'"),
        _M("CNT_INSTALMENT", ("mean", "max"), "durée du crédit (échéances)", "loan term (instalments)"),
        _M("CNT_INSTALMENT_FUTURE", ("mean",), "échéances restantes", "instalments left"),
        _M("REMAINING_SHARE", ("mean",), "part des échéances restantes", "share of instalments left"),
    ),
)
RECENT = Scope(
    name="12M",
    where="MONTHS_BALANCE >= -12",
    rows_fr="relevés mensuels des 12 derniers mois (points de vente, espèces)",
    rows_en="monthly statements of the last 12 months (point-of-sale and cash loans)",
    measures=(
        _M("SK_DPD", ("mean", "max"), "jours de retard", "days past due"),
        _M("DPD", ("share",), "mois avec un retard", "months with a delay"),
        _M("CNT_INSTALMENT_FUTURE", ("mean",), "échéances restantes", "instalments left"),
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
