"""The data layer's one error type, raised where a file enters and shown as-is by the command line."""

from __future__ import annotations

from common.errors import UserError


class DataError(UserError):
    """A Home Credit folder that cannot be used; the message names the file, the column and what to do."""
