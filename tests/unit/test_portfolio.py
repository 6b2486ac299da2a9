"""Portfolio search: bands computed by hand, filters combined, pages, and errors that name the filter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from registry.bundle import ModelBundle
from scoring_service.dataplane import DataPlane
from scoring_service.domain import AGE_BANDS, INCOME_BANDS, ClientFilters, Decision
from scoring_service.errors import InvalidArgument, NotFound
from scoring_service.portfolio import AGE_EDGES, INCOME_EDGES, age_band, age_years, band_codes, income_band


@pytest.mark.parametrize(
    ("days", "band"),
    [(-365.25 * 18, "18-29"), (-365.25 * 29.99, "18-29"), (-365.25 * 30, "30-39"), (-365.25 * 59.9, "50-59"),
     (-365.25 * 60, "60+"), (-365.25 * 75, "60+")],
)  # fmt: skip
def test_age_bands(days: float, band: str) -> None:
    assert age_band(days) == band


@pytest.mark.parametrize(
    ("income", "band"),
    [(99_999, "<100k"), (100_000, "100k-150k"), (149_999.5, "100k-150k"), (150_000, "150k-200k"),
     (250_000, "200k-300k"), (300_000, "300k+"), (1e7, "300k+")],
)  # fmt: skip
def test_income_bands(income: float, band: str) -> None:
    assert income_band(income) == band


def test_a_missing_value_has_no_band() -> None:
    assert age_band(float("nan")) is None
    assert list(band_codes(np.array([np.nan, 50_000.0]), INCOME_EDGES)) == [-1, 0]
    assert len(AGE_EDGES) + 1 == len(AGE_BANDS) and len(INCOME_EDGES) + 1 == len(INCOME_BANDS)


def test_search_matches_a_filter_computed_by_hand(plane: DataPlane, tiny_bundle_dir: Path) -> None:
    raw = ModelBundle.load(tiny_bundle_dir).portfolio
    ages = age_years(raw["DAYS_BIRTH"].to_numpy(dtype=float))
    expected = raw[(raw["CODE_GENDER"] == "F") & (ages >= 30) & (ages < 40)].index
    page = plane.search_clients(ClientFilters(gender="F", age_band="30-39"), page=0, page_size=200)
    assert page.total == len(expected) > 0
    assert [c.client_id for c in page.clients] == sorted(int(i) for i in expected)
    assert all(c.gender == "F" and 30 <= c.age_years < 40 for c in page.clients)


def test_filters_combine_and_include_the_decision(plane: DataPlane) -> None:
    refused = plane.search_clients(ClientFilters(decision=Decision.REFUSED), page_size=200)
    granted = plane.search_clients(ClientFilters(decision=Decision.GRANTED), page_size=200)
    everyone = plane.search_clients(ClientFilters(), page_size=200)
    assert refused.total + granted.total == everyone.total == 200
    threshold = plane.model_info().threshold
    assert all(c.probability >= threshold for c in refused.clients)
    married_cash = plane.search_clients(
        ClientFilters(family_status="Married", contract_type="Cash loans", income_band="100k-150k"),
        page_size=200,
    )
    assert all(
        c.family_status == "Married" and c.contract_type == "Cash loans" and 100_000 <= c.income < 150_000
        for c in married_cash.clients
    )


def test_pages_cover_the_results_once(plane: DataPlane) -> None:
    seen = []
    for number in range(5):
        page = plane.search_clients(ClientFilters(gender="M"), page=number, page_size=20)
        seen.extend(c.client_id for c in page.clients)
    total = plane.search_clients(ClientFilters(gender="M"), page_size=1).total
    assert len(seen) == len(set(seen)) == min(total, 100)
    beyond = plane.search_clients(ClientFilters(gender="M"), page=99, page_size=20)
    assert beyond.clients == () and beyond.total == total


@pytest.mark.parametrize(
    ("filters", "page", "page_size", "field"),
    [
        (ClientFilters(gender="X"), 0, 20, "gender"),
        (ClientFilters(age_band="20-25"), 0, 20, "age_band"),
        (ClientFilters(income_band="rich"), 0, 20, "income_band"),
        (ClientFilters(contract_type="Mortgage"), 0, 20, "contract_type"),
        (ClientFilters(family_status="Complicated"), 0, 20, "family_status"),
        (ClientFilters(), -1, 20, "page"),
        (ClientFilters(), 0, 0, "page_size"),
        (ClientFilters(), 0, 201, "page_size"),
    ],
)
def test_bad_search_arguments_name_the_field(
    plane: DataPlane, filters: ClientFilters, page: int, page_size: int, field: str
) -> None:
    with pytest.raises(InvalidArgument) as error:
        plane.search_clients(filters, page, page_size)
    assert error.value.field == field


def test_client_info_has_described_fields(plane: DataPlane, tiny_bundle_dir: Path) -> None:
    raw = ModelBundle.load(tiny_bundle_dir).portfolio
    client = int(raw.index[0])
    info = plane.get_client(client, language="en")
    fields = {f.name: f for f in info.fields}
    assert info.client_id == client
    assert fields["AMT_INCOME_TOTAL"].value == float(raw.loc[client, "AMT_INCOME_TOTAL"])
    assert fields["AMT_INCOME_TOTAL"].description == "Client's annual income"
    assert fields["DAYS_EMPLOYED"].value == float(raw.loc[client, "DAYS_EMPLOYED"])  # the raw field, as filed
    with pytest.raises(NotFound):
        plane.get_client(999_999)
