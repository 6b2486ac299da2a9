"""Monotone directions of the features whose effect on default risk is known and defensible in front of a client.

+1: a higher value may never lower the default probability; -1: a higher value may never raise it. Each entry
carries the one-line reason a relationship manager can repeat. Every model family that supports constraints applies
them (CatBoost in serving); a feature left out is free to act either way. Only features whose direction does not
depend on the rest of the file are declared: a larger credit is not riskier in itself (larger credits go to better
clients), but a larger credit for the same income is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

INCREASING = 1
DECREASING = -1


@dataclass(frozen=True)
class Direction:
    sign: int
    reason: str


_EXTERNAL = "external credit scores are built so that a higher score means a lower risk"
_PAST_DUE = "more or longer delays on past credits mean a higher risk"
_OVERDUE_AMOUNT = "more money left unpaid past its due date means a higher risk"
_REFUSED = "applications refused before, after a lender's own checks, mean a higher risk"
_UNPAID = "leaving more of what was due unpaid means a higher risk"
_UTILISATION = "using more of a card's limit leaves less room and means a higher risk"

MONOTONE: dict[str, Direction] = {
    # external scores and their combinations
    "EXT_SOURCE_1": Direction(DECREASING, _EXTERNAL),
    "EXT_SOURCE_2": Direction(DECREASING, _EXTERNAL),
    "EXT_SOURCE_3": Direction(DECREASING, _EXTERNAL),
    "EXT_SOURCE_MEAN": Direction(DECREASING, _EXTERNAL),
    "EXT_SOURCE_MIN": Direction(DECREASING, _EXTERNAL),
    "EXT_SOURCE_MAX": Direction(DECREASING, _EXTERNAL),
    "EXT_SOURCE_PROD": Direction(DECREASING, _EXTERNAL),
    # income and affordability
    "AMT_INCOME_TOTAL": Direction(DECREASING, "for the same credit, a higher income repays more easily"),
    "INCOME_PER_PERSON": Direction(DECREASING, "more income per household member leaves more to repay with"),
    "CREDIT_INCOME_RATIO": Direction(INCREASING, "a credit larger relative to income is harder to repay"),
    "ANNUITY_INCOME_RATIO": Direction(INCREASING, "an instalment taking more of the income is harder to pay"),
    # days past due and late-payment shares on past credits
    "INSTAL_LATE_SHARE": Direction(INCREASING, _PAST_DUE),
    "INSTAL_LATE_30_SHARE": Direction(INCREASING, _PAST_DUE),
    "INSTAL_LATE_DAYS_MEAN": Direction(INCREASING, _PAST_DUE),
    "INSTAL_LATE_DAYS_MAX": Direction(INCREASING, _PAST_DUE),
    "INSTAL_12M_LATE_SHARE": Direction(INCREASING, _PAST_DUE),
    "INSTAL_12M_LATE_DAYS_MEAN": Direction(INCREASING, _PAST_DUE),
    "INSTAL_12M_LATE_DAYS_MAX": Direction(INCREASING, _PAST_DUE),
    "POS_SK_DPD_MEAN": Direction(INCREASING, _PAST_DUE),
    "POS_SK_DPD_MAX": Direction(INCREASING, _PAST_DUE),
    "POS_SK_DPD_DEF_MEAN": Direction(INCREASING, _PAST_DUE),
    "POS_SK_DPD_DEF_MAX": Direction(INCREASING, _PAST_DUE),
    "POS_DPD_SHARE": Direction(INCREASING, _PAST_DUE),
    "POS_DPD_DEF_SHARE": Direction(INCREASING, _PAST_DUE),
    "POS_12M_SK_DPD_MEAN": Direction(INCREASING, _PAST_DUE),
    "POS_12M_SK_DPD_MAX": Direction(INCREASING, _PAST_DUE),
    "POS_12M_DPD_SHARE": Direction(INCREASING, _PAST_DUE),
    "CC_SK_DPD_MEAN": Direction(INCREASING, _PAST_DUE),
    "CC_SK_DPD_MAX": Direction(INCREASING, _PAST_DUE),
    "CC_DPD_SHARE": Direction(INCREASING, _PAST_DUE),
    "BUREAU_CREDIT_DAY_OVERDUE_MAX": Direction(INCREASING, _PAST_DUE),
    "BUREAU_OVERDUE_SHARE": Direction(
        INCREASING, "a larger share of credits overdue now means a higher risk"
    ),
    "BUREAU_BB_OVERDUE_SHARE_MEAN": Direction(INCREASING, _PAST_DUE),
    "BUREAU_BB_OVERDUE_SHARE_MAX": Direction(INCREASING, _PAST_DUE),
    "BUREAU_BB_WORST_STATUS_MAX": Direction(
        INCREASING, "a worse delay class on any past credit means a higher risk"
    ),
    # counts and sums of delays, and the same on the recent, active or closed credits
    "INSTAL_LATE_COUNT": Direction(INCREASING, _PAST_DUE),
    "INSTAL_LATE_30_COUNT": Direction(INCREASING, _PAST_DUE),
    "INSTAL_LATE_DAYS_SUM": Direction(INCREASING, _PAST_DUE),
    "INSTAL_12M_LATE_COUNT": Direction(INCREASING, _PAST_DUE),
    "POS_DPD_COUNT": Direction(INCREASING, _PAST_DUE),
    "CC_SK_DPD_DEF_MAX": Direction(INCREASING, _PAST_DUE),
    "CC_12M_SK_DPD_MAX": Direction(INCREASING, _PAST_DUE),
    "CC_12M_DPD_SHARE": Direction(INCREASING, _PAST_DUE),
    "BUREAU_CREDIT_DAY_OVERDUE_MEAN": Direction(INCREASING, _PAST_DUE),
    "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX": Direction(INCREASING, _PAST_DUE),
    "BUREAU_OVERDUE_COUNT": Direction(INCREASING, "more credits overdue now means a higher risk"),
    "BUREAU_BB_OVERDUE_MONTHS_MAX": Direction(INCREASING, _PAST_DUE),
    "BUREAU_BB_OVERDUE_MONTHS_SUM": Direction(INCREASING, _PAST_DUE),
    "BUREAU_BB_OVERDUE_MONTHS_12M_SUM": Direction(INCREASING, _PAST_DUE),
    "BUREAU_ACTIVE_BB_OVERDUE_SHARE_MEAN": Direction(INCREASING, _PAST_DUE),
    "BUREAU_CLOSED_BB_OVERDUE_SHARE_MEAN": Direction(INCREASING, _PAST_DUE),
    # amounts overdue at other lenders, now or at worst
    "BUREAU_AMT_CREDIT_SUM_OVERDUE_MAX": Direction(INCREASING, _OVERDUE_AMOUNT),
    "BUREAU_AMT_CREDIT_SUM_OVERDUE_SUM": Direction(INCREASING, _OVERDUE_AMOUNT),
    "BUREAU_ACTIVE_AMT_CREDIT_SUM_OVERDUE_SUM": Direction(INCREASING, _OVERDUE_AMOUNT),
    "BUREAU_AMT_CREDIT_MAX_OVERDUE_MEAN": Direction(INCREASING, _OVERDUE_AMOUNT),
    "BUREAU_AMT_CREDIT_MAX_OVERDUE_MAX": Direction(INCREASING, _OVERDUE_AMOUNT),
    "BUREAU_CLOSED_AMT_CREDIT_MAX_OVERDUE_MAX": Direction(INCREASING, _OVERDUE_AMOUNT),
    # applications refused by Home Credit before
    "PREV_REFUSED_COUNT": Direction(INCREASING, _REFUSED),
    "PREV_REFUSED_SHARE": Direction(INCREASING, _REFUSED),
    "PREV_12M_REFUSED_COUNT": Direction(INCREASING, _REFUSED),
    "PREV_12M_REFUSED_SHARE": Direction(INCREASING, _REFUSED),
    # credit cards: use of the limit and repayments below the minimum
    "CC_UTILISATION_MEAN": Direction(INCREASING, _UTILISATION),
    "CC_UTILISATION_MAX": Direction(INCREASING, _UTILISATION),
    "CC_12M_UTILISATION_MEAN": Direction(INCREASING, _UTILISATION),
    "CC_12M_UTILISATION_MAX": Direction(INCREASING, _UTILISATION),
    "CC_BELOW_MIN_SHARE": Direction(
        INCREASING, "repaying less than the minimum due more often means a higher risk"
    ),
    "CC_PAYMENT_MIN_RATIO_MEAN": Direction(
        DECREASING, "repaying more than the minimum due means a lower risk"
    ),
    "CC_PAYMENT_MIN_RATIO_MIN": Direction(
        DECREASING, "repaying more than the minimum due means a lower risk"
    ),
    # payment ratios
    "INSTAL_PAYMENT_RATIO_MEAN": Direction(
        DECREASING, "paying a larger part of what is due means a lower risk"
    ),
    "INSTAL_PAYMENT_RATIO_MIN": Direction(
        DECREASING, "paying a larger part of what is due means a lower risk"
    ),
    "INSTAL_12M_PAYMENT_RATIO_MEAN": Direction(
        DECREASING, "paying a larger part of what is due means a lower risk"
    ),
    "INSTAL_UNDERPAID_SHARE": Direction(INCREASING, "more payments below the amount due mean a higher risk"),
    "INSTAL_12M_UNDERPAID_SHARE": Direction(
        INCREASING, "more payments below the amount due mean a higher risk"
    ),
    "INSTAL_UNDERPAID_COUNT": Direction(INCREASING, "more payments below the amount due mean a higher risk"),
    "INSTAL_PAYMENT_DIFF_MEAN": Direction(INCREASING, _UNPAID),
    "INSTAL_PAYMENT_DIFF_MAX": Direction(INCREASING, _UNPAID),
    "INSTAL_PAYMENT_DIFF_SUM": Direction(INCREASING, _UNPAID),
    "INSTAL_12M_PAYMENT_DIFF_MEAN": Direction(INCREASING, _UNPAID),
    "INSTAL_12M_PAYMENT_DIFF_SUM": Direction(INCREASING, _UNPAID),
}


def constraints_for(features: Iterable[str]) -> dict[str, int]:
    """The declared directions of the given features (the others are free), in the features' order."""
    return {f: MONOTONE[f].sign for f in features if f in MONOTONE}
