"""The data plane: the scoring API in plain Python (no gRPC), over the engine of the version serving now.

Each request takes the current engine once and uses only it, so a hot reload (one reference swapped by the
model source) never mixes two versions inside a request. Errors are the classes of scoring_service.errors.
Every Score and every client of a ScoreBatch is recorded in the event store. A Score is handed to the event
writer (a queue put that never waits; the database write happens in its thread); a batch's events are queued once
the caller has been handed the results (a cancelled batch records nothing it did not deliver), waiting for room in
the event queue at most one budget per call, so that a slow store can never hold the service's threads.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from scoring_service.domain import (
    ClientFilters,
    ClientInfo,
    ClientPage,
    Decision,
    DriftStatus,
    ModelInfo,
    PeerComparison,
    PeerRequest,
    ScoreColumns,
    ScoreRequest,
    ScoreResult,
)
from scoring_service.drift_status import read_drift_report, read_drift_status
from scoring_service.engine import Engine, build_engine
from scoring_service.errors import InvalidArgument, NotFound, ResourceExhausted, Unavailable
from scoring_service.event_packing import SplitValues
from scoring_service.event_store import PredictionEvent
from scoring_service.event_writer import EventWriter
from scoring_service.explainer import SHAP_CHUNK_ROWS, validate_language, validate_top_k
from scoring_service.model_source import ModelSource
from scoring_service.scorer import FeatureBuilder, Scorer, decide, validate_client_id

log = logging.getLogger(__name__)

# A batch call waits at most this long in all for room in a full event queue; beyond, its events are dropped and
# counted (a single Score never waits).
BATCH_EVENT_BUDGET_SECONDS = 2.0
# Results per chunk of a batch asked as columns: a few thousand (about 80 kB a message), so that a batch of 50,000
# clients is about a dozen messages.
COLUMN_CHUNK = 4_096
GRANTED, REFUSED = Decision.GRANTED.value, Decision.REFUSED.value

T = TypeVar("T")
H = TypeVar("H")


class DataPlane:
    """Satisfies scoring_service.domain.ScoringApi; raises scoring_service.errors classes only."""

    def __init__(
        self,
        source: ModelSource[Engine] | None,
        events: EventWriter | None,
        *,
        max_batch_size: int,
        max_concurrent_batches: int = 4,
        drift_status_dir: Path | None = None,
    ) -> None:
        self._engine: Engine | None = None
        self._drift_dir = drift_status_dir
        self._source = source
        self._events = events
        self.max_batch_size = max_batch_size
        self._listeners: list[Callable[[bool], None]] = []
        self._lock = threading.Lock()
        self._swaps = 0
        # batches in progress at once: the other worker threads stay free for single scores, whatever batches do
        self._batch_slots = threading.BoundedSemaphore(max_concurrent_batches)

    # ---- life cycle ------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._engine is not None

    def add_ready_listener(self, callback: Callable[[bool], None]) -> None:
        """`callback(ready)` now, then on each change (True when a model loads, False at stop)."""
        with self._lock:
            self._listeners.append(callback)
        callback(self.ready)

    def set_engine(self, engine: Engine | None) -> None:
        """Swap the serving engine (one reference: requests in flight keep the one they took)."""
        was_ready = self.ready
        self._engine = engine
        if engine is not None:
            self._swaps += 1
        if was_ready != self.ready:
            for callback in list(self._listeners):
                callback(self.ready)

    def start(self) -> None:
        """Load the model (a failure is logged, the plane stays not ready), follow it, start the writer."""
        if self._events is not None:
            self._events.start()
        if self._source is not None:
            self._source.check()
            self._source.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop following the model, then write every queued event (a graceful stop loses none)."""
        if self._source is not None:
            self._source.stop(timeout)
        if self._events is not None:
            self._events.stop(timeout)
        self.set_engine(None)

    def stats(self) -> dict[str, object]:
        engine = self._engine
        stats: dict[str, object] = {
            "ready": engine is not None,
            "model_version": engine.version if engine else None,
            "model_loaded_at": engine.loaded_at if engine else None,
            "model_build_seconds": engine.build_seconds if engine else None,
            "model_swaps": self._swaps,
            "portfolio_clients": len(engine.scorer.client_ids) if engine else 0,
        }
        if self._source is not None:
            stats.update(self._source.stats())
        if self._events is not None:
            stats.update(self._events.stats())
        return stats

    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            raise Unavailable(
                "No model is loaded yet: the service is waiting for a registered model (see its log for the "
                "model URI and the fix). Retry in a moment."
            )
        return engine

    # ---- scoring ---------------------------------------------------------------------------------
    def score(self, request: ScoreRequest) -> ScoreResult:
        started = time.perf_counter()
        engine = self.engine()
        scorer = engine.scorer
        client_id = None if request.client_id is None else validate_client_id(request.client_id)
        if request.explain:
            validate_top_k(request.top_k)
        language = validate_language(request.language)
        values = scorer.validate_values(request.values) if request.values else {}
        if client_id is None and not values:
            raise InvalidArgument(
                "Give a client id, feature values for a new application, or both for a what-if.",
                field="client_id",
            )
        index = None if client_id is None else scorer.row_index(client_id)
        row: np.ndarray | None = None
        event_values: SplitValues | None = None
        if values:
            row, event_values = scorer.what_if(index, values)
            probability = scorer.predict_row(row)
        else:
            assert index is not None
            probability = scorer.known_probability(index)  # precomputed at load: a lookup
        decision = decide(probability, scorer.threshold)
        explanation = reasons = memo = None
        if request.explain:
            # a known client: its SHAP row was computed at load, its answer is kept once built
            if row is None:
                known = index
                assert known is not None
                explanation, reasons, memo = engine.explained.get(
                    (known, request.top_k, language),
                    lambda: engine.explainer.explain_with_reasons(
                        engine.shap.row(known), scorer.client_values(known), request.top_k, language
                    ),
                )
            else:
                shap_row = engine.explainer.shap_values(row.reshape(1, -1))[0]
                explanation, reasons = engine.explainer.explain_with_reasons(
                    shap_row, row, request.top_k, language
                )
        result = ScoreResult(
            request_id=uuid.uuid4().hex,
            client_id=client_id,
            probability=probability,
            decision=decision,
            threshold=scorer.threshold,
            model_version=engine.version,
            explanation=explanation,
            reasons=reasons,
            memo=memo,
        )
        if self._events is not None:
            self._events.submit(_score_event(result, scorer, index, event_values, started, request.explain))
        return result

    def score_batch(self, client_ids: Sequence[int], explain: bool = False) -> Iterator[ScoreResult]:
        """Validate every id first (an error comes before any result), then stream the results in order."""
        engine = self.engine()
        indices = self._batch_indices(engine, client_ids)
        return ScoredBatch(
            self._stream(engine, indices, explain),
            self._events,
            engine.scorer,
            explain,
            self._batch_slots.release,
        )

    def score_batch_columns(
        self, client_ids: Sequence[int], chunk_size: int = COLUMN_CHUNK
    ) -> Iterator[ScoreColumns]:
        """score_batch without explanations, in chunks of `chunk_size` results held column by column (computed
        a chunk at a time from the probabilities kept at load, with no object per client)."""
        engine = self.engine()
        indices = self._batch_indices(engine, client_ids)
        return ScoredColumns(
            self._column_chunks(engine, indices, max(1, chunk_size)),
            self._events,
            engine.scorer,
            False,
            self._batch_slots.release,
        )

    def _batch_indices(self, engine: Engine, client_ids: Sequence[int]) -> np.ndarray:
        """The clients' rows, every id checked; then takes one of the batch slots (the caller releases it)."""
        if len(client_ids) > self.max_batch_size:
            raise ResourceExhausted(
                f"A batch holds at most {self.max_batch_size} clients, got {len(client_ids)}; split it."
            )
        scorer = engine.scorer
        indices = np.fromiter(
            (scorer.row_index(validate_client_id(c)) for c in client_ids),
            dtype=np.int64,
            count=len(client_ids),
        )
        if not self._batch_slots.acquire(blocking=False):
            raise ResourceExhausted(
                "Too many batches are being scored at once; retry in a moment (single scores are not affected)."
            )
        return indices

    @staticmethod
    def _column_chunks(
        engine: Engine, indices: np.ndarray, chunk_size: int
    ) -> Iterator[tuple[ScoreColumns, np.ndarray]]:
        """(chunk, its row indices) in order."""
        scorer = engine.scorer
        prefix = f"{uuid.uuid4().hex[:16]}-"
        for start in range(0, len(indices), chunk_size):
            part = indices[start : start + chunk_size]
            probabilities = scorer.probabilities[part]
            columns = ScoreColumns(
                client_ids=scorer.client_ids[part].tolist(),
                probabilities=probabilities.tolist(),
                refused=(probabilities >= scorer.threshold).tolist(),  # as decide() does, one chunk at once
                threshold=scorer.threshold,
                model_version=engine.version,
                request_id_prefix=prefix,
                first=start,
            )
            yield columns, part

    def _stream(
        self, engine: Engine, indices: np.ndarray, explain: bool
    ) -> Iterator[tuple[ScoreResult, int]]:
        """(result, row index) in order."""
        scorer = engine.scorer
        batch_id = uuid.uuid4().hex[:16]
        probabilities = scorer.probabilities[indices].tolist()
        client_ids = scorer.client_ids[indices].tolist()
        threshold, version = scorer.threshold, engine.version
        for start in range(0, len(indices), SHAP_CHUNK_ROWS):
            chunk = slice(start, start + SHAP_CHUNK_ROWS)
            explained = None
            if explain:
                rows = scorer.rows(scorer.numeric[indices[chunk]], scorer.categories[indices[chunk]])
                shap = engine.shap.rows(indices[chunk])
                # a batch's reasons carry the groups' sums and sentences, not their features: a chunk of
                # results stays far below gRPC's message limit
                explained = [
                    engine.explainer.explain_with_reasons(shap[i], rows[i], 10, "fr", group_features=0)
                    for i in range(len(rows))
                ]
            for offset, (client_id, probability) in enumerate(
                zip(client_ids[chunk], probabilities[chunk], strict=True)
            ):
                result = ScoreResult(
                    request_id=f"{batch_id}-{start + offset}",
                    client_id=client_id,
                    probability=probability,
                    decision=decide(probability, threshold),
                    threshold=threshold,
                    model_version=version,
                    explanation=explained[offset][0] if explained is not None else None,
                    reasons=explained[offset][1] if explained is not None else None,
                )
                yield result, int(indices[start + offset])

    # ---- clients, peers, model -------------------------------------------------------------------
    def get_client(self, client_id: int, language: str = "fr") -> ClientInfo:
        engine = self.engine()
        index = engine.scorer.row_index(validate_client_id(client_id))
        return engine.portfolio.client_info(index, validate_language(language))

    def search_clients(self, filters: ClientFilters, page: int = 0, page_size: int = 20) -> ClientPage:
        return self.engine().portfolio.search(filters, page, page_size)

    def compare_peers(self, request: PeerRequest) -> PeerComparison:
        engine = self.engine()
        index = engine.scorer.row_index(validate_client_id(request.client_id))
        validate_language(request.language)
        return engine.peers.compare(request, index)

    def model_info(self, language: str = "fr") -> ModelInfo:
        return self.engine().infos[validate_language(language)]

    # ---- the drift monitor's latest check --------------------------------------------------------
    def drift_status(self, language: str = "fr") -> DriftStatus:
        language = validate_language(language)
        if self._drift_dir is None:
            return DriftStatus(status="none")
        engine = self._engine  # without a model the features keep their codes
        descriptions = engine.infos[language].feature_descriptions if engine is not None else {}
        return read_drift_status(self._drift_dir, descriptions)

    def drift_report(self) -> bytes:
        if self._drift_dir is None:
            raise NotFound("No drift report: the service reads no drift status folder.")
        return read_drift_report(self._drift_dir)


