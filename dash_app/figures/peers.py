"""The comparison with a group: the distribution with the client marked, the two-feature scatter coloured by
score, and the sentences (percentile, group statistics) that say the same in words."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from common.numbers import fmt_number
from dash_app import theme
from dash_app.figures.common import (
    FONT_SIZE,
    LINE,
    TICK_PAD,
    TITLE_SIZE,
    Figure,
    axis_room,
    base_layout,
    figure,
    margins,
    numeric,
    percent_ticks,
    right_room,
    vline,
    wrap,
)
from dash_app.i18n import fmt_pct, ordinal, t
from dash_app.values import field_value
from scoring_service.domain import PeerComparison, PeerGroup

TITLE_WIDTH = 30  # characters per line of an axis title: a phone's chart is about 330 px wide


def group_name(group: PeerGroup, lang: str) -> str:
    return t(lang, f"cmp.group.{group.value}")


def distribution_figure(cmp: PeerComparison, lang: str) -> Figure:
    dist = cmp.distribution
    client_label = t(lang, "cmp.client")
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if dist.categories:
        mine = [c == cmp.client_value for c in dist.categories]
        bars = {
            "type": "bar",
            "x": list(dist.categories),
            "y": list(dist.counts),
            "marker": {
                "color": [theme.OKABE_ITO["orange"] if m else theme.GROUP_BARS for m in mine],
                "pattern": {"shape": ["x" if m else "" for m in mine], "fgcolor": theme.TEXT},
                "line": {"color": [theme.TEXT if m else theme.GROUP_BARS for m in mine], "width": 2},
            },
            "text": [f"▼ {client_label}" if m else "" for m in mine],
            "textposition": "outside",
            "cliponaxis": False,
        }
    else:
        edges = dist.bin_edges
        bars = {
            "type": "bar",
            "x": [(a + b) / 2 for a, b in pairwise(edges)],
            "y": list(dist.counts),
            "width": [b - a for a, b in pairwise(edges)],
            "marker": {"color": theme.GROUP_BARS, "line": {"color": theme.BACKGROUND, "width": 1}},
            "hovertemplate": "%{x}<br>%{y}<extra></extra>",
        }
        if isinstance(cmp.client_value, int | float):
            value = float(cmp.client_value)
            shapes.append(vline(value, {"color": theme.CLIENT_MARK, "width": 3, "dash": "dash"}))
            annotations.append(
                {
                    "x": value,
                    "y": 1.06,
                    "xref": "x",
                    "yref": "paper",
                    "showarrow": False,
                    "text": f"▼ {client_label}{t(lang, 'colon')}{field_value(cmp.feature, cmp.client_value, lang)}",
                    "font": {"size": 13, "color": theme.TEXT},
                    "bgcolor": "rgba(255,255,255,0.9)",
                }
            )
    return figure([bars], _distribution_layout(cmp, lang, shapes, annotations))


def _distribution_layout(
    cmp: PeerComparison, lang: str, shapes: list[dict[str, Any]], annotations: list[dict[str, Any]]
) -> dict[str, Any]:
    dist = cmp.distribution
    x_title, y_title = wrap(cmp.description or cmp.feature, TITLE_WIDTH), t(lang, "cmp.count")
    # categories may be long and Plotly turns them when they overlap: only then does it measure the x axis
    measured = bool(dist.categories)
    left = axis_room(y_title, list(dist.counts), across=True)
    return base_layout(
        300,
        lang=lang,
        margin=margins(
            left=left,
            top=40,
            bottom=axis_room(x_title, [], across=False),
            right=right_room(left, x_title),
            fixed=not measured,
        ),
        bargap=0.05,
        shapes=shapes,
        annotations=annotations,
        xaxis={"title": {"text": x_title}, "automargin": measured},
        yaxis={"title": {"text": y_title}, "gridcolor": "#E3E6EA", "automargin": False},
    )


def distribution_text(cmp: PeerComparison, lang: str) -> str:
    name, group, n = cmp.description or cmp.feature, group_name(cmp.group, lang), cmp.group_size
    value = field_value(cmp.feature, cmp.client_value, lang)
    dist = cmp.distribution
    if dist.categories:
        items = ", ".join(f"{c} {k}" for c, k in zip(dist.categories, dist.counts, strict=True))
        return t(lang, "cmp.cat_alt", name=name, group=group, n=n, items=items, value=value)
    q = {k: field_value(cmp.feature, v, lang) for k, v in dist.quantiles.items()}
    return t(
        lang,
        "cmp.dist_alt",
        name=name,
        group=group,
        n=n,
        value=value,
        p50=q.get("p50", "?"),
        p05=q.get("p05", "?"),
        p95=q.get("p95", "?"),
    )


def percentile_sentence(cmp: PeerComparison, lang: str) -> str:
    name = cmp.description or cmp.feature
    if cmp.client_value is None:
        return t(lang, "cmp.missing", name=name)
    if cmp.client_percentile is None:
        return t(lang, "cmp.categorical", name=name, value=field_value(cmp.feature, cmp.client_value, lang))
    return t(
        lang,
        "cmp.percentile",
        name=name,
        value=field_value(cmp.feature, cmp.client_value, lang),
        pct=fmt_number(cmp.client_percentile, lang, 0),
        rank=ordinal(round(cmp.client_percentile), lang),
        group=group_name(cmp.group, lang),
    )


def stats_sentence(cmp: PeerComparison, lang: str) -> str:
    if cmp.group_observed_default_rate is None or cmp.history_size == 0:
        observed = t(lang, "cmp.observed_none")
    else:
        observed = t(
            lang,
            "cmp.observed",
            rate=fmt_pct(cmp.group_observed_default_rate, lang),
            h=fmt_number(cmp.history_size, lang),
        )
    return t(
        lang,
        "cmp.stats",
        group=group_name(cmp.group, lang),
        n=fmt_number(cmp.group_size, lang),
        mean=fmt_pct(cmp.group_mean_probability, lang),
        refused=fmt_pct(cmp.group_refusal_rate, lang),
        observed=observed,
    )


def scatter_figure(cmp: PeerComparison, lang: str) -> Figure:
    if cmp.second_feature is None:
        raise ValueError("This comparison has no second feature; ask for one to draw the scatter plot.")
    pts = cmp.points
    xs, ys = [p.x for p in pts], [p.y for p in pts]
    x_title = wrap(cmp.description or cmp.feature, TITLE_WIDTH)
    y_title = wrap(cmp.second_description or cmp.second_feature or "", TITLE_WIDTH)
    fixed = numeric([*xs, cmp.client_value]) and numeric([*ys, cmp.client_second_value])
    bar_y, margin = _scatter_frame(x_title, y_title, xs, ys, fixed)
    group = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "markers",
        "marker": {
            "size": 7,
            "color": [p.probability for p in pts],
            "colorscale": theme.SCORE_COLORSCALE,
            "cmin": 0,
            "cmax": 1,
            "opacity": 0.8,
            # below the chart, so that a phone's width goes to the points
            "colorbar": {
                "title": {"text": t(lang, "cmp.colorbar"), "side": "top"},
                "orientation": "h",
                "y": bar_y,
                "yanchor": "top",
                "ypad": 0,
                "thickness": BAR_THICKNESS,
                **percent_ticks(lang),
            },
        },
        "hovertemplate": "%{x} ; %{y}<br>%{marker.color:.1%}<extra></extra>",
    }
    client = {
        "type": "scatter",
        "x": [cmp.client_value],
        "y": [cmp.client_second_value],
        "mode": "markers+text",
        "marker": {
            "symbol": "star",
            "size": 22,
            "color": theme.OKABE_ITO["orange"],
            "line": {"color": theme.CLIENT_MARK, "width": 2},
        },
        "text": [t(lang, "cmp.client")],
        "textposition": "top center",
        "textfont": {"size": 14, "color": theme.TEXT},
        "hoverinfo": "skip",
    }
    layout = base_layout(
        SCATTER_HEIGHT,
        lang=lang,
        margin=margin,
        xaxis={"title": {"text": x_title}, "gridcolor": "#E3E6EA", "automargin": not fixed},
        yaxis={"title": {"text": y_title}, "gridcolor": "#E3E6EA", "automargin": not fixed},
    )
    return figure([group, client], layout)


SCATTER_HEIGHT, SCATTER_TOP = 430, 45
BAR_THICKNESS, BAR_GAP = 12, 8


def _scatter_frame(
    x_title: str, y_title: str, xs: list[Any], ys: list[Any], fixed: bool
) -> tuple[float, dict[str, Any]]:
    """(the colour bar's top, in fractions of the plot's height below it; the margins). Numbers on both axes: the
    margins are computed and the bar placed just under the x axis's title. Categories: Plotly measures the axes
    and the bar sits lower, pushing the bottom margin."""
    if not fixed:
        return -0.3, margins(left=10, top=SCATTER_TOP, bottom=40, fixed=False)
    below = axis_room(x_title, [], across=False)
    bar = (
        LINE * (TITLE_SIZE + FONT_SIZE) + BAR_THICKNESS + 2 * BAR_GAP
    )  # its title above, its tick labels below
    left = axis_room(y_title, ys, across=True)
    margin = margins(
        left=left,
        top=SCATTER_TOP,
        bottom=below + BAR_GAP + bar + TICK_PAD,
        right=right_room(left, x_title),
    )
    plot_height = SCATTER_HEIGHT - margin["t"] - margin["b"]
    return -(below + BAR_GAP) / plot_height, margin


def scatter_text(cmp: PeerComparison, lang: str) -> str:
    return t(
        lang,
        "cmp.scatter_alt",
        n=len(cmp.points),
        x=cmp.description or cmp.feature,
        y=cmp.second_description or cmp.second_feature,
        xv=field_value(cmp.feature, cmp.client_value, lang),
        yv=field_value(cmp.second_feature or "", cmp.client_second_value, lang),
    )
