"""The email's sentences in the cases the common tests miss: the baseline kept on present
value while an alternative is cheaper in cash, kept because of the quality floor, or the
only option; horizons of one day and of many thousand days. Each sentence is checked in a
scenario where it holds and absent from one where it does not (the body as
`ftreport send` renders it from the run's summary)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import simulate
from ftreport.mail.message import render_body
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report.summary import summarise
from tests.test_memo_edge_cases import volume_range
from tests.test_memo_truth import PROMPTED, TUNED, book_with


def email_text(book) -> tuple[RunResult, str, str]:
    result = RunResult(analyse(book))
    text, html = render_body(summarise(result), ["plan.memo.pdf"])
    return result, " ".join(text.split()), " ".join(html.split())


def test_baseline_kept_on_present_value_is_not_said_to_cost_least_in_cash():
    # At 90% a year the fine-tune's up-front cost weighs more than its later savings.
    result, text, html = email_text(book_with([PROMPTED, TUNED], discount_rate=0.9,
                                              requests_per_day=2000))
    res = result.analysis.results
    assert result.analysis.recommended == result.analysis.baseline == 0
    assert res["total_cost"][1] < res["total_cost"][0]  # cheaper in cash...
    assert res["npv_cost"][1] > res["npv_cost"][0]  # ...dearer in present value
    for body in (text, html):
        assert "costs less" not in body
        assert ("Keep Prompted: no alternative has a lower present value of cost over the "
                "365-day horizon") in body


def test_the_present_value_reason_holds_where_the_alternative_is_dearer_in_both():
    result, text, _ = email_text(book_with([PROMPTED, TUNED], discount_rate=0.9,
                                           requests_per_day=200))
    res = result.analysis.results
    assert result.analysis.recommended == 0 and np.all(res["total_cost"][1:] > res["total_cost"][0])
    assert "Keep Prompted: no alternative has a lower present value of cost" in text


def test_a_baseline_kept_by_the_quality_floor_names_the_floor():
    result, text, html = email_text(book_with([PROMPTED, TUNED], min_quality=0.85,
                                              discount_rate=0.0))
    res = result.analysis.results
    assert result.analysis.recommended == 0 and res["npv_cost"][1] < res["npv_cost"][0]
    for body in (text, html):
        assert "costs less" not in body
        assert ("Keep Prompted: no alternative that meets the minimum quality of 0.85 has a "
                "lower present value of cost") in body
    # Without the floor the fine-tune is recommended, and no reason to keep is given.
    _, free, _ = email_text(book_with([PROMPTED, TUNED], discount_rate=0.0))
    assert "Recommendation: Tuned" in free and "Keep Prompted" not in free


def test_the_only_option_is_said_to_be_the_only_one():
    _, text, html = email_text(book_with([PROMPTED]))
    for body in (text, html):
        assert "Keep Prompted: it is the only option (" in body
        assert "no alternative" not in body and "costs less" not in body
    _, two, _ = email_text(book_with([PROMPTED, TUNED], discount_rate=0.9,
                                     requests_per_day=200))
    assert "only option" not in two


def test_a_one_day_horizon_is_one_day_not_one_days():
    result, text, html = email_text(book_with([PROMPTED, TUNED], horizon_days=1,
                                              requests_per_day=1_000_000))
    assert result.analysis.recommended == 1
    assert "Total cost over 1 day:" in text and "1 days" not in text
    assert "Total cost over 1 day<" in html and "1 days" not in html


def test_long_horizons_and_late_break_even_days_have_thousands_separators():
    book = book_with([PROMPTED, TUNED], horizon_days=36_500, requests_per_day=3,
                     discount_rate=0.0)
    result, text, html = email_text(book)
    a = result.analysis
    day = a.option_value("break_even_day", 1)
    assert a.recommended == 1 and day is not None and day >= 1000
    assert "Total cost over 36,500 days:" in text and "36500" not in text
    assert f"Break-even: day {day:,}." in text and f"day {day}." not in text
    assert f"day {day:,}<" in html and "36,500 days<" in html


def test_a_recommendation_dearer_in_cash_gives_its_present_value_reason():
    result, text, html = email_text(book_with([TUNED, PROMPTED], discount_rate=0.9,
                                              requests_per_day=2000, baseline_option="Tuned"))
    a, fmt = result.analysis, Formatter("USD")
    extra = -a.option_value("savings_vs_baseline", 1)
    gap = a.results["npv_cost"][0] - a.results["npv_cost"][1]
    assert a.recommended == 1 and a.baseline == 0 and extra > 1 and gap > 1
    assert (f"- It costs {fmt.money(extra)} more than Tuned in cash over the horizon, but it "
            "has the lowest present value of cost of all the options "
            f"({fmt.money(gap)} in present value less than Tuned).") in text
    assert ("It costs more in cash, but it has the lowest present value of cost of all the "
            f"options ({fmt.money(gap)} in present value less than Tuned).") in html


def test_a_recommendation_saving_cash_needs_no_reason():
    result, text, html = email_text(book_with([PROMPTED, TUNED], discount_rate=0.0))
    assert result.analysis.recommended == 1
    assert result.analysis.option_value("savings_vs_baseline", 1) > 0
    for body in (text, html):
        assert "present value" not in body and "costs more" not in body


def test_the_only_option_is_not_said_to_be_the_cheapest_in_the_samples():
    def simulated_email(options):
        book = dataclasses.replace(book_with(options, mc_iterations=2000),
                                   uncertainty=volume_range(12_000, 20_000, 35_000))
        result = RunResult(analyse(book))
        result.simulation = simulate(result.book, result.analysis)
        text, html = render_body(summarise(result), ["plan.memo.pdf"])
        return " ".join(text.split()), " ".join(html.split())

    for body in simulated_email([PROMPTED]):
        assert "Cheapest option in" not in body
    text, _ = simulated_email([PROMPTED, TUNED])
    assert "Cheapest option in" in text
