"""The memo's sentences in the edge cases the common tests miss: the baseline kept while
page one shows an alternative's figures, a simulated loss, a simulation whose shares have
no standard error, and cash-flow notes about training that no option has. Each sentence
is built in a scenario where it holds and checked absent from one where it does not,
read back from the PDF with pdftotext."""

from __future__ import annotations

import dataclasses

from ftreport.engine.analysis import analyse, late_payback_day
from ftreport.engine.simulation import simulate
from ftreport.model import Uncertain
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report.risk import colour_key, risk_picture
from tests.test_memo_truth import PROMPTED, TUNED, book_with, memo_text

USD = Formatter("USD")
# The fine-tune pays for its training once: no retraining within the year.
ONCE = dataclasses.replace(TUNED, retrain_every_days=0)


def book(options, *, uncertainty: list[Uncertain] | None = None, **scenario):
    """The options over the support scenario, its uncertain inputs replaced (none by
    default: every simulated sample then equals the inputs as entered)."""
    return dataclasses.replace(book_with(options, **scenario), uncertainty=uncertainty or [])


def section(text: str, start: str, end: str) -> str:
    """The memo's text from the words ``start`` (after the contents) to the next ``end``."""
    return text.split(start, 1)[1].split(end, 1)[0]


def run(book, simulated: bool = False) -> RunResult:
    result = RunResult(analyse(book))
    if simulated:
        result.simulation = simulate(result.book, result.analysis)
    return result


def volume_range(low: float, mode: float, high: float) -> list[Uncertain]:
    return [Uncertain("requests_per_day", None, "triangular", low, mode, high,
                      cell="Uncertainty!A4")]


# --- Page one's figures say whose they are --------------------------------------------------

def test_when_the_baseline_stays_the_payback_and_investment_name_the_alternative(
        tmp_path, monkeypatch):
    result = run(book([PROMPTED, TUNED], discount_rate=0.9, requests_per_day=2000))
    a = result.analysis
    assert a.recommended == a.baseline == 0
    day = a.option_value("break_even_day", 1)
    assert day is not None and 0 < day <= 365  # the alternative's payback, within the horizon
    first = memo_text(result, tmp_path, monkeypatch, first_page=True).lower()
    assert f"payback of tuned day {day}" in first
    assert "investment in tuned beyond the baseline" in first


def test_a_recommended_option_s_payback_is_its_own(tmp_path, monkeypatch):
    result = run(book([PROMPTED, TUNED], discount_rate=0.0))
    assert result.analysis.recommended == 1
    first = memo_text(result, tmp_path, monkeypatch, first_page=True).lower()
    assert "payback day" in first and "payback of" not in first
    assert "investment beyond the baseline" in first and "investment in" not in first


# --- A simulated loss is an extra cost, not a negative saving -------------------------------

def test_a_simulated_loss_is_called_an_extra_cost(tmp_path, monkeypatch):
    result = run(book([PROMPTED, TUNED], discount_rate=0.0, requests_per_day=300,
                           mc_iterations=500), simulated=True)
    a = result.analysis
    loss = -a.option_value("savings_vs_baseline", 1)
    assert a.recommended == 0 and loss > 1  # no uncertain input: the median is the entered loss
    first = memo_text(result, tmp_path, monkeypatch, first_page=True)
    assert (f"The simulation's median extra cost of Tuned is the same, "
            f"{USD.money(loss, 0)}.") in first
    assert "median saving" not in first


def test_a_simulated_saving_is_still_a_saving(tmp_path, monkeypatch):
    result = run(book([PROMPTED, TUNED], discount_rate=0.0, mc_iterations=500),
                 simulated=True)
    a = result.analysis
    saving = a.option_value("savings_vs_baseline", 1)
    assert a.recommended == 1 and saving > 1
    first = memo_text(result, tmp_path, monkeypatch, first_page=True)
    assert f"The simulation's median saving of Tuned is the same, {USD.money(saving, 0)}." in first
    assert "extra cost of Tuned" not in first


