"""Plain domain objects shared by the scoring service, its Python client and the dashboard.

They carry no gRPC or pandas types, so the dashboard and the tests can use them without a server.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

FeatureValue = float | str | None

AGE_BANDS: tuple[str, ...] = ("18-29", "30-39", "40-49", "50-59", "60+")
INCOME_BANDS: tuple[str, ...] = ("<100k", "100k-150k", "150k-200k", "200k-300k", "300k+")
CONTRACT_TYPES: tuple[str, ...] = ("Cash loans", "Revolving loans")
FAMILY_STATUSES: tuple[str, ...] = (
    "Married",
    "Single / not married",
    "Civil marriage",
    "Separated",
    "Widow",
    "Unknown",
)
LANGUAGES: tuple[str, ...] = ("fr", "en")  # descriptions are returned in the language asked for


class Decision(enum.Enum):
    GRANTED = "granted"
    REFUSED = "refused"


class PeerGroup(enum.Enum):
    ALL = "all"
    FILTERED = "filtered"
    SIMILAR = "similar"


@dataclass(frozen=True)
class Contribution:
    """One feature's SHAP contribution, in log-odds of default."""

    feature: str
    description: str
    value: FeatureValue
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """base_value + sum(contributions) + rest == the model's raw log-odds of default, the scale SHAP explains
    (the served probability is calibrated from it by a non-decreasing map); `threshold_log_odds` is the decision
    threshold on that same raw scale (None from a service that does not send it: logit(threshold) then)."""

    base_value: float
    contributions: tuple[Contribution, ...]
    rest: float
    rest_count: int
    threshold_log_odds: float | None = None


@dataclass(frozen=True)
class Reason:
    """The contributions of one reason group (training/features/reasons.py), in log-odds of default.

    `contribution` is the exact sum of every feature of the group; `features` holds the largest of them (by
    magnitude, at most the request's top_k) and `feature_count` how many features the group has in the model.
    """

    group: str  # the group's key, e.g. "external_scores"
    name: str  # in the language asked for
    contribution: float
    sentence: str  # what the group does to the risk, in words a client understands
    features: tuple[Contribution, ...]
    feature_count: int


@dataclass(frozen=True)
class Reasons:
    """base_value + sum(group contributions) == score, the model's raw log-odds of default that SHAP explains
    (a served probability may be calibrated from it). Groups by decreasing magnitude."""

    base_value: float
    score: float
    groups: tuple[Reason, ...]


@dataclass(frozen=True)
class ScoreRequest:
    """A client id, a map of values (a new application), or both (a what-if on a known client).

    `values` keys are application fields (e.g. AMT_INCOME_TOTAL) or model features.
    """

    client_id: int | None = None
    values: Mapping[str, FeatureValue] = field(default_factory=dict)
    explain: bool = False
    top_k: int = 10
    language: str = "fr"


