"""trim_mode seed-000: seed 000's trim as one kept set of iterations per option, the raw
D_min, the refusal beyond exact mode, and the replica sample against the study."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ftreport.engine import compare
from ftreport.engine.analysis import analyse
from ftreport.engine.errors import EngineError
from ftreport.engine.simulation import _evaluate_chunk, plan, simulate
from ftreport.engine.statistics import seed_000_kept
from ftreport.engine.tally import RAW_D_MIN
from ftreport.model.format import Formatter
from ftreport.model.outputs import SIMULATED_KEYS
from ftreport.report.risk import trim_range
from ftreport.workbook.reader import read_workbook
from tests.support.scenarios import support_book

ROOT = Path(__file__).resolve().parent.parent
REPLICA = ROOT / "sample_inputs" / "seed-000-replica.xlsx"
PUBLISHED_KEPT, STUDY_SAMPLES = 31_870, 200_000


def notebook_kept(t_max: np.ndarray, d_min: np.ndarray, low: float, high: float) -> np.ndarray:
    """The notebook's filter written out with numpy's own quantiles (pandas' linear),
    as a mask: the reference the engine's kept set must equal."""
    index = np.arange(t_max.size)
    t_q = np.quantile(t_max, [low / 100, high / 100])
    inside = (t_max > t_q[0]) & (t_max < t_q[1])
    t, d, index = t_max[inside], d_min[inside], index[inside]
    d_q = np.quantile(d, [low / 100, high / 100])
    inside = (d > d_q[0]) & (d < d_q[1])
    t, d, index = t[inside], d[inside], index[inside]
    index = index[(t < 3e7) & (d < 500)]
    mask = np.zeros(t_max.size, bool)
    mask[index] = True
    return mask


def test_hand_worked_kept_set() -> None:
    # Ten iterations. P10/P90 of T_max (linear) are 1.9e6 and 9.1e6: iterations 0 and 9
    # go. D_min over the eight left, P10/P90 = -63 and 1,770: iterations 1 (-100) and 8
    # (3,000) go. Then D_min < 500 drops iteration 7 (900): 2..6 remain.
    t_max = np.array([1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6, 9e6, 1e7])
    d_min = np.array([50, -100, 10, 20, 30, 40, 60, 900, 3000, 70.0])
    kept = seed_000_kept(t_max, d_min, (10.0, 90.0))
    assert np.flatnonzero(kept).tolist() == [2, 3, 4, 5, 6]
    assert (kept == notebook_kept(t_max, d_min, 10, 90)).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kept_set_equals_the_notebooks_filter(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t_max = rng.normal(2e6, 4e6, 20_000)
    t_max[:50] = 4e7  # some beyond the realistic filter, and ties at a percentile
    d_min = rng.standard_cauchy(20_000) * 300 + 900
    kept = seed_000_kept(t_max, d_min, (5.0, 95.0))
    assert (kept == notebook_kept(t_max, d_min, 5, 95)).all()
    assert 0 < kept.sum() < 20_000


def test_an_undefined_quantity_takes_no_part() -> None:
    # An option without per-token training (T_max undefined): only D_min trims it.
    d_min = np.linspace(-100, 1000, 101)
    kept = seed_000_kept(np.full(101, np.nan), d_min, (5.0, 95.0))
    q = np.quantile(d_min, [0.05, 0.95])
    assert (kept == ((d_min > q[0]) & (d_min < q[1]) & (d_min < 500))).all()
    assert seed_000_kept(np.full(5, np.nan), np.full(5, np.nan), (5.0, 95.0)).all()


def test_raw_break_even_days_is_the_unclamped_ratio() -> None:
    blocks = {"cost_per_request": np.array([0.01, 0.004, 0.02, 0.01]),
              "daily_fixed_cost": np.array([0.0, 1.0, 0.0, 0.0]),
              "training_cost_per_run": np.array([0.0, 50.0, 30.0, 20.0]),
              "upfront_cost": np.array([0.0, 100.0, 0.0, 0.0])}
    raw = compare.raw_break_even_days(blocks, 1000.0, 0)
    # (100 + 50) / ((0.01 - 0.004) * 1000 - 1) = 30; 30 / (-10) = -3; 20 / 0 = +inf.
    assert raw[1] == pytest.approx(30.0) and raw[2] == pytest.approx(-3.0)
    assert raw[3] == math.inf and math.isnan(raw[0])
    clamped = compare.steady_state_break_even_days(
        *compare.break_even_gap(blocks, 1000.0, 0), (4,))
    assert clamped[1] == raw[1] and clamped[2] == math.inf


def seed_000_support(iterations: int = 12_000):
    book = support_book(mc_iterations=iterations, trim_mode="seed-000")
    return book, analyse(book)


def test_every_output_uses_one_kept_set_per_option() -> None:
    book, analysis = seed_000_support()
    result = simulate(book, analysis, chunk_size=4096)
    n = book.scenario.mc_iterations
    # The same iterations' outputs, straight from the evaluation, trimmed by numpy here.
    run = plan(book, analysis)
    res = _evaluate_chunk(book, analysis.baseline, run.draws, run.base_options, 0, n)
    res["savings_vs_baseline"] = res["total_cost"][analysis.baseline] - res["total_cost"]
    featured = result.option_names.index(result.featured_option)
    for i, entry in enumerate(result.summary):
        t, d = res["max_training_tokens"][i], res[RAW_D_MIN][i]
        if np.isnan(d).all():  # the baseline against itself (nor has it a T_max)
            kept = np.ones(n, bool)
        elif np.isnan(t).all():  # Azure: training by the hour, so no T_max
            q = np.quantile(d, [0.05, 0.95])
            kept = (d > q[0]) & (d < q[1]) & (d < 500)
        else:
            kept = notebook_kept(t, d, 5, 95)
        for key in SIMULATED_KEYS:
            x = np.broadcast_to(res[key][i], (n,))[kept]
            x = x[np.isfinite(x)]
            assert entry[key]["trimmed"] == n - kept.sum()
            if x.size:
                assert entry[key]["trimmed_mean"] == pytest.approx(x.mean(), rel=1e-9,
                                                                   abs=1e-9)
            else:
                assert entry[key]["trimmed_mean"] is None
        raw = entry[RAW_D_MIN]
        if not np.isnan(d).all():
            assert raw["p50"] == pytest.approx(np.quantile(d, 0.5), rel=1e-12)
            assert raw["trimmed"] == n - kept.sum()
        if i == featured:
            assert result.trimmed == n - kept.sum()
            assert sum(result.histogram["counts"]) == kept.sum()
    # The realistic filter is the study's: here it keeps none of the fine-tune's
    # iterations (T_max beyond 3e7), and part of the hosted option's.
    trimmed = [e["total_cost"]["trimmed"] for e in result.summary]
    assert trimmed[0] == 0 and trimmed[1] == n and 0 < trimmed[2] < n


def test_per_output_mode_has_no_raw_key_and_trims_each_output_at_its_own_percentiles() -> None:
    book = support_book(mc_iterations=8192)
    analysis = analyse(book)
    entry = simulate(book, analysis).summary[1]
    assert RAW_D_MIN not in entry
    run = plan(book, analysis)
    total = _evaluate_chunk(book, analysis.baseline, run.draws, run.base_options, 0,
                            8192)["total_cost"][1]
    q = np.quantile(total, [0.05, 0.95])
    assert entry["total_cost"]["trimmed"] == ((total < q[0]) | (total > q[1])).sum()


def test_sketch_mode_is_refused_at_the_trim_mode_cell() -> None:
    book, analysis = seed_000_support(4096)
    book = replace(book, scenario_cells={"trim_mode": "Scenario!C30"})
    with pytest.raises(EngineError) as caught:
        simulate(book, analysis, exact=False)
    problem = caught.value.problems[0]
    assert (problem.code, problem.sheet, problem.cell, problem.field) == (
        "too-large", "Scenario", "C30", "trim_mode")
    assert "per-output" in str(problem) and "4,096" in str(problem)


def test_the_memo_names_the_trim_used() -> None:
    fmt = Formatter("USD")
    plain = trim_range(support_book().scenario, fmt)
    study = trim_range(support_book(trim_mode="seed-000").scenario, fmt)
    assert plain == "P5 to P95"
    assert study.startswith("seed 000's trim: strictly inside P5 to P95 of the maximum")
    assert study.endswith("below 30,000,000 tokens and 500 days")


def test_the_replica_reproduces_the_studys_kept_count_and_d_min() -> None:
    book = read_workbook(REPLICA)
    assert (book.scenario.trim_mode, book.scenario.mc_iterations) == ("seed-000", STUDY_SAMPLES)
    result = simulate(book, analyse(book))
    kept = result.iterations - result.trimmed
    # Within 4 binomial standard errors of the published share (about 650 samples): the
    # study's three re-runs (31,688..32,093) are themselves spread by sampling alone.
    share = PUBLISHED_KEPT / STUDY_SAMPLES
    assert abs(kept - PUBLISHED_KEPT) <= 4 * math.sqrt(STUDY_SAMPLES * share * (1 - share))
    raw = result.summary[result.option_names.index("Fine-tuned gpt-3.5")][RAW_D_MIN]
    # The study's "about -3,200 / 970 / 8,000" days, to the precision it states them.
    assert raw["p5"] == pytest.approx(-3_200, rel=0.1)
    assert raw["p50"] == pytest.approx(970, rel=0.03)
    assert raw["p95"] == pytest.approx(8_000, rel=0.05)