def test_a_median_saving_against_an_entered_loss_names_both(tmp_path, monkeypatch):
    # Entered volume just short of the fine-tune's break-even; the range leans higher.
    result = run(book([PROMPTED, TUNED], discount_rate=0.0, requests_per_day=1700,
                      mc_iterations=2000, uncertainty=volume_range(1500, 1700, 4000)),
                 simulated=True)
    a, sim = result.analysis, result.simulation
    entered = a.option_value("savings_vs_baseline", 1)
    median = sim.summary[1]["savings_vs_baseline"]["p50"]
    assert a.recommended == 0 and entered < -1 and median > 1
    first = memo_text(result, tmp_path, monkeypatch, first_page=True)
    assert (f"The simulation's median for Tuned is a saving of {USD.money(median, 0)}, "
            f"against an extra cost of {USD.money(-entered, 0)} from the inputs as entered"
            ) in first
    assert "median saving of Tuned" not in first and "‑$" not in first.split("median")[1][:60]


# --- The ± is explained only when the table shows one ---------------------------------------

def test_shares_of_zero_and_one_have_no_standard_error_to_explain(tmp_path, monkeypatch):
    result = run(book([PROMPTED, TUNED], discount_rate=0.0, mc_iterations=500),
                 simulated=True)
    assert not result.book.uncertainty
    assert all(o["p_cheapest"] in (0, 1) for o in result.simulation.summary)
    text = memo_text(result, tmp_path, monkeypatch)
    risk = section(text, "Probabilities use every sample", "Beyond cost")
    assert "Cheapest" in risk and "±" not in risk
    assert "The ± under a share is its standard error." not in text


def test_uncertain_shares_show_and_explain_their_standard_error(tmp_path, monkeypatch):
    result = run(book([PROMPTED, TUNED], discount_rate=0.0, requests_per_day=1700,
                      mc_iterations=2000, uncertainty=volume_range(1500, 1700, 4000)),
                 simulated=True)
    assert 0 < result.simulation.summary[1]["p_cheapest"] < 1
    text = memo_text(result, tmp_path, monkeypatch)
    assert "The ± under a share is its standard error." in text
    assert "% ± " in text  # the table shows one


# --- Cash-flow notes speak only of the training the options have ---------------------------

def test_retraining_is_mentioned_only_when_an_option_retrains(tmp_path, monkeypatch):
    retrains = run(book([PROMPTED, TUNED], discount_rate=0.0))
    assert retrains.analysis.results["training_runs"][1] > 1
    text = memo_text(retrains, tmp_path, monkeypatch)
    assert ("The first month also holds the up-front cost and the first training run; a "
            "retraining run counts in the month it starts.") in text
    assert "vertical jumps are retraining runs" in text

    once = run(book([PROMPTED, ONCE], discount_rate=0.0))
    assert list(once.analysis.results["training_runs"]) == [1, 1]
    text = memo_text(once, tmp_path, monkeypatch)
    assert "The first month also holds the up-front cost and the first training run." in text
    assert "retraining run" not in text and "vertical jumps" not in text


def test_prompting_alone_has_no_up_front_or_training_note(tmp_path, monkeypatch):
    cheaper = dataclasses.replace(PROMPTED, name="Short prompt", input_tokens=500)
    result = run(book([PROMPTED, cheaper], discount_rate=0.0))
    res = result.analysis.results
    assert not res["upfront_cost"].any() and not res["training_cost_per_run"].any()
    text = memo_text(result, tmp_path, monkeypatch)
    cash_flow = section(text, "What each option spends", "Risk picture")
    assert "Fiscal years begin in January" in cash_flow
    assert "first month also holds" not in cash_flow and "training run" not in cash_flow


# --- The only option ------------------------------------------------------------------------

def test_the_only_option_is_not_said_to_be_the_cheapest_most_of_the_time(tmp_path, monkeypatch):
    alone = run(book([PROMPTED], mc_iterations=500), simulated=True)
    first = memo_text(alone, tmp_path, monkeypatch, first_page=True)
    assert "Prompted is the only option; there is nothing to compare it with." in first
    assert "is the cheapest option" not in first
    two = run(book([PROMPTED, TUNED], discount_rate=0.0, mc_iterations=500), simulated=True)
    first = memo_text(two, tmp_path, monkeypatch, first_page=True)
    assert "In 500 simulated samples Tuned is the cheapest option 100% of the time." in first


# --- The methodology describes a simulation only when one ran -------------------------------

def test_the_methodology_describes_sampling_only_when_a_simulation_ran(tmp_path, monkeypatch):
    point = memo_text(run(book([PROMPTED, TUNED], mc_iterations=0)), tmp_path, monkeypatch)
    method = point.rsplit("Methodology", 1)[1]
    assert "Simulation None was run (simulation iterations = 0)" in method
    assert "Each sample draws" not in method
    simulated = memo_text(run(book([PROMPTED, TUNED], mc_iterations=500), simulated=True),
                          tmp_path, monkeypatch)
    method = simulated.rsplit("Methodology", 1)[1]
    assert "Each sample draws every uncertain input" in method and "None was run" not in method


