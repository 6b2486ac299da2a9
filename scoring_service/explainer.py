"""SHAP contributions of one or many rows: the top K features by magnitude and the rest summed, and the
same contributions summed per reason group (training/features/reasons.py).

CatBoost computes exact TreeSHAP itself (`get_feature_importance(type="ShapValues")`, which
shap.TreeExplainer delegates to anyway) and handles categorical splits, where shap's own background-data modes
fail. Contributions are in the model's raw log-odds of default: base_value + sum(contributions) + rest = the raw
score (the logit of the uncalibrated probability).

The SHAP rows of the portfolio's clients are computed once, when a model version is loaded (PortfolioShap), so
explaining a known client is a lookup; a what-if or a new application is explained on its own row.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import numpy as np
from catboost import CatBoostClassifier, Pool

from scoring_service.domain import LANGUAGES, Contribution, Explanation, FeatureValue, Memo, Reason, Reasons
from scoring_service.errors import InvalidArgument, quoted
from training.features.reasons import GROUPS_BY_KEY, ReasonGroup, feature_groups

MAX_TOP_K = 100
SHAP_CHUNK_ROWS = 2_000  # bounds the memory of one SHAP call in a batch
SMALL_BATCH_ROWS = 16
# Portfolio SHAP is kept in memory up to this many cells (8 bytes each: 200 MB; the real portfolio, 48,744 clients
# x 332 columns, is 16 M cells); a larger portfolio is explained per request, with the recent rows cached.
MAX_PORTFOLIO_SHAP_CELLS = 25_000_000
LAZY_CACHE_ROWS = 4_096
EXPLAINED_CACHE_ROWS = 4_096  # known clients' explanations kept built (a few MB)
GROUP_FEATURES = 5  # features listed under each reason group (the group's sum always counts every feature)


class Values(Protocol):
    """A row's values by feature position: a list, a numpy row, or a view on the portfolio's matrices."""

    def __getitem__(self, position: int, /) -> object: ...


def validate_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise InvalidArgument(
            f"top_k must be an integer from 1 to {MAX_TOP_K}, got {quoted(top_k)}.", field="top_k"
        )
    return top_k


def validate_language(language: object) -> str:
    if language not in LANGUAGES:
        raise InvalidArgument(
            f"language must be one of {', '.join(LANGUAGES)}, got {quoted(language)}.", field="language"
        )
    return str(language)


def display_value(value: object) -> FeatureValue:
    """A matrix cell as a plain value: None for a missing number, Python float or str otherwise."""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _log_odds(p: float) -> float:
    p = min(max(float(p), 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def top_contributions(
    shap_row: np.ndarray,
    values: Values,
    features: Sequence[str],
    descriptions: Mapping[str, str],
    top_k: int,
    order: np.ndarray | None = None,
    threshold_log_odds: float | None = None,
) -> Explanation:
    """Split one SHAP row (features..., base value last) into the top K by |contribution| and the rest (`order`:
    the features by decreasing magnitude, when known)."""
    contributions = shap_row[:-1]
    if order is None:
        order = np.argsort(-np.abs(contributions), kind="stable")
    top = order[:top_k]
    rest = order[top_k:]
    return Explanation(
        base_value=float(shap_row[-1]),
        contributions=tuple(
            Contribution(
                feature=features[i],
                description=descriptions.get(features[i], ""),
                value=display_value(values[i]),
                contribution=float(contributions[i]),
            )
            for i in top
        ),
        rest=float(contributions[rest].sum()) if len(rest) else 0.0,
        rest_count=len(rest),
        threshold_log_odds=threshold_log_odds,
    )


def _contribution(
    feature: str, descriptions: Mapping[str, str], value: object, contribution: float
) -> Contribution:
    return Contribution(
        feature=feature,
        description=descriptions.get(feature, ""),
        value=display_value(value),
        contribution=contribution,
    )


class ReasonGrouping:
    """The model's features split into reason groups, once per model version.

    Raises ValueError naming the features that belong to no group or to several (a model whose reasons could
    not add up to its score must not be served).
    """

    def __init__(self, features: Sequence[str]) -> None:
        keys = feature_groups(features)
        self.features = tuple(features)
        used = [k for k in GROUPS_BY_KEY if k in set(keys)]  # declaration order
        self.groups: tuple[ReasonGroup, ...] = tuple(GROUPS_BY_KEY[k] for k in used)
        position = {key: g for g, key in enumerate(used)}
        self.group_index = np.array([position[k] for k in keys], dtype=np.intp)  # feature -> its group
        self.group_list: list[int] = self.group_index.tolist()
        self.counts: list[int] = np.bincount(self.group_index, minlength=len(used)).tolist()
        # per group, the positions of its history features (secondary tables) and whether each is a count
        self.history: list[list[tuple[int, bool]]] = [
            [(i, f.endswith("_COUNT")) for i, f in enumerate(self.features) if group.is_history(f)]
            for group in self.groups
        ]

    def without_history(self, g: int, values: Values) -> bool:
        """True when the row holds none of group `g`'s history: its history features all missing, or counts of
        zero (a group whose features are only counts says nothing either way)."""
        history = self.history[g]
        if all(is_count for _, is_count in history):
            return False
        for i, is_count in history:
            value = display_value(values[i])
            if value is not None and not (is_count and value == 0):
                return False
        return True

    def reasons(
        self,
        shap_row: np.ndarray,
        values: Values,
        descriptions: Mapping[str, str],
        per_group: int,
        language: str,
        order: np.ndarray | None = None,
    ) -> Reasons:
        """Every group's sum, largest first; each with its `per_group` largest features. `order` is the features'
        order by decreasing magnitude when the caller has it already."""
        contributions = shap_row[:-1]
        base = float(shap_row[-1])
        sums = np.bincount(self.group_index, weights=contributions, minlength=len(self.groups)).tolist()
        picked: list[list[int]] = [[] for _ in self.groups]
        wanted = sum(min(per_group, count) for count in self.counts)
        if wanted:
            if order is None:
                order = np.argsort(-np.abs(contributions), kind="stable")
            group_of = self.group_list
            for (
                i
            ) in order.tolist():  # the largest features first, each into its group's list until all are full
                bucket = picked[group_of[i]]
                if len(bucket) < per_group:
                    bucket.append(i)
                    wanted -= 1
                    if not wanted:
                        break
        groups = [
            Reason(
                group=group.key,
                name=group.name(language),
                contribution=total,
                sentence=group.sentence(total, language, self.without_history(g, values)),
                features=tuple(
                    _contribution(self.features[i], descriptions, values[i], float(contributions[i]))
                    for i in chosen
                ),
                feature_count=count,
            )
            for g, (group, total, chosen, count) in enumerate(
                zip(self.groups, sums, picked, self.counts, strict=True)
            )
        ]
        groups.sort(key=lambda r: -abs(r.contribution))
        # the score is the groups' exact sum: base_value + sum(groups) == score with no rounding left over
        score = math.fsum([base, *(r.contribution for r in groups)])
        return Reasons(base_value=base, score=score, groups=tuple(groups))


class Explainer:
    """Explains rows of the model's feature matrix, with descriptions in the language asked for."""

    def __init__(
        self,
        model: CatBoostClassifier,
        features: Sequence[str],
        cat_indices: Sequence[int],
        descriptions: Mapping[str, Mapping[str, str]],
        raw_threshold: float | None = None,
    ) -> None:
        """`raw_threshold`: the decision threshold on the model's raw (uncalibrated) probability scale."""
        self.model = model
        self.threshold_log_odds = None if raw_threshold is None else _log_odds(raw_threshold)
        self.features = tuple(features)
        self.cat_indices = list(cat_indices)
        self.descriptions = descriptions  # language -> feature -> description
        self.grouping = ReasonGrouping(self.features)

    def shap_values(self, rows: np.ndarray) -> np.ndarray:
        """SHAP matrix (n, features + 1), the last column being the base value, computed in chunks."""
        parts = []
        for start in range(0, len(rows), SHAP_CHUNK_ROWS):
            pool = Pool(rows[start : start + SHAP_CHUNK_ROWS], cat_features=self.cat_indices)
            # one thread for a few rows: concurrent requests already use the cores, and splitting one row's
            # trees over threads costs more than it saves (measured on a 300-tree, 331-feature model)
            threads = 1 if len(rows) <= SMALL_BATCH_ROWS else -1
            shap = self.model.get_feature_importance(pool, type="ShapValues", thread_count=threads)
            parts.append(np.asarray(shap, dtype=float))
        return np.vstack(parts) if parts else np.zeros((0, len(self.features) + 1))

    def explain(self, rows: np.ndarray, top_k: int, language: str) -> list[Explanation]:
        shap = self.shap_values(rows)
        descriptions = self.descriptions.get(language, {})
        return [
            top_contributions(
                shap[i],
                rows[i],
                self.features,
                descriptions,
                top_k,
                threshold_log_odds=self.threshold_log_odds,
            )
            for i in range(len(rows))
        ]

    def explain_with_reasons(
        self,
        shap_row: np.ndarray,
        values: Values,
        top_k: int,
        language: str,
        group_features: int | None = None,
    ) -> tuple[Explanation, Reasons]:
        """The top features and the reason groups of one row whose SHAP values are known; each group lists its
        `group_features` largest features (by default at most GROUP_FEATURES, and no more than top_k)."""
        descriptions = self.descriptions.get(language, {})
        per_group = min(top_k, GROUP_FEATURES) if group_features is None else group_features
        order = np.argsort(-np.abs(shap_row[:-1]), kind="stable")
        return (
            top_contributions(
                shap_row, values, self.features, descriptions, top_k, order, self.threshold_log_odds
            ),
            self.grouping.reasons(shap_row, values, descriptions, per_group, language, order),
        )