class Memo:
    """Room beside an answer the data plane keeps and hands out again (a known client's explanation and reasons):
    the layer that sends the answer keeps there what it derives from it (the service: the answer's protobuf
    bytes), so that a repeated answer is derived once. It lives and goes with the kept answer."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: object = None


@dataclass(frozen=True)
class ScoreResult:
    request_id: str
    client_id: int | None
    probability: float
    decision: Decision
    threshold: float
    model_version: str
    explanation: Explanation | None = None
    reasons: Reasons | None = None  # with the explanation
    # set when the explanation and reasons are a kept answer (never compared: two equal results may differ here)
    memo: Memo | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ScoreColumns:
    """A chunk of a batch's results without explanations, one column per field (a large batch travels and is
    handled column by column, not as one object per client). The i-th result's request id is
    `request_id_prefix + str(first + i)`."""

    client_ids: Sequence[int]
    probabilities: Sequence[float]
    refused: Sequence[bool]
    threshold: float
    model_version: str
    request_id_prefix: str
    first: int  # position in the batch of the chunk's first result

    def __len__(self) -> int:
        return len(self.client_ids)

    def results(self) -> Iterator[ScoreResult]:
        """The same results one object each, in order."""
        prefix, first, threshold, version = (
            self.request_id_prefix,
            self.first,
            self.threshold,
            self.model_version,
        )
        granted, refused = Decision.GRANTED, Decision.REFUSED
        for i, (client_id, probability, is_refused) in enumerate(
            zip(self.client_ids, self.probabilities, self.refused, strict=True)
        ):
            yield ScoreResult(
                f"{prefix}{first + i}",
                client_id,
                probability,
                refused if is_refused else granted,
                threshold,
                version,
            )


@dataclass(frozen=True)
class ClientField:
    name: str
    description: str
    value: FeatureValue


@dataclass(frozen=True)
class ClientInfo:
    client_id: int
    fields: tuple[ClientField, ...]


@dataclass(frozen=True)
class ClientFilters:
    """Fields a relationship manager filters on. None means any."""

    gender: str | None = None  # "F" or "M"
    age_band: str | None = None  # one of AGE_BANDS
    income_band: str | None = None  # one of INCOME_BANDS
    contract_type: str | None = None  # NAME_CONTRACT_TYPE level
    family_status: str | None = None  # NAME_FAMILY_STATUS level
    decision: Decision | None = None


@dataclass(frozen=True)
class ClientSummary:
    client_id: int
    gender: str
    age_years: int
    income: float
    credit_amount: float
    contract_type: str
    family_status: str
    probability: float
    decision: Decision


@dataclass(frozen=True)
class ClientPage:
    clients: tuple[ClientSummary, ...]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class PeerRequest:
    client_id: int
    feature: str
    group: PeerGroup = PeerGroup.ALL
    filters: ClientFilters | None = None
    k: int = 200  # size of the SIMILAR group
    second_feature: str | None = None  # for the two-feature view
    bins: int = 30
    language: str = "fr"


@dataclass(frozen=True)
class Distribution:
    """Numeric: bin_edges has len(counts)+1 entries. Categorical: categories has len(counts) entries."""

    counts: tuple[int, ...]
    bin_edges: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()
    quantiles: Mapping[str, float] = field(default_factory=dict)  # "p05", "p25", "p50", "p75", "p95"


@dataclass(frozen=True)
class ScatterPoint:
    x: FeatureValue
    y: FeatureValue
    probability: float


@dataclass(frozen=True)
class PeerComparison:
    feature: str
    description: str
    group: PeerGroup
    group_size: int
    client_value: FeatureValue
    client_percentile: float | None  # 0..100, None for a categorical feature or a missing value
    distribution: Distribution
    group_mean_probability: float
    group_refusal_rate: float
    # observed default rate of the matching clients whose outcome is known (training history)
    group_observed_default_rate: float | None
    history_size: int
    second_feature: str | None = None
    second_description: str = ""
    client_second_value: FeatureValue = None
    points: tuple[ScatterPoint, ...] = ()  # a bounded sample of the group for the two-feature view


@dataclass(frozen=True)
class FeatureImportance:
    feature: str
    description: str
    importance: float  # mean |SHAP| on the reference sample


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    threshold: float
    cost_fn: float
    cost_fp: float
    metrics: Mapping[str, float]
    global_importance: tuple[FeatureImportance, ...]
    feature_descriptions: Mapping[str, str]
    categorical_features: tuple[str, ...]
    trained_at: str
    data_fingerprint: str
    model_card: str = ""  # Markdown in the requested language; empty when the bundle carries no card
    model_card_json: str = ""


@dataclass(frozen=True)
class DriftedFeature:
    feature: str
    description: str = ""  # in the requested language; empty when the served model does not know the feature


@dataclass(frozen=True)
class DriftStatus:
    """The drift monitor's latest check; status "none" when it has written none yet."""

    status: str
    checked_at: str = ""  # ISO 8601
    window_start: str = ""
    window_end: str = ""
    model_version: str = ""
    events: int = 0
    drifted: tuple[DriftedFeature, ...] = ()
    features_tested: int = 0
    alert_rules: tuple[str, ...] = ()
    has_report: bool = False


class ScoringApi(Protocol):
    """What the scoring service offers. The in-process engine and the gRPC client both satisfy it, so the
    dashboard and the tests can swap one for the other."""

    def score(self, request: ScoreRequest) -> ScoreResult: ...

    def score_batch(self, client_ids: Sequence[int], explain: bool = False) -> Iterator[ScoreResult]: ...

    def get_client(self, client_id: int, language: str = "fr") -> ClientInfo: ...

    def search_clients(self, filters: ClientFilters, page: int = 0, page_size: int = 20) -> ClientPage: ...

    def compare_peers(self, request: PeerRequest) -> PeerComparison: ...

    def model_info(self, language: str = "fr") -> ModelInfo: ...

    def drift_status(self, language: str = "fr") -> DriftStatus: ...

    def drift_report(self) -> bytes: ...
