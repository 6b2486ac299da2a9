"""Server interceptors, one per concern: token authentication, one JSON log line per call, metrics per call,
and bytes that do not parse answered INVALID_ARGUMENT (counted and logged like any call, without a traceback).

Each wraps the method's behaviour (unary or streaming) without knowing what the method does; the status code
of a call is read from its context once the behaviour has finished.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc

from scoring_service.errors import Unauthenticated
from scoring_service.metrics import ServiceMetrics
from scoring_service.status_codes import abort_with

Behavior = Callable[[Any, grpc.ServicerContext], Any]
Done = Callable[[str, str, float, grpc.ServicerContext], None]  # method, code, seconds, context

HEALTH_PREFIX = "/grpc.health.v1.Health/"

logger = logging.getLogger("scoring_service.rpc")


class _HandlerCache:
    """The handler an interceptor built for a method and the handler it wrapped, kept: gRPC asks every interceptor
    for a handler on every call, and building the wrappers anew each time cost a Score more than its scoring."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, int], tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    def get(
        self, method: str, handler: grpc.RpcMethodHandler, build: Callable[[], grpc.RpcMethodHandler]
    ) -> grpc.RpcMethodHandler:
        key = (method, id(handler))
        found = self._built.get(key)
        if found is not None and found[0] is handler:
            return found[1]
        wrapped = build()
        self._built[key] = (handler, wrapped)  # the wrapped handler is kept alive: its id stays its own
        return wrapped


def _behavior(handler: grpc.RpcMethodHandler) -> Behavior:
    if handler.response_streaming:
        found = handler.stream_stream if handler.request_streaming else handler.unary_stream
    else:
        found = handler.stream_unary if handler.request_streaming else handler.unary_unary
    assert found is not None, "a method handler always has the behaviour its streaming flags announce"
    return found  # type: ignore[return-value]


