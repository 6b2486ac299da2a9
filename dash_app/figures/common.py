"""Layout shared by every chart: readable font, no colour-only cues, room for long French labels."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from dash_app import theme

FONT = {
    "family": "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif",
    "size": 14,
    "color": theme.TEXT,
}


def base_layout(fig: go.Figure, height: int, margin_left: int = 10) -> go.Figure:
    fig.update_layout(
        height=height,
        font=FONT,
        paper_bgcolor=theme.BACKGROUND,
        plot_bgcolor=theme.BACKGROUND,
        margin={"l": margin_left, "r": 20, "t": 30, "b": 40},
        showlegend=False,
        hoverlabel={"font": {"size": 14}},
    )
    return fig


def shorten(text: str, width: int = 48) -> str:
    """Axis labels stay on one line; the full text is in the hover and the text alternative."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
