"""Packed features read back as the JSON form reads: every kind of value a feature can take, by name."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from scoring_service.event_packing import SplitValues, feature_list_key, group_by_names, pack, unpack
from scoring_service.event_store import json_text

NAMES = ("AMT", "GENDER", "EXT", "CODE", "COUNT", "FLAG", "MIXED", "EMPTY", "TINY")
ROWS: list[list[object]] = [
    [1.5, "F", math.nan, "1", 3, True, 2.5, None, 1e-300],
    [-0.0, "M", None, "2", 4, False, "x", None, np.float64(7.25)],
    [math.inf, None, -math.inf, None, 5, None, None, math.nan, -1e300],
]


def as_json(rows: list[list[object]]) -> pd.DataFrame:
    """What the JSON form gives a reader (read_events before packing)."""
    return pd.DataFrame.from_records([json.loads(json_text(dict(zip(NAMES, r, strict=True)))) for r in rows])


def test_packed_values_read_back_as_their_json_form_reads() -> None:
    refused: list[int] = []
    packed, kept = pack(NAMES, ROWS, lambda i, exc: refused.append(i))
    assert kept == [0, 1, 2] and not refused
    width = 8 * len(NAMES)
    rows = [packed.numbers[i * width : (i + 1) * width] for i in kept]
    assert rows == [packed.row_numbers(i) for i in kept]
    frame = unpack(NAMES, rows, packed.others, [0, 1, 2])
    expected = as_json(ROWS)
    pd.testing.assert_frame_equal(frame, expected)
    assert math.copysign(1.0, frame.loc[1, "AMT"]) == -1.0  # -0.0 kept
    assert (
        frame.loc[0, "CODE"] == "1" and frame.loc[0, "COUNT"] == 3
    )  # a level that looks like a number stays text


def test_packed_numbers_cost_eight_bytes_a_feature_and_names_are_stored_once() -> None:
    packed, _ = pack(NAMES, ROWS[:1], lambda i, exc: None)
    assert len(packed.row_numbers(0)) == 8 * len(NAMES)
    assert packed.key == feature_list_key(list(NAMES)) != feature_list_key(NAMES[::-1])
    assert packed.others[0] is not None and "GENDER" not in packed.others[0]  # positions, not names


def test_a_value_that_cannot_be_stored_refuses_its_row_only() -> None:
    rows = [list(ROWS[0]), list(ROWS[1]), list(ROWS[2])]
    rows[1][1] = object()  # not a number, not JSON
    refused: list[int] = []
    packed, kept = pack(NAMES, rows, lambda i, exc: refused.append(i))
    assert kept == [0, 2] and refused == [1] and len(packed.others) == 2
    frame = unpack(NAMES, [packed.row_numbers(0), packed.row_numbers(1)], packed.others, [0, 2])
    pd.testing.assert_frame_equal(frame, as_json([ROWS[0], ROWS[2]]).set_axis([0, 2]))


def test_numbers_that_do_not_match_the_feature_list_are_refused_on_reading() -> None:
    with pytest.raises(ValueError, match="feature list of 9 features"):
        unpack(NAMES, [b"\0" * 16], [None], [0])


def test_events_group_by_their_feature_list() -> None:
    first, second = ("A", "B"), ("B", "A")
    items = [first, second, ("A", "B"), first]
    assert list(group_by_names(items, lambda names: names)) == [[0, 2, 3], [1]]


def test_the_scorers_rows_pack_as_their_values_do() -> None:
    """A known client's values come as its matrix rows (SplitValues): packed alike, read alike, by any store."""
    names = ("AMT", "EXT", "DAYS", "GENDER", "CODE")
    matrix = np.array([[1.5, math.nan, -37.0], [2.5, 0.25, math.inf]])
    levels: list[list[object]] = [["F", "1"], [None, "2"]]
    split = [SplitValues(matrix[i], levels[i]) for i in range(2)]
    plain = [[*matrix[i].tolist(), *levels[i]] for i in range(2)]
    assert list(split[1]) == plain[1] and len(split[0]) == 5 and split[0][3] == "F"
    for rows in (split, [split[0], plain[1]]):  # all the scorer's rows, or mixed with a what-if's
        packed, kept = pack(names, rows, lambda i, exc: None)
        expected, _ = pack(names, plain, lambda i, exc: None)
        assert kept == [0, 1] and packed == expected
    numbers = [packed.row_numbers(0), packed.row_numbers(1)]
    frame = unpack(names, numbers, packed.others, [0, 1])
    expected_frame = pd.DataFrame.from_records(
        [json.loads(json_text(dict(zip(names, r, strict=True)))) for r in plain]
    )
    pd.testing.assert_frame_equal(frame, expected_frame)
