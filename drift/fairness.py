"""Grant rates by group of the protected attributes over a monitoring window, from the logged decisions.

The groups come from the logged model inputs and the declared policy (training/features/protected.toml): an
attribute whose fields the model does not take as inputs (gender, excluded) is not in the events and is reported as
not logged, never reconstructed. Groups smaller than `min_group` events are shown, not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from training.features.protected import UNKNOWN_GROUP, Policy


@dataclass(frozen=True)
class GroupGrants:
    attribute: str
    grant_rates: dict[str, float]  # group -> share of the window's decisions that granted credit
    counts: dict[str, int]
    judged: tuple[str, ...]
    ratio: float  # smallest over largest grant rate among judged groups; NaN when fewer than two

    def to_dict(self) -> dict[str, Any]:
        return {
            "grant_rates": self.grant_rates,
            "counts": self.counts,
            "judged": list(self.judged),
            "ratio": None if math.isnan(self.ratio) else self.ratio,
        }


def grant_rates_by_group(events: pd.DataFrame, policy: Policy, min_group: int) -> dict[str, GroupGrants]:
    """One entry per attribute whose fields the events carry; `decision` says granted or refused."""
    granted = (events["decision"] == "granted").astype(float)
    out: dict[str, GroupGrants] = {}
    for attribute in policy.attributes:
        if not all(f in events.columns for f in attribute.fields):
            continue
        groups = attribute.group_of(events)
        known = groups != UNKNOWN_GROUP
        rates = granted[known].groupby(groups[known]).mean()
        counts = groups[known].value_counts()
        judged = tuple(sorted(g for g in rates.index if counts[g] >= min_group))
        ratio = math.nan
        if len(judged) >= 2 and rates[list(judged)].max() > 0:
            ratio = float(rates[list(judged)].min() / rates[list(judged)].max())
        out[attribute.name] = GroupGrants(
            attribute.name,
            {str(g): float(v) for g, v in rates.items()},
            {str(g): int(counts[g]) for g in rates.index},
            judged,
            ratio,
        )
    return out
