"""Costs by month and fiscal year (ftreport.engine.periods) against a day-by-day sum.

The independent computation walks the calendar one day at a time: day 0 holds the
up-front cost and the first training run, each later day its fixed cost, its requests
(N0·q^(t-1)) and any training run that starts on it (runs counted on days 1 + k·R),
added to the month or fiscal year its date falls in.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ftreport.engine import periods
from ftreport.model import Option, Scenario, ScenarioBook


def book_of(scenario: Scenario, options: list[Option]) -> ScenarioBook:
    return ScenarioBook(path=__file__, sha256="0" * 64, scenario=scenario,  # type: ignore[arg-type]
                        options=options, run_date=date(2026, 12, 1))


def daily_costs(scenario: Scenario, option: Option) -> list[float]:
    """What ``option`` spends on each day 0..horizon, computed from the inputs."""
    o, s = option, scenario
    per_request = (o.input_tokens * (1 - o.cached_input_share) * o.price_input_per_1m
                   + o.input_tokens * o.cached_input_share * o.price_cached_input_per_1m
                   + o.output_tokens * o.price_output_per_1m) / 1e6
    fixed = o.hosting_per_hour * o.hosting_hours_per_day + o.monthly_fixed_cost * 12 / 365
    training = (o.training_tokens * o.epochs * o.price_training_per_1m / 1e6
                + o.training_hours * o.price_per_training_hour)
    q = (1 + s.monthly_growth) ** (12 / 365)
    days = [o.one_time_cost + o.data_generation_cost + training]
    for t in range(1, s.horizon_days + 1):
        retrained = o.retrain_every_days > 0 and t > 1 and (t - 1) % o.retrain_every_days == 0
        days.append(fixed + per_request * s.requests_per_day * q ** (t - 1)
                    + (training if retrained else 0.0))
    return days


def by_period(scenario: Scenario, option: Option, key: object) -> dict[object, float]:
    start = scenario.start_date
    assert start is not None
    totals: dict[object, float] = {}
    for t, cost in enumerate(daily_costs(scenario, option)):
        day = start + timedelta(days=max(t, 1) - 1)  # day 0 counts in day 1's period
        totals[key(day)] = totals.get(key(day), 0.0) + cost  # type: ignore[operator]
    return totals


def fiscal_label(day: date, first_month: int) -> str:
    return f"FY{day.year + (1 if first_month > 1 and day.month >= first_month else 0)}"


options = st.builds(
    Option, name=st.just("o"), approach=st.just("fine-tuning"),
    input_tokens=st.integers(0, 5000), output_tokens=st.integers(0, 2000),
    cached_input_share=st.floats(0, 1), price_input_per_1m=st.floats(0, 20),
    price_cached_input_per_1m=st.floats(0, 5), price_output_per_1m=st.floats(0, 40),
    training_tokens=st.floats(0, 1e7), epochs=st.integers(0, 4),
    price_training_per_1m=st.floats(0, 30), training_hours=st.floats(0, 20),
    price_per_training_hour=st.floats(0, 60), hosting_per_hour=st.floats(0, 5),
    hosting_hours_per_day=st.sampled_from([0.0, 24.0]), monthly_fixed_cost=st.floats(0, 900),
    one_time_cost=st.floats(0, 9000), data_generation_cost=st.floats(0, 900),
    retrain_every_days=st.sampled_from([0, 1, 7, 30, 45, 90, 365]))
scenarios = st.builds(
    Scenario, horizon_days=st.integers(1, 900), requests_per_day=st.floats(0, 50_000),
    monthly_growth=st.one_of(st.just(0.0), st.floats(-0.2, 0.3)),
    start_date=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    fiscal_year_start_month=st.integers(1, 12))


@settings(max_examples=60, deadline=None)
@given(scenarios, st.lists(options, min_size=1, max_size=3))
def test_periods_equal_the_day_by_day_sum(scenario: Scenario, opts: list[Option]) -> None:
    found = periods.periods(book_of(scenario, opts))
    first_month = scenario.fiscal_year_start_month
    for i, option in enumerate(opts):
        monthly = by_period(scenario, option, lambda d: f"{d:%Y-%m}")
        fiscal = by_period(scenario, option, lambda d: fiscal_label(d, first_month))
        labels = [p.label for p in found.months]
        assert labels == list(monthly)[:12]
        assert [p.label for p in found.fiscal_years] == list(fiscal)
        scale = max(1.0, sum(daily_costs(scenario, option)))
        np.testing.assert_allclose(found.monthly[:, i], [monthly[k] for k in labels],
                                   rtol=1e-9, atol=1e-9 * scale)
        np.testing.assert_allclose(found.fiscal[:, i], list(fiscal.values()),
                                   rtol=1e-9, atol=1e-9 * scale)


def test_a_hand_worked_year() -> None:
    """Start 15 March, fiscal years from July, 400 days, 10 a day and 1,000 up front."""
    scenario = Scenario(horizon_days=400, requests_per_day=1000, start_date=date(2027, 3, 15),
                        fiscal_year_start_month=7)
    # 10 output tokens at 1,000 per 1M: 0.01 a request, 1,000 requests: 10 a day.
    option = Option(name="o", approach="prompting", output_tokens=10, price_output_per_1m=1000,
                    one_time_cost=1000)
    found = periods.periods(book_of(scenario, [option]))
    assert found.months[0].label == "2027-03" and found.months[0].first_day == 1
    assert found.months[0].last_day == 17  # 15..31 March
    assert found.monthly[0, 0] == 1000 + 17 * 10
    assert found.monthly[1, 0] == 30 * 10  # April
    # FY2027 (Jul 2026..Jun 2027) holds 15 Mar..30 Jun 2027: 108 days; FY2028 the other 292.
    assert [p.label for p in found.fiscal_years] == ["FY2027", "FY2028"]
    assert found.fiscal_years[0].last_day == 108
    assert found.fiscal[0, 0] == 1000 + 108 * 10
    assert found.fiscal[1, 0] == (400 - 108) * 10
    assert found.fiscal[:, 0].sum() == 1000 + 400 * 10


def test_start_date_defaults_to_the_day_after_the_run() -> None:
    book = book_of(Scenario(horizon_days=10), [Option(name="o", approach="prompting")])
    assert book.start_date == date(2026, 12, 2)
    assert periods.periods(book).months[0].start == date(2026, 12, 2)
