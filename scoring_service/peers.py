"""How a client compares with a group of peers on one feature, in small payloads (bins and quantiles).

Groups: every portfolio client, the clients matching a filter, or the K nearest clients in a standardised
space of the most important numeric features (NaN imputed by the portfolio median). The observed default
rate comes from the training history matched the same way (same filter, or nearest K in history).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from scoring_service.domain import (
    ClientFilters,
    Distribution,
    FeatureValue,
    PeerComparison,
    PeerGroup,
    PeerRequest,
    ScatterPoint,
)
from scoring_service.errors import InvalidArgument, quoted
from scoring_service.portfolio import ClientTable, validate_filters

log = logging.getLogger(__name__)

SIMILARITY_FEATURES = 10
MAX_K = 5_000
MAX_BINS = 200
MAX_POINTS = 500
MAX_KEPT_DISTRIBUTIONS = 4_096  # (feature, bins) pairs of the whole portfolio kept in memory
QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


def percentile_of(values: np.ndarray, value: float) -> float | None:
    """Share of the group (in %) at or below `value`, ignoring missing values; None when nothing compares."""
    finite = values[~np.isnan(values)]
    if np.isnan(value) or finite.size == 0:
        return None
    return float(100.0 * np.count_nonzero(finite <= value) / finite.size)


def numeric_distribution(values: np.ndarray, bins: int) -> Distribution:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return Distribution(counts=())
    counts, edges = np.histogram(finite, bins=bins)
    quantiles = np.quantile(finite, list(QUANTILES.values()))
    return Distribution(
        counts=tuple(int(c) for c in counts),
        bin_edges=tuple(float(e) for e in edges),
        quantiles={name: float(q) for name, q in zip(QUANTILES, quantiles, strict=True)},
    )


def categorical_distribution(values: np.ndarray) -> Distribution:
    levels, counts = np.unique(values.astype(str), return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return Distribution(
        counts=tuple(int(counts[i]) for i in order), categories=tuple(str(levels[i]) for i in order)
    )


def similarity_features(
    importance: Mapping[str, float], numeric: Sequence[str], count: int = SIMILARITY_FEATURES
) -> list[str]:
    allowed = set(numeric)
    ranked = sorted((f for f in importance if f in allowed), key=lambda f: -importance[f])
    return ranked[:count]


class PeerIndex:
    """Peer groups of one model version: nearest-neighbour indexes and column arrays, built at load."""

    def __init__(
        self,
        portfolio: pd.DataFrame,
        feature_column: Callable[[str], np.ndarray],
        feature_names: Sequence[str],
        table: ClientTable,
        history: pd.DataFrame,
        history_table: ClientTable | None,
        importance: Mapping[str, float],
        categorical: Sequence[str],
        descriptions: Mapping[str, Mapping[str, str]],
        missing_category: str,
    ) -> None:
        self.portfolio = portfolio
        self.feature_column = feature_column  # model features as the model sees them (sentinels mapped)
        self.feature_names = frozenset(feature_names)
        self.table = table
        self.history_table = history_table
        self.descriptions = descriptions
        self.missing_category = missing_category
        self.categorical = set(categorical) | {
            c
            for c in portfolio.columns
            if c not in self.feature_names and not pd.api.types.is_numeric_dtype(portfolio[c].dtype)
        }
        self.target = history["TARGET"].to_numpy(dtype=float) if "TARGET" in history else None
        if self.target is None:
            log.warning(
                "The bundle's history has no TARGET column: peer groups report no observed default rate."
            )
        numeric = [f for f in feature_names if f not in self.categorical and f in history.columns]
        informative = [f for f in numeric if np.isfinite(feature_column(f)).any()]  # all-missing: no use
        self.space = similarity_features(importance, informative)
        x = (
            np.column_stack([feature_column(f) for f in self.space])
            if self.space
            else np.zeros((table.size, 0))
        )
        self.median = np.nanmedian(x, axis=0) if len(x) else np.zeros(len(self.space))
        filled = np.where(np.isnan(x), self.median, x)
        self.mean = filled.mean(axis=0) if len(x) else np.zeros(len(self.space))
        std = filled.std(axis=0) if len(x) else np.ones(len(self.space))
        self.std = np.where(std > 0, std, 1.0)
        self.points = self._scale(x)
        self.nn = NearestNeighbors().fit(self.points) if len(x) and self.space else None
        hx = history[self.space].to_numpy(dtype=float)
        self.history_nn = NearestNeighbors().fit(self._scale(hx)) if len(hx) and self.space else None
        self._columns: dict[str, np.ndarray] = {}
        self._all_distributions: dict[tuple[str, int], Distribution] = {}

    def _scale(self, x: np.ndarray) -> np.ndarray:
        return (np.where(np.isnan(x), self.median, x) - self.mean) / self.std

    def column(self, name: str) -> np.ndarray:
        if name in self.feature_names:
            return self.feature_column(name)
        values = self._columns.get(name)
        if values is None:
            series = self.portfolio[name]
            if name in self.categorical:
                values = (
                    series.astype(object).where(series.notna(), self.missing_category).astype(str).to_numpy()
                )
            else:
                values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            self._columns[name] = values
        return values

    def _check_feature(self, name: str | None, field: str) -> None:
        if name is not None and name not in self.portfolio.columns and name not in self.feature_names:
            raise InvalidArgument(
                f"{field} {quoted(name)} is not a field of the client portfolio; GetModelInfo lists the features.",
                field=field,
            )

    def validate(self, request: PeerRequest) -> None:
        self._check_feature(request.feature, "feature")
        self._check_feature(request.second_feature, "second_feature")
        if not isinstance(request.group, PeerGroup):
            raise InvalidArgument("group must be all, filtered or similar.", field="group")
        if isinstance(request.k, bool) or not isinstance(request.k, int) or not 1 <= request.k <= MAX_K:
            raise InvalidArgument(f"k must be from 1 to {MAX_K}, got {request.k!r}.", field="k")
        if (
            isinstance(request.bins, bool)
            or not isinstance(request.bins, int)
            or not 1 <= request.bins <= MAX_BINS
        ):
            raise InvalidArgument(f"bins must be from 1 to {MAX_BINS}, got {request.bins!r}.", field="bins")
        if request.group is PeerGroup.FILTERED and request.filters is not None:
            validate_filters(request.filters)

    def _groups(self, request: PeerRequest, index: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Portfolio indices of the group, history indices of the matching clients (None: not available)."""
        if request.group is PeerGroup.ALL:
            return np.arange(self.table.size), np.arange(0 if self.target is None else len(self.target))
        if request.group is PeerGroup.FILTERED:
            filters = request.filters or ClientFilters()
            hist = None if self.history_table is None else np.flatnonzero(self.history_table.mask(filters))
            return np.flatnonzero(self.table.mask(filters)), hist
        if self.nn is None:
            raise InvalidArgument(
                "This model version has no numeric feature to measure similarity; use another group.",
                field="group",
            )
        query = self.points[[index]]
        k = min(request.k, self.table.size)
        group = self.nn.kneighbors(query, n_neighbors=k, return_distance=False)[0]
        if self.history_nn is None:
            return group, np.arange(0)
        hist_k = min(request.k, self.history_nn.n_samples_fit_)
        return group, self.history_nn.kneighbors(query, n_neighbors=hist_k, return_distance=False)[0]

    def compare(self, request: PeerRequest, index: int) -> PeerComparison:
        self.validate(request)
        descriptions = self.descriptions.get(request.language, {})
        group, hist = self._groups(request, index)
        values = self.column(request.feature)
        in_group = values[group]
        distribution = self._distribution(request, in_group)
        numeric = request.feature not in self.categorical
        percentile = percentile_of(in_group, float(values[index])) if numeric else None
        observed: float | None = None
        hist_size = 0 if hist is None else len(hist)
        if hist is not None and hist_size and self.target is not None:
            observed = float(np.nanmean(self.target[hist]))
        probabilities = self.table.probability[group]
        second = request.second_feature
        return PeerComparison(
            feature=request.feature,
            description=descriptions.get(request.feature, ""),
            group=request.group,
            group_size=len(group),
            client_value=self._plain(request.feature, values[index]),
            client_percentile=percentile,
            distribution=distribution,
            group_mean_probability=float(probabilities.mean()) if len(group) else float("nan"),
            group_refusal_rate=float(self.table.refused[group].mean()) if len(group) else float("nan"),
            group_observed_default_rate=observed,
            history_size=hist_size,
            second_feature=second,
            second_description=descriptions.get(second, "") if second else "",
            client_second_value=self._plain(second, self.column(second)[index]) if second else None,
            points=self._points(request, group) if second else (),
        )

    def _distribution(self, request: PeerRequest, values: np.ndarray) -> Distribution:
        """The group's distribution; the whole portfolio's is the same for every client, so it is kept."""
        key = (request.feature, request.bins)
        if request.group is PeerGroup.ALL and key in self._all_distributions:
            return self._all_distributions[key]
        if request.feature in self.categorical:
            distribution = categorical_distribution(values)
        else:
            distribution = numeric_distribution(values, request.bins)
        if request.group is PeerGroup.ALL and len(self._all_distributions) < MAX_KEPT_DISTRIBUTIONS:
            self._all_distributions[key] = distribution
        return distribution

    def _points(self, request: PeerRequest, group: np.ndarray) -> tuple[ScatterPoint, ...]:
        assert request.second_feature is not None
        if len(group) > MAX_POINTS:
            rng = np.random.default_rng(request.client_id)
            group = np.sort(rng.choice(group, size=MAX_POINTS, replace=False))
        xs = self._plain_list(request.feature, self.column(request.feature)[group])
        ys = self._plain_list(request.second_feature, self.column(request.second_feature)[group])
        probabilities = self.table.probability[group].tolist()
        return tuple(
            ScatterPoint(x=x, y=y, probability=p) for x, y, p in zip(xs, ys, probabilities, strict=True)
        )

    def _plain_list(self, name: str, values: np.ndarray) -> list[FeatureValue]:
        if name in self.categorical:
            return [None if v == self.missing_category else str(v) for v in values.tolist()]
        return [None if v != v else v for v in values.astype(float).tolist()]  # NaN is the only v != v

    def _plain(self, name: str, value: object) -> FeatureValue:
        if name in self.categorical:
            return None if value == self.missing_category else str(value)
        number = float(value)  # type: ignore[arg-type]
        return None if np.isnan(number) else number