# --- The volume's trend in words that fit its sign ------------------------------------------

def test_a_declining_volume_is_falling_not_growing_a_negative_share(tmp_path, monkeypatch):
    texts = {g: memo_text(run(book([PROMPTED, TUNED], monthly_growth=g)), tmp_path,
                          monkeypatch, first_page=True) for g in (-0.3, 0.0, 0.03)}
    assert "requests on day 1, falling 30% a month;" in texts[-0.3]
    assert "requests on day 1, with no growth;" in texts[0.0]
    assert "requests on day 1, growing 3.0% a month;" in texts[0.03]
    assert "growing ‑" not in texts[-0.3] and "growing 0%" not in texts[0.0]
    assert "falling" not in texts[0.03] and "no growth" not in texts[0.03]


# --- A baseline below the quality floor may cost less in present value ----------------------

LOW_BASE = dataclasses.replace(PROMPTED, quality_score=0.7)
GOOD_TUNE = dataclasses.replace(TUNED, quality_score=0.9)


def test_a_dearer_recommendation_is_not_said_to_cost_a_negative_amount_less(
        tmp_path, monkeypatch):
    result = run(book([LOW_BASE, GOOD_TUNE], min_quality=0.85, requests_per_day=200,
                      discount_rate=0.0))
    a = result.analysis
    extra = a.results["npv_cost"][1] - a.results["npv_cost"][0]
    assert a.recommended == 1 and extra > 1 and a.option_value("savings_vs_baseline", 1) < 0
    first = memo_text(result, tmp_path, monkeypatch, first_page=True)
    assert (f"({USD.money(extra)} more in present value than Prompted, which does not meet "
            "the minimum quality of 0.85), although over the 365-day horizon it costs") in first
    assert "in present value less than" not in first


def test_a_cash_saving_dearer_in_present_value_says_so(tmp_path, monkeypatch):
    result = run(book([LOW_BASE, GOOD_TUNE], min_quality=0.85, requests_per_day=2000,
                      discount_rate=0.9))
    a = result.analysis
    extra = a.results["npv_cost"][1] - a.results["npv_cost"][0]
    assert a.recommended == 1 and extra > 1 and a.option_value("savings_vs_baseline", 1) > 0
    first = memo_text(result, tmp_path, monkeypatch, first_page=True)
    assert (f"in cash ({USD.money(extra)} more in present value than Prompted, which does not "
            "meet the minimum quality of 0.85;") in first
    assert f"(‑{USD.money(extra)[0]}" not in first  # no negative present-value saving


def test_a_recommendation_cheaper_in_present_value_says_less(tmp_path, monkeypatch):
    result = run(book([TUNED, PROMPTED], discount_rate=0.9, requests_per_day=2000,
                      baseline_option="Tuned"))
    a = result.analysis
    gap = a.results["npv_cost"][0] - a.results["npv_cost"][1]
    assert a.recommended == 1 and gap > 1 and a.option_value("savings_vs_baseline", 1) < 0
    first = memo_text(result, tmp_path, monkeypatch, first_page=True)
    assert f"({USD.money(gap)} in present value less than Tuned), although" in first
    assert "more in present value than" not in first


# --- Durations and days as a reader counts them ---------------------------------------------

def test_a_steady_state_break_even_under_a_day_is_not_zero_days(tmp_path, monkeypatch):
    # Training of $7.50 against about $54 saved a day, and $575 against the same.
    fast = dataclasses.replace(ONCE, name="Fast", one_time_cost=0, training_tokens=100_000)
    slow = dataclasses.replace(ONCE, name="Slow", one_time_cost=500)
    for option, under in ((fast, True), (slow, False)):
        result = run(book([PROMPTED, option], horizon_days=30))
        days = result.analysis.option_value("steady_state_break_even_days", 1)
        assert (0 < days < 0.5) is under, days  # the scenario is what the case needs
        text = memo_text(result, tmp_path, monkeypatch)
        # The options table's row: the baseline's dash, then the option's duration.
        row = text.split("Steady-state break-even — ", 1)[1].split(" Max. training tokens")[0]
        assert (row == "under 1 day") is under, row
        assert row != "0 days"


