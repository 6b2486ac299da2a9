from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_GRANTED: _ClassVar[Decision]
    DECISION_REFUSED: _ClassVar[Decision]

class PeerGroup(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PEER_GROUP_UNSPECIFIED: _ClassVar[PeerGroup]
    PEER_GROUP_ALL: _ClassVar[PeerGroup]
    PEER_GROUP_FILTERED: _ClassVar[PeerGroup]
    PEER_GROUP_SIMILAR: _ClassVar[PeerGroup]
DECISION_UNSPECIFIED: Decision
DECISION_GRANTED: Decision
DECISION_REFUSED: Decision
PEER_GROUP_UNSPECIFIED: PeerGroup
PEER_GROUP_ALL: PeerGroup
PEER_GROUP_FILTERED: PeerGroup
PEER_GROUP_SIMILAR: PeerGroup

class FeatureValue(_message.Message):
    __slots__ = ("number", "text", "missing")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    number: float
    text: str
    missing: bool
    def __init__(self, number: _Optional[float] = ..., text: _Optional[str] = ..., missing: _Optional[bool] = ...) -> None: ...

class ScoreRequest(_message.Message):
    __slots__ = ("client_id", "values", "explain", "top_k", "language")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: FeatureValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[FeatureValue, _Mapping]] = ...) -> None: ...
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    client_id: int
    values: _containers.MessageMap[str, FeatureValue]
    explain: bool
    top_k: int
    language: str
    def __init__(self, client_id: _Optional[int] = ..., values: _Optional[_Mapping[str, FeatureValue]] = ..., explain: _Optional[bool] = ..., top_k: _Optional[int] = ..., language: _Optional[str] = ...) -> None: ...

class Contribution(_message.Message):
    __slots__ = ("feature", "description", "value", "contribution")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    feature: str
    description: str
    value: FeatureValue
    contribution: float
    def __init__(self, feature: _Optional[str] = ..., description: _Optional[str] = ..., value: _Optional[_Union[FeatureValue, _Mapping]] = ..., contribution: _Optional[float] = ...) -> None: ...

class Explanation(_message.Message):
    __slots__ = ("base_value", "contributions", "rest", "rest_count", "threshold_log_odds")
    BASE_VALUE_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    REST_FIELD_NUMBER: _ClassVar[int]
    REST_COUNT_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_LOG_ODDS_FIELD_NUMBER: _ClassVar[int]
    base_value: float
    contributions: _containers.RepeatedCompositeFieldContainer[Contribution]
    rest: float
    rest_count: int
    threshold_log_odds: float
    def __init__(self, base_value: _Optional[float] = ..., contributions: _Optional[_Iterable[_Union[Contribution, _Mapping]]] = ..., rest: _Optional[float] = ..., rest_count: _Optional[int] = ..., threshold_log_odds: _Optional[float] = ...) -> None: ...

class Reason(_message.Message):
    __slots__ = ("group", "name", "contribution", "sentence", "features", "feature_count")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    SENTENCE_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    FEATURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    group: str
    name: str
    contribution: float
    sentence: str
    features: _containers.RepeatedCompositeFieldContainer[Contribution]
    feature_count: int
    def __init__(self, group: _Optional[str] = ..., name: _Optional[str] = ..., contribution: _Optional[float] = ..., sentence: _Optional[str] = ..., features: _Optional[_Iterable[_Union[Contribution, _Mapping]]] = ..., feature_count: _Optional[int] = ...) -> None: ...

class Reasons(_message.Message):
    __slots__ = ("base_value", "score", "groups")
    BASE_VALUE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    base_value: float
    score: float
    groups: _containers.RepeatedCompositeFieldContainer[Reason]
    def __init__(self, base_value: _Optional[float] = ..., score: _Optional[float] = ..., groups: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ...) -> None: ...

class ScoreResponse(_message.Message):
    __slots__ = ("request_id", "client_id", "probability", "decision", "threshold", "model_version", "explanation", "reasons")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    client_id: int
    probability: float
    decision: Decision
    threshold: float
    model_version: str
    explanation: Explanation
    reasons: Reasons
    def __init__(self, request_id: _Optional[str] = ..., client_id: _Optional[int] = ..., probability: _Optional[float] = ..., decision: _Optional[_Union[Decision, str]] = ..., threshold: _Optional[float] = ..., model_version: _Optional[str] = ..., explanation: _Optional[_Union[Explanation, _Mapping]] = ..., reasons: _Optional[_Union[Reasons, _Mapping]] = ...) -> None: ...

