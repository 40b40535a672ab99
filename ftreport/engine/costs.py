"""One option's costs over time (docs/cost-model.md, "Time and volume" and "One option").

Growth and discounting use the closed forms of geometric sums written with
``expm1``/``log1p``, which stay exact to the last few bits for growth and
discount rates near zero, where ``(q**d - 1) / (q - 1)`` loses digits.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

DAYS_PER_YEAR = 365.0
MONTHS_PER_YEAR = 12.0
TOKENS_PER_PRICE_UNIT = 1e6  # prices are per 1M tokens

Array = NDArray[np.float64]


def geometric_sum(log_ratio: ArrayLike, count: ArrayLike) -> Array:
    """``sum(exp(log_ratio * j) for j in range(count))``, exact near ``log_ratio == 0``."""
    x = np.asarray(log_ratio, dtype=float)
    m = np.asarray(count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.expm1(m * x) / np.expm1(x)
    return np.where(x == 0, m, ratio)


def daily_log_growth(monthly_growth: ArrayLike) -> Array:
    """``ln q`` where ``q = (1 + g)**(12/365)`` is the daily growth factor."""
    return np.log1p(np.asarray(monthly_growth, dtype=float)) * (MONTHS_PER_YEAR / DAYS_PER_YEAR)


def volume_factor(monthly_growth: ArrayLike, days: ArrayLike) -> Array:
    """``V(d) / N0``: requests through day ``d`` per request on day 1 (``d`` when flat)."""
    return geometric_sum(daily_log_growth(monthly_growth), days)


def cumulative_volume(requests_per_day: ArrayLike, monthly_growth: ArrayLike,
                      days: ArrayLike) -> Array:
    """``V(d) = N0 * (q^d - 1) / (q - 1)``: requests served on days 1..d."""
    return np.asarray(requests_per_day, dtype=float) * volume_factor(monthly_growth, days)


def cost_per_request(input_tokens: ArrayLike, output_tokens: ArrayLike,
                     cached_input_share: ArrayLike, price_input_per_1m: ArrayLike,
                     price_cached_input_per_1m: ArrayLike,
                     price_output_per_1m: ArrayLike, batch_share: ArrayLike = 0.0,
                     batch_discount: ArrayLike = 0.0) -> Array:
    """``u = (I*(1-s)*p_in + I*s*p_cin + O*p_out) / 1e6 * (1 - b*d)``: a share ``b`` of the
    requests goes through the batch interface at ``d`` off the token prices."""
    i, s = np.asarray(input_tokens, dtype=float), np.asarray(cached_input_share, dtype=float)
    normal = (i * (1 - s) * price_input_per_1m + i * s * price_cached_input_per_1m
              + np.asarray(output_tokens, dtype=float) * price_output_per_1m
              ) / TOKENS_PER_PRICE_UNIT
    return normal * batch_factor(batch_share, batch_discount)


def batch_factor(batch_share: ArrayLike, batch_discount: ArrayLike) -> Array:
    """``1 - b*d``: what a request costs, on average, for each unit of its normal price
    (exactly 1 when nothing goes through the batch interface)."""
    return 1.0 - np.asarray(batch_share, dtype=float) * batch_discount


def fixed_cost_per_day(hosting_per_hour: ArrayLike, hosting_hours_per_day: ArrayLike,
                       monthly_fixed_cost: ArrayLike) -> Array:
    """``F = H*h + M*12/365``: hosting fee plus other recurring cost, per day."""
    return (np.asarray(hosting_per_hour, dtype=float) * hosting_hours_per_day
            + np.asarray(monthly_fixed_cost, dtype=float) * MONTHS_PER_YEAR / DAYS_PER_YEAR)


def training_cost_per_run(training_tokens: ArrayLike, epochs: ArrayLike,
                          price_training_per_1m: ArrayLike, training_hours: ArrayLike,
                          price_per_training_hour: ArrayLike) -> Array:
    """``T = TT*E*p_tr/1e6 + TH*p_h``: per-token training plus compute-hour training."""
    return (np.asarray(training_tokens, dtype=float) * epochs * price_training_per_1m
            / TOKENS_PER_PRICE_UNIT
            + np.asarray(training_hours, dtype=float) * price_per_training_hour)


def training_runs(days: ArrayLike, retrain_every_days: ArrayLike) -> Array:
    """``n(d)``: runs started by the end of day ``d`` (first at time 0, then every R days)."""
    d = np.asarray(days, dtype=float)
    r = np.asarray(retrain_every_days, dtype=float)
    safe_r = np.where(r > 0, r, 1.0)
    runs = np.maximum(1.0, 1.0 + np.floor((d - 1.0) / safe_r))
    return np.where(r > 0, runs, 1.0)


def cumulative_cost(days: ArrayLike, upfront: ArrayLike, training_per_run: ArrayLike,
                    retrain_every_days: ArrayLike, fixed_per_day: ArrayLike,
                    per_request: ArrayLike, requests_per_day: ArrayLike,
                    monthly_growth: ArrayLike) -> Array:
    """``C(d) = U + n(d)*T + F*d + u*V(d)``: everything spent through day ``d``."""
    d = np.asarray(days, dtype=float)
    return cost_through(d, upfront, training_per_run, training_runs(d, retrain_every_days),
                        fixed_per_day, per_request,
                        cumulative_volume(requests_per_day, monthly_growth, d))


def cost_through(days: Array, upfront: ArrayLike, training_per_run: ArrayLike, runs: ArrayLike,
                 fixed_per_day: ArrayLike, per_request: ArrayLike, volume: ArrayLike) -> Array:
    """``C(d)`` from ``n(d)`` and ``V(d)``: the one expression behind ``cumulative_cost``, so
    callers that look ``n(d)`` and ``V(d)`` up in tables get the very same numbers."""
    return (np.asarray(upfront, dtype=float) + np.asarray(runs, dtype=float) * training_per_run
            + np.asarray(fixed_per_day, dtype=float) * days
            + np.asarray(per_request, dtype=float) * volume)


def present_value(horizon_days: ArrayLike, upfront: ArrayLike, training_per_run: ArrayLike,
                  retrain_every_days: ArrayLike, fixed_per_day: ArrayLike,
                  per_request: ArrayLike, requests_per_day: ArrayLike,
                  monthly_growth: ArrayLike, discount_rate: ArrayLike) -> Array:
    """``PV = U + sum_k T/(1+r)^(kR/365) + sum_t (F + u*N_t)/(1+r)^(t/365)``.

    Training run ``k`` is paid at day ``k*R``; day ``t``'s running cost at day ``t``.
    """
    horizon = np.asarray(horizon_days, dtype=float)
    log_discount = -np.log1p(np.asarray(discount_rate, dtype=float)) / DAYS_PER_YEAR  # ln(delta)
    retrain = np.asarray(retrain_every_days, dtype=float)
    runs = training_runs(horizon, retrain)
    training = np.asarray(training_per_run, dtype=float) * geometric_sum(
        log_discount * retrain, runs)
    delta = np.exp(log_discount)
    fixed = np.asarray(fixed_per_day, dtype=float) * delta * geometric_sum(log_discount, horizon)
    usage = (np.asarray(per_request, dtype=float) * requests_per_day * delta
             * geometric_sum(daily_log_growth(monthly_growth) + log_discount, horizon))
    return np.asarray(upfront, dtype=float) + training + fixed + usage
