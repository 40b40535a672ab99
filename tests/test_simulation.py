"""The Monte Carlo against the deterministic engine and against closed forms."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ftreport.engine import compare
from ftreport.engine.analysis import analyse, option_arrays, scenario_inputs
from ftreport.engine.breakeven import fast_break_even_day
from ftreport.engine.simulation import simulate
from ftreport.engine.statistics import statistics
from ftreport.model import Option, Uncertain
from ftreport.model.outputs import SIMULATED_KEYS
from ftreport.model.problems import InputError
from ftreport.model.schema import OPTION_NUMBERS
from tests.support.scenarios import support_book


def two_options(iterations: int, rows: list[Uncertain], **scenario: object):
    """Prompting vs a fine-tune with no growth, retraining, hosting or discounting."""
    values: dict[str, object] = {"requests_per_day": 1_000.0, **scenario}
    book = support_book(mc_iterations=iterations, monthly_growth=0.0, discount_rate=0.0,
                        **values)
    book.options = [
        Option(name="Prompt", approach="prompting", input_tokens=3000, output_tokens=400,
               price_input_per_1m=2.0, price_output_per_1m=8.0),
        Option(name="Tune", approach="fine-tuning", input_tokens=400, output_tokens=400,
               price_input_per_1m=0.8, price_output_per_1m=3.2, training_tokens=2e6,
               epochs=3, price_training_per_1m=25.0, one_time_cost=2_000),
    ]
    book.uncertainty = rows
    return book


def stat_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def test_all_fixed_reproduces_the_deterministic_outputs_exactly() -> None:
    book = support_book(mc_iterations=10_000)
    analysis = analyse(book)
    book.uncertainty = [
        Uncertain("requests_per_day", None, "fixed", 20_000),
        Uncertain("output_tokens", "*", "fixed", 400),
        Uncertain("training_tokens", "Fine-tuned gpt-4.1-mini", "fixed", 2_000_000),
        Uncertain("monthly_growth", None, "fixed", 0.03),
    ]
    result = simulate(book, analysis, chunk_size=4096)
    det = analysis.results
    cheapest = int(np.argmin(det["npv_cost"]))
    for i, entry in enumerate(result.summary):
        for key in SIMULATED_KEYS:
            expected = stat_or_none(float(det[key][i]))
            stats = entry[key]
            for k in ("p5", "p25", "p50", "p75", "p95", "mean", "trimmed_mean"):
                assert stats[k] == expected, (entry["name"], key, k)
        assert entry["p_cheapest"] == (1.0 if i == cheapest else 0.0)
        assert entry["p_beats_baseline"] == (1.0 if det["savings_vs_baseline"][i] > 0 else 0.0)
    assert result.trimmed == 0


def within_4_se(observed: float, p: float, n: int) -> None:
    assert abs(observed - p) <= 4 * math.sqrt(p * (1 - p) / n), (observed, p)


def test_uniform_training_tokens_beat_baseline_with_probability_from_t_max() -> None:
    a, b, n = 1e6, 4e7, 40_000
    book = two_options(n, [Uncertain("training_tokens", "Tune", "uniform", a, b)])
    analysis = analyse(book)
    t_max = float(analysis.results["max_training_tokens"][1])
    assert a < t_max < b
    tune = simulate(book, analysis).summary[1]
    within_4_se(tune["p_beats_baseline"], (t_max - a) / (b - a), n)
    # T_max does not depend on the training tokens: every sample has the same one.
    assert tune["max_training_tokens"]["p5"] == pytest.approx(t_max, rel=1e-9)
    assert tune["max_training_tokens"]["p95"] == pytest.approx(t_max, rel=1e-9)


def test_normal_volume_beats_baseline_above_the_break_even_volume() -> None:
    mean, sd, n = 1_000.0, 300.0, 40_000
    book = two_options(n, [Uncertain("requests_per_day", None, "normal", mean, sd)])
    analysis = analyse(book)
    volume = float(analysis.results["break_even_requests_per_day"][1])
    p = 0.5 * math.erfc((volume - mean) / (sd * math.sqrt(2)))  # P(N > volume)
    assert 0.05 < p < 0.95
    within_4_se(simulate(book, analysis).summary[1]["p_beats_baseline"], p, n)


def test_triangular_one_time_cost_beats_baseline_below_the_savings() -> None:
    low, mode, high, n = 0.0, 1_000.0, 5_000.0, 40_000
    book = two_options(n, [Uncertain("one_time_cost", "Tune", "triangular", low, mode, high)])
    analysis = analyse(book)
    # Savings fall one for one with the up-front cost: positive while U < S + U_base.
    limit = float(analysis.results["savings_vs_baseline"][1]) + 2_000
    assert mode < limit < high
    p = 1 - (high - limit) ** 2 / ((high - low) * (high - mode))
    result = simulate(book, analysis)
    within_4_se(result.summary[1]["p_beats_baseline"], p, n)
    within_4_se(result.summary[1]["p_cheapest"], p, n)


def test_integer_epochs_shared_by_every_option_is_one_draw() -> None:
    book = two_options(5_000, [Uncertain("epochs", "*", "integer", 1, 3)])
    analysis = analyse(book)
    result = simulate(book, analysis)
    # Each iteration's total is the deterministic total at one of the three epoch counts:
    # the percentiles land on exactly those three values.
    possible = set()
    for epochs in (1, 2, 3):
        fixed = replace(book, options=[replace(o, epochs=epochs) for o in book.options])
        possible.add(float(analyse(fixed).results["total_cost"][1]))
    stats = result.summary[1]["total_cost"]
    assert {stats[f"p{p}"] for p in (5, 25, 50, 75, 95)} == possible


def test_same_seed_same_results_whatever_the_chunk_size() -> None:
    book = support_book(mc_iterations=30_000)
    analysis = analyse(book)
    first = simulate(book, analysis)
    again = simulate(book, analysis, chunk_size=5_000)
    assert first.to_dict() == again.to_dict()
    assert first.histogram == again.histogram and first.sensitivity == again.sensitivity
    other = simulate(replace(book, scenario=replace(book.scenario, mc_seed=8)), analysis)
    assert other.to_dict() != first.to_dict()


def test_json_has_no_nan_or_infinity_and_probabilities_add_up() -> None:
    book = support_book(mc_iterations=20_000, horizon_days=30)  # most never pay back
    analysis = analyse(book)
    result = simulate(book, analysis)
    text = json.dumps(result.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["iterations"] == 20_000 and data["seed"] == 7
    assert sum(o["p_cheapest"] for o in data["options"]) == pytest.approx(1.0)
    assert all(0 <= o["p_beats_baseline"] <= 1 for o in data["options"])
    hosted = data["options"][2]
    assert hosted["max_training_tokens"]["p50"] is None  # no per-token training price
    for option in data["options"]:
        for key in SIMULATED_KEYS:
            assert set(option[key]) >= {"p5", "p25", "p50", "p75", "p95", "mean",
                                        "trimmed_mean"}


def test_never_paying_back_is_null_percentiles_and_finite_share() -> None:
    book = support_book(mc_iterations=20_000, horizon_days=60)
    analysis = analyse(book)
    stats = simulate(book, analysis).summary[1]["break_even_day"]
    share = stats["finite_share"]
    assert 0 < share < 1
    # Percentiles above the share that pays back are "never" (null).
    assert (stats["p95"] is None) == (share < 0.95)
    assert stats["p5"] is None or stats["p5"] <= 60


def test_trimmed_count_and_histogram() -> None:
    book = support_book(mc_iterations=20_000)
    analysis = analyse(book)
    result = simulate(book, analysis)
    # Continuous savings: 5% below P5 and 5% above P95, give or take ties.
    assert result.trimmed == pytest.approx(2_000, abs=2)
    assert sum(result.histogram["counts"]) == 20_000 - result.trimmed
    assert result.featured_option == analysis.options[analysis.recommended].name


def test_sensitivity_sorted_by_swing_and_linear_in_volume() -> None:
    book = support_book(mc_iterations=1_000)
    analysis = analyse(book)
    bars = simulate(book, analysis).sensitivity
    assert bars[0].input == "requests_per_day"
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    volume = bars[0]
    # Triangular(12k, 20k, 35k): P10 and P90 from its closed-form quantiles.
    assert volume.low_value == pytest.approx(12_000 + math.sqrt(0.1 * 23_000 * 8_000), rel=0.01)
    assert volume.high_value == pytest.approx(35_000 - math.sqrt(0.1 * 23_000 * 15_000),
                                              rel=0.01)


def test_progress_bar_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from ftreport.cli import ProgressBar

    book = support_book(mc_iterations=2_000)
    analysis = analyse(book)
    simulate(book, analysis)
    assert capsys.readouterr() == ("", "")
    seen: list[tuple[int, int]] = []
    simulate(book, analysis, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2_000, 2_000) and capsys.readouterr() == ("", "")  # the engine is silent
    simulate(book, analysis, progress=ProgressBar())
    captured = capsys.readouterr()
    assert captured.out == "" and "2,000/2,000" in captured.err


def test_bad_row_is_an_input_error_naming_the_cell() -> None:
    book = support_book(mc_iterations=100)
    book.uncertainty = [Uncertain("epochs", "*", "uniform", 5, 1, cell="Uncertainty!A9")]
    with pytest.raises(InputError) as info:
        simulate(book, analyse(book))
    problem = info.value.problems[0]
    assert (problem.sheet, problem.cell) == ("Uncertainty", "A9")
    assert "p2 must be the max, at least the min in p1 (5), got 1" in str(problem)


# --- The fast break-even day is the engine's grid break-even day ----------------------

OPTIONS, SAMPLES = 3, 6
money = st.floats(0, 1e4, allow_nan=False) | st.sampled_from([0.0, 1.0, 100.0])


def option_inputs() -> st.SearchStrategy[dict[str, np.ndarray]]:
    column = hnp.arrays(np.float64, (OPTIONS, SAMPLES), elements=money)
    retrain = hnp.arrays(np.float64, (OPTIONS, SAMPLES),
                         elements=st.sampled_from([0.0, 1.0, 7.0, 30.0, 45.5, 90.0, 400.0]))
    share = hnp.arrays(np.float64, (OPTIONS, SAMPLES), elements=st.floats(0, 1))
    keys = [k for k in OPTION_NUMBERS if k not in ("retrain_every_days", "cached_input_share")]
    return st.fixed_dictionaries({**{k: column for k in keys}, "retrain_every_days": retrain,
                                  "cached_input_share": share})


@settings(max_examples=400, deadline=None)
@given(options=option_inputs(), horizon=st.integers(1, 400),
       volume=hnp.arrays(np.float64, SAMPLES, elements=st.floats(0, 1e5)),
       growth=hnp.arrays(np.float64, SAMPLES, elements=st.floats(-0.9, 2.0) | st.just(0.0)),
       shared_retraining=st.booleans(), shared_growth=st.booleans(),
       baseline=st.integers(0, OPTIONS - 1))
def test_fast_break_even_day_equals_the_grid(
        options: dict[str, np.ndarray], horizon: int, volume: np.ndarray, growth: np.ndarray,
        shared_retraining: bool, shared_growth: bool, baseline: int) -> None:
    # Retraining per sample, or shared: then every sample walks the same stretches, each
    # tested at one day for all. Growth (rising, falling or none) per sample, or one
    # number for all: then the search looks days up in tables.
    if shared_retraining:
        shared = np.repeat(options["retrain_every_days"][:, :1], SAMPLES, axis=1)
        options = {**options, "retrain_every_days": shared}
    monthly_growth: float | np.ndarray = float(growth[0]) if shared_growth else growth
    grid = compare.evaluate(options, baseline, horizon_days=horizon, requests_per_day=volume,
                            monthly_growth=monthly_growth)["break_even_day"]
    fast = fast_break_even_day(options, baseline, horizon_days=horizon,
                               requests_per_day=volume, monthly_growth=monthly_growth)
    np.testing.assert_array_equal(fast, grid)


def test_evaluate_keys_give_the_same_numbers_as_the_full_evaluation() -> None:
    book = support_book(mc_iterations=0)
    analysis = analyse(book)
    few = compare.evaluate(option_arrays(book.options), analysis.baseline,
                           keys=("npv_cost", "max_training_tokens"), **scenario_inputs(book))
    assert set(few) == {"npv_cost", "max_training_tokens"}
    for key, values in few.items():
        assert np.array_equal(values, analysis.results[key], equal_nan=True), key


def test_fast_break_even_day_when_samples_settle_in_different_stretches() -> None:
    # Sample 1 pays back late (found on an early walk step), sample 0 early: the
    # search then holds every sample, out of order.
    rows = [{"input_tokens": 3000, "price_input_per_1m": 2.0},
            {"input_tokens": 400, "price_input_per_1m": 2.0, "training_hours": 1,
             "price_per_training_hour": 100.0, "retrain_every_days": 90}]
    options = {k: np.array([[float(r.get(k, 0.0))] * 2 for r in rows]) for k in OPTION_NUMBERS}
    options["one_time_cost"][1] = [2_000.0, 12_000.0]
    kwargs = {"horizon_days": 365, "requests_per_day": np.array([10_000.0, 10_000.0]),
              "monthly_growth": 0.03}
    grid = compare.evaluate(options, 0, **kwargs)["break_even_day"]
    assert 0 < grid[1, 0] < 90 < 180 < grid[1, 1] < 365
    np.testing.assert_array_equal(fast_break_even_day(options, 0, **kwargs), grid)


def test_fast_break_even_day_on_the_horizon_and_with_identical_samples() -> None:
    # Dearer until the day before the horizon, on the horizon itself ("never"), and
    # cheaper from day 1; then every sample the same (the search's 0-d shortcuts).
    rows = [{"input_tokens": 1000, "price_input_per_1m": 2.0},
            {"input_tokens": 500, "price_input_per_1m": 2.0}]
    options = {k: np.array([[float(r.get(k, 0.0))] * 3 for r in rows]) for k in OPTION_NUMBERS}
    # The fine-tune saves 1.0 a day at 1,000 requests a day.
    for upfront in ([10.0, 10.0 + 1e-6, 0.5], [10.0] * 3):
        options["one_time_cost"][1] = upfront
        kwargs = {"horizon_days": 10, "requests_per_day": 1000.0, "monthly_growth": 0.0}
        grid = compare.evaluate(options, 0, **kwargs)["break_even_day"]
        np.testing.assert_array_equal(fast_break_even_day(options, 0, **kwargs), grid)
    options["one_time_cost"][1] = [10.0, 10.0 + 1e-6, 0.5]
    assert np.array_equal(grid[1], [10.0, 10.0, 10.0])
    grid = compare.evaluate(options, 0, **kwargs)["break_even_day"]
    assert np.isnan(grid[1, 1]) and grid[1, 2] == 1.0


@settings(max_examples=200, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(1, 300),
                    elements=st.floats(-1e6, 1e6) | st.just(np.nan) | st.sampled_from([0.0, 5.0])),
       trim=st.tuples(st.floats(0, 50), st.floats(50, 100)))
def test_statistics_are_numpys_percentiles_and_masked_means(x: np.ndarray,
                                                            trim: tuple[float, float]) -> None:
    # The one-sort statistics against their definition: numpy's linear percentiles of
    # the defined samples, plain means, the trim with its bounds included.
    stats, (low, high) = statistics(x, x.size, trim)
    valid = x[~np.isnan(x)]
    assert stats["finite_share"] == valid.size / x.size
    if valid.size == 0:
        assert stats["p50"] is None and stats["mean"] is None
        return
    marks = np.percentile(valid, [*(float(p) for p in (5, 25, 50, 75, 95)), *trim])
    for p, expected in zip((5, 25, 50, 75, 95), marks, strict=False):
        assert stats[f"p{p}"] == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert (low, high) == pytest.approx(tuple(marks[5:]), rel=1e-12, abs=1e-9)
    inside = valid[(valid >= low) & (valid <= high)]
    assert stats["trimmed"] == valid.size - inside.size
    assert stats["mean"] == pytest.approx(valid.mean(), rel=1e-9, abs=1e-6)
    if inside.size:
        assert stats["trimmed_mean"] == pytest.approx(inside.mean(), rel=1e-9, abs=1e-6)
    else:
        assert stats["trimmed_mean"] is None
