"""Property-based: random, mostly malformed requests sent as raw protobuf always get a specific status code, never
UNKNOWN or INTERNAL, and input that is wrong for a known reason gets INVALID_ARGUMENT."""

from __future__ import annotations

import math

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.server import RunningService

pytestmark = pytest.mark.integration
MAX_BATCH = 40
RUNS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
OK = grpc.StatusCode.OK
INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND


@pytest.fixture(scope="module")
def names(service: RunningService) -> list[str]:
    return sorted(service.dataplane.model_info().feature_descriptions)


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
int64 = st.integers(-(2**63), 2**63 - 1)
int32 = st.integers(-(2**31), 2**31 - 1)
client_ids = st.one_of(st.integers(100_001, 100_401), st.integers(0, 1_200_000), int64)
languages = st.one_of(st.sampled_from(["", "fr", "en"]), text)


def feature_values() -> st.SearchStrategy[pb.FeatureValue]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(lambda x: pb.FeatureValue(number=x)),
        text.map(lambda s: pb.FeatureValue(text=s)),
        st.just(pb.FeatureValue(missing=True)),
        st.just(pb.FeatureValue()),
    )


def code_of(call, request) -> grpc.StatusCode:  # type: ignore[no-untyped-def]
    try:
        response = call(request, timeout=10)
        if hasattr(response, "__iter__") and not hasattr(response, "DESCRIPTOR"):
            list(response)
    except grpc.RpcError as exc:
        return exc.code()
    return OK


@RUNS
@given(data=st.data())
def test_score(stub: pb_grpc.ScoringServiceStub, names: list[str], data: st.DataObject) -> None:
    keys = st.one_of(st.sampled_from(names), text)
    values = data.draw(st.dictionaries(keys, feature_values(), max_size=4))
    request = pb.ScoreRequest(explain=data.draw(st.booleans()), language=data.draw(languages))
    if data.draw(st.booleans()):
        request.client_id = data.draw(client_ids)
    if data.draw(st.booleans()):
        request.top_k = data.draw(int32)
    for key, value in values.items():
        request.values[key].CopyFrom(value)
    code = code_of(stub.Score, request)
    assert code in {OK, INVALID, NOT_FOUND}
    non_finite = any(
        v.WhichOneof("kind") == "number" and not math.isfinite(v.number) for v in values.values()
    )
    if non_finite or any(key not in names for key in values):
        assert code is INVALID
    if request.HasField("client_id") and not 100_000 <= request.client_id <= 999_999:
        assert code is INVALID


@RUNS
@given(ids=st.lists(client_ids, max_size=MAX_BATCH + 5), explain=st.booleans())
def test_score_batch(stub: pb_grpc.ScoringServiceStub, ids: list[int], explain: bool) -> None:
    code = code_of(stub.ScoreBatch, pb.ScoreBatchRequest(client_ids=ids, explain=explain))
    assert code in {OK, INVALID, NOT_FOUND, grpc.StatusCode.RESOURCE_EXHAUSTED}
    if len(ids) > MAX_BATCH:
        assert code is grpc.StatusCode.RESOURCE_EXHAUSTED


@RUNS
@given(client_id=client_ids, language=languages)
def test_get_client(stub: pb_grpc.ScoringServiceStub, client_id: int, language: str) -> None:
    code = code_of(stub.GetClient, pb.GetClientRequest(client_id=client_id, language=language))
    assert code in {OK, INVALID, NOT_FOUND}


def filters() -> st.SearchStrategy[pb.ClientFilters]:
    maybe = st.one_of(st.none(), text, st.sampled_from(["F", "M", "30-39", "<100k", "Cash loans", "Married"]))
    return st.builds(
        lambda g, a, i, c, f, d: pb.ClientFilters(
            gender=g, age_band=a, income_band=i, contract_type=c, family_status=f, decision=d
        ),
        maybe,
        maybe,
        maybe,
        maybe,
        maybe,
        st.integers(-3, 5),
    )


@RUNS
@given(f=filters(), page=int32, page_size=st.one_of(st.none(), int32))
def test_search_clients(
    stub: pb_grpc.ScoringServiceStub, f: pb.ClientFilters, page: int, page_size: int | None
) -> None:
    request = pb.SearchClientsRequest(filters=f, page=page, page_size=page_size)
    code = code_of(stub.SearchClients, request)
    assert code in {OK, INVALID}
    if f.decision not in (0, 1, 2) or page < 0 or (page_size is not None and page_size <= 0):
        assert code is INVALID


@RUNS
@given(data=st.data())
def test_compare_peers(stub: pb_grpc.ScoringServiceStub, names: list[str], data: st.DataObject) -> None:
    features = st.one_of(st.sampled_from(names), text)
    request = pb.PeerRequest(
        client_id=data.draw(client_ids),
        feature=data.draw(features),
        group=data.draw(st.integers(-2, 6)),
        language=data.draw(languages),
    )
    if data.draw(st.booleans()):
        request.filters.CopyFrom(data.draw(filters()))
    for field, strategy in (("k", int32), ("bins", int32), ("second_feature", features)):
        if data.draw(st.booleans()):
            setattr(request, field, data.draw(strategy))
    code = code_of(stub.ComparePeers, request)
    assert code in {OK, INVALID, NOT_FOUND}
    if request.group not in (0, 1, 2, 3):
        assert code is INVALID


@RUNS
@given(language=languages)
def test_model_info(stub: pb_grpc.ScoringServiceStub, language: str) -> None:
    code = code_of(stub.GetModelInfo, pb.GetModelInfoRequest(language=language))
    assert code is (OK if language in ("", "fr", "en") else INVALID)
