"""Pieces every panel uses: a chart with its text alternative (kept mounted, only its figure sent), the decision in
words and icon, the empty state."""

from __future__ import annotations

from typing import Any

from dash import Output, dcc, html, no_update

from dash_app.figures.common import Figure, figure
from dash_app.i18n import t
from scoring_service.domain import Decision


def attrs(values: dict[str, str]) -> dict[str, Any]:
    """aria-* and data-* attributes, which Dash's html components accept but cannot name as keywords."""
    return dict(values)


STATIC: dict[str, Any] = {"displayModeBar": False, "staticPlot": True, "responsive": True}
INTERACTIVE: dict[str, Any] = {"displayModeBar": False, "responsive": True}


SHOWN, COLLAPSED = "chart", "chart chart-off"


def blank_figure() -> Figure:
    """What a mounted chart holds before its first figure: no axes, nothing to measure."""
    return figure(
        [],
        {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 60, "margin": {"t": 0, "b": 0}},
    )


def chart(
    graph_id: str,
    alt_id: str,
    figure: Figure,
    alt: str,
    interactive: bool = False,
    box_id: str | None = None,
    shown: bool = True,
) -> html.Figure:
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
        className=SHOWN if shown else COLLAPSED,
        **attrs({"id": box_id} if box_id else {}),
    )


def mounted_chart(box_id: str, graph_id: str, alt_id: str, interactive: bool = False) -> html.Figure:
    """A chart placed once in the layout and kept: a lookup sends only its figure, which Plotly redraws in place,
    instead of a new graph drawn from scratch and resized twice. Until it has something to show it is collapsed
    (no height, invisible, out of the accessibility tree), not removed, so that it keeps the panel's width and its
    first drawing has the right size."""
    return chart(graph_id, alt_id, blank_figure(), "", interactive, box_id, shown=False)


def chart_outputs(box_id: str, graph_id: str, alt_id: str) -> list[Output]:
    """What a lookup or a new choice changes in a mounted chart: its figure, its text alternative, shown or not."""
    return [
        Output(graph_id, "figure", allow_duplicate=True),
        Output(alt_id, "children", allow_duplicate=True),
        Output(box_id, "className", allow_duplicate=True),
    ]


def show_chart(fig: Figure, alt: str, client_id: int) -> list[Any]:
    """chart_outputs' values for a chart of `client_id` (named in the figure's meta, which the page can read once
    Plotly has drawn it)."""
    return [{**fig, "layout": {**fig["layout"], "meta": {"client": str(client_id)}}}, alt, SHOWN]


def hide_chart() -> list[Any]:
    """chart_outputs' values for a chart with nothing to show: collapsed, its last figure left in place."""
    return [no_update, "", COLLAPSED]


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
