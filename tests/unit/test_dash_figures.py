"""Figures are pure functions of domain objects: each draws what it should and says the same in words."""

from __future__ import annotations

import base64
import math
import xml.etree.ElementTree as ET
from typing import Any

import plotly.graph_objects as go
import pytest

from dash_app import theme
from dash_app.figures.common import NARROWEST_CHART, TITLE_SIZE, axis_room, text_width, ticks_width
from dash_app.figures.gauge import (
    BAND_COLOURS,
    CX,
    CY,
    RADIUS,
    distance_sentence,
    gauge_image_src,
    gauge_svg,
    gauge_text,
)
from dash_app.figures.importance import SELECTED_MARK, importance_figure, importance_text
from dash_app.figures.peers import (
    distribution_figure,
    distribution_text,
    percentile_sentence,
    scatter_figure,
    scatter_text,
    stats_sentence,
)
from dash_app.figures.waterfall import top_reasons, waterfall_figure, waterfall_text
from dash_app.i18n import ordinal
from scoring_service.domain import (
    Contribution,
    Decision,
    Distribution,
    Explanation,
    FeatureImportance,
    PeerComparison,
    PeerGroup,
    ScatterPoint,
    ScoreResult,
)
from tests.dash_fake_api import reasons_of


def checked(fig: dict[str, Any]) -> go.Figure:
    """The plain figure read by Plotly's own checks: a key or a value Plotly does not know raises."""
    return go.Figure(fig)


def result(
    p: float, decision: Decision, explanation: Explanation | None = None, lang: str = "fr"
) -> ScoreResult:
    reasons = reasons_of(explanation, lang) if explanation is not None else None
    return ScoreResult("r", 100002, p, decision, 0.35, "3", explanation, reasons)


EXPLANATION = Explanation(
    base_value=-1.2,
    contributions=(
        Contribution("EXT_SOURCE_MEAN", "Moyenne des scores externes", 0.21, 0.9),
        Contribution("AMT_INCOME_TOTAL", "Revenu annuel", 250000.0, -0.4),
        Contribution("CODE_GENDER", "Sexe", "M", 0.1),
        Contribution("DAYS_EMPLOYED", "Ancienneté", None, -0.05),
    ),
    rest=0.02,
    rest_count=12,
)


def numeric_comparison(**over: object) -> PeerComparison:
    values: dict[str, object] = dict(
        feature="AMT_CREDIT",
        description="Montant du crédit",
        group=PeerGroup.SIMILAR,
        group_size=200,
        client_value=450000.0,
        client_percentile=72.4,
        distribution=Distribution(
            counts=(5, 10, 3), bin_edges=(0.0, 3e5, 6e5, 9e5), quantiles={"p05": 1e5, "p50": 4e5, "p95": 8e5}
        ),
        group_mean_probability=0.21,
        group_refusal_rate=0.18,
        group_observed_default_rate=0.09,
        history_size=340,
        second_feature="AMT_INCOME_TOTAL",
        second_description="Revenu annuel",
        client_second_value=150000.0,
        points=(ScatterPoint(1.0, 2.0, 0.1), ScatterPoint(3.0, 1.0, 0.8)),
    )
    values.update(over)
    return PeerComparison(**values)  # type: ignore[arg-type]


SVG = "{http://www.w3.org/2000/svg}"


def _angle_of(x: float, y: float) -> float:
    """Where a point sits on the half-dial, as a probability in percent (0 on the left, 100 on the right)."""
    return 100 * (1 - math.atan2(CY - y, x - CX) / math.pi)


