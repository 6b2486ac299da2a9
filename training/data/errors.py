"""The data layer's error types, raised where a file or a value enters and shown as-is by the command line."""

from __future__ import annotations

from common.errors import UserError


class DataError(UserError):
    """A Home Credit folder that cannot be used; the message names the file, the column and what to do."""


class FeatureInputError(DataError, ValueError):
    """Tables or values the feature declarations cannot use (a missing column, a repeated id, a text where a
    number belongs); a ValueError too, so that the scoring service answers it as an invalid argument."""
