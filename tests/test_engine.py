"""The cost engine against docs/cost-model.md: worked examples, independent
day-by-day computations, and properties that must hold for every scenario."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ftreport.engine import compare, costs
from ftreport.model.schema import OPTION_NUMBERS


def options(*rows: dict[str, float]) -> dict[str, np.ndarray]:
    """Option arrays from partial rows; unnamed inputs are 0, like blank cells."""
    return {k: np.array([float(r.get(k, 0.0)) for r in rows]) for k in OPTION_NUMBERS}


# --- Worked examples of cost-model.md ------------------------------------------------

def test_seed_004_cost_per_request() -> None:
    # $0.002 per 1K tokens is $2 per 1M.
    assert costs.cost_per_request(1000, 500, 0, 2.0, 0, 2.0) == pytest.approx(0.003, rel=1e-12)
    assert costs.cost_per_request(100, 500, 0, 2.0, 0, 2.0) == pytest.approx(0.0012, rel=1e-12)


def test_seed_003_shorter_prompt_saves_2000_over_a_million_requests() -> None:
    opts = options(
        {"input_tokens": 1500, "output_tokens": 200, "price_input_per_1m": 2.0,
         "price_output_per_1m": 2.0},
        {"input_tokens": 500, "output_tokens": 200, "price_input_per_1m": 2.0,
         "price_output_per_1m": 2.0},
    )
    out = compare.evaluate(opts, 0, horizon_days=100, requests_per_day=10_000)
    assert round(float(out["savings_vs_baseline"][1]), 2) == 2000.00


def test_seed_001_training_cost_is_price_times_tokens_times_epochs() -> None:
    # $0.008 per 1K tokens, a 100,000-token file, 3 epochs: 0.008 * 100 * 3 = $2.40.
    assert round(float(costs.training_cost_per_run(100_000, 3, 8.0, 0, 0)), 2) == 2.40
    # Azure bills compute hours instead: 5 hours at $34.
    assert float(costs.training_cost_per_run(0, 0, 0, 5, 34.0)) == 170.0


def test_seed_000_d_min_and_t_max_are_the_special_case() -> None:
    # Fine-tuned gpt-3.5 against few-shot gpt-3.5-16k, prices per 1M (the study's per 1K x 1000).
    n, days, tokens, epochs, train_price = 215.0, 90, 10_000_000, 10, 8.0
    pe = {"input_tokens": 13_108, "output_tokens": 1_500, "price_input_per_1m": 3.0,
          "price_output_per_1m": 4.0}
    ft = {"input_tokens": 600, "output_tokens": 1_500, "price_input_per_1m": 12.0,
          "price_output_per_1m": 16.0, "training_tokens": tokens, "epochs": epochs,
          "price_training_per_1m": train_price}
    out = compare.evaluate(options(pe, ft), 0, horizon_days=days, requests_per_day=n)
    c_pe_use = (13_108 * 3.0 + 1_500 * 4.0) / 1e6 * n
    c_ft_use = (600 * 12.0 + 1_500 * 16.0) / 1e6 * n
    c_ft_train = tokens * epochs * train_price / 1e6
    assert out["steady_state_break_even_days"][1] == pytest.approx(
        c_ft_train / (c_pe_use - c_ft_use), rel=1e-12)
    assert out["max_training_tokens"][1] == pytest.approx(
        (c_pe_use - c_ft_use) * days / (epochs * train_price / 1e6), rel=1e-12)


# --- Independent, day-by-day computation ---------------------------------------------

def direct_costs(o: dict[str, float], n0: float, g: float, r: float, horizon: int
                 ) -> tuple[list[float], float]:
    """C(d) for d = 0..D and PV, by walking the days one at a time."""
    u = (o["input_tokens"] * (1 - o["cached_input_share"]) * o["price_input_per_1m"]
         + o["input_tokens"] * o["cached_input_share"] * o["price_cached_input_per_1m"]
         + o["output_tokens"] * o["price_output_per_1m"]) / 1e6
    fixed = (o["hosting_per_hour"] * o["hosting_hours_per_day"]
             + o["monthly_fixed_cost"] / (365 / 12))
    train = (o["training_tokens"] * o["epochs"] * o["price_training_per_1m"] / 1e6
             + o["training_hours"] * o["price_per_training_hour"])
    upfront = o["one_time_cost"] + o["data_generation_cost"]
    every = o["retrain_every_days"]
    q = (1 + g) ** (12 / 365)
    cumulative, pv, spent = [upfront + train], upfront + train, upfront + train
    run_times = [0.0]
    for t in range(1, horizon + 1):
        # Run k starts at time k*R and is counted from the day whose start it falls in.
        if every > 0:
            while run_times[-1] + every <= t - 1:
                run_times.append(run_times[-1] + every)
                spent += train
                pv += train / (1 + r) ** (run_times[-1] / 365)
        daily = fixed + u * n0 * q ** (t - 1)
        spent += daily
        pv += daily / (1 + r) ** (t / 365)
        cumulative.append(spent)
    return cumulative, pv


option_row = st.fixed_dictionaries({
    "input_tokens": st.floats(0, 20_000), "output_tokens": st.floats(0, 4_000),
    "cached_input_share": st.floats(0, 1), "price_input_per_1m": st.floats(0, 30),
    "price_cached_input_per_1m": st.floats(0, 10), "price_output_per_1m": st.floats(0, 60),
    "training_tokens": st.floats(0, 5e7), "epochs": st.integers(0, 20).map(float),
    "price_training_per_1m": st.floats(0, 25), "training_hours": st.floats(0, 50),
    "price_per_training_hour": st.floats(0, 100), "hosting_per_hour": st.floats(0, 5),
    "hosting_hours_per_day": st.floats(0, 24), "monthly_fixed_cost": st.floats(0, 5_000),
    "one_time_cost": st.floats(0, 50_000), "data_generation_cost": st.floats(0, 5_000),
    "retrain_every_days": st.sampled_from([0.0, 0.0, 30.0, 45.5, 90.0, 365.0]),
})
scenario = st.fixed_dictionaries({
    "horizon_days": st.integers(1, 730), "requests_per_day": st.floats(0, 50_000),
    "monthly_growth": st.one_of(st.just(0.0), st.floats(-0.2, 0.3), st.floats(-1e-6, 1e-6)),
    "discount_rate": st.one_of(st.just(0.0), st.floats(0, 0.3), st.floats(0, 1e-7)),
})


@settings(max_examples=60, deadline=None)
@given(st.lists(option_row, min_size=1, max_size=4), scenario)
def test_engine_equals_day_by_day_sums(rows: list[dict[str, float]], s: dict) -> None:
    out = compare.evaluate(options(*rows), 0, **s)
    for i, row in enumerate(rows):
        cumulative, pv = direct_costs(row, s["requests_per_day"], s["monthly_growth"],
                                      s["discount_rate"], s["horizon_days"])
        assert out["total_cost"][i] == pytest.approx(cumulative[-1], rel=1e-9, abs=1e-9)
        assert out["npv_cost"][i] == pytest.approx(pv, rel=1e-9, abs=1e-9)


# --- Properties ----------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(option_row, scenario)
def test_cumulative_cost_never_decreases(row: dict[str, float], s: dict) -> None:
    days = np.arange(s["horizon_days"] + 1, dtype=float)[:, None]
    o = options(row)
    blocks = compare.option_costs(o)
    curve = compare.cumulative_costs(days, blocks, o["retrain_every_days"],
                                     s["requests_per_day"], s["monthly_growth"])[:, 0]
    assert np.all(np.diff(curve) >= -1e-9 * np.abs(curve[1:]))


@settings(max_examples=100, deadline=None)
@given(option_row, option_row, scenario)
def test_break_even_day_is_ceil_of_d_min_without_growth_or_retraining(
        base: dict[str, float], row: dict[str, float], s: dict) -> None:
    base, row = dict(base, retrain_every_days=0.0), dict(row, retrain_every_days=0.0)
    s = dict(s, monthly_growth=0.0)
    out = compare.evaluate(options(base, row), 0, **s)
    d_min = out["steady_state_break_even_days"][1]
    assume(math.isfinite(d_min) and d_min <= s["horizon_days"])
    # Within the comparison tolerance of a whole day, either neighbour is right.
    expected = {math.ceil(d_min)} | ({round(d_min)} if abs(d_min - round(d_min)) < 1e-6 else set())
    assert out["break_even_day"][1] in expected


@settings(max_examples=100, deadline=None)
@given(option_row, option_row, scenario)
def test_savings_vanish_at_max_training_tokens(base: dict, row: dict, s: dict) -> None:
    out = compare.evaluate(options(base, row), 0, **s)
    t_max = out["max_training_tokens"][1]
    # A dataset the reader accepts (training_tokens <= 1e15): far beyond it, a vanishing
    # training price makes t_max so large that t_max * epochs * price overflows.
    assume(math.isfinite(t_max) and abs(t_max) <= 1e15)
    again = compare.evaluate(options(base, dict(row, training_tokens=t_max)), 0, **s)
    scale = max(out["total_cost"][0], out["total_cost"][1], 1.0)
    assert abs(again["savings_vs_baseline"][1]) <= 1e-9 * scale


@settings(max_examples=100, deadline=None)
@given(option_row, option_row, scenario)
def test_totals_are_equal_at_the_break_even_volume(base: dict, row: dict, s: dict) -> None:
    out = compare.evaluate(options(base, row), 0, **s)
    volume = out["break_even_requests_per_day"][1]
    assume(math.isfinite(volume) and volume >= 0)
    again = compare.evaluate(options(base, row), 0, **dict(s, requests_per_day=volume))
    scale = max(again["total_cost"][0], again["total_cost"][1], 1.0)
    assert abs(again["total_cost"][1] - again["total_cost"][0]) <= 1e-8 * scale


@settings(max_examples=80, deadline=None)
@given(option_row, scenario, st.floats(0.001, 0.5))
def test_present_value_is_total_at_zero_rate_and_falls_as_rate_rises(
        row: dict, s: dict, extra: float) -> None:
    o = options(row)
    flat = compare.evaluate(o, 0, **dict(s, discount_rate=0.0))
    assert flat["npv_cost"][0] == pytest.approx(flat["total_cost"][0], rel=1e-12, abs=1e-9)
    low = compare.evaluate(o, 0, **s)["npv_cost"][0]
    high = compare.evaluate(o, 0, **dict(s, discount_rate=s["discount_rate"] + extra))
    assert high["npv_cost"][0] <= low * (1 + 1e-12)


MONEY = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
         "price_training_per_1m", "price_per_training_hour", "hosting_per_hour",
         "monthly_fixed_cost", "one_time_cost", "data_generation_cost")


@settings(max_examples=80, deadline=None)
@given(st.lists(option_row, min_size=2, max_size=3), scenario, st.floats(0.01, 1000))
def test_scaling_every_price_by_k_scales_every_cost_by_k(rows: list, s: dict, k: float) -> None:
    out = compare.evaluate(options(*rows), 0, **s)
    scaled_rows = [{key: v * k if key in MONEY else v for key, v in r.items()} for r in rows]
    scaled = compare.evaluate(options(*scaled_rows), 0, **s)
    for key in ("cost_per_request", "daily_fixed_cost", "training_cost_per_run",
                "upfront_cost", "total_cost", "npv_cost"):
        np.testing.assert_allclose(scaled[key], out[key] * k, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(scaled["savings_vs_baseline"], out["savings_vs_baseline"] * k,
                               rtol=1e-9, atol=1e-9 * k * max(1.0, float(out["total_cost"].max())))


@settings(max_examples=60, deadline=None)
@given(option_row, scenario)
def test_an_option_compared_with_itself_saves_nothing_and_breaks_even_at_once(
        row: dict, s: dict) -> None:
    out = compare.evaluate(options(row, row), 0, **s)
    assert out["savings_vs_baseline"][1] == 0.0
    assert out["break_even_day"][1] == 0.0
    assert math.isnan(out["break_even_requests_per_day"][1])


# --- Edge cases ----------------------------------------------------------------------

PROMPTING = {"input_tokens": 3000, "output_tokens": 400, "price_input_per_1m": 2.0,
             "price_output_per_1m": 8.0}
FINE_TUNED = {"input_tokens": 300, "output_tokens": 400, "price_input_per_1m": 0.8,
              "price_output_per_1m": 3.2, "training_tokens": 1e6, "epochs": 3,
              "price_training_per_1m": 5.0, "one_time_cost": 1000}


def test_zero_volume_only_fixed_costs_count_and_nothing_pays_back() -> None:
    out = compare.evaluate(options(PROMPTING, FINE_TUNED), 0, horizon_days=365,
                           requests_per_day=0)
    assert out["total_cost"][0] == 0.0
    assert out["total_cost"][1] == pytest.approx(1000 + 15.0)
    assert math.isnan(out["break_even_day"][1])
    assert math.isinf(out["steady_state_break_even_days"][1])


def test_equal_cost_per_request_has_no_break_even_volume() -> None:
    out = compare.evaluate(options(PROMPTING, dict(PROMPTING, one_time_cost=10)), 0,
                           horizon_days=30, requests_per_day=100)
    assert math.isnan(out["break_even_requests_per_day"][1])
    assert math.isinf(out["steady_state_break_even_days"][1])


@pytest.mark.parametrize("horizon", [1, 2, 90, 365, 3650])
def test_horizons_from_one_day_to_ten_years(horizon: int) -> None:
    out = compare.evaluate(options(PROMPTING, FINE_TUNED), 0, horizon_days=horizon,
                           requests_per_day=1000, monthly_growth=0.02, discount_rate=0.05)
    row = {k: float(FINE_TUNED.get(k, 0.0)) for k in OPTION_NUMBERS}
    cumulative, pv = direct_costs(row, 1000, 0.02, 0.05, horizon)
    assert out["total_cost"][1] == pytest.approx(cumulative[-1], rel=1e-12)
    assert out["npv_cost"][1] == pytest.approx(pv, rel=1e-10)
    assert all(np.isfinite(out[k]).all() for k in ("total_cost", "npv_cost", "savings_pct"))


def test_very_large_token_counts_keep_their_precision() -> None:
    huge = dict(FINE_TUNED, training_tokens=3e12, epochs=30)
    out = compare.evaluate(options(PROMPTING, huge), 0, horizon_days=3650,
                           requests_per_day=1e7, monthly_growth=0.05)
    assert np.isfinite(out["total_cost"]).all()
    assert out["training_cost_per_run"][1] == pytest.approx(3e12 * 30 * 5.0 / 1e6, rel=1e-15)
    # The difference of two large totals keeps every cent the inputs imply.
    assert out["savings_vs_baseline"][1] == pytest.approx(
        out["total_cost"][0] - out["total_cost"][1], rel=1e-12)


def test_retraining_adds_a_run_every_r_days() -> None:
    assert costs.training_runs(np.array([0, 1, 30, 31, 60, 61]), 30).tolist() == [
        1, 1, 1, 2, 2, 3]
    assert costs.training_runs(365, 0) == 1


def test_break_even_day_with_two_crossings_takes_the_last() -> None:
    # Dearer on days 0-2, cheaper 3-5, dearer again after a retraining step at 5, then cheaper.
    curve_b = np.arange(11, dtype=float) * 10
    curve_i = np.array([5, 12, 25, 28, 35, 45, 70, 72, 75, 80, 85], dtype=float)
    day = compare.break_even_day(np.stack([curve_b, curve_i], axis=1), 0)
    assert day.tolist() == [0.0, 8.0]


def test_rank_orders_by_present_value_equal_values_share_a_rank() -> None:
    # cost-model.md "Ties": present values within 1e-9 relative are equal (issue 13).
    assert compare.rank(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3, 1, 3, 2]
    assert compare.rank(np.array([3.0, 1.0, 3.0 * (1 - 1e-12), 2.0])).tolist() == [3, 1, 3, 2]
    assert compare.rank(np.array([3.0, 1.0, 3.0 * (1 - 1e-6), 2.0])).tolist() == [4, 1, 3, 2]
