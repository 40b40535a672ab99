"""The memo's options section: a column per option shown (ftreport.report.ranking), and the
cumulative cost chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from ftreport.engine.analysis import cost_curves
from ftreport.engine.costs import DAYS_PER_YEAR, MONTHS_PER_YEAR
from ftreport.model.format import MISSING, Formatter, calendar_date, date_of_day, is_number
from ftreport.model.results import Analysis, SimulatedOption, SimulationResult
from ftreport.report import charts
from ftreport.report.risk import simulated_options
from ftreport.report.views import OptionView

DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR
MAX_CHART_POINTS = 800
# OptionView fields that are one output of the results schema written by its unit.
PLAIN_OUTPUTS = {  # field: output key
    "model": "model",
    "rank": "rank",
    "cost_per_request": "cost_per_request",
    "daily_fixed_cost": "daily_fixed_cost",
    "training_cost_per_run": "training_cost_per_run",
    "training_runs": "training_runs",
    "upfront_cost": "upfront_cost",
    "total_cost": "total_cost",
    "npv_cost": "npv_cost",
    "savings": "savings_vs_baseline",
    "savings_pct": "savings_pct",
}
# T_max below zero: even training on no tokens at all would not make the option pay.
NOT_COST_EFFECTIVE = "not cost-effective at any dataset size"


def option_views(analysis: Analysis, simulation: SimulationResult | None, fmt: Formatter,
                 first_day: date) -> list[OptionView]:
    """Every option's column of the side-by-side table, in the workbook's order."""
    simulated = simulated_options(simulation)
    return [option_view(analysis, i, simulated.get(o.name), fmt, first_day)
            for i, o in enumerate(analysis.options)]


def option_view(analysis: Analysis, index: int, sim: SimulatedOption | None, fmt: Formatter,
                first_day: date) -> OptionView:
    """One option's figures; ``sim`` is its simulation summary, when one ran."""
    option = analysis.options[index]
    baseline = index == analysis.baseline

    def value(key: str) -> Any:
        return analysis.option_value(key, index)

    be_day, be_date = _break_even(analysis, index, first_day)
    months = analysis.book.scenario.horizon_days / DAYS_PER_MONTH
    savings = value("savings_vs_baseline")
    d_min = value("steady_state_break_even_days")
    return OptionView(
        **{field: fmt.output(key, value(key)) for field, key in PLAIN_OUTPUTS.items()},
        index=index,
        name=option.name,
        approach=option.approach,
        notes=option.notes,
        is_baseline=baseline,
        is_recommended=index == analysis.recommended,
        colour=charts.colour(index),
        # Under a month, a monthly figure would extrapolate from a few days.
        savings_per_month=(fmt.money(savings / months) if is_number(savings) and months >= 1
                           else MISSING),
        max_training_tokens=_max_training_tokens(value("max_training_tokens"), fmt),
        break_even_day=be_day,
        break_even_date=be_date,
        steady_state_break_even=(MISSING if baseline else "never" if d_min is None
                                 else fmt.output("steady_state_break_even_days", d_min)),
        break_even_volume=MISSING if baseline else _break_even_volume(analysis, index, fmt),
        break_even_tokens_per_hour=(MISSING if baseline else fmt.output(
            "break_even_tokens_per_hour", value("break_even_tokens_per_hour"))),
        roi=fmt.output("roi", value("roi")),
        quality_score=fmt.number(option.quality_score),
        training_examples=fmt.count(option.training_examples),
        p_cheapest=fmt.percent(sim["p_cheapest"]) if sim else MISSING,
        p_beats_baseline=(fmt.percent(sim["p_beats_baseline"])
                          if sim and not baseline else MISSING),
    )


def _max_training_tokens(t_max: float | None, fmt: Formatter) -> str:
    if is_number(t_max) and t_max < 0:
        return NOT_COST_EFFECTIVE
    return fmt.output("max_training_tokens", t_max)


def _break_even(analysis: Analysis, index: int, first_day: date) -> tuple[str, str]:
    """The break-even day in words ("day 123", "none within the horizon") and its date."""
    if index == analysis.baseline:
        return "baseline", MISSING
    day = analysis.option_value("break_even_day", index)
    if day is None:
        return "none within the horizon", MISSING
    return f"day {day:,}", calendar_date(date_of_day(first_day, day))


def _break_even_volume(analysis: Analysis, index: int, fmt: Formatter) -> str:
    volume = analysis.option_value("break_even_requests_per_day", index)
    if not is_number(volume):
        return MISSING
    # Cheaper above the volume when its per-request cost is the lower one.
    per_request = analysis.results["cost_per_request"]
    side = "above" if per_request[index] < per_request[analysis.baseline] else "below"
    if volume > 0:
        return f"cheaper {side} {fmt.output('break_even_requests_per_day', volume)}"
    return "cheaper at any volume" if side == "above" else "dearer at any volume"


def chart_days(horizon: int, retrain_every_days: Sequence[float]) -> list[int]:
    """Days 0..horizon, thinned to about MAX_CHART_POINTS, keeping both sides of every
    retraining step so the jumps stay vertical."""
    stride = max(1, -(-horizon // MAX_CHART_POINTS))
    days = set(range(0, horizon + 1, stride)) | {horizon}
    for r in retrain_every_days:
        if r > 0:
            days |= {d for k in range(1, int(horizon // r) + 1)
                     for d in (int(k * r), int(k * r) + 1) if d <= horizon}
    return sorted(days)


def cumulative_chart(analysis: Analysis, options: list[OptionView], fmt: Formatter,
                     first_day: date) -> str:
    """C(d) for d = 0..D of each of ``options`` (those the memo shows), from the engine,
    with break-even points."""
    book = analysis.book
    grid = chart_days(book.scenario.horizon_days,
                      [analysis.options[o.index].retrain_every_days for o in options])
    curves = cost_curves(book, grid)
    series = [charts.Series(o.name, [float(d) for d in grid], curves[:, o.index].tolist(),
                            o.index, emphasis=o.is_recommended) for o in options]
    return charts.cumulative_cost_chart(
        series, _break_even_markers(analysis, options),
        x_label=f"Day of operation (day 1 = {calendar_date(first_day)})",
        y_label=f"Cumulative cost ({fmt.currency})", money=fmt.compact_money,
        title="Cumulative cost of each option")


def _break_even_markers(analysis: Analysis, options: list[OptionView]) -> list[charts.Marker]:
    """A point on each alternative's curve where it breaks even (none on day 0)."""
    day_of = analysis.results["break_even_day"]
    marked = [o for o in options
              if not o.is_baseline and np.isfinite(day_of[o.index]) and day_of[o.index] >= 1]
    days = [float(day_of[o.index]) for o in marked]
    curves = cost_curves(analysis.book, days)
    return [charts.Marker(day, float(curves[j, o.index]),
                          f"Break-even: {o.break_even_day}, {o.break_even_date}"
                          if o.is_recommended else o.break_even_day, o.index)
            for j, (o, day) in enumerate(zip(marked, days, strict=True))]
