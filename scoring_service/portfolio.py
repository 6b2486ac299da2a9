"""The clients a relationship manager browses: lookup, descriptive fields, search by filters and bands.

Filter columns, age and income bands and the model's decisions are turned into numpy arrays once per model
version, so a search is a handful of vectorised comparisons over the whole portfolio (48,744 clients).
The same `ClientTable` serves the training history, for the observed default rate of a peer group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from scoring_service.domain import (
    AGE_BANDS,
    CONTRACT_TYPES,
    FAMILY_STATUSES,
    INCOME_BANDS,
    ClientField,
    ClientFilters,
    ClientInfo,
    ClientPage,
    ClientSummary,
    Decision,
    FeatureValue,
)
from scoring_service.errors import InvalidArgument, quoted

GENDERS: tuple[str, ...] = ("F", "M")
AGE_EDGES = (30, 40, 50, 60)  # upper bounds of AGE_BANDS but the last
INCOME_EDGES = (100_000, 150_000, 200_000, 300_000)  # upper bounds of INCOME_BANDS but the last
FILTER_COLUMNS: tuple[str, ...] = (
    "CODE_GENDER",
    "DAYS_BIRTH",
    "AMT_INCOME_TOTAL",
    "NAME_CONTRACT_TYPE",
    "NAME_FAMILY_STATUS",
)
MAX_PAGE_SIZE = 200
DAYS_PER_YEAR = 365.25


def age_years(days_birth: np.ndarray) -> np.ndarray:
    """Whole years of age from DAYS_BIRTH (negative days before the application); NaN stays NaN."""
    return np.floor(-np.asarray(days_birth, dtype=float) / DAYS_PER_YEAR)


def band_codes(values: np.ndarray, edges: tuple[int, ...]) -> np.ndarray:
    """Index of the band of each value (0 = first band), -1 for a missing value."""
    values = np.asarray(values, dtype=float)
    codes = np.digitize(values, edges, right=False)
    return np.where(np.isnan(values), -1, codes)


def age_band(days_birth: float) -> str | None:
    code = int(band_codes(age_years(np.array([days_birth])), AGE_EDGES)[0])
    return None if code < 0 else AGE_BANDS[code]


def income_band(income: float) -> str | None:
    code = int(band_codes(np.array([income]), INCOME_EDGES)[0])
    return None if code < 0 else INCOME_BANDS[code]


def validate_filters(filters: ClientFilters) -> ClientFilters:
    checks = (
        ("gender", filters.gender, GENDERS),
        ("age_band", filters.age_band, AGE_BANDS),
        ("income_band", filters.income_band, INCOME_BANDS),
        ("contract_type", filters.contract_type, CONTRACT_TYPES),
        ("family_status", filters.family_status, FAMILY_STATUSES),
    )
    for name, value, allowed in checks:
        if value is not None and value not in allowed:
            raise InvalidArgument(
                f"{name} {quoted(value)} is not a known value; use one of: {', '.join(allowed)}.", field=name
            )
    if filters.decision is not None and not isinstance(filters.decision, Decision):
        raise InvalidArgument("decision must be granted or refused.", field="decision")
    return filters


class ClientTable:
    """Filterable columns of a set of clients with the model's probability for each."""

    def __init__(self, frame: pd.DataFrame, probabilities: np.ndarray, threshold: float) -> None:
        missing = [c for c in FILTER_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"the client table lacks the columns {missing} used by the filters")
        self.size = len(frame)
        self.gender = frame["CODE_GENDER"].astype(object).to_numpy()
        self.age = age_years(frame["DAYS_BIRTH"].to_numpy(dtype=float))
        self.age_code = band_codes(self.age, AGE_EDGES)
        self.income = frame["AMT_INCOME_TOTAL"].to_numpy(dtype=float)
        self.income_code = band_codes(self.income, INCOME_EDGES)
        self.contract = frame["NAME_CONTRACT_TYPE"].astype(object).to_numpy()
        self.family = frame["NAME_FAMILY_STATUS"].astype(object).to_numpy()
        self.probability = np.asarray(probabilities, dtype=float)
        self.refused = self.probability >= threshold

    def mask(self, filters: ClientFilters | None) -> np.ndarray:
        keep = np.ones(self.size, dtype=bool)
        if filters is None:
            return keep
        if filters.gender is not None:
            keep &= self.gender == filters.gender
        if filters.age_band is not None:
            keep &= self.age_code == AGE_BANDS.index(filters.age_band)
        if filters.income_band is not None:
            keep &= self.income_code == INCOME_BANDS.index(filters.income_band)
        if filters.contract_type is not None:
            keep &= self.contract == filters.contract_type
        if filters.family_status is not None:
            keep &= self.family == filters.family_status
        if filters.decision is not None:
            keep &= self.refused == (filters.decision is Decision.REFUSED)
        return keep


