"""Population Stability Index of the score, the figure credit-risk teams read for a moved score distribution.

PSI = sum over bins of (cur - ref) * ln(cur / ref), with bins cut at the reference quantiles so each
reference bin holds about the same share. Usual reading: below 0.1 stable, 0.1 to 0.2 moderate shift,
above 0.2 major shift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EPSILON = 1e-4  # share given to an empty bin, so that ln() stays finite


@dataclass(frozen=True)
class PsiResult:
    value: float
    edges: tuple[float, ...]
    reference_share: tuple[float, ...]
    current_share: tuple[float, ...]


def psi_from_shares(reference_share: Sequence[float], current_share: Sequence[float]) -> float:
    """PSI from the share of each bin in both samples (each sequence sums to 1)."""
    ref = np.clip(np.asarray(reference_share, dtype=float), EPSILON, None)
    cur = np.clip(np.asarray(current_share, dtype=float), EPSILON, None)
    if ref.shape != cur.shape:
        raise ValueError(f"Both samples need the same bins ({ref.size} reference, {cur.size} current).")
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def quantile_edges(reference: np.ndarray, bins: int) -> np.ndarray:
    """Inner cut points at observed reference values (quantiles), duplicates removed: a spike of equal scores
    makes one bin instead of empty slivers."""
    inner = np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1], method="inverted_cdf")
    return np.unique(inner)


def psi(
    reference: Sequence[float] | np.ndarray, current: Sequence[float] | np.ndarray, bins: int = 10
) -> PsiResult:
    """PSI of `current` against `reference`; missing values are left out of both."""
    ref = np.asarray(reference, dtype=float)
    cur = np.asarray(current, dtype=float)
    ref = ref[~np.isnan(ref)]
    cur = cur[~np.isnan(cur)]
    if ref.size == 0 or cur.size == 0:
        raise ValueError(
            f"PSI needs values on both sides ({ref.size} reference, {cur.size} current): "
            "check that the reference sample carries the probability column and that the window has events."
        )
    inner = quantile_edges(ref, bins)
    # bin i holds values in (edge[i-1], edge[i]]; the outer bins are open-ended
    ref_counts = np.bincount(np.searchsorted(inner, ref, side="left"), minlength=inner.size + 1)
    cur_counts = np.bincount(np.searchsorted(inner, cur, side="left"), minlength=inner.size + 1)
    ref_share = ref_counts / ref.size
    cur_share = cur_counts / cur.size
    edges = (-np.inf, *inner.tolist(), np.inf)
    return PsiResult(
        value=psi_from_shares(ref_share, cur_share),
        edges=tuple(float(e) for e in edges),
        reference_share=tuple(float(s) for s in ref_share),
        current_share=tuple(float(s) for s in cur_share),
    )
