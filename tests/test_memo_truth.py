"""Page one says only what holds: each sentence type of the decision, built in a scenario
where its condition holds and in one where it does not, read back from the PDF with
pdftotext (issue 13, "The memo must never say something false")."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from ftreport.engine.analysis import analyse
from ftreport.model import Option
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report import write_memo
from tests.support.scenarios import support_book
from tests.test_memo import simulation_for

EPOCH = "1767225600"  # 2026-01-01 00:00 UTC
USD = Formatter("USD")

PROMPTED = Option(name="Prompted", approach="prompting", input_tokens=1000, output_tokens=200,
                  price_input_per_1m=2.0, price_output_per_1m=8.0, quality_score=0.9)
TUNED = Option(name="Tuned", approach="fine-tuning", input_tokens=300, output_tokens=200,
               price_input_per_1m=0.8, price_output_per_1m=3.2, training_tokens=1_000_000,
               epochs=3, price_training_per_1m=25.0, one_time_cost=2000,
               retrain_every_days=180, quality_score=0.8)


def book_with(options: list[Option], **scenario: object):
    return dataclasses.replace(support_book(**scenario), options=options)


def memo_text(result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              first_page: bool = False) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    target = tmp_path / f"memo-{len(list(tmp_path.glob('*.pdf')))}.pdf"
    write_memo(result, target)
    pages = ["-f", "1", "-l", "1"] if first_page else []
    text = subprocess.run(["pdftotext", *pages, str(target), "-"], capture_output=True,
                          text=True, check=True).stdout
    return " ".join(text.split())


def page_one(book, tmp_path, monkeypatch, simulated: bool = False) -> tuple[RunResult, str]:
    result = RunResult(analyse(book))
    if simulated:
        result.simulation = simulation_for(result)
    return result, memo_text(result, tmp_path, monkeypatch, first_page=True)


# --- The quality floor is the reason, and page 1 says so --------------------------------

def test_a_cheaper_option_below_the_quality_floor_is_named_as_the_reason(tmp_path, monkeypatch):
    book = book_with([PROMPTED, TUNED], min_quality=0.85, discount_rate=0.0)
    result, first = page_one(book, tmp_path, monkeypatch)
    a = result.analysis
    assert a.recommended == 0 and a.results["npv_cost"][1] < a.results["npv_cost"][0]
    saving = a.results["total_cost"][0] - a.results["total_cost"][1]
    assert "costs more in present value" not in first and "more in present value" not in first
    assert f"would cost {USD.money(saving)} less in cash" in first
    assert "but it does not meet the minimum quality of 0.85 (its quality score: 0.8)" in first
    floor = next(w.message for w in a.warnings if w.code == "quality_floor")
    assert " ".join(floor.split()) in first  # among the main risks


def test_without_the_floor_the_cheaper_option_is_recommended(tmp_path, monkeypatch):
    result, first = page_one(book_with([PROMPTED, TUNED], discount_rate=0.0), tmp_path,
                             monkeypatch)
    assert result.analysis.recommended == 1
    assert "minimum quality" not in first and "Move from Prompted to Tuned" in first


def test_an_alternative_dearer_in_present_value_says_by_how_much(tmp_path, monkeypatch):
    flat = dataclasses.replace(PROMPTED, name="Flat fee", approach="fine-tuning",
                               price_input_per_1m=0, price_output_per_1m=0,
                               monthly_fixed_cost=20_000 / 12)
    result, first = page_one(book_with(
        [PROMPTED, flat], discount_rate=0.5, monthly_growth=0.15, horizon_days=730,
        requests_per_day=2000), tmp_path, monkeypatch)
    res = result.analysis.results
    assert result.analysis.recommended == 0
    assert res["total_cost"][1] < res["total_cost"][0] and res["npv_cost"][1] > res["npv_cost"][0]
    cash, pv = res["savings_vs_baseline"][1], res["npv_cost"][1] - res["npv_cost"][0]
    assert (f"would cost {USD.money(cash)} less in cash and {USD.money(pv)} more in present "
            "value (at 50% a year).") in first


# --- The tie rule ------------------------------------------------------------------------

def test_an_option_identical_to_the_baseline_ties_and_the_baseline_stays(tmp_path, monkeypatch):
    twin = dataclasses.replace(PROMPTED, name="Twin", approach="fine-tuning")
    result, first = page_one(book_with([twin, PROMPTED], baseline_option="Prompted"),
                             tmp_path, monkeypatch)
    a = result.analysis
    assert a.baseline == 1 and a.recommended == 1  # the baseline, though Twin is earlier
    assert list(a.results["rank"]) == [1.0, 1.0]
    assert "Keep Prompted" in first and "saves" not in first
    assert ("would cost the same in cash and the same in present value (at 8.0% a year); "
            "between equal present values the baseline stays.") in first


def test_a_rounding_difference_does_not_decide_a_move(tmp_path, monkeypatch):
    # Cheaper by about one part in 1e13: equal within the tolerance.
    hair = dataclasses.replace(PROMPTED, name="Hair", approach="fine-tuning",
                               price_output_per_1m=8.0 * (1 - 1e-13))
    result, first = page_one(book_with([PROMPTED, hair]), tmp_path, monkeypatch)
    a = result.analysis
    assert a.results["npv_cost"][1] < a.results["npv_cost"][0]  # lower, but equal
    assert a.recommended == 0 and list(a.results["rank"]) == [1.0, 1.0]
    assert "Move from" not in first and "saves $0.00" not in first
    assert "between equal present values the baseline stays" in first


def test_a_real_difference_still_decides(tmp_path, monkeypatch):
    cheaper = dataclasses.replace(PROMPTED, name="Cheaper", approach="fine-tuning",
                                  price_output_per_1m=7.9)
    result, first = page_one(book_with([PROMPTED, cheaper]), tmp_path, monkeypatch)
    assert result.analysis.recommended == 1 and list(result.analysis.results["rank"]) == [2, 1]
    assert "Move from Prompted to Cheaper" in first


def test_ties_away_from_the_baseline_go_to_the_earlier_row():
    a = analyse(book_with([PROMPTED, dataclasses.replace(TUNED, name="A", quality_score=0.9),
                           dataclasses.replace(TUNED, name="B", quality_score=0.9)]))
    assert a.recommended == 1 and list(a.results["rank"]) == [3.0, 1.0, 1.0]



@pytest.mark.parametrize("twin_price, tie", [(0.8, True), (0.8 * 1.01, False)])
def test_page_one_says_the_tie_rule_chose_between_equal_alternatives(tmp_path, monkeypatch,
                                                                     twin_price, tie):
    a_opt = dataclasses.replace(TUNED, name="Tuned A", quality_score=0.9)
    b_opt = dataclasses.replace(a_opt, name="Tuned B", price_input_per_1m=twin_price)
    result, first = page_one(book_with([PROMPTED, a_opt, b_opt]), tmp_path, monkeypatch)
    npv = result.analysis.results["npv_cost"]
    assert result.analysis.recommended == 1
    assert bool(abs(npv[2] - npv[1]) <= 1e-9 * abs(npv[1])) is tie  # the condition, independently
    note = ("Tuned B has the same present value of cost (equal within a relative 1e-9); "
            "between equal present values the option listed first in Options, Tuned A, is "
            "recommended.")
    assert (note in first) is tie
    assert "Move from Prompted to Tuned A" in first

# --- Dataset size, short horizons, quality floor wording, growth ---------------------------

def test_a_negative_t_max_is_not_cost_effective_at_any_size(tmp_path, monkeypatch):
    dear = dataclasses.replace(TUNED, name="Dear", input_tokens=1000, price_input_per_1m=2.0,
                               price_output_per_1m=8.0, quality_score=0.9)
    result = RunResult(analyse(book_with([PROMPTED, dear])))
    assert result.analysis.results["max_training_tokens"][1] < 0
    text = memo_text(result, tmp_path, monkeypatch)
    assert "not cost-effective at any dataset size" in text
    assert not re.search(r"[-\u2011][\d,]+ tokens", text)


def test_a_positive_t_max_is_a_number_of_tokens(tmp_path, monkeypatch):
    result = RunResult(analyse(book_with([PROMPTED, TUNED])))
    t_max = result.analysis.results["max_training_tokens"][1]
    assert t_max > 0
    text = memo_text(result, tmp_path, monkeypatch)
    assert USD.output("max_training_tokens", t_max) in text
    assert "not cost-effective at any dataset size" not in text


@pytest.mark.parametrize("horizon, monthly", [(20, False), (31, True)])
def test_a_monthly_figure_only_for_a_horizon_of_a_month_or_more(tmp_path, monkeypatch,
                                                                 horizon, monthly):
    cheap = dataclasses.replace(PROMPTED, name="Cheap", approach="fine-tuning",
                                price_output_per_1m=4.0)
    result, first = page_one(book_with([PROMPTED, cheap], horizon_days=horizon), tmp_path,
                             monkeypatch)
    assert result.analysis.recommended == 1
    assert ("a month" in first.split("Key numbers")[0]) is monthly
    assert ("the horizon is shorter than a month" in first) is not monthly


FLAT = dataclasses.replace(PROMPTED, name="Flat plan", price_input_per_1m=0,
                           price_output_per_1m=0, monthly_fixed_cost=20_000 / 12)
PER_REQUEST = dataclasses.replace(PROMPTED, name="Per request", approach="fine-tuning")
LATER = {"discount_rate": 0.5, "monthly_growth": 0.15, "horizon_days": 730,
         "requests_per_day": 2000}


@pytest.mark.parametrize("floor, words", [
    (None, "of all the options"),
    (0.85, "among the options that meet the minimum quality of 0.85")])
def test_among_the_options_that_qualify_only_with_a_floor(tmp_path, monkeypatch, floor, words):
    result, first = page_one(book_with([FLAT, PER_REQUEST], min_quality=floor, **LATER),
                             tmp_path, monkeypatch)
    res = result.analysis.results
    assert result.analysis.recommended == 1 and res["savings_vs_baseline"][1] < 0
    assert f"it has the lowest present value of cost {words}" in first
    assert ("qualify" in first or "meet the minimum" in first) is (floor is not None)


@pytest.mark.parametrize("growth, words", [
    (0.0, "at the same volumes it would first be cheaper on day"),
    (0.03, "if volume keeps growing 3.0% a month, it would first be cheaper on day")])
def test_a_late_payback_says_how_volume_goes_on(growth, words):
    late = dataclasses.replace(TUNED, name="Late", one_time_cost=10_000, quality_score=0.9,
                               retrain_every_days=0)
    a = analyse(book_with([PROMPTED, late], monthly_growth=growth, requests_per_day=5000))
    message = next(w.message for w in a.warnings if w.code == "late_payback")
    assert words in message
    assert ("same volumes" in message) is (growth == 0)


# --- Both savings figures, present value, quality against the baseline --------------------

def test_page_one_sets_the_simulated_median_beside_the_entered_saving(tmp_path, monkeypatch):
    result, first = page_one(support_book(), tmp_path, monkeypatch, simulated=True)
    a, sim = result.analysis, result.simulation
    rec = a.options[a.recommended].name
    median = next(o for o in sim.summary if o["name"] == rec)["savings_vs_baseline"]["p50"]
    entered = a.results["savings_vs_baseline"][a.recommended]
    assert USD.money(median, 0) != USD.money(entered, 0)
    assert (f"The simulation's median saving of {rec} is {USD.money(median, 0)}, against "
            f"{USD.money(entered, 0)} from the inputs as entered: the simulation draws the "
            "uncertain inputs from their ranges") in first


def test_without_a_simulation_there_is_no_median(tmp_path, monkeypatch):
    _, first = page_one(support_book(), tmp_path, monkeypatch)
    assert "median" not in first and "no simulation was run" in first


def test_the_present_value_saving_stands_beside_the_cash_one(tmp_path, monkeypatch):
    result, first = page_one(support_book(), tmp_path, monkeypatch)
    a = result.analysis
    r, b = a.recommended, a.baseline
    cash = a.results["savings_vs_baseline"][r]
    pv = a.results["npv_cost"][b] - a.results["npv_cost"][r]
    assert not np.isclose(cash, pv)
    assert f"it saves {USD.money(cash)} in cash ({USD.money(pv)} in present value;" in first


@pytest.mark.parametrize("score, lower", [(0.86, True), (0.95, False)])
def test_a_lower_quality_than_the_baseline_is_said(tmp_path, monkeypatch, score, lower):
    book = support_book()
    book.options[1].quality_score = score
    result, first = page_one(book, tmp_path, monkeypatch)
    assert result.analysis.recommended == 1
    sentence = ("Fine-tuned gpt-4.1-mini has a lower quality score than Few-shot gpt-4.1: "
                f"{score:g} against 0.9.")
    assert (sentence in first) is lower
    assert ("lower quality score" in first) is lower


# --- Return on investment ----------------------------------------------------------------

def test_roi_is_savings_over_the_incremental_investment(tmp_path, monkeypatch):
    book = book_with([dataclasses.replace(TUNED, name="Tuned base", approach="fine-tuning",
                                          quality_score=0.9, price_output_per_1m=8.0),
                      dataclasses.replace(TUNED, quality_score=0.9)], horizon_days=365)
    result = RunResult(analyse(book))
    res = result.analysis.results
    # By hand: both train every 180 days, so 3 runs in 365 days; the same up-front cost.
    per_run = 1_000_000 * 3 * 25.0 / 1e6
    assert list(res["training_runs"]) == [3, 3]
    spent = [2000 + 3 * per_run] * 2
    assert spent[1] - spent[0] == 0
    assert np.isnan(res["roi"]).all()  # no investment beyond the baseline
    dearer = dataclasses.replace(TUNED, quality_score=0.9, one_time_cost=5000)
    res = analyse(book_with([PROMPTED, dearer])).results
    savings = res["savings_vs_baseline"][1]
    assert res["roi"][1] == pytest.approx(savings / (5000 + 3 * per_run))
    assert res["roi"][1] != pytest.approx(savings / (5000 + per_run))  # every run counts


def test_roi_is_a_multiple_in_the_memo(tmp_path, monkeypatch):
    result = RunResult(analyse(support_book()))
    roi = result.analysis.results["roi"][1]
    text = memo_text(result, tmp_path, monkeypatch)
    assert f"return on it {roi:.1f}x" in text and f"{roi * 100:.2f}%" not in text


def test_negative_money_keeps_its_sign_on_the_number(tmp_path, monkeypatch):
    result = RunResult(analyse(book_with([FLAT, PER_REQUEST], **LATER)))
    text = memo_text(result, tmp_path, monkeypatch)
    negative = [v for v in result.analysis.results["savings_vs_baseline"] if v < 0]
    assert negative and all(USD.money(v) in text for v in negative)
    assert all(USD.money(v).startswith("\u2011$") for v in negative)
