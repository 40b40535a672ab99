"""Rank correlation, contribution to variance and the spider, against independent
computations (scipy's Spearman, the cost model one value at a time), and the memo's
caveat and charts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ftreport.engine.analysis import analyse, evaluate_book
from ftreport.engine.correlation import ranks
from ftreport.engine.joint_sensitivity import (
    SPIDER_PERCENTILES,
    joint_savings,
    rank_correlations,
    spearman,
    spider,
)
from ftreport.engine.sampling import resolve
from ftreport.engine.sensitivity import row_samples, savings_at
from ftreport.engine.simulation import simulate
from ftreport.model import Uncertain
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report import render_html
from ftreport.report.sensitivity_views import joint_sensitivity_view
from tests.support.scenarios import support_book


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=3, max_size=60))
def test_ranks_with_ties_are_scipys_average_ranks(values: list[int]) -> None:
    x = np.array(values, dtype=float)
    assert list(ranks(x) + 1) == list(stats.rankdata(x))


def test_spearman_is_scipys_and_none_without_variation() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 7, 500).astype(float)
    y = x ** 3 + rng.normal(0, 20, 500)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert spearman(np.ones(10), np.arange(10.0)) is None


def run_draws(iterations: int):
    """The support book at ``iterations``, its analysis, its draws and their samples."""
    book = support_book(mc_iterations=iterations)
    draws = resolve(book)
    return book, analyse(book), draws, row_samples(draws, book.scenario.mc_seed, 20_000)


def savings_of_iteration(book, draws, samples, k: int, option: int) -> float:
    """Iteration ``k``'s savings through the deterministic engine: the book with every
    uncertain input set to its draw."""
    scenario = {d.row.input: float(s[k]) for d, s in zip(draws, samples, strict=True)
                if d.row.option is None}
    options = [replace(o) for o in book.options]
    for d, s in zip(draws, samples, strict=True):
        for i in d.options:
            setattr(options[i], d.row.input, float(s[k]))
    changed = replace(book, scenario=replace(book.scenario, **scenario), options=options)
    return float(evaluate_book(changed).results["savings_vs_baseline"][option])


def test_rank_correlations_are_those_of_the_runs_joint_draws() -> None:
    book, analysis, draws, samples = run_draws(20_000)
    found = rank_correlations(book, draws, analysis.recommended)
    savings = joint_savings(book, draws, samples, analysis.recommended)
    for k in (0, 777, 19_999):
        assert savings[k] == pytest.approx(
            savings_of_iteration(book, draws, samples, k, analysis.recommended), rel=1e-9)
    for c in found:
        row = next(i for i, d in enumerate(draws) if (d.row.input, d.row.option)
                   == (c.input, c.option))
        assert c.rho == pytest.approx(stats.spearmanr(samples[row], savings).statistic,
                                      abs=1e-12)
    assert sum(c.variance_share for c in found) == pytest.approx(1.0)
    assert [abs(c.rho) for c in found] == sorted((abs(c.rho) for c in found), reverse=True)
    # Volume drives the savings of a cheaper-per-request option: strongly positive.
    assert found[0].input == "requests_per_day" and found[0].rho > 0.8


def test_the_spider_is_the_cost_model_at_each_percentile() -> None:
    book, analysis, draws, samples = run_draws(1_000)
    lines = spider(book, draws, analysis.recommended)
    for line, d, values in zip(lines, draws, samples, strict=True):
        assert line.percentiles == list(SPIDER_PERCENTILES)
        assert line.values == list(np.percentile(values, SPIDER_PERCENTILES))
        for value, saving in zip(line.values, line.savings, strict=True):
            assert saving == pytest.approx(float(savings_at(book, d, np.array([value]),
                                                            analysis.recommended)[0]))
    volume = lines[0]
    assert volume.input == "requests_per_day"
    assert volume.savings == sorted(volume.savings)  # more volume, more savings


def result_with_joint(book) -> RunResult:
    analysis = analyse(book)
    return RunResult(analysis, simulate(book, analysis))


@pytest.mark.parametrize("iterations", [1_000, 30_000])
def test_the_simulation_fills_the_joint_sensitivity_from_the_tornados_own_draws(
        iterations: int) -> None:
    # The simulation draws the sensitivity's samples once; computed alone (drawing them
    # afresh), the rank correlations and the spider are the same, bit for bit.
    book = support_book(mc_iterations=iterations)
    analysis = analyse(book)
    sim = simulate(book, analysis)
    draws = resolve(book)
    option = [o.name for o in book.options].index(sim.featured_option)
    moving = {(b.input, b.option) for b in sim.tornado_bars}
    assert sim.rank_correlations == rank_correlations(book, draws, option, moving)
    assert sim.spider == [line for line in spider(book, draws, option)
                          if (line.input, line.option) in moving]
    assert sim.rank_correlations and sim.spider


def test_inputs_without_effect_are_left_out_and_the_caveat_is_said() -> None:
    book = support_book(mc_iterations=1_000)
    book.uncertainty.append(Uncertain("training_hours", "Azure hosted fine-tune", "uniform",
                                      2, 8, cell="Uncertainty!A8"))
    result = result_with_joint(book)
    sim = result.simulation
    labels = {c.label for c in sim.rank_correlations} | {s.label for s in sim.spider}
    assert "training_hours (Azure hosted fine-tune)" not in labels
    assert len(sim.rank_correlations) == len(sim.tornado_bars) == len(book.uncertainty) - 1
    view = joint_sensitivity_view(result.analysis, sim, Formatter("USD"))
    assert view is not None
    assert "move one input at a time" in view.caveat and "20,000 draws" in view.caveat
    html = render_html(result)
    assert "Sensitivity beyond one input at a time" in html
    assert "Spearman rank correlation with the savings" in html


def test_without_uncertain_inputs_no_section() -> None:
    book = support_book(mc_iterations=1_000)
    book.uncertainty = []
    result = result_with_joint(book)
    assert result.simulation.spider == [] and result.simulation.rank_correlations == []
    assert joint_sensitivity_view(result.analysis, result.simulation, Formatter("USD")) is None
    assert "Sensitivity beyond one input at a time" not in render_html(result)
