"""The one table from scoring errors to status codes, read both ways, and the decorator that applies it."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from scoring_service import errors
from scoring_service.status_codes import ERROR_OF, FIELD_KEY, STATUS_OF, error_from, grpc_errors, status_of


class _Aborted(Exception):
    pass


class FakeContext:
    """Records what the decorator does to the call, as grpc's own context would."""

    def __init__(self) -> None:
        self.code: grpc.StatusCode | None = None
        self.details: str | None = None
        self.trailing: tuple[tuple[str, bytes], ...] = ()

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        self.code, self.details = code, details
        raise _Aborted(details)

    def set_trailing_metadata(self, metadata: tuple[tuple[str, bytes], ...]) -> None:
        self.trailing = metadata


class Servicer:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    @grpc_errors
    def Unary(self, request: Any, context: Any) -> str:
        if self.error:
            raise self.error
        return f"ok {request}"

    @grpc_errors
    def Stream(self, request: Any, context: Any) -> Any:
        yield 1
        if self.error:
            raise self.error
        yield 2


def test_every_error_class_has_its_own_code_and_maps_back() -> None:
    assert set(STATUS_OF) == {
        errors.InvalidArgument,
        errors.NotFound,
        errors.ResourceExhausted,
        errors.Unavailable,
        errors.Unauthenticated,
        errors.DeadlineExceeded,
    }
    assert len(set(STATUS_OF.values())) == len(STATUS_OF)
    for cls, code in STATUS_OF.items():
        assert ERROR_OF[code] is cls
    assert grpc.StatusCode.UNKNOWN not in ERROR_OF and grpc.StatusCode.INTERNAL not in ERROR_OF


def test_a_subclass_takes_the_code_of_its_parent() -> None:
    class ClientGone(errors.NotFound):
        pass

    assert status_of(ClientGone("gone")) is grpc.StatusCode.NOT_FOUND
    assert status_of(errors.ScoringError("base")) is grpc.StatusCode.INTERNAL


@pytest.mark.parametrize(("error", "code"), [(cls("why"), code) for cls, code in STATUS_OF.items()])
def test_unary_errors_abort_with_their_code_and_message(error: Exception, code: grpc.StatusCode) -> None:
    context = FakeContext()
    with pytest.raises(_Aborted):
        Servicer(error).Unary("x", context)
    assert context.code is code
    assert context.details == "why"


def test_invalid_argument_sends_its_field_in_trailing_metadata() -> None:
    context = FakeContext()
    with pytest.raises(_Aborted):
        Servicer(errors.InvalidArgument("AMT_CREDIT must be a number.", field="AMT_CREDIT")).Unary(
            "x", context
        )
    assert context.code is grpc.StatusCode.INVALID_ARGUMENT
    assert context.trailing == ((FIELD_KEY, b"AMT_CREDIT"),)


def test_a_bug_is_internal_with_a_sentence_not_the_traceback() -> None:
    context = FakeContext()
    with pytest.raises(_Aborted):
        Servicer(KeyError("secret internals")).Unary("x", context)
    assert context.code is grpc.StatusCode.INTERNAL
    assert context.details is not None and "secret internals" not in context.details
    assert "Unary" in context.details


def test_success_passes_through() -> None:
    assert Servicer(None).Unary("x", FakeContext()) == "ok x"
    assert list(Servicer(None).Stream("x", FakeContext())) == [1, 2]


def test_a_stream_aborts_after_the_messages_already_sent() -> None:
    context = FakeContext()
    received = []
    with pytest.raises(_Aborted):
        for item in Servicer(errors.ResourceExhausted("too many")).Stream("x", context):
            received.append(item)
    assert received == [1]
    assert context.code is grpc.StatusCode.RESOURCE_EXHAUSTED


def test_error_from_rebuilds_the_class_message_and_field() -> None:
    error = error_from(grpc.StatusCode.INVALID_ARGUMENT, "bad top_k", field="top_k")
    assert isinstance(error, errors.InvalidArgument)
    assert error.field == "top_k" and str(error) == "bad top_k"
    assert isinstance(error_from(grpc.StatusCode.UNAVAILABLE, "no model"), errors.Unavailable)
    other = error_from(grpc.StatusCode.INTERNAL, None)
    assert type(other) is errors.ScoringError
    assert "INTERNAL" in str(other)