def _rebuild(
    handler: grpc.RpcMethodHandler, behavior: Behavior, request_deserializer: Any = None
) -> grpc.RpcMethodHandler:
    factory = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }[(bool(handler.request_streaming), bool(handler.response_streaming))]
    return factory(
        behavior,
        request_deserializer=request_deserializer or handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


def _final_code(context: grpc.ServicerContext, failed: bool) -> str:
    code = context.code()  # type: ignore[attr-defined]  # set by abort()/set_code(); None: ended on its own
    if code is not None:
        return str(code.name)
    if context.is_active():
        return "UNKNOWN" if failed else "OK"
    remaining = context.time_remaining()  # the call is over for the caller: a passed deadline or a cancel
    return "DEADLINE_EXCEEDED" if remaining is not None and remaining <= 0 else "CANCELLED"


def _observed(handler: grpc.RpcMethodHandler, method: str, done: Done) -> grpc.RpcMethodHandler:
    behavior = _behavior(handler)
    if handler.response_streaming:

        def stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            start, failed = time.perf_counter(), True
            try:
                yield from behavior(request, context)
                failed = False
            finally:
                done(method, _final_code(context, failed), time.perf_counter() - start, context)

        return _rebuild(handler, stream)

    def unary(request: Any, context: grpc.ServicerContext) -> Any:
        start, failed = time.perf_counter(), True
        try:
            response = behavior(request, context)
            failed = False
            return response
        finally:
            done(method, _final_code(context, failed), time.perf_counter() - start, context)

    return _rebuild(handler, unary)


class MetricsInterceptor(grpc.ServerInterceptor):
    """Counts every call and its latency, by method and status code."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self._metrics = metrics
        self._handlers = _HandlerCache()

    def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = continuation(details)
        if handler is None:
            return None
        method = details.method
        return self._handlers.get(method, handler, lambda: _observed(handler, method, self._done))

    def _done(self, method: str, code: str, seconds: float, context: grpc.ServicerContext) -> None:
        self._metrics.observe(method, code, seconds)


class LoggingInterceptor(grpc.ServerInterceptor):
    """One structured log line per call: method, status code, duration, peer."""

    def __init__(self) -> None:
        self._handlers = _HandlerCache()

    def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = continuation(details)
        if handler is None or not logger.isEnabledFor(logging.INFO):
            return handler
        method = details.method
        return self._handlers.get(method, handler, lambda: _observed(handler, method, self._done))

    @staticmethod
    def _done(method: str, code: str, seconds: float, context: grpc.ServicerContext) -> None:
        level = logging.INFO if code == "OK" else logging.WARNING
        if code in {"UNKNOWN", "INTERNAL"}:
            level = logging.ERROR
        logger.log(
            level,
            "rpc",
            extra={"method": method, "code": code, "ms": round(seconds * 1000, 3), "peer": context.peer()},
        )


class AuthInterceptor(grpc.ServerInterceptor):
    """Lets a call through only with the metadata `authorization: Bearer <token>`.

    The health service stays open, so that orchestrators' probes need no secret.
    """

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()
        self._missing = _HandlerCache()
        self._wrong = _HandlerCache()

    def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = continuation(details)
        method = details.method
        if handler is None or method.startswith(HEALTH_PREFIX):
            return handler
        sent = next((v for k, v in details.invocation_metadata or () if k == "authorization"), None)
        if sent is None:
            return self._missing.get(
                method,
                handler,
                lambda: self._deny(handler, "This call needs the metadata `authorization: Bearer <token>`."),
            )
        value = sent.encode() if isinstance(sent, str) else sent
        if not hmac.compare_digest(value, self._expected):
            return self._wrong.get(
                method,
                handler,
                lambda: self._deny(
                    handler, "The bearer token in `authorization` is not the service's token."
                ),
            )
        return handler

    @staticmethod
    def _deny(handler: grpc.RpcMethodHandler, message: str) -> grpc.RpcMethodHandler:
        # the same status table as every other error (Unauthenticated -> UNAUTHENTICATED)
        def deny(request: Any, context: grpc.ServicerContext) -> Any:
            abort_with(context, Unauthenticated(message))

        def deny_stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            abort_with(context, Unauthenticated(message))
            yield  # pragma: no cover - abort raises

        return _rebuild(handler, deny_stream if handler.response_streaming else deny)


class _Malformed:
    """What a request that did not parse becomes, so that the call is answered by an interceptor."""


MALFORMED = _Malformed()


class MalformedRequestInterceptor(grpc.ServerInterceptor):
    """Bytes that are not the method's request message are answered INVALID_ARGUMENT, after the token check
    (this interceptor is the innermost), inside the metrics and the log, with no traceback. Without it gRPC logs
    an ERROR with a traceback for each such call and answers INTERNAL before any interceptor sees it."""

    def __init__(self) -> None:
        self._handlers = _HandlerCache()

    def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = continuation(details)
        if handler is None or handler.request_deserializer is None:
            return handler
        method = details.method
        return self._handlers.get(method, handler, lambda: self._tolerant(handler, method))

    @staticmethod
    def _tolerant(handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        parse = handler.request_deserializer
        assert parse is not None, "intercept_service wraps only methods that parse their request"
        behavior = _behavior(handler)
        message = f"The request is not a valid {method.rsplit('/', 1)[-1]} request message."

        def tolerant(data: bytes) -> Any:
            try:
                return parse(data)
            except Exception:  # protobuf's DecodeError and whatever a generated parser raises
                return MALFORMED

        if handler.request_streaming:

            def checked(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
                for request in requests:
                    if request is MALFORMED:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
                    yield request

            def streaming(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
                return behavior(checked(requests, context), context)

            wrapped: Behavior = streaming
        else:

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                if request is MALFORMED:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
                return behavior(request, context)

            wrapped = unary
        return _rebuild(handler, wrapped, request_deserializer=tolerant)