def test_gauge_marks_the_threshold_and_colours_by_decision() -> None:
    root = ET.fromstring(gauge_svg(result(0.12, Decision.GRANTED), "fr"))
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "12,0\u202f%" in texts and "Probabilité de défaut" in texts
    assert "Seuil : 35,0\u202f%" in texts  # the threshold's value, in words under the dial
    paths = list(root.iter(f"{SVG}path"))
    below, above, value = paths  # the band under the threshold, the band over it, the client's bar
    assert (below.get("stroke"), above.get("stroke")) == BAND_COLOURS
    assert value.get("stroke") == theme.GRANTED_TEXT
    end = value.get("d").split()[-2:]
    assert _angle_of(float(end[0]), float(end[1])) == pytest.approx(12.0, abs=0.01)
    split = below.get("d").split()[-2:]
    assert _angle_of(float(split[0]), float(split[1])) == pytest.approx(35.0, abs=0.01)
    mark = next(line for line in root.iter(f"{SVG}line") if line.get("stroke") == theme.THRESHOLD)
    x, y = float(mark.get("x2")), float(mark.get("y2"))
    assert _angle_of(x, y) == pytest.approx(35.0, abs=0.01)  # the black mark sits on the threshold
    assert math.hypot(x - CX, y - CY) > RADIUS  # and crosses the band
    refused = ET.fromstring(gauge_svg(result(0.6, Decision.REFUSED), "en"))
    assert list(refused.iter(f"{SVG}path"))[2].get("stroke") == theme.REFUSED_TEXT
    assert "Threshold: 35.0%" in [t.text for t in refused.iter(f"{SVG}text")]


def test_gauge_image_is_a_self_contained_svg_with_escaped_text() -> None:
    src = gauge_image_src(result(0.5, Decision.REFUSED), "fr")
    assert src.startswith("data:image/svg+xml;base64,")
    ET.fromstring(base64.b64decode(src.split(",", 1)[1]))  # well-formed: the font name's quotes are escaped
    for p in (0.0, 1.0):  # the ends of the dial draw too
        ET.fromstring(gauge_svg(result(p, Decision.GRANTED if p < 0.35 else Decision.REFUSED), "en"))


def test_distance_sentence_says_how_far_and_whether_narrow() -> None:
    far = distance_sentence(result(0.12, Decision.GRANTED), "fr")
    assert "inférieure de 23,0 points" in far and "accordé" in far and "marge nette" in far
    close = distance_sentence(result(0.37, Decision.REFUSED), "en")
    assert "2.0 points above" in close and "refused" in close and "narrowly" in close
    assert "Decision: refused" in gauge_text(result(0.37, Decision.REFUSED), "en")


def test_waterfall_has_one_bar_per_reason_summing_to_the_score_with_signed_labels() -> None:
    scored = result(0.4, Decision.REFUSED, EXPLANATION)
    fig = checked(waterfall_figure(scored, "fr"))
    bars = fig.data[0]
    assert isinstance(bars, go.Waterfall)
    assert bars.base == -1.2
    # external scores, income and burden, family and housing, age and employment, the application (the rest)
    assert len(bars.x) == 5
    assert bars.base + sum(bars.x) == pytest.approx(scored.reasons.score)  # type: ignore[union-attr]
    assert bars.y[0] == "Scores d'organismes<br>extérieurs"
    assert bars.text[0] == "+0,90"
    assert bars.textangle == 0  # a short bar's value stays written across, never turned sideways to fit
    assert all("…" not in label for label in bars.y)
    assert "log" not in fig.layout.xaxis.title.text and "risque" in fig.layout.xaxis.title.text
    assert fig.layout.separators == ",\u202f"
    assert "Moyenne des scores externes : 0,21" in bars.hovertext[0]
    assert bars.increasing.marker.color == theme.RAISES_RISK
    assert bars.decreasing.marker.color == theme.LOWERS_RISK
    assert all(shape.layer == "below" for shape in fig.layout.shapes)


def test_top_reasons_are_sentences_a_client_understands() -> None:
    sentences = [r.sentence for r in top_reasons(result(0.4, Decision.REFUSED, EXPLANATION))]
    assert sentences[0] == "Vos notes auprès d'organismes de crédit extérieurs augmentent le risque."
    assert "Vos revenus, comparés aux remboursements, diminuent le risque." in sentences
    assert len(sentences) <= 4


