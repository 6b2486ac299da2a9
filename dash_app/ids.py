"""Component ids, one constant each, so layouts, callbacks and browser tests name the same thing."""

from __future__ import annotations

# page-wide
URL = "url"
LANG_STORE = "lang-store"
CLIENT_STORE = "client-store"
MODEL_STORE = "model-store"
TITLE_SINK = "title-sink"
PAGE_TEXTS = "page-texts"
LANG_LINK = "lang-link"
MAIN = "main-content"

# status / errors
STATUS = "status-message"
STATUS_BOX = "status-box"
RETRY = "retry-button"

# search
SEARCH_HEADING = "search-heading"
CLIENT_ID_HELP = "client-id-help"
CLIENT_ID_INPUT = "client-id-input"
CLIENT_ID_SUBMIT = "client-id-submit"
CLIENT_ID_FEEDBACK = "client-id-feedback"
CLIENT_ID_DESCRIBED_BY = "client-id-described-by"  # the ids of its help and its error message
CLIENT_ID_SINK = "client-id-sink"  # output of the script that sets the id field's aria attributes
FILTER_GENDER = "filter-gender"
FILTER_AGE = "filter-age"
FILTER_INCOME = "filter-income"
FILTER_CONTRACT = "filter-contract"
FILTER_FAMILY = "filter-family"
FILTER_DECISION = "filter-decision"
SEARCH_RESULTS = "search-results"
SEARCH_PAGE = "search-page"
SEARCH_PREV = "search-prev"
SEARCH_NEXT = "search-next"
PICKED = "picked-client"  # store: the id picked in the list
PICK_CLIENT_TYPE = "pick-client"  # pattern-matching id: {"type": PICK_CLIENT_TYPE, "client": <id>}

# score
SCORE_HEADING = "score-heading"
SCORE_BODY = "score-body"
DECISION = "decision"
GAUGE_GRAPH = "gauge-graph"
GAUGE_ALT = "gauge-alt"
DISTANCE_TEXT = "distance-text"

# explanation
WHY_HEADING = "why-heading"
WHY_BODY = "why-body"
WHY_TOP = "why-top"  # the main reasons, above the waterfall
WHY_MORE = "why-more"  # the reasons opened to their features, below it
WATERFALL_BOX = "waterfall-box"
WATERFALL_GRAPH = "waterfall-graph"
WATERFALL_ALT = "waterfall-alt"
WHY_SENTENCE = "why-sentence"  # the main reasons, as sentences
WHY_DETAILS = "why-details"  # each reason opened to its features

# global importance
IMP_HEADING = "imp-heading"
IMP_BODY = "imp-body"
IMPORTANCE_GRAPH = "importance-graph"
IMPORTANCE_ALT = "importance-alt"

# comparison
CMP_HEADING = "cmp-heading"
CMP_FEATURE = "cmp-feature"
CMP_SECOND = "cmp-second"
CMP_GROUP = "cmp-group"
CMP_BODY = "cmp-body"
CMP_EMPTY_GROUP = "cmp-empty-group"  # no client matches the filters
CMP_TOP = "cmp-top"  # the sentences above the charts
CMP_NOTE = "cmp-note"  # why there is no scatter
DIST_BOX = "dist-box"
DIST_GRAPH = "dist-graph"
DIST_ALT = "dist-alt"
SCATTER_BOX = "scatter-box"
SCATTER_GRAPH = "scatter-graph"
SCATTER_ALT = "scatter-alt"
CMP_STATS = "cmp-stats"
CMP_PERCENTILE = "cmp-percentile"

# client information
INFO_HEADING = "info-heading"
INFO_SEARCH = "info-search"
INFO_ALL = "info-all"
INFO_CODES = "info-codes"  # "show the technical names"
INFO_PANEL = "info-panel"
INFO_BODY = "info-body"
INFO_COUNT = "info-count"

# what-if
WHATIF_HEADING = "whatif-heading"
WI_CURRENT = "wi-current"  # the current and simulated columns of a result
WI_NEW = "wi-new"
WHATIF_BODY = "whatif-body"
WI_INCOME = "wi-income"
WI_CREDIT = "wi-credit"
WI_ANNUITY = "wi-annuity"
WI_GOODS = "wi-goods"
WI_EMPLOYED = "wi-employed"
WI_RUN = "wi-run"
WI_RESULT = "wi-result"
WI_REASONS = "wi-reasons"  # the reasons the simulation changed
