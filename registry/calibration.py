"""The calibration map a bundle carries: the model's raw score -> a default probability that is a default rate.

Training fits it on out-of-fold predictions (`training.selection.calibration`); serving applies it to every
probability it returns. It is a non-decreasing map, so it keeps the ranking of clients and the direction of every
monotone constraint. SHAP contributions stay on the model's raw log-odds scale (the map is not additive).

Stored as plain JSON in bundle.json:
    {"method": "identity"}
    {"method": "platt", "slope": a, "intercept": b}          p -> sigmoid(a · logit(p) + b)
    {"method": "isotonic", "x": [...], "y": [...]}           p -> piecewise-linear through (x, y), clipped at the ends
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

METHODS = ("identity", "platt", "isotonic")
_EPS = 1e-6


class CalibrationError(ValueError):
    """A calibration map that cannot be applied; the message names what is wrong."""


@dataclass(frozen=True)
class Calibration:
    method: str = "identity"
    slope: float = 1.0
    intercept: float = 0.0
    x: tuple[float, ...] = field(default_factory=tuple)
    y: tuple[float, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise CalibrationError(f"Unknown calibration method {self.method!r}; expected one of {METHODS}.")
        if self.method == "platt" and not self.slope > 0:
            raise CalibrationError(f"A Platt calibration needs a positive slope, got {self.slope}.")
        if self.method == "isotonic":
            if len(self.x) < 2 or len(self.x) != len(self.y):
                raise CalibrationError(
                    "An isotonic calibration needs at least two (x, y) points of equal count."
                )
            if np.any(np.diff(self.x) < 0) or np.any(np.diff(self.y) < 0):
                raise CalibrationError("An isotonic calibration must be non-decreasing in x and y.")

    def apply(self, proba: np.ndarray | float) -> np.ndarray:
        p = np.asarray(proba, dtype=float)
        if self.method == "identity":
            return p
        if self.method == "platt":
            clipped = np.clip(p, _EPS, 1 - _EPS)
            logit = np.log(clipped / (1 - clipped))
            return 1.0 / (1.0 + np.exp(-(self.slope * logit + self.intercept)))
        return np.interp(p, self.x, self.y)

    def apply_one(self, proba: float) -> float:
        """One probability (a single Score): no array round trip for the identity and Platt maps."""
        if self.method == "identity":
            return float(proba)
        if self.method == "platt":
            p = min(max(float(proba), _EPS), 1 - _EPS)
            return 1.0 / (1.0 + math.exp(-(self.slope * math.log(p / (1 - p)) + self.intercept)))
        return float(np.interp(proba, self.x, self.y))

    def inverse(self, probability: float) -> float:
        """The smallest raw score the map sends to `probability` or above: the decision threshold on the model's
        raw scale (where SHAP values live). 0 when every score reaches it, 1 when none does."""
        q = float(probability)
        if self.method == "identity":
            return q
        if self.method == "platt":
            q = min(max(q, _EPS), 1 - _EPS)
            log_odds = (math.log(q / (1 - q)) - self.intercept) / self.slope
            # a nearly flat map (a score that does not rank) sends the log-odds far out: 0 or 1, not an overflow
            return 1.0 / (1.0 + math.exp(-max(min(log_odds, 700.0), -700.0)))
        x, y = np.asarray(self.x), np.asarray(self.y)
        reached = np.flatnonzero(y >= q)
        if reached.size == 0:
            return 1.0
        i = int(reached[0])
        if i == 0:
            return 0.0
        return float(x[i - 1] + (q - y[i - 1]) * (x[i] - x[i - 1]) / (y[i] - y[i - 1]))

    def as_dict(self) -> dict[str, Any]:
        if self.method == "platt":
            return {"method": "platt", "slope": self.slope, "intercept": self.intercept}
        if self.method == "isotonic":
            return {"method": "isotonic", "x": list(self.x), "y": list(self.y)}
        return {"method": "identity"}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Calibration:
        """The map of a bundle; a bundle written before calibration existed (no entry) gets the identity."""
        if not raw:
            return cls()
        method = str(raw.get("method", "identity"))
        if method == "platt":
            return cls("platt", slope=float(raw["slope"]), intercept=float(raw["intercept"]))
        if method == "isotonic":
            return cls("isotonic", x=tuple(float(v) for v in raw["x"]), y=tuple(float(v) for v in raw["y"]))
        return cls(method)


IDENTITY = Calibration()