class ScoreBatchRequest(_message.Message):
    __slots__ = ("client_ids", "explain", "columns")
    CLIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    client_ids: _containers.RepeatedScalarFieldContainer[int]
    explain: bool
    columns: bool
    def __init__(self, client_ids: _Optional[_Iterable[int]] = ..., explain: _Optional[bool] = ..., columns: _Optional[bool] = ...) -> None: ...

class ScoreColumns(_message.Message):
    __slots__ = ("client_ids", "probabilities", "decisions", "threshold", "model_version", "request_id_prefix", "first")
    CLIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    PROBABILITIES_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_PREFIX_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    client_ids: _containers.RepeatedScalarFieldContainer[int]
    probabilities: _containers.RepeatedScalarFieldContainer[float]
    decisions: _containers.RepeatedScalarFieldContainer[Decision]
    threshold: float
    model_version: str
    request_id_prefix: str
    first: int
    def __init__(self, client_ids: _Optional[_Iterable[int]] = ..., probabilities: _Optional[_Iterable[float]] = ..., decisions: _Optional[_Iterable[_Union[Decision, str]]] = ..., threshold: _Optional[float] = ..., model_version: _Optional[str] = ..., request_id_prefix: _Optional[str] = ..., first: _Optional[int] = ...) -> None: ...

class ScoreBatchResponse(_message.Message):
    __slots__ = ("results", "columns")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ScoreResponse]
    columns: ScoreColumns
    def __init__(self, results: _Optional[_Iterable[_Union[ScoreResponse, _Mapping]]] = ..., columns: _Optional[_Union[ScoreColumns, _Mapping]] = ...) -> None: ...

class GetClientRequest(_message.Message):
    __slots__ = ("client_id", "language")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    client_id: int
    language: str
    def __init__(self, client_id: _Optional[int] = ..., language: _Optional[str] = ...) -> None: ...

class ClientField(_message.Message):
    __slots__ = ("name", "description", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    value: FeatureValue
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., value: _Optional[_Union[FeatureValue, _Mapping]] = ...) -> None: ...

class ClientInfo(_message.Message):
    __slots__ = ("client_id", "fields")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    client_id: int
    fields: _containers.RepeatedCompositeFieldContainer[ClientField]
    def __init__(self, client_id: _Optional[int] = ..., fields: _Optional[_Iterable[_Union[ClientField, _Mapping]]] = ...) -> None: ...

class ClientFilters(_message.Message):
    __slots__ = ("gender", "age_band", "income_band", "contract_type", "family_status", "decision")
    GENDER_FIELD_NUMBER: _ClassVar[int]
    AGE_BAND_FIELD_NUMBER: _ClassVar[int]
    INCOME_BAND_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FAMILY_STATUS_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    gender: str
    age_band: str
    income_band: str
    contract_type: str
    family_status: str
    decision: Decision
    def __init__(self, gender: _Optional[str] = ..., age_band: _Optional[str] = ..., income_band: _Optional[str] = ..., contract_type: _Optional[str] = ..., family_status: _Optional[str] = ..., decision: _Optional[_Union[Decision, str]] = ...) -> None: ...

