"""Probability and decision for one client, a what-if on a known client, or a new application.

The portfolio is turned once, at load, into a numpy object matrix in the model's feature order and scored in
one vectorised call: scoring a known client is then a lookup, and a what-if or new application scores a
single numpy row (CatBoost takes ~50 us from a numpy row against ~180 us from a one-row DataFrame).

Unknown category levels are accepted: CatBoost treats a level it never saw in training like a rare one.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from registry.bundle import ModelBundle
from scoring_service.domain import Decision, FeatureValue
from scoring_service.errors import QUOTE_LIMIT, InvalidArgument, NotFound, quoted
from scoring_service.event_packing import SplitValues
from scoring_service.model_input import DEFAULT_MISSING_CATEGORY, FeatureBuilder, ModelInput

__all__ = [
    "DEFAULT_MISSING_CATEGORY",
    "FeatureBuilder",
    "ModelInput",
    "Scorer",
    "decide",
    "validate_client_id",
]

log = logging.getLogger(__name__)

MIN_CLIENT_ID = 100_000
MAX_CLIENT_ID = 999_999


def validate_client_id(client_id: object) -> int:
    """A client id is a positive six-digit integer (SK_ID_CURR)."""
    if isinstance(client_id, bool) or not isinstance(client_id, numbers.Integral):
        raise InvalidArgument(
            f"client_id must be a six-digit integer, got {quoted(client_id)}.", field="client_id"
        )
    value = int(client_id)
    if not MIN_CLIENT_ID <= value <= MAX_CLIENT_ID:
        raise InvalidArgument(
            f"client_id {value} is not a positive six-digit number ({MIN_CLIENT_ID} to {MAX_CLIENT_ID}).",
            field="client_id",
        )
    return value


def decide(probability: float, threshold: float) -> Decision:
    """Refuse when the default probability reaches the business threshold."""
    return Decision.REFUSED if probability >= threshold else Decision.GRANTED


class ClientRow:
    __slots__ = ("_index", "_scorer")

    def __init__(self, scorer: Scorer, index: int) -> None:
        self._scorer, self._index = scorer, index

    def __getitem__(self, position: int) -> object:
        numeric, j = self._scorer.cell_of[position]
        matrix = self._scorer.numeric if numeric else self._scorer.categories
        return matrix[self._index, j]

    def __len__(self) -> int:
        return len(self._scorer.features)


class Scorer(ModelInput):
    """Scores known clients, what-ifs and new applications with one model version. Immutable once built."""

    def __init__(
        self,
        bundle: ModelBundle,
        feature_builder: FeatureBuilder | None = None,
        no_history: Mapping[str, float] | None = None,
    ) -> None:
        """`no_history`: the feature values of a client without any secondary-table row (row counts 0, from
        training.features.build.no_history_features), given to a new application scored without a client id."""
        super().__init__(bundle.model, bundle.metadata, feature_builder)
        self.no_history = dict(no_history or {})
        portfolio = bundle.portfolio
        self.raw_columns: tuple[str, ...] = tuple(portfolio.columns)
        self._raw = portfolio
        self.client_ids = portfolio.index.to_numpy(dtype=np.int64)
        self.row_of: dict[int, int] = {int(c): i for i, c in enumerate(self.client_ids)}
        self.cell_of: list[tuple[bool, int]] = [
            (self._column_of[f][0] == "n", self._column_of[f][1]) for f in self.features
        ]
        self.numeric, self.categories = self.split(self.model_features(portfolio))
        # a known client's event: its numeric features, then its categorical ones (see event_values)
        self.event_features: tuple[str, ...] = tuple(
            self.features[i] for i in (*self.numeric_positions, *self.cat_positions)
        )
        self.probabilities = self.predict(self.numeric, self.categories)
        self._probability_list: list[float] = self.probabilities.tolist()
        self.kinds = self._field_kinds(portfolio)
        self.levels = self._known_levels([portfolio, bundle.history, bundle.reference])
        self._blank = self.split(self.model_features(self._blank_raw()))
        self.blank_row = self.rows(*self._blank)[0]

    # ---- the portfolio's matrices (see ModelInput) -----------------------------------------------
    def row(self, index: int) -> np.ndarray:
        return self.rows(self.numeric[index : index + 1], self.categories[index : index + 1])[0]

    def client_values(self, index: int) -> ClientRow:
        """A known client's values by feature position, read from the matrices one cell at a time (an
        explanation reads a few dozen cells; building the whole row costs more)."""
        return ClientRow(self, index)

    def event_values(self, index: int) -> SplitValues:
        """A known client's values for its event, named by `event_features` (numeric features first): the two
        matrices' rows as they are, without building the object row in the model's order (the event writer makes
        one per scored client; the store keeps features by name, in no order, and packs the numbers as they are)."""
        return SplitValues(self.numeric[index], self.categories[index].tolist())

    def column(self, feature: str) -> np.ndarray:
        kind, j = self._column_of[feature]
        return self.numeric[:, j] if kind == "n" else self.categories[:, j]

    def _field_kinds(self, portfolio: pd.DataFrame) -> dict[str, bool]:
        """Field name -> True when it takes a category level (a string), False when it takes a number."""
        kinds = {c: not pd.api.types.is_numeric_dtype(portfolio[c].dtype) for c in portfolio.columns}
        kinds.update({f: f in self.categorical for f in self.features})
        return kinds

    def _known_levels(self, frames: list[pd.DataFrame]) -> dict[str, frozenset[str]]:
        """Categorical field -> the levels the model's data holds (clients, training history, reference): a
        what-if may only use those, so no arbitrary text reaches the model, the event store or a report."""
        levels: dict[str, frozenset[str]] = {}
        for name, categorical in self.kinds.items():
            if categorical:
                found: set[str] = set()
                for frame in frames:
                    if name in frame.columns:
                        found.update(str(v) for v in frame[name].dropna().unique())
                levels[name] = frozenset(found)
        for j, i in enumerate(self.cat_positions):  # the model's categorical features as the model sees them
            name = self.features[i]
            levels[name] = levels.get(name, frozenset()) | frozenset(self.categories[:, j].tolist())
        return levels

    # ---- lookups ---------------------------------------------------------------------------------
    def row_index(self, client_id: int) -> int:
        index = self.row_of.get(client_id)
        if index is None:
            raise NotFound(
                f"Client {client_id} is not in the portfolio of model version scored here; "
                "check the id or search the portfolio first."
            )
        return index

    def known_probability(self, index: int) -> float:
        return self._probability_list[index]

    # ---- validation and what-if ------------------------------------------------------------------
    def validate_values(self, values: Mapping[str, FeatureValue]) -> dict[str, FeatureValue]:
        """Check every field name, type and value; the error names the field."""
        clean: dict[str, FeatureValue] = {}
        for name, value in values.items():
            if not isinstance(name, str) or name not in self.kinds:
                raise InvalidArgument(
                    f"Unknown field {quoted(name)}: give an application field or a model feature "
                    "(GetModelInfo lists the features).",
                    field=str(name)[:QUOTE_LIMIT],
                )
            if value is None:
                clean[name] = None
            elif self.kinds[name]:
                if not isinstance(value, str):
                    raise InvalidArgument(
                        f"{name} is categorical and takes a text level (a category name), got {quoted(value)}.",
                        field=name,
                    )
                if value not in self.levels.get(name, ()):
                    known = sorted(self.levels.get(name, ()))
                    shown = ", ".join(known[:12]) + (
                        f" and {len(known) - 12} more" if len(known) > 12 else ""
                    )
                    raise InvalidArgument(
                        f"{name} takes a level the model knows ({shown or 'none recorded'}), got {quoted(value)}.",
                        field=name,
                    )
                clean[name] = value
            else:
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise InvalidArgument(
                        f"{name} is numeric and takes a number, got {quoted(value)}.", field=name
                    )
                if not math.isfinite(float(value)):
                    raise InvalidArgument(
                        f"{name} must be a finite number, got {quoted(value)}; leave it out to mean missing.",
                        field=name,
                    )
                clean[name] = float(value)
        return clean

    def what_if_row(self, index: int | None, values: Mapping[str, FeatureValue]) -> np.ndarray:
        """The feature row of a known client (or a blank application) with `values` overriding its fields."""
        return self.what_if(index, values)[0]

    def what_if(
        self, index: int | None, values: Mapping[str, FeatureValue]
    ) -> tuple[np.ndarray, SplitValues]:
        """The feature row of a known client (or a blank application) with `values` overriding its fields, and
        the same values as the matrices hold a known client's (its event's values, named by `event_features`:
        the writer packs the float64 numbers as they are).

        Raw application fields are changed in the client's raw row and the application-derived features are
        recomputed by the training code; the client's secondary-table aggregates are kept. A value given for a
        feature the training code does not derive (an aggregate, for instance) is set as given.
        """
        numeric, categories = (self.numeric, self.categories) if index is not None else self._blank
        at = index if index is not None else 0
        numbers, levels = numeric[at].copy(), categories[at].copy()
        derived_columns: set[str] = set()
        raw_keys = [k for k in values if k in self._raw.columns]
        if raw_keys and self.feature_builder is not None:
            raw = self._raw.iloc[[index]].copy() if index is not None else self._blank_raw()
            for key in raw_keys:  # column by column: a whole-frame astype is ten times slower on one row
                raw[key] = raw[key].astype(object if self.kinds[key] else float)
                raw.iloc[0, raw.columns.get_loc(key)] = np.nan if values[key] is None else values[key]  # type: ignore[index]
            derived = self.feature_builder(raw)
            cells = derived.to_numpy(dtype=object)[0]
            for column, value in zip(derived.columns, cells, strict=True):
                position = self.position.get(column)
                if position is not None:
                    self._set(numbers, levels, position, self._cell(column, value))
                    derived_columns.add(column)
        for key, value in values.items():
            if key in self.position and key not in derived_columns:
                self._set(numbers, levels, self.position[key], self._cell(key, value))
        return self.rows(numbers[None], levels[None])[0], SplitValues(numbers, levels.tolist())

    def _set(self, numbers: np.ndarray, levels: np.ndarray, position: int, value: object) -> None:
        numeric, j = self.cell_of[position]
        (numbers if numeric else levels)[j] = value

    def _blank_raw(self) -> pd.DataFrame:
        blank = self._raw.iloc[:0].reindex([0])
        blank.index.name = self._raw.index.name
        for name, value in self.no_history.items():
            if name in blank.columns:
                blank[name] = value
        return blank

    def _cell(self, feature: str, value: object) -> object:
        missing = value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[call-overload]
        if feature in self.categorical:
            return self.missing_category if missing else str(value)
        return float("nan") if missing else float(value)  # type: ignore[arg-type]
