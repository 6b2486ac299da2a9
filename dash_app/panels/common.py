"""Pieces every panel uses: a chart with its text alternative, the decision in words and icon, the empty state."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dash_app.figures.common import Figure
from dash_app.i18n import t
from scoring_service.domain import Decision


def attrs(values: dict[str, str]) -> dict[str, Any]:
    """aria-* and data-* attributes, which Dash's html components accept but cannot name as keywords."""
    return dict(values)


STATIC: dict[str, Any] = {"displayModeBar": False, "staticPlot": True, "responsive": True}
INTERACTIVE: dict[str, Any] = {"displayModeBar": False, "responsive": True}


def chart(graph_id: str, alt_id: str, figure: Figure, alt: str, interactive: bool = False) -> html.Figure:
    """A static chart is one image for assistive technology, labelled by its text alternative, which is also shown
    under it as a caption for everyone. A chart the user can click is a labelled group instead: an image's content
    is hidden from assistive technology, so nothing inside it may be a control."""
    return html.Figure(
        [
            html.Div(
                dcc.Graph(id=graph_id, figure=figure, config=INTERACTIVE if interactive else STATIC),  # type: ignore[arg-type]
                role="group" if interactive else "img",
                **attrs({"aria-labelledby": alt_id}),
            ),
            html.Figcaption(alt, id=alt_id, className="chart-alt"),
        ],
        className="chart",
    )


def image_chart(image_id: str, alt_id: str, src: str, alt: str) -> html.Figure:
    """A chart drawn on the server as an image: the image's alt is its text alternative, also shown under it as a
    caption (hidden from assistive technology, which has just read the alt)."""
    return html.Figure(
        [
            html.Img(id=image_id, src=src, alt=alt, className="chart-image"),
            html.Figcaption(alt, id=alt_id, className="chart-alt", **attrs({"aria-hidden": "true"})),
        ],
        className="chart",
    )


def decision_words(decision: Decision, lang: str) -> str:
    """The decision as a sentence (the page title and the badge say it alike)."""
    return t(lang, "score.granted" if decision is Decision.GRANTED else "score.refused")


def decision_badge(decision: Decision, lang: str, short: bool = False) -> html.Span:
    """Icon AND words: never colour alone."""
    granted = decision is Decision.GRANTED
    words = t(lang, f"decision.{decision.value}") if short else decision_words(decision, lang)
    return html.Span(
        [
            html.Span("✔" if granted else "✖", className="decision-icon", **attrs({"aria-hidden": "true"})),
            " ",
            words,
        ],
        className="decision granted" if granted else "decision refused",
    )


def empty(text: str) -> html.P:
    return html.P(text, className="empty-state")


def panel(
    heading_id: str, heading: str, body_id: str, body: Any, extra: list | None = None, live: bool = False
) -> html.Section:
    """A titled section; `live` announces its updates (only for short content such as the decision)."""
    live_region = attrs({"aria-live": "polite"} if live else {})
    return html.Section(
        [html.H2(heading, id=heading_id), *(extra or []), html.Div(body, id=body_id, **live_region)],
        className="panel",
        **attrs({"aria-labelledby": heading_id}),
    )
