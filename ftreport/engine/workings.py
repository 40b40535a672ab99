"""The intermediate quantities of a report: the `Workings` sheet and the `Timeline` days.

The report's formulas compute these from the inputs (docs/results-sheets.md);
the writer caches the values computed here beside them, so every number a
report shows comes from the engine. Option-level quantities and the timeline
are the engine's own expressions (costs, compare, analysis).

The scenario-level quantities are scalars computed step by step in the order
their formulas use: ``ln(1+g)``, then ``·months_per_year/days_per_year``,
then ``EXP``. That order, with Python's scalar ``math`` functions, gives the
values reports have always cached, and no cached value may change
(tests/test_outputs_unchanged.py): ``costs.daily_log_growth``, which
multiplies by the ratio 12/365, differs in the last bit for about half of all
rates (a monthly growth of 0.02 among them), and numpy's ``exp`` and
``log1p`` for a few percent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ftreport.engine import compare, costs
from ftreport.engine.analysis import cost_curves, option_arrays, qualifying, ties_lowest
from ftreport.engine.costs import Array
from ftreport.model.results import Analysis

# What scenario_workings gives: a number, or the recommended option's name.
Quantity = float | str


def _daily_log_discount(discount_rate: float) -> float:
    """``ln δ = -ln(1+r)/days_per_year``, as the Workings formula computes it."""
    return -math.log1p(discount_rate) / costs.DAYS_PER_YEAR


def scenario_workings(analysis: Analysis) -> dict[str, Quantity]:
    """The scenario-level Workings quantities, by their defined name on the sheet."""
    book, res = analysis.book, analysis.results
    s = book.scenario
    horizon = int(s.horizon_days)
    g, r = float(s.monthly_growth), float(s.discount_rate)
    growth_log1p = math.log1p(g)
    log_g = growth_log1p * costs.MONTHS_PER_YEAR / costs.DAYS_PER_YEAR
    log_d = _daily_log_discount(r)
    log_usage = log_g + log_d
    delta = math.exp(log_d)
    rec = analysis.recommended
    return {
        "growth_log1p": growth_log1p,
        "daily_log_growth": log_g,
        "discount_log1p": math.log1p(r),
        "daily_log_discount": log_d,
        "daily_growth_factor": math.exp(log_g),
        "growth_over_horizon": math.exp(log_g * horizon),
        "volume_factor_horizon": float(costs.volume_factor(g, horizon)),
        "discount_per_day": delta,
        "discount_over_horizon": math.exp(log_d * horizon),
        "fixed_pv_factor": delta * float(costs.geometric_sum(log_d, horizon)),
        "usage_step": math.exp(log_usage),
        "usage_over_horizon": math.exp(log_usage * horizon),
        "usage_pv_factor": delta * float(costs.geometric_sum(log_usage, horizon)),
        "baseline_row": analysis.baseline + 1,
        "any_qualifying": int(any(qualifying(book))),
        "recommended_row": rec + 1,
        "recommended_option": book.options[rec].name,
        "recommended_total_cost": float(res["total_cost"][rec]),
        "recommended_savings": float(res["savings_vs_baseline"][rec]),
        "recommended_break_even_day": float(res["break_even_day"][rec]),
    }


def option_workings(analysis: Analysis) -> dict[str, Array]:
    """The per-option Workings quantities (option on axis 0); NaN where the sheet is blank."""
    book, res, b = analysis.book, analysis.results, analysis.baseline
    s = book.scenario
    arrays = option_arrays(book.options)
    u, fixed = res["cost_per_request"], res["daily_fixed_cost"]
    train, upfront, runs = res["training_cost_per_run"], res["upfront_cost"], res["training_runs"]
    eligible = np.array(qualifying(book), dtype=bool)
    investment = upfront + train
    return {
        "option_no": np.arange(1.0, len(book.options) + 1),
        "qualifies": eligible.astype(float),
        # Recommendable: qualifies, or no option does.
        "recommend_score": np.where(eligible | ~eligible.any(), res["npv_cost"], np.nan),
        "ties_lowest": np.array(ties_lowest(res["npv_cost"], list(eligible)), dtype=float),
        "training_pv_factor": costs.geometric_sum(
            _daily_log_discount(float(s.discount_rate)) * arrays["retrain_every_days"], runs),
        "investment": investment,
        "extra_investment": investment - investment[b],
        "daily_saving": (u[b] - u) * s.requests_per_day + fixed[b] - fixed,
        "fixed_part": upfront + runs * train + fixed * int(s.horizon_days),
        "unit_gap": u[b] - u,
        "training_token_cost": runs * arrays["epochs"] * arrays["price_training_per_1m"]
        / costs.TOKENS_PER_PRICE_UNIT,
        "batch_factor": costs.batch_factor(arrays["batch_share"], arrays["batch_discount"]),
    }


@dataclass(frozen=True)
class Timeline:
    """Each day 0..horizon_days (axis 0) of every option (axis 1)."""

    days: Array
    volume: Array  # V(d)/N0: requests through day d per request on day 1
    cumulative: Array  # C(d)
    marks: Array  # payback marks: d+1 where dearer than the baseline on day d, else 0


def timeline(analysis: Analysis) -> Timeline:
    """The `Timeline` sheet's numbers: the cost curves and the payback marks behind
    the break-even day."""
    s, b = analysis.book.scenario, analysis.baseline
    days = np.arange(int(s.horizon_days) + 1, dtype=float)
    cumulative = cost_curves(analysis.book, days)
    dearer = compare.more_expensive(cumulative, cumulative[:, b:b + 1])
    return Timeline(days, costs.volume_factor(float(s.monthly_growth), days), cumulative,
                    np.where(dearer, days[:, None] + 1, 0.0))