class SearchClientsRequest(_message.Message):
    __slots__ = ("filters", "page", "page_size")
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    filters: ClientFilters
    page: int
    page_size: int
    def __init__(self, filters: _Optional[_Union[ClientFilters, _Mapping]] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ClientSummary(_message.Message):
    __slots__ = ("client_id", "gender", "age_years", "income", "credit_amount", "contract_type", "family_status", "probability", "decision")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    AGE_YEARS_FIELD_NUMBER: _ClassVar[int]
    INCOME_FIELD_NUMBER: _ClassVar[int]
    CREDIT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FAMILY_STATUS_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    client_id: int
    gender: str
    age_years: int
    income: float
    credit_amount: float
    contract_type: str
    family_status: str
    probability: float
    decision: Decision
    def __init__(self, client_id: _Optional[int] = ..., gender: _Optional[str] = ..., age_years: _Optional[int] = ..., income: _Optional[float] = ..., credit_amount: _Optional[float] = ..., contract_type: _Optional[str] = ..., family_status: _Optional[str] = ..., probability: _Optional[float] = ..., decision: _Optional[_Union[Decision, str]] = ...) -> None: ...

class ClientPage(_message.Message):
    __slots__ = ("clients", "total", "page", "page_size")
    CLIENTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    clients: _containers.RepeatedCompositeFieldContainer[ClientSummary]
    total: int
    page: int
    page_size: int
    def __init__(self, clients: _Optional[_Iterable[_Union[ClientSummary, _Mapping]]] = ..., total: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class PeerRequest(_message.Message):
    __slots__ = ("client_id", "feature", "group", "filters", "k", "second_feature", "bins", "language")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    K_FIELD_NUMBER: _ClassVar[int]
    SECOND_FEATURE_FIELD_NUMBER: _ClassVar[int]
    BINS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    client_id: int
    feature: str
    group: PeerGroup
    filters: ClientFilters
    k: int
    second_feature: str
    bins: int
    language: str
    def __init__(self, client_id: _Optional[int] = ..., feature: _Optional[str] = ..., group: _Optional[_Union[PeerGroup, str]] = ..., filters: _Optional[_Union[ClientFilters, _Mapping]] = ..., k: _Optional[int] = ..., second_feature: _Optional[str] = ..., bins: _Optional[int] = ..., language: _Optional[str] = ...) -> None: ...

class Distribution(_message.Message):
    __slots__ = ("counts", "bin_edges", "categories", "quantiles")
    class QuantilesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    BIN_EDGES_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    QUANTILES_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedScalarFieldContainer[int]
    bin_edges: _containers.RepeatedScalarFieldContainer[float]
    categories: _containers.RepeatedScalarFieldContainer[str]
    quantiles: _containers.ScalarMap[str, float]
    def __init__(self, counts: _Optional[_Iterable[int]] = ..., bin_edges: _Optional[_Iterable[float]] = ..., categories: _Optional[_Iterable[str]] = ..., quantiles: _Optional[_Mapping[str, float]] = ...) -> None: ...

class ScatterPoint(_message.Message):
    __slots__ = ("x", "y", "probability")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    x: FeatureValue
    y: FeatureValue
    probability: float
    def __init__(self, x: _Optional[_Union[FeatureValue, _Mapping]] = ..., y: _Optional[_Union[FeatureValue, _Mapping]] = ..., probability: _Optional[float] = ...) -> None: ...

class PeerComparison(_message.Message):
    __slots__ = ("feature", "description", "group", "group_size", "client_value", "client_percentile", "distribution", "group_mean_probability", "group_refusal_rate", "group_observed_default_rate", "history_size", "second_feature", "second_description", "client_second_value", "points")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    GROUP_SIZE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_VALUE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_PERCENTILE_FIELD_NUMBER: _ClassVar[int]
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    GROUP_MEAN_PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    GROUP_REFUSAL_RATE_FIELD_NUMBER: _ClassVar[int]
    GROUP_OBSERVED_DEFAULT_RATE_FIELD_NUMBER: _ClassVar[int]
    HISTORY_SIZE_FIELD_NUMBER: _ClassVar[int]
    SECOND_FEATURE_FIELD_NUMBER: _ClassVar[int]
    SECOND_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECOND_VALUE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    feature: str
    description: str
    group: PeerGroup
    group_size: int
    client_value: FeatureValue
    client_percentile: float
    distribution: Distribution
    group_mean_probability: float
    group_refusal_rate: float
    group_observed_default_rate: float
    history_size: int
    second_feature: str
    second_description: str
    client_second_value: FeatureValue
    points: _containers.RepeatedCompositeFieldContainer[ScatterPoint]
    def __init__(self, feature: _Optional[str] = ..., description: _Optional[str] = ..., group: _Optional[_Union[PeerGroup, str]] = ..., group_size: _Optional[int] = ..., client_value: _Optional[_Union[FeatureValue, _Mapping]] = ..., client_percentile: _Optional[float] = ..., distribution: _Optional[_Union[Distribution, _Mapping]] = ..., group_mean_probability: _Optional[float] = ..., group_refusal_rate: _Optional[float] = ..., group_observed_default_rate: _Optional[float] = ..., history_size: _Optional[int] = ..., second_feature: _Optional[str] = ..., second_description: _Optional[str] = ..., client_second_value: _Optional[_Union[FeatureValue, _Mapping]] = ..., points: _Optional[_Iterable[_Union[ScatterPoint, _Mapping]]] = ...) -> None: ...

class GetModelInfoRequest(_message.Message):
    __slots__ = ("language",)
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    language: str
    def __init__(self, language: _Optional[str] = ...) -> None: ...

class FeatureImportance(_message.Message):
    __slots__ = ("feature", "description", "importance")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    feature: str
    description: str
    importance: float
    def __init__(self, feature: _Optional[str] = ..., description: _Optional[str] = ..., importance: _Optional[float] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("name", "version", "threshold", "cost_fn", "cost_fp", "metrics", "global_importance", "feature_descriptions", "categorical_features", "trained_at", "data_fingerprint", "model_card", "model_card_json")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class FeatureDescriptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    COST_FN_FIELD_NUMBER: _ClassVar[int]
    COST_FP_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    GLOBAL_IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    FEATURE_DESCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    CATEGORICAL_FEATURES_FIELD_NUMBER: _ClassVar[int]
    TRAINED_AT_FIELD_NUMBER: _ClassVar[int]
    DATA_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    MODEL_CARD_FIELD_NUMBER: _ClassVar[int]
    MODEL_CARD_JSON_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    threshold: float
    cost_fn: float
    cost_fp: float
    metrics: _containers.ScalarMap[str, float]
    global_importance: _containers.RepeatedCompositeFieldContainer[FeatureImportance]
    feature_descriptions: _containers.ScalarMap[str, str]
    categorical_features: _containers.RepeatedScalarFieldContainer[str]
    trained_at: str
    data_fingerprint: str
    model_card: str
    model_card_json: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., threshold: _Optional[float] = ..., cost_fn: _Optional[float] = ..., cost_fp: _Optional[float] = ..., metrics: _Optional[_Mapping[str, float]] = ..., global_importance: _Optional[_Iterable[_Union[FeatureImportance, _Mapping]]] = ..., feature_descriptions: _Optional[_Mapping[str, str]] = ..., categorical_features: _Optional[_Iterable[str]] = ..., trained_at: _Optional[str] = ..., data_fingerprint: _Optional[str] = ..., model_card: _Optional[str] = ..., model_card_json: _Optional[str] = ...) -> None: ...

class GetDriftStatusRequest(_message.Message):
    __slots__ = ("language",)
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    language: str
    def __init__(self, language: _Optional[str] = ...) -> None: ...

class DriftedFeature(_message.Message):
    __slots__ = ("feature", "description")
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    feature: str
    description: str
    def __init__(self, feature: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class DriftStatus(_message.Message):
    __slots__ = ("status", "checked_at", "window_start", "window_end", "model_version", "events", "drifted", "features_tested", "alert_rules", "has_report")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DRIFTED_FIELD_NUMBER: _ClassVar[int]
    FEATURES_TESTED_FIELD_NUMBER: _ClassVar[int]
    ALERT_RULES_FIELD_NUMBER: _ClassVar[int]
    HAS_REPORT_FIELD_NUMBER: _ClassVar[int]
    status: str
    checked_at: str
    window_start: str
    window_end: str
    model_version: str
    events: int
    drifted: _containers.RepeatedCompositeFieldContainer[DriftedFeature]
    features_tested: int
    alert_rules: _containers.RepeatedScalarFieldContainer[str]
    has_report: bool
    def __init__(self, status: _Optional[str] = ..., checked_at: _Optional[str] = ..., window_start: _Optional[str] = ..., window_end: _Optional[str] = ..., model_version: _Optional[str] = ..., events: _Optional[int] = ..., drifted: _Optional[_Iterable[_Union[DriftedFeature, _Mapping]]] = ..., features_tested: _Optional[int] = ..., alert_rules: _Optional[_Iterable[str]] = ..., has_report: _Optional[bool] = ...) -> None: ...

class GetDriftReportRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DriftReportChunk(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...