class Portfolio:
    """The portfolio of one model version: summaries, descriptive fields and search."""

    def __init__(
        self,
        frame: pd.DataFrame,
        probabilities: np.ndarray,
        threshold: float,
        descriptions: Mapping[str, Mapping[str, str]],
        missing_category: str,
    ) -> None:
        self.frame = frame
        self.table = ClientTable(frame, probabilities, threshold)
        self.client_ids = frame.index.to_numpy(dtype=np.int64)
        self.by_id = np.argsort(self.client_ids, kind="stable")  # search results come in client id order
        self.credit = (
            frame["AMT_CREDIT"].to_numpy(dtype=float)
            if "AMT_CREDIT" in frame
            else np.full(len(frame), np.nan)
        )
        self.descriptions = descriptions
        self.missing_category = missing_category

    def summary(self, index: int) -> ClientSummary:
        t = self.table
        age = t.age[index]
        return ClientSummary(
            client_id=int(self.client_ids[index]),
            gender=str(t.gender[index]),
            age_years=0 if math.isnan(age) else int(age),
            income=float(t.income[index]),
            credit_amount=float(self.credit[index]),
            contract_type=str(t.contract[index]),
            family_status=str(t.family[index]),
            probability=float(t.probability[index]),
            decision=Decision.REFUSED if t.refused[index] else Decision.GRANTED,
        )

    def search(self, filters: ClientFilters, page: int, page_size: int) -> ClientPage:
        validate_filters(filters)
        if isinstance(page, bool) or not isinstance(page, int) or page < 0:
            raise InvalidArgument(f"page must be 0 or more, got {page!r}.", field="page")
        if (
            isinstance(page_size, bool)
            or not isinstance(page_size, int)
            or not 1 <= page_size <= MAX_PAGE_SIZE
        ):
            raise InvalidArgument(
                f"page_size must be from 1 to {MAX_PAGE_SIZE}, got {page_size!r}.", field="page_size"
            )
        ordered = self.by_id[self.table.mask(filters)[self.by_id]]
        chosen = ordered[page * page_size : (page + 1) * page_size]
        return ClientPage(
            clients=tuple(self.summary(int(i)) for i in chosen),
            total=len(ordered),
            page=page,
            page_size=page_size,
        )

    def client_info(self, index: int, language: str) -> ClientInfo:
        descriptions = self.descriptions.get(language, {})
        row = self.frame.iloc[index]
        return ClientInfo(
            client_id=int(self.client_ids[index]),
            fields=tuple(
                ClientField(
                    name=str(name), description=descriptions.get(str(name), ""), value=self._plain(value)
                )
                for name, value in row.items()
            ),
        )

    def _plain(self, value: object) -> FeatureValue:
        if value is None or isinstance(value, str):
            return None if value == self.missing_category else value
        if isinstance(value, (bool, np.bool_)):
            return float(value)
        if pd.isna(value):  # type: ignore[call-overload]
            return None
        return float(value)  # type: ignore[arg-type]
