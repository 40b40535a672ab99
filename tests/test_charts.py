"""The memo's charts: labels measured with the real font's metrics fit their space, never
overlap and keep every letter; every chart carries a title and alt text."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from ftreport.report import charts
from ftreport.report.chart_text import text_width, wrap

FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def measure():
    """Width of a text at a size, from DejaVu Sans's own advance widths (the font the
    charts name), independent of ftreport's table."""
    assert FONT_FILE.exists(), "fonts-dejavu-core is required to measure chart labels"
    font = TTFont(FONT_FILE)
    cmap, hmtx, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm

    def width(text: str, size: float) -> float:
        return sum(hmtx[cmap[ord(c)]][0] for c in text) / em * size
    return width


LABELS = ["requests_per_day",
          "training_tokens (Fine-tuned gpt-4.1-mini on the quarterly support-ticket corpus)",
          "price_output_per_1m (*)",
          "hosting_hours_per_day (Azure hosted fine-tune, Standard deployment, Sweden)",
          "W" * 40]


def tornado(labels: list[str], note: str = "") -> charts.Chart:
    bars = [charts.Bar(label, 1_000.0 * k - 50_000, 20_000.0 + 3_000 * k, "1,234,567 requests",
                       "7,654,321 requests") for k, label in enumerate(labels)]
    return charts.tornado_chart(bars, 10_000.0, x_label="Savings (USD)",
                                money=lambda v: f"${v:,.0f}", title="What moves the savings",
                                note=note)


def texts(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}text"))


def test_tornado_labels_keep_every_letter_fit_their_column_and_never_overlap(measure) -> None:
    svg = tornado(LABELS)
    column = charts.TORNADO_LABEL_WIDTH
    labels = [t for t in texts(svg) if t.get("text-anchor") == "end"
              and float(t.get("x")) == column]
    # Every character of every label is drawn: the lines, in order, are the labels (a word
    # wider than the column continues on the next line).
    drawn = " ".join(t.text for t in labels)
    assert "".join(drawn.split()) == "".join("".join(LABELS).split())
    assert "…" not in drawn
    size = charts.TORNADO_LABEL_SIZE
    for t in labels:
        assert measure(t.text, size) <= column, t.text
    ys = sorted(float(t.get("y")) for t in labels)
    assert all(b - a >= size for a, b in itertools.pairwise(ys))
    # The long labels wrapped onto more than one line.
    assert len(labels) > len(LABELS)
    # Value notes at the bars' ends stay right of the label column and inside the chart.
    notes = [t for t in texts(svg) if t.get("font-size") == str(charts.TORNADO_NOTE_SIZE)]
    for t in notes:
        x = float(t.get("x"))
        left = x - measure(t.text, charts.TORNADO_NOTE_SIZE) if t.get("text-anchor") == "end" \
            else x
        assert left > column, t.text
        assert left + measure(t.text, charts.TORNADO_NOTE_SIZE) <= charts.WIDTH, t.text


def test_the_width_table_never_underestimates_the_font(measure) -> None:
    for text in [*LABELS, "mmmm iiii", "$1,234.50 ± 12", "—…€£"]:
        assert text_width(text, 10) >= measure(text, 10) - 1e-9
    assert wrap("", 100, 10) == [""]
    assert "".join(wrap("a" * 30, 50, 10)) == "a" * 30


def test_every_chart_has_a_title_and_alt_text() -> None:
    made = {
        "tornado": tornado(LABELS[:2], note="Not shown: epochs (no effect)."),
        "histogram": charts.histogram_chart([-10.0, 0.0, 10.0], [3, 7], [(5.0, "P50")],
                                            x_label="Savings", money=str, title="Savings"),
        "cumulative": charts.cumulative_cost_chart(
            [charts.Series("A very long option name " * 3, [0, 10], [0, 5], 0)], [],
            x_label="Day", y_label="Cost", money=str, title="Cumulative cost"),
    }
    for name, chart in made.items():
        root = ET.fromstring(chart)
        assert root.find(f"{SVG}title").text, name
        assert isinstance(chart.alt, str) and len(chart.alt) > 20, name
    assert "Not shown: epochs" in made["tornado"].alt
    assert "Not shown: epochs" in " ".join(t.text for t in texts(made["tornado"]))
    # The cumulative chart's legend keeps the whole name, over two lines.
    legend = " ".join(t.text for t in texts(made["cumulative"]))
    assert ("A very long option name " * 3).split() == [
        w for w in legend.split() if w in ("A", "very", "long", "option", "name")]


def test_spider_and_rank_correlation_charts_fit_their_labels_and_say_what_they_show(
        measure) -> None:
    from ftreport.report.risk_charts import (
        BAR_LABEL_SIZE,
        BAR_LABEL_WIDTH,
        rank_correlation_chart,
        spider_chart,
    )
    ranks = rank_correlation_chart(LABELS, [0.9, -0.4, 0.1, 0.0, -1.0],
                                   ["60.0%", "10.0%", "1.0%", "0.0%", "29.0%"], title="Ranks")
    labels = [t for t in texts(ranks) if t.get("text-anchor") == "end"
              and float(t.get("x")) == BAR_LABEL_WIDTH]
    assert "".join("".join(t.text for t in labels).split()) == "".join("".join(LABELS).split())
    assert all(measure(t.text, BAR_LABEL_SIZE) <= BAR_LABEL_WIDTH for t in labels)
    assert "rho -0.40, 10.0% of the variance" in ranks.alt
    spider = spider_chart([charts.Series(LABELS[1], [10, 50, 90], [1.0, 2.0, 3.0], 0)], 2.0,
                          money=lambda v: f"${v:,.0f}", title="Spider", x_label="Percentile")
    assert ET.fromstring(spider).find(f"{SVG}title").text == "Spider"
    assert f"{LABELS[1]} from $1 to $3" in spider.alt