class PortfolioShap:
    """The SHAP rows of the portfolio's clients: all computed at load when they fit in memory, otherwise
    computed on first use and the recent ones kept."""

    def __init__(
        self,
        explainer: Explainer,
        rows: Callable[[np.ndarray], np.ndarray],
        count: int,
        *,
        max_cells: int = MAX_PORTFOLIO_SHAP_CELLS,
    ) -> None:
        self._explainer = explainer
        self._rows = rows  # portfolio indices -> object matrix of those rows
        self._matrix: np.ndarray | None = None
        self._cache: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()
        if count * (len(explainer.features) + 1) <= max_cells:
            parts = [
                explainer.shap_values(rows(np.arange(start, min(start + SHAP_CHUNK_ROWS, count))))
                for start in range(0, count, SHAP_CHUNK_ROWS)
            ]
            self._matrix = np.vstack(parts) if parts else np.zeros((0, len(explainer.features) + 1))

    @property
    def precomputed(self) -> bool:
        return self._matrix is not None

    def row(self, index: int) -> np.ndarray:
        if self._matrix is not None:
            return self._matrix[index]
        cached = self._cache.get(index)
        if cached is None:
            cached = self._explainer.shap_values(self._rows(np.array([index])))[0]
            with self._lock:
                if len(self._cache) >= LAZY_CACHE_ROWS:
                    self._cache.pop(next(iter(self._cache)))  # the oldest entry
                self._cache[index] = cached
        return cached

    def rows(self, indices: np.ndarray) -> np.ndarray:
        if self._matrix is not None:
            return self._matrix[indices]
        return self._explainer.shap_values(self._rows(indices))


class ExplainedClients:
    """The explanations and reasons of the portfolio's clients most recently asked for, per (client row, top K,
    language): a known client's answer depends on nothing else within a model version, and building its objects
    (about 70 contributions) was most of an explained Score's time. Each answer comes with its Memo, where the
    service keeps the answer's protobuf bytes once built. Bounded; its engine drops it with the version."""

    def __init__(self, size: int = EXPLAINED_CACHE_ROWS) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, int, str], tuple[Explanation, Reasons, Memo]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: tuple[int, int, str], compute: Callable[[], tuple[Explanation, Reasons]]
    ) -> tuple[Explanation, Reasons, Memo]:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        # outside the lock: two threads may compute the same row, both get equal answers
        found = (*compute(), Memo())
        with self._lock:
            self._items[key] = found
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return found
