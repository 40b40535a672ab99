"""The memo's precision sentences: standard errors, exact or sketched percentiles, the
early stop and the targets, each shown only when its condition holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import CHECK_EVERY, simulate
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report import write_memo
from ftreport.report.risk import risk_picture, se_percent
from tests.support.scenarios import support_book
from tests.test_memo import pdf_text
from tests.test_memo_cells import layout_lines, line_under
from tests.test_memo_page_one import page_one


def picture(book, **kwargs):
    analysis = analyse(book)
    simulation = simulate(book, analysis, **kwargs)
    return simulation, risk_picture(analysis, simulation, Formatter(book.scenario.currency))


def test_exact_run_states_mean_savings_with_its_standard_error_and_exact_percentiles() -> None:
    sim, risk = picture(support_book(mc_iterations=5_000))
    fmt = Formatter("USD")
    stats = sim.summary[sim.option_names.index(sim.featured_option)]["savings_vs_baseline"]
    assert risk.precision == (
        f"The mean savings of {sim.featured_option} are {fmt.money(stats['mean'], 0)}, with a "
        f"standard error of {fmt.money_se(stats['mean_se'])}. The ± under a share is its "
        "standard error. Percentiles are exact over the samples.")
    assert risk.stopping == "" and risk.targets == ""
    row = risk.rows[1]
    assert row.p_cheapest_se == fmt.percent(sim.summary[1]["p_cheapest_se"])
    assert risk.rows[0].p_beats_baseline_se == ""  # the baseline does not beat itself
    assert sim.summary[0]["p_beats_baseline_se"] == 0.0  # nor would a share of 0 show one


def test_a_standard_error_is_shown_to_the_digits_that_show_it() -> None:
    fmt = Formatter("USD")
    assert [se_percent(v, fmt) for v in (0.0123, 0.0004, 0.00004, 0.0, None)] == [
        "1.2%", "0.04%", "< 0.01%", "", ""]


def test_sketch_run_states_the_rank_error() -> None:
    _, risk = picture(support_book(mc_iterations=5_000), exact=False)
    assert "streaming quantile sketch (KLL), each within 0.07% of its rank" in risk.precision
    assert "exact over the samples" not in risk.precision


def test_early_stop_and_a_target_never_met_are_told_apart() -> None:
    _, stopped = picture(support_book(mc_iterations=4 * CHECK_EVERY, mc_target_se=1e6))
    assert stopped.stopping == (
        f"The simulation stopped after {CHECK_EVERY:,} of the {4 * CHECK_EVERY:,} iterations "
        f"asked for, at the first check (every {CHECK_EVERY:,} iterations) with the standard "
        "error of the mean savings below the target of $1,000,000.")
    _, ran = picture(support_book(mc_iterations=CHECK_EVERY + 7, mc_target_se=0.01))
    assert ran.stopping == (f"All {CHECK_EVERY + 7:,} iterations ran: the standard error of "
                            "the mean savings stayed at or above the target of $0.01.")


@pytest.mark.parametrize("targets", [{"target_savings": 40_000.0},
                                     {"target_payback_days": 30},
                                     {"target_savings": 40_000.0, "target_payback_days": 30}])
def test_targets_sentence_names_only_the_targets_set(targets) -> None:
    sim, risk = picture(support_book(mc_iterations=5_000, **targets))
    entry = sim.summary[sim.option_names.index(sim.featured_option)]
    fmt = Formatter("USD")
    assert ("saves at least $40,000" in risk.targets) == ("target_savings" in targets)
    assert ("pays back by day 30" in risk.targets) == ("target_payback_days" in targets)
    if "target_savings" in targets:
        assert fmt.percent(entry["p_savings_at_least_target"]) in risk.targets
    if "target_payback_days" in targets:
        assert fmt.percent(entry["p_payback_within_target"]) in risk.targets


def test_memo_shows_targets_on_page_one_and_the_stop_in_the_risk_section(tmp_path: Path) -> None:
    book = support_book(mc_iterations=4 * CHECK_EVERY, mc_target_se=1e6,
                        target_savings=40_000.0)
    analysis = analyse(book)
    result = RunResult(analysis, simulate(book, analysis))
    target = tmp_path / "memo.pdf"
    write_memo(result, target)
    risk = risk_picture(analysis, result.simulation, Formatter("USD"))
    first, text = page_one(target), pdf_text(target)
    assert risk.targets and risk.targets in first
    assert risk.stopping in text and risk.precision in text
    row = risk.rows[1]  # its standard error on the line under the share
    assert line_under(layout_lines(target), row.name, row.p_cheapest).startswith(
        f"± {row.p_cheapest_se}")


def test_memo_without_targets_or_stop_has_neither_sentence(tmp_path: Path) -> None:
    book = support_book(mc_iterations=5_000)
    analysis = analyse(book)
    target = tmp_path / "memo.pdf"
    write_memo(RunResult(analysis, simulate(book, analysis)), target)
    text = pdf_text(target)
    assert "Against the targets" not in text and "The simulation stopped" not in text
    assert "Percentiles are exact over the samples." in text
