"""The base of every error a user can fix: its message names the problem and the fix, and a command that meets one
prints that sentence and exits with code 2 instead of a traceback."""

from __future__ import annotations

import sys


class UserError(Exception):
    """A failure the user can fix (a file, a setting, a store); the message says what is wrong and what to do."""

    exit_code = 2


def exit_with(error: UserError) -> int:
    """Print the error's sentence on stderr for a command line; returns the command's exit code."""
    print(f"error: {error}", file=sys.stderr)
    return error.exit_code
