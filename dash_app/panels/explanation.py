"""Why: the SHAP waterfall of the main contributions, named in plain words with the client's values, and the
sentence that names the factors raising and lowering the risk most."""

from __future__ import annotations

from typing import Any

from dash import html

from dash_app import ids
from dash_app.figures.waterfall import waterfall_figure, waterfall_text, why_sentence
from dash_app.i18n import t
from dash_app.panels.common import attrs, chart, empty, panel
from dash_app.store import result_from_dict


def render(data: dict[str, Any] | None, lang: str) -> Any:
    if not data:
        return empty(t(lang, "why.empty"))
    result = result_from_dict(data["score"])
    if result.explanation is None:
        return empty(t(lang, "why.empty"))
    return html.Div(
        [
            html.P(why_sentence(result.explanation, lang), id=ids.WHY_SENTENCE, className="lead-sentence"),
            chart(
                ids.WATERFALL_GRAPH,
                ids.WATERFALL_ALT,
                waterfall_figure(result, lang),
                waterfall_text(result.explanation, lang),
            ),
        ],
        **attrs({"data-client": str(data["client_id"])}),
    )


def layout(lang: str) -> html.Section:
    return panel(ids.WHY_HEADING, t(lang, "why.heading"), ids.WHY_BODY, render(None, lang))
