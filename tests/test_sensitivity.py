"""The tornado's numbers: its sample count, the run's own draws, the swing's standard error
and the inputs left out for having no effect."""

from __future__ import annotations

import numpy as np
import pytest

from ftreport.engine import distributions
from ftreport.engine.analysis import analyse
from ftreport.engine.sampling import BLOCK, block_rng, resolve
from ftreport.engine.sensitivity import (
    MAX_SENSITIVITY_DRAWS,
    MIN_SENSITIVITY_DRAWS,
    sample_count,
    sensitivity,
)
from ftreport.engine.simulation import simulate
from ftreport.model import Uncertain
from tests.support.scenarios import support_book

FT = "Fine-tuned gpt-4.1-mini"


def test_the_sample_count_follows_the_run_within_its_bounds() -> None:
    assert sample_count(1_000) == MIN_SENSITIVITY_DRAWS
    assert sample_count(50_000) == 50_000
    assert sample_count(10**9) == MAX_SENSITIVITY_DRAWS


def own_draws(book, row: int, count: int) -> np.ndarray:
    """Row ``row``'s samples of iterations 0..count-1, block by block as docs/simulation.md
    defines them (each block's rows draw all BLOCK values in table order; the last block
    keeps the ones it needs)."""
    rows = book.uncertainty
    out = []
    for block in range(-(-count // BLOCK)):
        rng = block_rng(book.scenario.mc_seed, block)
        size = min(BLOCK, count - block * BLOCK)
        for k, r in enumerate(rows):
            values = distributions.clip(distributions.draw(r.distribution, (r.p1, r.p2, r.p3),
                                                           rng, BLOCK),
                                        r.input, r.clip_min, r.clip_max)
            if k == row:
                out.append(values[:size])
    return np.concatenate(out)


@pytest.mark.parametrize("iterations", [1_000, 30_000])
def test_p10_and_p90_are_percentiles_of_the_runs_own_draws(iterations: int) -> None:
    book = support_book(mc_iterations=iterations)
    analysis = analyse(book)
    bars = sensitivity(book, resolve(book), analysis.recommended)
    count = sample_count(iterations)
    for row, u in enumerate(book.uncertainty):
        bar = next(b for b in bars if (b.input, b.option) == (u.input, u.option))
        low, high = np.percentile(own_draws(book, row, count), (10, 90))
        assert (bar.low_value, bar.high_value) == (low, high)
        assert bar.samples == count


def test_the_swing_standard_error_matches_the_spread_over_seeds() -> None:
    """Across 40 seeds the swings of the volume row scatter as their reported standard
    error says (within the sampling error of a standard deviation from 40 values)."""
    swings, errors = [], []
    for seed in range(40):
        book = support_book(mc_iterations=20_000, mc_seed=seed)
        book.uncertainty = book.uncertainty[:1]  # requests_per_day
        (bar,) = sensitivity(book, resolve(book), 1)
        swings.append(bar.swing)
        errors.append(bar.swing_se)
    spread = float(np.std(swings, ddof=1))
    assert spread > 0
    assert 0.6 < float(np.mean(errors)) / spread < 1.6


def test_an_input_without_effect_is_left_out_with_a_note() -> None:
    book = support_book(mc_iterations=1_000)
    book.uncertainty.append(Uncertain("training_hours", "Azure hosted fine-tune", "uniform",
                                      2, 8, cell="Uncertainty!A8"))
    analysis = analyse(book)
    sim = simulate(book, analysis)
    assert sim.featured_option == FT
    idle = [b for b in sim.sensitivity if b.swing == 0]
    assert [b.label for b in idle] == ["training_hours (Azure hosted fine-tune)"]
    assert idle[0] not in sim.tornado_bars
    assert len(sim.tornado_bars) == len(sim.sensitivity) - 1
    assert sim.no_effect_note() == ("Not shown: training_hours (Azure hosted fine-tune) (no "
                                  f"effect on the savings of {FT}).")
    book.uncertainty.pop()
    assert simulate(book, analyse(book)).no_effect_note() == ""
