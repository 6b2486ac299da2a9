"""The scoring errors: a small hierarchy shared by the service (mapped to gRPC status codes in one table, in
`scoring_service.status_codes`) and by the Python client (which maps the codes back)."""

from __future__ import annotations

QUOTE_LIMIT = 60  # characters of a caller's input an error message repeats


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """repr(value) cut to a bounded prefix: an error message never grows with the input it quotes."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class ScoringError(Exception):
    """Base class. The message is a sentence the caller can act on."""


class InvalidArgument(ScoringError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ScoringError):
    pass


class ResourceExhausted(ScoringError):
    pass


class Unavailable(ScoringError):
    pass


class Unauthenticated(ScoringError):
    pass


class DeadlineExceeded(ScoringError):
    pass
