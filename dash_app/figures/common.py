"""Layout shared by every chart: readable font, no colour-only cues, room for long French labels."""

from __future__ import annotations

import math
import textwrap
from typing import Any

from dash_app import theme

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"
FONT = {"family": FONT_FAMILY, "size": 14, "color": theme.TEXT}


# decimal and thousands separators of the axes and hover numbers: 0,5 and 1 000 in French
SEPARATORS = {"fr": ",\u202f", "en": ".,"}


def base_layout(height: int, margin_top: int = 30, lang: str = "fr", **extra: Any) -> dict[str, Any]:
    """The layout every chart starts from, as a plain dict, its numbers written the way `lang` writes them;
    `extra` adds or replaces top-level keys."""
    layout: dict[str, Any] = {
        "height": height,
        "font": FONT,
        "paper_bgcolor": theme.BACKGROUND,
        "plot_bgcolor": theme.BACKGROUND,
        "margin": {"l": 10, "r": 20, "t": margin_top, "b": 40},
        "showlegend": False,
        "hoverlabel": {"font": {"size": 14}},
        "separators": SEPARATORS.get(lang, SEPARATORS["fr"]),
    }
    layout.update(extra)
    return layout


Figure = dict[str, Any]  # a Plotly figure as plain data: {"data": [...], "layout": {...}}

# What Plotly's default template ("plotly") sets for the charts drawn here: bars, waterfalls and scatters on x/y
# axes. A go.Figure carries the whole template (about 8 kB of JSON per chart, for every trace type and map), and
# checking a figure in Python costs more than building it; the figures are therefore plain dicts with this part
# of the template, which draws the same charts. The unit tests check each figure with go.Figure.
_AXIS = {
    "gridcolor": "white",
    "linecolor": "white",
    "ticks": "",
    "title": {"standoff": 15},
    "zerolinecolor": "white",
    "automargin": True,
    "zerolinewidth": 2,
}
_PATTERN = {"fillmode": "overlay", "size": 10, "solidity": 0.2}
TEMPLATE: dict[str, Any] = {
    "data": {
        "bar": [{"marker": {"line": {"color": "#E5ECF6", "width": 0.5}, "pattern": _PATTERN}, "type": "bar"}],
        "scatter": [{"fillpattern": _PATTERN, "type": "scatter"}],
    },
    "layout": {
        "autotypenumbers": "strict",
        "colorway": [
            "#636efa",
            "#EF553B",
            "#00cc96",
            "#ab63fa",
            "#FFA15A",
            "#19d3f3",
            "#FF6692",
            "#B6E880",
            "#FF97FF",
            "#FECB52",
        ],
        "font": {"color": "#2a3f5f"},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "#E5ECF6",
        "coloraxis": {"colorbar": {"outlinewidth": 0, "ticks": ""}},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "shapedefaults": {"line": {"color": "#2a3f5f"}},
        "annotationdefaults": {"arrowcolor": "#2a3f5f", "arrowhead": 0, "arrowwidth": 1},
        "title": {"x": 0.05},
    },
}


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    """A figure as plain data, sent to the browser as it is (see TEMPLATE)."""
    return {"data": data, "layout": {**layout, "template": TEMPLATE}}


def vline(x: float, line: dict[str, Any]) -> dict[str, Any]:
    """A vertical line across the plot at `x` (a layout shape)."""
    return {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": line}


def shorten(text: str, width: int = 48) -> str:
    """Axis labels stay on one line; the full text is in the hover and the text alternative."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


LABEL_WIDTH = 22  # characters per line of a bar's name: wrapped, never cut, so it fits a phone


def wrap(text: str, width: int = LABEL_WIDTH) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def lines_of(labels: list[str]) -> int:
    """The most lines a wrapped label takes."""
    return max((label.count("<br>") + 1 for label in labels), default=1)


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def percent_ticks(lang: str) -> dict[str, Any]:
    """A 0..1 colour or axis scale labelled 0 %, 25 %, ... in French (Plotly's % format glues the sign)."""
    values = [0.0, 0.25, 0.5, 0.75, 1.0]
    suffix = "\u202f%" if lang == "fr" else "%"
    return {"tickvals": values, "ticktext": [f"{round(100 * v)}{suffix}" for v in values]}
