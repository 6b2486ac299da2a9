"""Fixtures shared by the data-plane unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring_service.dataplane import DataPlane, build_dataplane


@pytest.fixture(scope="module")
def plane(tiny_bundle_dir: Path) -> Iterator[DataPlane]:
    """The data plane over the tiny bundle, without event store or alias polling."""
    dataplane = build_dataplane(
        str(tiny_bundle_dir),
        None,
        None,
        poll_seconds=0,
        event_batch_size=10,
        event_flush_seconds=0.1,
        max_batch_size=50,
    )
    dataplane.start()
    yield dataplane
    dataplane.stop()
