"""Layout shared by every chart: readable font, no colour-only cues, room for long French labels."""

from __future__ import annotations

import math
import textwrap
from typing import Any

from dash_app import theme

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"
FONT_SIZE = 14
FONT = {"family": FONT_FAMILY, "size": FONT_SIZE, "color": theme.TEXT}
TITLE_SIZE = round(1.2 * FONT_SIZE)  # Plotly writes an axis title 1.2 times the layout's font


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


# Margins are computed here from the labels, not measured by Plotly ("automargin"): measuring the text in the
# browser forces a layout, and each margin it widens redraws the whole chart a second time (docs/benchmarks.md).
LINE = 1.3  # Plotly's line height, in font sizes
# DejaVu Sans's advance widths, rounded up to 0.05 em: the widest of the charts' fonts (and headless Chromium's on
# Linux), so that a margin computed from it holds the label in the narrower system fonts too.
_EMS = {
    0.20: "\u202f",
    0.30: "'IJijlîïÎÏ",
    0.35: ",./:;\\| ’\xa0",
    0.40: "()-[]ft",
    0.45: "!r",
    0.50: '"*_`–°',
    0.55: "?cszç",
    0.60: "FLkvxyÿ•",
    0.65: "$0123456789EPSTYabdeghnopqu{}àâäéèêëôöùûüÉÈÊË«»€",
    0.70: "ABCKRVXZÀÂÇ",
    0.75: "NUÙÛÜ",
    0.80: "&DGHOQÔÖ▼",
    0.85: "#+<=>^w~−",
    0.90: "M",
    1.00: "%@WmæÆ—…",
    1.05: "œ",
    1.10: "Œ",
}
_EM_OF = {c: em for em, chars in _EMS.items() for c in chars}
WIDEST = 1.1  # a character missing from the table


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Pixels the longest line of `text` (lines joined by <br>) takes at `size`."""
    return max(sum(_EM_OF.get(c, WIDEST) for c in line) * size for line in text.split("<br>"))


def text_height(text: str, size: float = FONT_SIZE) -> float:
    return (text.count("<br>") + 1) * LINE * size


TICK_PAD = 10  # pixels between an axis and its tick labels, and around a title
TITLE_STANDOFF = 15  # the template's, between the tick labels and the axis title


def ticks_width(values: list[Any], size: float = FONT_SIZE) -> float:
    """Pixels Plotly's automatic tick labels of these numbers may take across, one character to spare: "200k",
    "1,25M" from ten thousand on, the axis's top rounded up below it ("150", "7,5"), "0,25" under one."""
    numbers = [abs(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    top = max(numbers, default=1.0)
    if top >= 1e4:
        chars = 5
    elif top >= 1:
        chars = len(str(int(top * 1.25))) + (2 if top < 10 else 0)
    else:
        chars = 4
    negative = any(isinstance(v, int | float) and v < 0 for v in values)
    return text_width("0" * (chars + 1) + ("−" if negative else ""), size)


def numeric(values: list[Any]) -> bool:
    """Numbers only (None aside): the axis's tick labels are Plotly's short numbers, whose size is known."""
    return all(v is None or isinstance(v, int | float) for v in values)


def margins(left: float, top: float, bottom: float, right: float = 20, fixed: bool = True) -> dict[str, Any]:
    """A chart's margins in whole pixels; `fixed`: Plotly widens none of them (no axis, colour bar or legend
    pushes), otherwise they are the least it starts from."""
    return {
        "l": math.ceil(left),
        "r": math.ceil(right),
        "t": math.ceil(top),
        "b": math.ceil(bottom),
        "autoexpand": not fixed,
    }


NARROWEST_CHART = 332  # pixels: a chart's width on a 390 px phone, the panel's padding aside


def right_room(left: float, x_title: str, least: float = 20) -> float:
    """The right margin that keeps the x axis's title, centred on the plot, inside a chart as narrow as a phone's
    (a long title on a plot pushed right by a wide left margin would pass the right edge)."""
    return max(least, math.ceil(left) + text_width(x_title, TITLE_SIZE) - NARROWEST_CHART + 1)


def axis_room(title: str, values: list[Any], across: bool) -> float:
    """Pixels from the plot's edge to the far side of an axis title: the tick labels of `values` (their width when
    `across` the margin, as on a y axis, else one line), the template's standoff and the title's lines."""
    ticks = ticks_width(values) if across else LINE * FONT_SIZE
    return ticks + TITLE_STANDOFF + text_height(title, TITLE_SIZE) + TICK_PAD


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