def test_waterfall_text_names_every_reason_in_full_with_direction_and_values() -> None:
    text = waterfall_text(result(0.4, Decision.REFUSED, EXPLANATION, "en"), "en")
    assert (
        "Scores from outside agencies: raises the risk by 0.90 (Moyenne des scores externes: 0.21)." in text
    )
    assert "Income and repayment burden: lowers the risk by 0.40 (Revenu annuel: €250,000)." in text
    assert "Age, education and employment: lowers the risk by 0.05 (Ancienneté: not given)." in text


def test_importance_carries_feature_codes_and_marks_the_selection_without_colour_alone() -> None:
    items = [FeatureImportance(f"F{i}", f"Variable {i}", 1.0 / (i + 1)) for i in range(20)]
    fig = checked(importance_figure(items, "fr", selected="F2"))
    bar = fig.data[0]
    assert len(bar.y) == 15 and list(bar.customdata[:3]) == ["F0", "F1", "F2"]
    assert bar.y[2].startswith(SELECTED_MARK) and not bar.y[1].startswith(SELECTED_MARK)
    assert bar.marker.pattern.shape[2] == "/"
    assert "1. Variable 0 (1,000); 2. Variable 1 (0,500)" in importance_text(items, "fr")


def test_distribution_marks_the_client_and_the_sentences_state_the_percentile() -> None:
    cmp = numeric_comparison()
    fig = checked(distribution_figure(cmp, "fr"))
    assert list(fig.data[0].y) == [5, 10, 3]
    assert fig.data[0].x == (1.5e5, 4.5e5, 7.5e5)
    assert [s.x0 for s in fig.layout.shapes] == [450000.0]
    assert "Ce client" in fig.layout.annotations[0].text
    assert "72e centile" in percentile_sentence(cmp, "fr")
    assert "72nd percentile" in percentile_sentence(cmp, "en")
    assert "médiane 400\u202f000" in distribution_text(cmp, "fr")
    stats = stats_sentence(cmp, "en")
    assert (
        "200 clients" in stats and "21.0%" in stats and "18.0% refused" in stats and "9.0% over 340" in stats
    )


@pytest.mark.parametrize(
    ("rank", "en", "fr"),
    [(1, "1st", "1er"), (2, "2nd", "2e"), (3, "3rd", "3e"), (4, "4th", "4e"), (11, "11th", "11e"),
     (12, "12th", "12e"), (13, "13th", "13e"), (21, "21st", "21e"), (22, "22nd", "22e"), (23, "23rd", "23e"),
     (100, "100th", "100e"), (111, "111th", "111e")],
)  # fmt: skip
def test_ranks_are_written_as_each_language_writes_them(rank: int, en: str, fr: str) -> None:
    assert ordinal(rank, "en") == en
    assert ordinal(rank, "fr") == fr


def test_categorical_distribution_highlights_the_clients_level_with_a_pattern() -> None:
    cmp = numeric_comparison(
        feature="CODE_GENDER",
        description="Sexe",
        client_value="M",
        client_percentile=None,
        distribution=Distribution(counts=(120, 80), categories=("F", "M")),
    )
    fig = checked(distribution_figure(cmp, "fr"))
    assert list(fig.data[0].marker.pattern.shape) == ["", "x"]
    assert fig.data[0].text[1].startswith("▼")
    assert percentile_sentence(cmp, "fr") == "Sur « Sexe », le client a la valeur « Homme »."
    assert "F 120, M 80" in distribution_text(cmp, "fr")


def test_no_history_and_missing_value_are_said_plainly() -> None:
    cmp = numeric_comparison(
        group_observed_default_rate=None, history_size=0, client_value=None, client_percentile=None
    )
    assert "no comparable default history" in stats_sentence(cmp, "en")
    assert "is not given" in percentile_sentence(cmp, "en")


