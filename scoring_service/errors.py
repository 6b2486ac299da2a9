"""The scoring errors: a small hierarchy shared by the service (mapped to gRPC status codes in one table, in
`scoring_service.status_codes`) and by the Python client (which maps the codes back)."""

from __future__ import annotations


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