def test_payback_warnings_count_days_with_thousands_separators():
    late = dataclasses.replace(TUNED, name="Late", one_time_cost=100_000, quality_score=0.9,
                               retrain_every_days=0)
    a = analyse(book_with([PROMPTED, late], horizon_days=1000, requests_per_day=5000))
    message = next(w.message for w in a.warnings if w.code == "late_payback")
    day = late_payback_day(a.book, 1, a.baseline)
    assert day is not None and day >= 1000
    assert "within the horizon of 1,000 days" in message
    assert message.endswith(f"cheaper on day {day // 1000},{day % 1000:03d}.")


def test_the_only_option_has_no_histogram_of_savings_against_itself(tmp_path, monkeypatch):
    uncertain = volume_range(12_000, 20_000, 35_000)
    alone = memo_text(run(book([PROMPTED], uncertainty=uncertain, mc_iterations=2000),
                          simulated=True), tmp_path, monkeypatch)
    assert "Risk picture" in alone and "Savings of Prompted against Prompted" not in alone
    pair = memo_text(run(book([PROMPTED, ONCE], uncertainty=uncertain, mc_iterations=2000),
                         simulated=True), tmp_path, monkeypatch)
    assert "Savings of Tuned against Prompted" in pair


def test_an_option_with_no_investment_is_not_said_to_fail_to_pay_back():
    # The fine-tune as the baseline: prompting invests nothing beyond it, and is dearer.
    tuned = dataclasses.replace(ONCE, retrain_every_days=0)
    a = analyse(book_with([PROMPTED, tuned], baseline_option="Tuned"))
    assert a.baseline == 1 and a.results["total_cost"][0] > a.results["total_cost"][1]
    message = next(w.message for w in a.warnings if w.option == "Prompted"
                   and w.code in ("no_payback", "late_payback"))
    assert "pay back" not in message
    assert message.startswith("Prompted spends no more than the baseline up front and on "
                              "training, but costs more by the end of the horizon of 365 days")
    # An option that does invest beyond its baseline is still one that fails to pay back.
    late = dataclasses.replace(TUNED, name="Late", one_time_cost=100_000, retrain_every_days=0)
    b = analyse(book_with([PROMPTED, late]))
    assert next(w.message for w in b.warnings if w.option == "Late").startswith(
        "Late does not pay back within the horizon of 365 days")


def test_the_histogram_names_only_the_bar_colours_it_draws(tmp_path, monkeypatch):
    # Hand-made bins: an empty loss bin does not count, a bin across zero goes by its middle.
    assert colour_key([-10, -2, 4, 10], [0, 3, 4]) == "Every bar is a saving (blue)."
    assert colour_key([-10, -5, 1], [2, 3]) == "Every bar is a loss (vermillion)."
    assert colour_key([-10, -5, 0, 5], [1, 0, 4]) == ("Blue bars are savings, vermillion "
                                                     "bars losses.")
    uncertain = volume_range(12_000, 20_000, 35_000)
    saving = run(book([PROMPTED, ONCE], uncertainty=uncertain, mc_iterations=2000), True)
    assert min(saving.simulation.histogram["edges"]) > 0  # every sample saves
    text = memo_text(saving, tmp_path, monkeypatch)
    assert "Every bar is a saving (blue)." in text and "vermillion bars losses" not in text


def test_the_standard_error_sentence_follows_the_rows_the_table_shows():
    # Cheap is always the cheapest; Tuned beats Prompted only at high volume, so only
    # Tuned's chance of beating the baseline carries a standard error.
    cheap = dataclasses.replace(PROMPTED, name="Cheap", price_input_per_1m=0.2,
                                price_output_per_1m=1.0)
    result = run(book([PROMPTED, cheap, TUNED], discount_rate=0.0, requests_per_day=1700,
                      mc_iterations=2000, uncertainty=volume_range(1500, 1700, 4000)),
                 simulated=True)
    a, sim = result.analysis, result.simulation
    assert a.recommended == 1 and 0 < sim.summary[2]["p_beats_baseline"] < 1
    assert [o["p_cheapest"] for o in sim.summary] == [0, 1, 0]
    every = risk_picture(a, sim, USD)
    assert [r.name for r in every.rows] == ["Prompted", "Cheap", "Tuned"]
    assert "The ± under a share is its standard error." in every.precision
    two = risk_picture(a, sim, USD, shown=[0, 1])
    assert [r.name for r in two.rows] == ["Prompted", "Cheap"]
    assert "±" not in two.precision
