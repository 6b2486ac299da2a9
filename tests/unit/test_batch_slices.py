"""The slice plan of a batch: each client's slice by its position in the file; rows of other clients dropped."""

from __future__ import annotations

import numpy as np
import pytest

from training.data.batch_slices import KeyedSlices, SlicePlan


def test_clients_go_to_slices_by_their_position_in_the_file() -> None:
    ids = np.array([50, 10, 40, 30, 20], dtype=np.int64)
    plan = SlicePlan.of(ids, slice_clients=2)
    assert plan.count == 3
    assert plan.slices_of(ids).tolist() == [0, 0, 1, 1, 2]
    assert plan.slices_of(np.array([10, 99, 5, 50, 20, 60])).tolist() == [0, -1, -1, 0, 2, -1]


def test_one_slice_when_the_batch_is_smaller_than_a_slice() -> None:
    plan = SlicePlan.of(np.array([3, 1, 2], dtype=np.int64), slice_clients=25_000)
    assert plan.count == 1 and set(plan.slices_of(np.array([1, 2, 3, 4])).tolist()) == {0, -1}


def test_credits_follow_their_clients_slice() -> None:
    credits = KeyedSlices.of(np.array([900, 700, 800]), np.array([2, 0, 1]))
    assert credits.slices_of(np.array([700, 800, 900, 1000])).tolist() == [0, 1, 2, -1]
    empty = KeyedSlices.of(np.empty(0, np.int64), np.empty(0, np.int64))
    assert empty.slices_of(np.array([1, 2])).tolist() == [-1, -1]


def test_a_slice_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SlicePlan.of(np.array([1]), slice_clients=0)