class _Scored(Iterator[T], Generic[T, H]):
    """A ScoreBatch's results. Their events are queued when the iteration ends or, for a caller that took
    `deliveries()` (the gRPC servicer, after each message it sent), when it says they were delivered: results
    handed out but never delivered (a cancelled call) are not recorded. The latency recorded is the time since
    the start."""

    def __init__(
        self,
        results: Iterator[tuple[T, H]],
        events: EventWriter | None,
        scorer: Scorer,
        explain: bool,
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        self._results = results
        self._on_close: Callable[[], None] | None = on_close
        self._events = events
        self._scorer = scorer
        self._explain = explain
        self._started = time.perf_counter()
        self._deadline = time.monotonic() + BATCH_EVENT_BUDGET_SECONDS
        self._handed: list[tuple[T, H]] = []
        self._at_end = True

    def __iter__(self) -> _Scored[T, H]:
        return self

    def __next__(self) -> T:
        try:
            item = next(self._results)
        except StopIteration:
            if self._at_end:
                self.delivered()
            self.close()
            raise
        if self._events is not None:
            self._handed.append(item)
        return item[0]

    def close(self) -> None:
        """Frees the batch's slot (at the end, on cancel, or when dropped); undelivered results stay unrecorded."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def __del__(self) -> None:
        self.close()

    def deliveries(self) -> Callable[[], None]:
        """From now on events are queued only when the returned function is called (results delivered)."""
        self._at_end = False
        return self.delivered

    def delivered(self) -> None:
        """Queue the events of every result handed out so far."""
        if not self._handed or self._events is None:
            return
        handed, self._handed = self._handed, []
        self._events.submit_many(self._events_of(handed), self._deadline)

    @abstractmethod
    def _events_of(self, handed: list[tuple[T, H]]) -> list[PredictionEvent]:
        """The events of results handed out and delivered."""


class ScoredBatch(_Scored[ScoreResult, int]):
    """A ScoreBatch's results, one object each (see _Scored)."""

    def _events_of(self, handed: list[tuple[ScoreResult, int]]) -> list[PredictionEvent]:
        scorer, features = self._scorer, self._scorer.event_features
        return [
            _event(result, features, partial(scorer.event_values, index), self._started, self._explain)
            for result, index in handed
        ]


class ScoredColumns(_Scored[ScoreColumns, np.ndarray]):
    """A ScoreBatch's results in column chunks (see _Scored); a chunk's events are recorded once it is delivered."""

    def _events_of(self, handed: list[tuple[ScoreColumns, np.ndarray]]) -> list[PredictionEvent]:
        scorer, features = self._scorer, self._scorer.event_features
        now, latency_ms = time.time(), (time.perf_counter() - self._started) * 1000.0
        events: list[PredictionEvent] = []
        for columns, part in handed:
            prefix, first, version, threshold = (
                columns.request_id_prefix,
                columns.first,
                columns.model_version,
                columns.threshold,
            )
            for i, (index, client_id, probability, refused) in enumerate(
                zip(part.tolist(), columns.client_ids, columns.probabilities, columns.refused, strict=True)
            ):
                events.append(
                    PredictionEvent(
                        now,
                        f"{prefix}{first + i}",
                        client_id,
                        version,
                        features,
                        partial(scorer.event_values, index),
                        probability,
                        REFUSED if refused else GRANTED,
                        threshold,
                        latency_ms,
                        False,
                    )
                )
        return events


def _score_event(
    result: ScoreResult,
    scorer: Scorer,
    index: int | None,
    values: SplitValues | None,
    started: float,
    explained: bool,
) -> PredictionEvent:
    """A Score's event, its values as float64 numbers and category levels named by `event_features`: a what-if's
    or new application's as the scorer made them with its row, a known client's matrix rows read by the writer
    thread, off the request's path."""
    if values is not None:
        return _event(result, scorer.event_features, values, started, explained)
    assert index is not None
    return _event(result, scorer.event_features, partial(scorer.event_values, index), started, explained)


def _event(
    result: ScoreResult,
    features: Sequence[str],
    values: Sequence[object] | Callable[[], Sequence[object]],
    started: float,
    explained: bool,
) -> PredictionEvent:
    return PredictionEvent(
        event_time=time.time(),
        request_id=result.request_id,
        client_id=result.client_id,
        model_version=result.model_version,
        feature_names=features,
        feature_values=values,
        probability=result.probability,
        decision=result.decision.value,
        threshold=result.threshold,
        latency_ms=(time.perf_counter() - started) * 1000.0,
        explained=explained,
    )


def default_feature_builder() -> FeatureBuilder:
    from training.features.application import application_features

    return application_features


def build_dataplane(
    model_uri: str,
    tracking_uri: str | None,
    event_store_url: str | None,
    *,
    poll_seconds: float,
    event_batch_size: int,
    event_flush_seconds: float,
    max_batch_size: int,
    max_concurrent_batches: int = 4,
    drift_status_dir: Path | None = None,
) -> DataPlane:
    """The data plane for a model URI (registry alias, version or bundle folder). Nothing loads until start().

    event_store_url None turns the event store off (scoring_service.event_store.default_event_store_url()
    gives the default SQLite file).
    """
    builder = default_feature_builder()
    from training.features.build import no_history_features

    no_history = no_history_features()
    events = (
        EventWriter(event_store_url, batch_size=event_batch_size, flush_seconds=event_flush_seconds)
        if event_store_url
        else None
    )
    if events is None:
        log.warning("The event store is off: scored requests are not recorded for monitoring.")
    plane = DataPlane(
        None,
        events,
        max_batch_size=max_batch_size,
        max_concurrent_batches=max_concurrent_batches,
        drift_status_dir=drift_status_dir,
    )
    plane._source = ModelSource(
        model_uri,
        tracking_uri,
        build=lambda bundle, version: build_engine(bundle, version, builder, no_history),
        on_load=plane.set_engine,
        poll_seconds=poll_seconds,
    )
    return plane
