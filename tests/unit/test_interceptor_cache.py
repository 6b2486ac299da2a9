"""The interceptors build their wrappers once per method, not per call, and still tell calls apart where it
matters (the token check answers each call by its own metadata)."""

from __future__ import annotations

from typing import Any

import grpc

from scoring_service.interceptors import (
    AuthInterceptor,
    LoggingInterceptor,
    MalformedRequestInterceptor,
    MetricsInterceptor,
)
from scoring_service.metrics import ServiceMetrics


class Details(grpc.HandlerCallDetails):
    def __init__(self, method: str, metadata: tuple[tuple[str, str], ...] = ()) -> None:
        self.method = method
        self.invocation_metadata = metadata


def registered(method: str) -> grpc.RpcMethodHandler:
    return grpc.unary_unary_rpc_method_handler(
        lambda request, context: request, request_deserializer=bytes, response_serializer=bytes
    )


def test_each_interceptor_hands_out_one_wrapper_per_method() -> None:
    handlers = {m: registered(m) for m in ("/s/A", "/s/B")}

    def continuation(details: Any) -> grpc.RpcMethodHandler:
        return handlers[details.method]

    for interceptor in (MetricsInterceptor(ServiceMetrics()), MalformedRequestInterceptor()):
        first = interceptor.intercept_service(continuation, Details("/s/A"))
        assert first is not handlers["/s/A"]  # wrapped
        assert interceptor.intercept_service(continuation, Details("/s/A")) is first
        assert interceptor.intercept_service(continuation, Details("/s/B")) is not first


def test_the_token_check_stays_per_call() -> None:
    handler = registered("/s/A")
    auth = AuthInterceptor("s3cret")
    allowed = auth.intercept_service(
        lambda d: handler, Details("/s/A", (("authorization", "Bearer s3cret"),))
    )
    missing = auth.intercept_service(lambda d: handler, Details("/s/A"))
    wrong = auth.intercept_service(lambda d: handler, Details("/s/A", (("authorization", "Bearer nope"),)))
    assert allowed is handler
    assert missing is not handler and wrong is not handler and missing is not wrong
    assert auth.intercept_service(lambda d: handler, Details("/s/A")) is missing
    assert (
        auth.intercept_service(lambda d: handler, Details("/s/A", (("authorization", "Bearer s3cret"),)))
        is handler
    )


def test_logging_wraps_once_per_method_when_calls_are_logged(caplog: Any) -> None:
    handler = registered("/s/A")
    caplog.set_level("INFO", logger="scoring_service.rpc")
    logging_interceptor = LoggingInterceptor()
    first = logging_interceptor.intercept_service(lambda d: handler, Details("/s/A"))
    assert first is not handler
    assert logging_interceptor.intercept_service(lambda d: handler, Details("/s/A")) is first
