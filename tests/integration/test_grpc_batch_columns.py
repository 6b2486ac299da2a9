"""ScoreBatch in columns over a real server: a few thousand results per message for a client that asks for them,
one ScoreResponse per result for a client that does not (the old form), explanations always as results."""

from __future__ import annotations

from pathlib import Path

import grpc
import pandas as pd
import pytest

from scoring_service import translate as t
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.client import ScoringClient
from scoring_service.dataplane import COLUMN_CHUNK
from scoring_service.domain import Decision, ScoreColumns
from scoring_service.event_store import read_events
from scoring_service.server import RunningService
from tests.server_support import serve

pytestmark = pytest.mark.integration

MAX_BATCH = 3 * COLUMN_CHUNK


@pytest.fixture(scope="module")
def many_ids(tiny_bundle_dir: Path) -> list[int]:
    """More ids than two chunks hold (the portfolio's clients again and again, in a shuffled order)."""
    ids = [int(i) for i in pd.read_parquet(tiny_bundle_dir / "portfolio.parquet").index]
    repeated = (ids * (MAX_BATCH // len(ids) + 1))[: 2 * COLUMN_CHUNK + 17]
    return repeated[::-1]


def test_columns_come_a_chunk_per_message_in_order(
    stub: pb_grpc.ScoringServiceStub, service: RunningService, many_ids: list[int]
) -> None:
    messages = list(stub.ScoreBatch(pb.ScoreBatchRequest(client_ids=many_ids, columns=True), timeout=60))
    assert [len(m.columns.client_ids) for m in messages] == [COLUMN_CHUNK, COLUMN_CHUNK, 17]
    assert all(not m.results for m in messages)
    assert [m.columns.first for m in messages] == [0, COLUMN_CHUNK, 2 * COLUMN_CHUNK]
    assert [c for m in messages for c in m.columns.client_ids] == many_ids
    prefixes = {m.columns.request_id_prefix for m in messages}
    assert len(prefixes) == 1 and prefixes.pop()
    scorer = service.dataplane.engine().scorer
    probabilities = [p for m in messages for p in m.columns.probabilities]
    assert probabilities == [scorer.known_probability(scorer.row_index(c)) for c in many_ids]
    decisions = [d for m in messages for d in m.columns.decisions]
    assert decisions == [
        pb.DECISION_REFUSED if p >= scorer.threshold else pb.DECISION_GRANTED for p in probabilities
    ]


def test_an_old_client_still_gets_one_result_each(
    stub: pb_grpc.ScoringServiceStub, many_ids: list[int]
) -> None:
    messages = list(stub.ScoreBatch(pb.ScoreBatchRequest(client_ids=many_ids[:1100]), timeout=60))
    assert all(not m.HasField("columns") for m in messages)
    assert [r.client_id for m in messages for r in m.results] == many_ids[:1100]
    assert len(messages) > 1  # chunks of results, as before


def test_explanations_come_as_results_even_when_columns_are_asked(
    stub: pb_grpc.ScoringServiceStub, many_ids: list[int]
) -> None:
    request = pb.ScoreBatchRequest(client_ids=many_ids[:3], explain=True, columns=True)
    messages = list(stub.ScoreBatch(request, timeout=60))
    results = [r for m in messages for r in m.results]
    assert len(results) == 3 and all(r.explanation.contributions for r in results)
    assert all(not m.HasField("columns") for m in messages)


def test_the_typed_client_reads_columns_as_the_results_in_process(
    client: ScoringClient, service: RunningService, many_ids: list[int]
) -> None:
    remote = list(client.score_batch(many_ids))
    local = list(service.dataplane.score_batch(many_ids[:MAX_BATCH]))
    assert [r.client_id for r in remote] == many_ids
    assert [(r.probability, r.decision, r.threshold, r.model_version) for r in remote] == [
        (r.probability, r.decision, r.threshold, r.model_version) for r in local
    ]
    assert all(r.explanation is None and r.reasons is None for r in remote)
    ids = [r.request_id for r in remote]
    assert len(set(ids)) == len(ids) and ids[5] == ids[0][:-1] + "5"


def test_errors_come_before_any_column(stub: pb_grpc.ScoringServiceStub, many_ids: list[int]) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        list(
            stub.ScoreBatch(
                pb.ScoreBatchRequest(client_ids=[*many_ids[:5], 999_998], columns=True), timeout=30
            )
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as caught:
        list(stub.ScoreBatch(pb.ScoreBatchRequest(client_ids=many_ids * 2, columns=True), timeout=30))
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_every_client_of_a_batch_in_columns_is_recorded(
    tiny_bundle_dir: Path, tmp_path: Path, many_ids: list[int]
) -> None:
    with serve(tiny_bundle_dir, tmp_path, max_batch_size=MAX_BATCH) as (address, _):
        results = list(ScoringClient(address).score_batch(many_ids))
    frame = read_events(
        f"sqlite:///{tmp_path / 'events.db'}", pd.Timestamp(0, tz="UTC"), pd.Timestamp.max.tz_localize("UTC")
    )
    assert list(frame["request_id"]) == [r.request_id for r in results]
    assert list(frame["client_id"]) == many_ids


def test_columns_translate_both_ways() -> None:
    columns = ScoreColumns(
        client_ids=[100_001, 100_002],
        probabilities=[0.1, 0.9],
        refused=[False, True],
        threshold=0.35,
        model_version="4",
        request_id_prefix="abc-",
        first=4096,
    )
    message = pb.ScoreColumns()
    t.columns_to_pb(columns, message)
    assert list(message.decisions) == [pb.DECISION_GRANTED, pb.DECISION_REFUSED]
    back = t.columns_from_pb(pb.ScoreColumns.FromString(message.SerializeToString()))
    assert back == columns
    assert [(r.request_id, r.decision) for r in back.results()] == [
        ("abc-4096", Decision.GRANTED),
        ("abc-4097", Decision.REFUSED),
    ]
    message.decisions[0] = pb.DECISION_UNSPECIFIED
    with pytest.raises(ValueError, match="neither GRANTED nor REFUSED"):
        t.columns_from_pb(message)