def test_scatter_highlights_the_client_with_a_star_and_a_label() -> None:
    cmp = numeric_comparison()
    fig = checked(scatter_figure(cmp, "fr"))
    assert len(fig.data) == 2
    assert fig.data[0].marker.colorscale is not None
    star = fig.data[1]
    assert star.marker.symbol == "star" and star.x == (450000.0,) and star.text == ("Ce client",)
    assert "étoile" in scatter_text(cmp, "fr") and "2 clients" in scatter_text(cmp, "fr")


def test_every_figure_writes_numbers_the_french_way_and_the_scatter_scale_sits_below() -> None:
    figures = [
        checked(waterfall_figure(result(0.4, Decision.REFUSED, EXPLANATION), "fr")),
        checked(importance_figure([FeatureImportance("A", "Alpha", 0.5)], "fr")),
    ]
    assert all(f.layout.separators == ",\u202f" for f in figures)
    assert checked(importance_figure([FeatureImportance("A", "Alpha", 0.5)], "en")).layout.separators == ".,"
    scatter = checked(scatter_figure(numeric_comparison(), "fr"))
    assert scatter.layout.separators == ",\u202f"
    bar = scatter.data[0].marker.colorbar
    assert bar.orientation == "h" and bar.y < 0  # below the points: a phone's width goes to the chart
    assert list(bar.ticktext) == ["0\u202f%", "25\u202f%", "50\u202f%", "75\u202f%", "100\u202f%"]


def test_margins_are_computed_from_the_labels_so_that_plotly_measures_nothing() -> None:
    """Plotly's automatic margins measure the text in the browser and redraw the chart when a margin grows: the
    charts drawn on every lookup carry margins that hold their labels instead, and nothing may widen them."""
    waterfall = checked(waterfall_figure(result(0.4, Decision.REFUSED, EXPLANATION), "fr"))
    widest = max(text_width(label) for label in waterfall.data[0].y)
    assert waterfall.layout.margin.autoexpand is False and widest < waterfall.layout.margin.l < widest + 20
    for fig in (waterfall, checked(distribution_figure(numeric_comparison(), "fr"))):
        assert fig.layout.xaxis.automargin is False and fig.layout.yaxis.automargin is False
    scatter = checked(scatter_figure(numeric_comparison(), "fr"))
    size, bar = scatter.layout, scatter.data[0].marker.colorbar
    plot_height = size.height - size.margin.t - size.margin.b
    below_axis = -bar.y * plot_height  # pixels from the x axis down to the colour bar's top
    title_bottom = axis_room(size.xaxis.title.text, [], across=False)
    assert size.margin.autoexpand is False and title_bottom <= below_axis < size.margin.b
    # categories: Plotly turns long ones, so the x axis alone is measured
    categorical = checked(
        distribution_figure(
            numeric_comparison(
                client_value="M", distribution=Distribution(counts=(1, 2), categories=("F", "M"))
            ),
            "fr",
        )
    )
    assert categorical.layout.xaxis.automargin is True and categorical.layout.margin.autoexpand is True


def test_text_width_follows_the_characters_and_the_lines() -> None:
    assert text_width("iiii") < text_width("MMMM")
    assert text_width("abc<br>abcdef") == text_width("abcdef")
    assert text_width("☃") > text_width("a")  # a character missing from the table counts as wide
    assert ticks_width([1e6]) > ticks_width([0.5]) and ticks_width([-5.0]) > ticks_width([5.0])


def test_a_long_x_title_stays_inside_a_phones_chart() -> None:
    """The x axis's title is centred on the plot: with a wide left margin (a two-line y title) the right margin
    grows so that the title ends inside a chart 332 px wide (a 390 px phone)."""
    long = "Moyenne des scores externes disponibles"
    cmp = numeric_comparison(description=long, second_description=long)
    for fig in (checked(scatter_figure(cmp, "fr")), checked(distribution_figure(cmp, "fr"))):
        margin, title = fig.layout.margin, fig.layout.xaxis.title.text
        centre = (NARROWEST_CHART + margin.l - margin.r) / 2
        assert centre + text_width(title, TITLE_SIZE) / 2 <= NARROWEST_CHART, (margin, title)
