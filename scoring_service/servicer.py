"""The gRPC servicer: protobuf in, domain request to the data plane, domain result back to protobuf.

No scoring logic lives here; errors raised by the data plane become status codes through `status.grpc_errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import grpc

from scoring_service import translate as t
from scoring_service import translate_drift as td
from scoring_service import translate_peers as tp
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.domain import ScoreColumns, ScoringApi
from scoring_service.status_codes import grpc_errors

# Results per streamed message of ScoreBatch: large enough that gRPC's per-message cost vanishes, small enough
# that a chunk with explanations stays far below the 4 MB message limit.
BATCH_CHUNK = 512


class ServedApi(ScoringApi, Protocol):
    """What the service serves: the scoring API, and a batch's results as columns (the in-process engine only; the
    gRPC client reads them back as results)."""

    def score_batch_columns(self, client_ids: Sequence[int]) -> Iterator[ScoreColumns]: ...


class ScoringServicer(pb_grpc.ScoringServiceServicer):
    def __init__(self, api: ServedApi) -> None:
        self._api = api

    @grpc_errors
    def Score(self, request: pb.ScoreRequest, context: grpc.ServicerContext) -> pb.ScoreResponse:
        return t.score_result_to_pb(self._api.score(t.score_request_from_pb(request)))

    @grpc_errors
    def ScoreBatch(
        self, request: pb.ScoreBatchRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScoreBatchResponse]:
        if request.columns and not request.explain:
            yield from self._columns(self._api.score_batch_columns(list(request.client_ids)), context)
            return
        chunk = pb.ScoreBatchResponse()
        results = self._api.score_batch(list(request.client_ids), explain=request.explain)
        # the data plane records a result's event only once its message went out (a cancelled call records
        # nothing its caller did not receive)
        deliveries = getattr(results, "deliveries", None)
        delivered: Callable[[], None] = deliveries() if deliveries is not None else _nothing
        try:
            for result in results:
                t.fill_score_response(result, chunk.results.add())
                if len(chunk.results) >= BATCH_CHUNK:
                    if not context.is_active():  # deadline passed or caller gone: stop computing
                        return
                    yield chunk
                    delivered()
                    chunk = pb.ScoreBatchResponse()
            if chunk.results and context.is_active():
                yield chunk
                delivered()
        finally:
            getattr(results, "close", _nothing)()  # frees the batch's slot even when the call is cancelled

    @staticmethod
    def _columns(
        chunks: Iterator[ScoreColumns], context: grpc.ServicerContext
    ) -> Iterator[pb.ScoreBatchResponse]:
        """One message per chunk of columns; a chunk's events are recorded once its message went out."""
        deliveries = getattr(chunks, "deliveries", None)
        delivered: Callable[[], None] = deliveries() if deliveries is not None else _nothing
        try:
            for columns in chunks:
                if not context.is_active():  # deadline passed or caller gone: stop computing
                    return
                message = pb.ScoreBatchResponse()
                t.columns_to_pb(columns, message.columns)
                yield message
                delivered()
        finally:
            getattr(chunks, "close", _nothing)()

    @grpc_errors
    def GetClient(self, request: pb.GetClientRequest, context: grpc.ServicerContext) -> pb.ClientInfo:
        info = self._api.get_client(request.client_id, language=request.language or t.DEFAULT_LANGUAGE)
        return t.client_info_to_pb(info)

    @grpc_errors
    def SearchClients(self, request: pb.SearchClientsRequest, context: grpc.ServicerContext) -> pb.ClientPage:
        filters, page, page_size = t.search_request_from_pb(request)
        return t.client_page_to_pb(self._api.search_clients(filters, page=page, page_size=page_size))

    @grpc_errors
    def ComparePeers(self, request: pb.PeerRequest, context: grpc.ServicerContext) -> pb.PeerComparison:
        return tp.comparison_to_pb(self._api.compare_peers(tp.peer_request_from_pb(request)))

    @grpc_errors
    def GetModelInfo(self, request: pb.GetModelInfoRequest, context: grpc.ServicerContext) -> pb.ModelInfo:
        return tp.model_info_to_pb(self._api.model_info(language=request.language or t.DEFAULT_LANGUAGE))

    @grpc_errors
    def GetDriftStatus(
        self, request: pb.GetDriftStatusRequest, context: grpc.ServicerContext
    ) -> pb.DriftStatus:
        return td.drift_status_to_pb(self._api.drift_status(language=request.language or t.DEFAULT_LANGUAGE))

    @grpc_errors
    def GetDriftReport(
        self, request: pb.GetDriftReportRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.DriftReportChunk]:
        yield from td.report_chunks(self._api.drift_report())


def _nothing() -> None:
    """An API whose batches record nothing (or record on their own)."""
