"""The one table from scoring errors to gRPC status codes, and the one decorator that applies it.

The client reads the same table backwards, so an error raised in the data plane reaches the caller of
`ScoringClient` as the same class, with the same message and the field it names.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

import grpc

from scoring_service.errors import (
    DeadlineExceeded,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    ScoringError,
    Unauthenticated,
    Unavailable,
)

logger = logging.getLogger(__name__)

STATUS_OF: dict[type[ScoringError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    DeadlineExceeded: grpc.StatusCode.DEADLINE_EXCEEDED,
}
ERROR_OF: dict[grpc.StatusCode, type[ScoringError]] = {code: cls for cls, code in STATUS_OF.items()}

# Trailing metadata key that carries InvalidArgument.field back to the client. A binary ("-bin") key: a field
# name sent by a caller may hold any character, and text metadata accepts printable ASCII only.
FIELD_KEY = "scoring-invalid-field-bin"
MAX_FIELD_BYTES = 200
MAX_DETAILS = 1_000  # characters of a status message

F = TypeVar("F", bound=Callable[..., Any])


def status_of(error: ScoringError) -> grpc.StatusCode:
    """The code of the closest class in the table (a subclass of NotFound is NOT_FOUND)."""
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]  # type: ignore[index]
    return grpc.StatusCode.INTERNAL


def abort_with(context: grpc.ServicerContext, error: ScoringError) -> NoReturn:
    field = getattr(error, "field", None)
    if field:
        context.set_trailing_metadata(((FIELD_KEY, str(field).encode()[:MAX_FIELD_BYTES]),))
    message = str(error)
    if len(message) > MAX_DETAILS:  # the status travels in headers: it never grows with the request
        message = message[:MAX_DETAILS] + "…"
    context.abort(status_of(error), message)
    raise AssertionError("unreachable: context.abort raises")  # pragma: no cover


def error_from(code: grpc.StatusCode, details: str | None, field: str | None = None) -> ScoringError:
    """The scoring error a status code stands for (the client's side of the table)."""
    message = details or f"The scoring service answered {code.name} without a message."
    cls = ERROR_OF.get(code)
    if cls is InvalidArgument:
        return InvalidArgument(message, field=field)
    if cls is None:
        return ScoringError(f"{message} (status {code.name})")
    return cls(message)


def grpc_errors(method: F) -> F:
    """Turns scoring errors raised by a servicer method (unary or server-streaming) into their status code.

    Anything else is a bug of the service, not of the request: it is logged with its traceback and answered
    INTERNAL with a sentence that says so.
    """
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def stream(self: Any, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            try:
                yield from method(self, request, context)
            except ScoringError as error:
                abort_with(context, error)
            except Exception:
                _abort_internal(context, method.__name__)

        return stream  # type: ignore[return-value]

    @functools.wraps(method)
    def unary(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return method(self, request, context)
        except ScoringError as error:
            abort_with(context, error)
        except Exception:
            _abort_internal(context, method.__name__)

    return unary  # type: ignore[return-value]


def _abort_internal(context: grpc.ServicerContext, name: str) -> NoReturn:
    logger.exception("Unexpected error in %s", name)
    context.abort(
        grpc.StatusCode.INTERNAL,
        f"The scoring service failed on {name}; the error is in its logs. Please report it.",
    )
    raise AssertionError("unreachable: context.abort raises")  # pragma: no cover
