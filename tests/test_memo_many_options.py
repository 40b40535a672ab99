"""The memo with more options than fit across a page: the side-by-side table, the dated
view and the cumulative chart show the baseline, the recommended option and the best
others by rank; a ranking table lists every option with the analysis's numbers. With five
options or fewer nothing of this appears. Each sentence checked in the PDF (pdftotext)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from ftreport.engine.analysis import analyse
from ftreport.model.format import Formatter
from ftreport.model.inputs import ScenarioBook
from ftreport.model.results import Analysis, RunResult
from ftreport.report import render_html, write_memo
from ftreport.report.context import build_context
from ftreport.report.ranking import MAX_COLUMNS, shown_indices
from tests.support.scenarios import support_book
from tests.test_memo import pdf_text

RANKING_HEADING = "Every option ranked by present value"
DATED_NOTE = "These tables show the same"
CHART_NOTE = "options of the table above."


def many_options(count: int, **scenario: object) -> ScenarioBook:
    """The support book's three options, then copies of them each a little dearer (short
    names, so none wraps in a table), an exact twin of the fine-tune (a tie in present
    value), and, with a quality floor, a cheap option that fails it."""
    book = support_book(**scenario)
    base = book.options
    extra = [replace(base[1], name="Twin")]
    if book.scenario.min_quality is not None:
        extra.append(replace(base[1], name="Cheap", price_output_per_1m=0.1,
                             quality_score=0.5))
    k = 0
    while len(base) + len(extra) < count:
        k += 1
        source = base[k % 3]
        extra.append(replace(source, name=f"Copy {k}",
                             price_output_per_1m=source.price_output_per_1m * (1 + k / 50)))
    return replace(book, options=[*base, *extra][:count], uncertainty=[])


def independent_ranks(analysis: Analysis) -> list[int]:
    """Rank by present value worked here: one more than the options cheaper by more than
    1e-9 relative (cost-model.md, "Ties")."""
    npv = [float(v) for v in analysis.results["npv_cost"]]
    return [1 + sum(a - b > 1e-9 * max(abs(a), abs(b)) for b in npv) for a in npv]


def test_the_columns_are_baseline_recommended_then_the_best_ranks() -> None:
    analysis = analyse(many_options(12, min_quality=0.85))
    ranks = independent_ranks(analysis)
    cheap = [o.name for o in analysis.options].index("Cheap")
    assert ranks[cheap] == 1 and analysis.recommended != cheap  # rank 1 fails the floor
    shown = shown_indices(analysis)
    assert len(shown) == MAX_COLUMNS
    assert shown[:2] == [analysis.baseline, analysis.recommended]
    others, left_out = shown[2:], set(range(12)) - set(shown)
    # No option left out ranks better than one shown, and of equal ranks the earlier row.
    for i in others:
        for j in left_out:
            assert (ranks[i], i) < (ranks[j], j)
    assert cheap in others  # the best rank is shown even though it cannot be recommended


def test_a_tie_shares_a_rank_and_the_earlier_row_comes_first() -> None:
    analysis = analyse(many_options(8))
    names = [o.name for o in analysis.options]
    ft, twin = 1, names.index("Twin")
    ranks = independent_ranks(analysis)
    assert ranks[ft] == ranks[twin] == 1 and analysis.recommended == ft
    fmt = Formatter("USD")
    context = build_context(RunResult(analysis), _noon())
    assert context.ranking is not None
    rows = context.ranking.rows
    assert [r.rank for r in rows[:2]] == ["1", "1"]
    assert [r.name for r in rows[:2]] == [names[ft], "Twin"]
    assert [o.index for o in context.shown_options][:3] == [analysis.baseline, ft, twin]
    assert rows[0].total_cost == fmt.output("total_cost", analysis.option_value("total_cost", ft))


def test_five_options_or_fewer_show_every_option_and_no_ranking() -> None:
    for count in (3, MAX_COLUMNS):
        result = RunResult(analyse(many_options(count, start_date=date(2027, 1, 1))))
        context = build_context(result, _noon())
        assert [o.index for o in context.shown_options] == list(range(count))
        assert context.ranking is None
        assert context.dated is not None and context.dated.shown_note == ""
        html = render_html(result)
        assert RANKING_HEADING not in html and DATED_NOTE not in html
        assert CHART_NOTE not in html and "more option" not in html


def test_the_memo_says_which_options_are_shown_and_ranks_every_one(tmp_path: Path) -> None:
    count = 12
    analysis = analyse(many_options(count, min_quality=0.85, start_date=date(2027, 1, 1)))
    write_memo(RunResult(analysis), tmp_path / "memo.pdf")
    text = pdf_text(tmp_path / "memo.pdf")
    names = [o.name for o in analysis.options]
    shown = shown_indices(analysis)
    left_out = count - MAX_COLUMNS
    assert (f"With {count} options, the table shows {MAX_COLUMNS}: the baseline, the "
            "recommended option and the best others by present value. "
            f"{left_out} more options are ranked in the table below, which lists every "
            "option.") in text
    side = text[text.index(f"With {count} options"):text.index(RANKING_HEADING)]
    for i, name in enumerate(names):
        assert (re.search(rf"\b{re.escape(name)}\b", side) is not None) == (i in shown), name
    # The ranking table: one row per option, best first, with the analysis's figures.
    table = text[text.index(RANKING_HEADING):text.index("Cumulative cost by day")]
    assert "Chance of being cheapest" not in table  # no simulation ran
    fmt = Formatter("USD")
    ranks = independent_ranks(analysis)
    order = sorted(range(count), key=lambda i: (ranks[i], i))
    positions = []
    for i in order:
        value = analysis.option_value
        day = value("break_even_day", i)
        break_even = ("baseline" if i == analysis.baseline
                      else "none within the horizon" if day is None else f"day {day:,}")
        meets = (analysis.options[i].quality_score or 0) >= 0.85
        cells = [analysis.options[i].approach,
                 fmt.output("total_cost", value("total_cost", i)),
                 fmt.output("npv_cost", value("npv_cost", i)),
                 fmt.output("savings_vs_baseline", value("savings_vs_baseline", i)),
                 break_even, fmt.number(analysis.options[i].quality_score),
                 "yes" if meets else "no"]
        row = re.search(rf"\b{ranks[i]} {re.escape(names[i])}(?: \((?:baseline|recommended)\))? "
                        + " ".join(map(re.escape, cells)) + r"\b", table)
        assert row is not None, cells
        positions.append(row.start())
    assert positions == sorted(positions)
    dated = text[text.rindex("Cash flow by month and fiscal year"):]
    assert (f"These tables show the same {MAX_COLUMNS} of the {count} options as \"The "
            "options side by side\"") in dated
    assert f"It draws the {MAX_COLUMNS} {CHART_NOTE}" in text


def test_one_option_too_many_is_said_in_the_singular() -> None:
    html = render_html(RunResult(analyse(many_options(MAX_COLUMNS + 1))))
    assert "1 more option is ranked in the table below" in html
    assert RANKING_HEADING in html
    assert "Meets quality floor" not in html  # no minimum quality set
    floored = render_html(RunResult(analyse(many_options(MAX_COLUMNS + 1, min_quality=0.85))))
    assert "<th>Meets quality floor 0.85</th>" in floored


def test_a_baseline_that_stays_is_not_called_a_second_option() -> None:
    analysis = analyse(many_options(MAX_COLUMNS + 2, requests_per_day=50))
    assert analysis.recommended == analysis.baseline
    shown = shown_indices(analysis)
    ranks = independent_ranks(analysis)
    assert shown[0] == analysis.baseline and len(shown) == MAX_COLUMNS
    assert sorted(shown[1:], key=lambda i: (ranks[i], i)) == shown[1:]
    html = render_html(RunResult(analysis))
    assert (f"the table shows {MAX_COLUMNS}: the baseline, which stays the recommendation, "
            "and the best others by present value.") in html
    assert "the baseline, the recommended option" not in html


def test_the_cumulative_chart_draws_the_shown_options_only() -> None:
    analysis = analyse(many_options(12))
    context = build_context(RunResult(analysis), _noon())
    labels = set(re.findall(r"<text[^>]*>([^<]*)</text>", context.cumulative_chart))
    shown = {o.name for o in context.shown_options}
    assert shown <= labels
    assert not labels & ({o.name for o in analysis.options} - shown)


def test_the_dated_view_holds_the_shown_options_columns_and_totals() -> None:
    analysis = analyse(many_options(9, start_date=date(2027, 1, 1)))
    context = build_context(RunResult(analysis), _noon())
    dated = context.dated
    assert dated is not None
    shown = [o.index for o in context.shown_options]
    assert dated.option_names == [analysis.options[i].name for i in shown]
    fmt = Formatter("USD")
    totals = analysis.results["total_cost"]
    assert dated.totals == [fmt.money(float(totals[i]), 0) for i in shown]
    assert all(len(r.costs) == len(shown) for r in (*dated.months, *dated.fiscal_years))
    assert np.isclose(sum(float(totals[i]) for i in shown),
                      sum(float(c.replace("$", "").replace(",", "")) for c in dated.totals),
                      atol=len(shown))


def _noon() -> datetime:
    return datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_the_appendix_and_risk_tables_hold_the_shown_options_and_say_so() -> None:
    from ftreport.engine.simulation import simulate

    book = replace(many_options(8, mc_iterations=2_000),
                   uncertainty=support_book().uncertainty)
    analysis = analyse(book)
    html = render_html(RunResult(analysis, simulate(book, analysis)))
    names = [o.name for o in analysis.options]
    shown = [names[i] for i in shown_indices(analysis)]

    def heads(table_class: str, part: str) -> list[str]:
        start = html.index(f'class="{table_class}')
        table = html[start:html.index("</table>", start)]
        body = table[table.index(f"<{part}>"):table.index(f"</{part}>")]
        return [re.sub(r"<[^>]+>.*", "", h, flags=re.S).strip()
                for h in re.findall(r"<th>(.*?)</th>", body, re.S)]
    assert heads("inputs option-inputs", "thead")[3:] == shown  # in the table's order
    assert html.count('class="inputs option-inputs"') == 1
    flat = " ".join(html.split())
    assert "The inputs of the other 3 options are on the Options sheet" in flat
    assert heads("percentiles", "tbody") == [n for n in names if n in shown]
    assert "the Simulation sheet gives every option's percentiles" in flat
    # The S-curve draws the shown alternatives (the baseline has no curve) and says so.
    curves = build_context(RunResult(analysis, simulate(book, analysis)),
                           datetime(2026, 1, 1, tzinfo=UTC)).s_curve
    assert curves is not None
    drawn = [n for n in names if f"{n}: P5" in curves.alt]
    assert drawn == [n for n in names if n in shown and n != names[analysis.baseline]]
    assert "It draws the alternatives among the 5 options of the side-by-side table" in flat
    few = replace(book, options=book.options[:3])
    few_html = render_html(RunResult(analyse(few), simulate(few, analyse(few))))
    assert "The inputs of the other" not in few_html
    assert "gives every option" not in few_html and "It draws the alternatives" not in few_html
