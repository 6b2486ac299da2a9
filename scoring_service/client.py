"""The typed Python client of the scoring service, used by the dashboard and the tests.

It satisfies `scoring_service.domain.ScoringApi`, so code written against the in-process engine runs
unchanged over gRPC. Every call has a deadline; other status codes than OK come back as the matching
`scoring_service.errors` class.

Several replicas behind one address: the channel's service config balances calls round-robin over every
address the target resolves to (`scoring:50051` where DNS gives each replica's address, or a list such as
`ipv4:127.0.0.1:50051,127.0.0.1:50052`), sends them only to replicas whose health service says SERVING (a
replica draining before its stop, or still loading its model, gets none), and lets gRPC retry a call that
found no replica or was refused UNAVAILABLE, with bounded attempts and backoff, inside the call's one
deadline. Calls never wait for a replica to come up (wait_for_ready false): when every replica is down the
caller learns it at once, after its few retries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from scoring_service import domain as d
from scoring_service import translate as t
from scoring_service import translate_drift as td
from scoring_service import translate_peers as tp
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.errors import ScoringError
from scoring_service.status_codes import FIELD_KEY, error_from

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ScoringService"].full_name
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
BACKOFF_SECONDS = 0.1  # the first retry waits up to this (gRPC draws the wait at random below the bound)
MAX_BACKOFF_SECONDS = 1.0
MAX_RETRIES = 4  # gRPC tries a call at most 5 times
DECODED_ANSWERS = 1_024  # explained answers kept decoded (about 25 kB each)
# Every method of the service reads or scores, none writes: gRPC retries a call only after UNAVAILABLE, which the
# service answers before doing any work (no model loaded, draining) or the transport gives when the connection
# broke. Score and ScoreBatch are not idempotent by request id (the service draws each answer's id): a call retried
# after its connection broke while the service was answering may leave one more event in the store, with its own
# id; the answer is the same. A new method is added here only once that holds for it (a test compares this list
# with the service's methods).
RETRIED_METHODS = (
    "Score",
    "ScoreBatch",
    "GetClient",
    "SearchClients",
    "ComparePeers",
    "GetModelInfo",
    "GetDriftStatus",
    "GetDriftReport",
)

R = TypeVar("R")


def service_config(retries: int) -> dict[str, Any]:
    """The channel's service config: round-robin over the target's addresses, client-side health checks,
    and `retries` more attempts after UNAVAILABLE (none when 0) with exponential backoff."""
    method: dict[str, Any] = {
        "name": [{"service": SERVICE_NAME, "method": name} for name in RETRIED_METHODS],
        "waitForReady": False,
    }
    if retries > 0:
        method["retryPolicy"] = {
            "maxAttempts": retries + 1,
            "initialBackoff": f"{BACKOFF_SECONDS}s",
            "maxBackoff": f"{MAX_BACKOFF_SECONDS}s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE"],
        }
    return {
        "loadBalancingConfig": [{"round_robin": {}}],
        "healthCheckConfig": {"serviceName": SERVICE_NAME},
        "methodConfig": [method],
    }


def _error(exc: grpc.RpcError) -> ScoringError:
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    details = exc.details() if hasattr(exc, "details") else str(exc)
    trailing = exc.trailing_metadata() if hasattr(exc, "trailing_metadata") else None
    raw = next((item.value for item in trailing or () if item.key == FIELD_KEY), None)
    field = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    return error_from(code, details, field=field)


class ScoringClient:
    """`ScoringClient(address, token=None, root_certificates=None, timeout=2.0, retries=2)`.

    address is a gRPC target: host:port (every address the name resolves to is used) or
    `ipv4:host:port,host:port,...`. root_certificates (PEM bytes) turns TLS on; token is sent as
    `authorization: Bearer <token>`. timeout is the deadline of each call, its retries included (ScoreBatch:
    of the whole stream, scaled by batch_timeout_per_client); retries (0 to 4) is how many more times a call
    is tried after UNAVAILABLE, on another replica when there is one.
    """

    def __init__(
        self,
        address: str,
        token: str | None = None,
        root_certificates: bytes | None = None,
        timeout: float = 2.0,
        retries: int = 2,
        batch_timeout_per_client: float = 0.001,
    ) -> None:
        if not 0 <= retries <= MAX_RETRIES:
            raise ValueError(
                f"retries must be between 0 and {MAX_RETRIES} (gRPC tries a call at most 5 times)."
            )
        options: list[tuple[str, Any]] = [
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.service_config", json.dumps(service_config(retries))),
            ("grpc.service_config_disable_resolution", 1),  # this config, never one from a DNS TXT record
            ("grpc.enable_retries", 1),
        ]
        if root_certificates is not None:
            credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self._channel = grpc.secure_channel(address, credentials, options=options)
        else:
            self._channel = grpc.insecure_channel(address, options=options)
        self._stub = pb_grpc.ScoringServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self.address = address
        self.timeout = timeout
        self.retries = retries
        self.batch_timeout_per_client = batch_timeout_per_client
        self._answers = t.DecodedAnswers(DECODED_ANSWERS)

    # --- ScoringApi -----------------------------------------------------------------------------------------

    def score(self, request: d.ScoreRequest) -> d.ScoreResult:
        if not isinstance(request, d.ScoreRequest):
            raise TypeError(
                f"ScoringClient.score takes a ScoreRequest, not {type(request).__name__}: for client 100024, "
                "client.score(ScoreRequest(client_id=100024)); score_batch takes a list of ids."
            )
        response = self._call(self._stub.Score, t.score_request_to_pb(request))
        return t.score_result_from_pb(response, answers=self._answers)

    def score_batch(self, client_ids: Sequence[int], explain: bool = False) -> Iterator[d.ScoreResult]:
        """Streams results in the order of the ids; the deadline grows with the number of ids. Without
        explanations the service is asked for columns (a dozen messages for 50,000 clients); a service that
        answers one message per result is read as well."""
        message = pb.ScoreBatchRequest(client_ids=list(client_ids), explain=explain, columns=not explain)
        timeout = self.timeout + len(message.client_ids) * self.batch_timeout_per_client * (
            10 if explain else 1
        )
        chunks = self._call(self._stub.ScoreBatch, message, timeout=timeout, stream=True)
        try:
            for chunk in chunks:
                if chunk.HasField("columns"):
                    yield from t.columns_from_pb(chunk.columns).results()
                for result in chunk.results:
                    yield t.score_result_from_pb(result, explained=explain)
        except grpc.RpcError as exc:
            raise _error(exc) from None

    def get_client(self, client_id: int, language: str = "fr") -> d.ClientInfo:
        response = self._call(
            self._stub.GetClient, pb.GetClientRequest(client_id=client_id, language=language)
        )
        return t.client_info_from_pb(response)

    def search_clients(self, filters: d.ClientFilters, page: int = 0, page_size: int = 20) -> d.ClientPage:
        response = self._call(self._stub.SearchClients, t.search_request_to_pb(filters, page, page_size))
        return t.client_page_from_pb(response)

    def compare_peers(self, request: d.PeerRequest) -> d.PeerComparison:
        return tp.comparison_from_pb(self._call(self._stub.ComparePeers, tp.peer_request_to_pb(request)))

    def model_info(self, language: str = "fr") -> d.ModelInfo:
        response = self._call(self._stub.GetModelInfo, pb.GetModelInfoRequest(language=language))
        return tp.model_info_from_pb(response)

    def drift_status(self, language: str = "fr") -> d.DriftStatus:
        response = self._call(self._stub.GetDriftStatus, pb.GetDriftStatusRequest(language=language))
        return td.drift_status_from_pb(response)

    def drift_report(self) -> bytes:
        chunks = self._call(self._stub.GetDriftReport, pb.GetDriftReportRequest(), stream=True)
        try:
            return td.report_from_chunks(chunks)
        except grpc.RpcError as exc:
            raise _error(exc) from None

    # --- the rest -------------------------------------------------------------------------------------------

    def health(self) -> bool:
        """True when the service answers SERVING (a model is loaded); False when it is down or not ready."""
        try:
            response = self._health.Check(
                health_pb2.HealthCheckRequest(service=SERVICE_NAME),
                timeout=self.timeout,
                metadata=self._metadata,
            )
        except grpc.RpcError:
            return False
        return bool(response.status == health_pb2.HealthCheckResponse.SERVING)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> ScoringClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _call(
        self, method: Callable[..., Any], message: Any, timeout: float | None = None, stream: bool = False
    ) -> Any:
        """One call with its deadline (gRPC retries it on UNAVAILABLE, a stream until its first message)."""
        try:
            response = method(message, timeout=timeout or self.timeout, metadata=self._metadata)
            return _Prefetched(response) if stream else response
        except grpc.RpcError as exc:
            raise _error(exc) from None


class _Prefetched:
    """A stream whose first message is read at once, so that a failed call raises inside _call."""

    def __init__(self, stream: Iterator[Any]) -> None:
        self._stream = stream
        self._first = next(stream, None)

    def __iter__(self) -> Iterator[Any]:
        if self._first is not None:
            yield self._first
        yield from self._stream
