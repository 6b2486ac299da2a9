"""Drawing values from the calibrated marginals, driven by uniforms so that callers can correlate columns.

Every sampler takes uniforms `u` in (0, 1) instead of a generator: a column drawn from `u = Phi(rho * z + ...)`
keeps its calibrated marginal while following a client's latent factor `z` (a Gaussian copula, cheaply).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from training.synthetic.calibrate import CALIBRATION_FILE, QUANTILES

_GRID = np.asarray(QUANTILES, dtype=float)


@dataclass(frozen=True)
class Calibration:
    """The statistics file, read once and shared by the table builders."""

    raw: dict[str, Any]

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        return cls(json.loads(Path(path).read_text()))

    def column(self, table: str, name: str) -> dict[str, Any]:
        return self.raw["columns"][table][name]

    def columns(self, table: str) -> dict[str, dict[str, Any]]:
        return self.raw["columns"][table]

    def relation(self, name: str) -> dict[str, Any]:
        return self.raw["relations"][name]

    def derived(self, name: str) -> np.ndarray:
        return np.asarray(self.raw["derived"][name], dtype=float)

    @property
    def target_rate(self) -> float:
        return float(self.raw["target_rate"])


def correlated_uniform(rng: np.random.Generator, factor: np.ndarray, rho: float) -> np.ndarray:
    """Uniforms whose normal scores have correlation `rho` with the standard-normal `factor`."""
    noise = rng.standard_normal(len(factor))
    return np.clip(ndtr(rho * factor + np.sqrt(1 - rho * rho) * noise), 1e-9, 1 - 1e-9)


def from_quantiles(quantiles: np.ndarray | list[float], u: np.ndarray) -> np.ndarray:
    """Inverse of the piecewise-linear CDF through the stored quantiles."""
    return np.interp(u, _GRID, np.asarray(quantiles, dtype=float))


def numeric(spec: dict[str, Any], u: np.ndarray, null_u: np.ndarray | None = None) -> np.ndarray:
    """Values of one numeric column (float64, NaN for missing) from its point masses and quantiles."""
    out = np.full(len(u), np.nan)
    points = spec.get("points", [])
    values = np.array([p[0] for p in points], dtype=float)
    shares = np.array([p[1] for p in points], dtype=float)
    in_points = shares.sum() if len(points) else 0.0
    quantiles = spec.get("quantiles")
    if not quantiles:  # discrete column: the points are the whole distribution
        cumulative = np.cumsum(shares / max(in_points, 1e-12))
        idx = np.minimum(np.searchsorted(cumulative, u, side="right"), len(values) - 1)
        out = values[idx] if len(values) else out
    else:
        cumulative = np.cumsum(shares)
        is_point = u < in_points
        if len(values):
            idx = np.minimum(np.searchsorted(cumulative, u[is_point], side="right"), len(values) - 1)
            out[is_point] = values[idx]
        rest_u = (u[~is_point] - in_points) / max(1 - in_points, 1e-12)
        out[~is_point] = from_quantiles(quantiles, rest_u)
        if spec.get("integer"):
            out = np.round(out)
    if null_u is not None and spec.get("null", 0) > 0:
        out[null_u < spec["null"]] = np.nan
    return out


def categorical_codes(spec: dict[str, Any], u: np.ndarray) -> tuple[np.ndarray, list[str]]:
    levels = list(spec["levels"])
    shares = np.array(list(spec["levels"].values()), dtype=float)
    cumulative = np.cumsum(shares / shares.sum())
    return np.minimum(np.searchsorted(cumulative, u, side="right"), len(levels) - 1), levels


def categorical(
    spec: dict[str, Any],
    u: np.ndarray,
    null_u: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
) -> pd.Categorical:
    """A category column; with `rng`, every level appears at least once when there are rows enough (quirks)."""
    codes, levels = categorical_codes(spec, u)
    if rng is not None and len(codes) >= 50 * len(levels):
        missing = np.setdiff1d(np.arange(len(levels)), codes)
        if len(missing):
            codes[rng.choice(len(codes), size=len(missing), replace=False)] = missing
    if null_u is not None and spec.get("null", 0) > 0:
        codes = np.where(null_u < spec["null"], -1, codes)
    return pd.Categorical.from_codes(codes, categories=levels)  # type: ignore[call-overload]


def counts(
    spec: dict[str, Any], rng: np.random.Generator, parents: int, weight: np.ndarray | None = None
) -> np.ndarray:
    """Rows per parent: zero for a share of parents, else drawn from the calibrated count distribution.

    `weight` (standard normal per parent) shifts a parent up the count distribution, e.g. riskier clients
    with more credits.
    """
    u = rng.random(parents) if weight is None else correlated_uniform(rng, weight, 0.3)
    has_rows = rng.random(parents) < spec["share_with_rows"]
    n = np.maximum(1, np.round(from_quantiles(spec["quantiles"], u))).astype(np.int64)
    return np.where(has_rows, np.minimum(n, spec["max"]), 0)


def expand(n_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For parents with `n_rows` children: each child's parent index and its rank within the parent (0-based)."""
    parent = np.repeat(np.arange(len(n_rows)), n_rows)
    starts = np.cumsum(n_rows) - n_rows
    rank = np.arange(len(parent)) - np.repeat(starts, n_rows)
    return parent, rank


def unique_ids(rng: np.random.Generator, count: int, low: int, high: int) -> np.ndarray:
    """`count` distinct int32 ids in [low, high), in random order."""
    if count > high - low:
        raise ValueError(f"cannot draw {count} distinct ids between {low} and {high}")
    span = max(count, min(high - low, int(count * 1.1) + 10))
    return (low + rng.permutation(span)[:count]).astype(np.int32)


def fill_remaining(
    out: dict[str, Any],
    columns: Mapping[str, str],
    specs: Mapping[str, dict[str, Any]],
    rng: np.random.Generator,
    n: int,
) -> None:
    """Draw every column of `columns` (name -> kind) not yet in `out` from its own marginal in `specs`."""
    for name, kind in columns.items():
        if name in out:
            continue
        if kind == "cat":
            out[name] = categorical(specs[name], rng.random(n), rng.random(n), rng=rng)
        else:
            out[name] = numeric(specs[name], rng.random(n), rng.random(n))


def typed(source: Mapping[str, Any], columns: Mapping[str, str]) -> pd.DataFrame:
    """One frame (built once) with columns in schema order and numeric ones in the schema's dtypes."""
    from training.data.schema import NUMPY_DTYPES

    return pd.DataFrame(
        {
            name: np.asarray(source[name]).astype(NUMPY_DTYPES[kind], copy=False)
            if kind in NUMPY_DTYPES
            else source[name]
            for name, kind in columns.items()
        }
    )


def positive_part(spec: dict[str, Any]) -> dict[str, Any]:
    """The column's distribution restricted to values above zero, never missing (overdue days, amounts late)."""
    points = [p for p in spec.get("points", []) if p[0] > 0]
    quantiles = np.asarray(spec.get("quantiles", []), dtype=float)
    if len(quantiles) and quantiles[-1] > 0:
        positive = quantiles > 0
        if not positive.all():  # keep the upper part of the curve, its levels rescaled to (0, 1)
            levels = _GRID[positive]
            levels = (levels - levels[0]) / max(levels[-1] - levels[0], 1e-12)
            quantiles = np.interp(_GRID, levels, quantiles[positive])
    else:
        quantiles = np.array([])
    if not points and not len(quantiles):
        points = [[1.0, 1.0]]
    return {"null": 0, "integer": spec.get("integer", False), "points": points, "quantiles": list(quantiles)}
