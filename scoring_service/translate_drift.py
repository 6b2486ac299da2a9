"""Drift status and report: domain objects <-> protobuf messages, field for field."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scoring_service import domain as d
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb

REPORT_CHUNK = 1 << 20  # bytes per streamed message of the report, far below gRPC's 4 MB limit


def drift_status_to_pb(s: d.DriftStatus) -> pb.DriftStatus:
    return pb.DriftStatus(
        status=s.status,
        checked_at=s.checked_at,
        window_start=s.window_start,
        window_end=s.window_end,
        model_version=s.model_version,
        events=s.events,
        drifted=[pb.DriftedFeature(feature=f.feature, description=f.description) for f in s.drifted],
        features_tested=s.features_tested,
        alert_rules=list(s.alert_rules),
        has_report=s.has_report,
    )


def drift_status_from_pb(m: pb.DriftStatus) -> d.DriftStatus:
    return d.DriftStatus(
        status=m.status,
        checked_at=m.checked_at,
        window_start=m.window_start,
        window_end=m.window_end,
        model_version=m.model_version,
        events=m.events,
        drifted=tuple(d.DriftedFeature(f.feature, f.description) for f in m.drifted),
        features_tested=m.features_tested,
        alert_rules=tuple(m.alert_rules),
        has_report=m.has_report,
    )


def report_chunks(report: bytes) -> Iterator[pb.DriftReportChunk]:
    for start in range(0, len(report), REPORT_CHUNK):
        yield pb.DriftReportChunk(data=report[start : start + REPORT_CHUNK])


def report_from_chunks(chunks: Iterable[pb.DriftReportChunk]) -> bytes:
    return b"".join(c.data for c in chunks)
