"""Fixtures shared by the data-plane unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring_service.dataplane import DataPlane
from tests.server_support import offline_dataplane


@pytest.fixture(scope="module")
def plane(tiny_bundle_dir: Path) -> Iterator[DataPlane]:
    """The data plane over the tiny bundle, without event store or alias polling."""
    dataplane = offline_dataplane(tiny_bundle_dir)
    dataplane.start()
    yield dataplane
    dataplane.stop()
