"""The base of every error a user can fix: its message names the problem and the fix, and a command that meets one
prints that sentence and exits with code 2 instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError

T = TypeVar("T")


class UserError(Exception):
    """A failure the user can fix (a file, a setting, a store); the message says what is wrong and what to do."""

    exit_code = 2


def exit_with(error: UserError) -> int:
    """Print the error's sentence on stderr for a command line; returns the command's exit code."""
    print(f"error: {error}", file=sys.stderr)
    return error.exit_code


class SettingsError(UserError):
    """A setting (an environment variable or a command-line option) that the app's settings refused."""


def settings_error(exc: ValidationError, env_prefix: str, options: bool = False) -> SettingsError:
    """The refused settings named as the user sets them (PREFIX_FIELD, and --field when every setting is also a
    command-line option), with the value given and the rule."""
    problems = []
    for error in exc.errors():
        field = "_".join(map(str, error["loc"])) or "settings"
        name = f"{env_prefix}{field.upper()}"
        if options:
            name = f"--{field.replace('_', '-')} / {name}"
        problems.append(f"{name}={error.get('input')!r}: {error['msg']}")
    return SettingsError(
        f"Invalid settings: {'; '.join(problems)}. Set the environment variable (or its command-line option) to a "
        "valid value, or unset it for the default."
    )


def load_settings(factory: Callable[[], T], env_prefix: str) -> T:
    """The app's settings from `factory`; a refused value is raised as a SettingsError naming its variable."""
    try:
        return factory()
    except ValidationError as exc:
        raise settings_error(exc, env_prefix) from None
