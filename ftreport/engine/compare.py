"""Every option against the baseline (docs/cost-model.md, "Comparing an option").

``evaluate`` takes option inputs as arrays whose first axis is the option and
whose other axes (if any) are samples; scenario inputs broadcast against the
sample axes. Undefined results are NaN here ("never" for ``D_min`` is +inf);
the layers above turn them into blanks and nulls.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ftreport.engine import costs
from ftreport.engine.costs import TOKENS_PER_PRICE_UNIT, Array
from ftreport.model.outputs import ENGINE_KEYS

HOURS_PER_DAY = 24.0
# Two cumulative costs within a billionth of each other count as equal, so a
# cost that ties the baseline exactly on paper is not lost to rounding.
COST_TOLERANCE = 1e-9

# Every number of an option the engine computes, in the results schema's order.
RESULT_KEYS = ENGINE_KEYS


def _f(value: ArrayLike) -> Array:
    return np.asarray(value, dtype=float)


def option_costs(o: Mapping[str, ArrayLike]) -> dict[str, Array]:
    """The per-option building blocks ``u``, ``F``, ``T`` and ``U``."""
    return {
        "cost_per_request": costs.cost_per_request(
            o["input_tokens"], o["output_tokens"], o["cached_input_share"],
            o["price_input_per_1m"], o["price_cached_input_per_1m"], o["price_output_per_1m"],
            o.get("batch_share", 0.0), o.get("batch_discount", 0.0)),
        "daily_fixed_cost": costs.fixed_cost_per_day(
            o["hosting_per_hour"], o["hosting_hours_per_day"], o["monthly_fixed_cost"]),
        "training_cost_per_run": costs.training_cost_per_run(
            o["training_tokens"], o["epochs"], o["price_training_per_1m"],
            o["training_hours"], o["price_per_training_hour"]),
        "upfront_cost": _f(o["one_time_cost"]) + _f(o["data_generation_cost"]),
    }


def same_cost(cost: ArrayLike, other_cost: ArrayLike) -> Array:
    """True where two costs are equal within the tolerance (cost-model.md, "Ties")."""
    return ~more_expensive(cost, other_cost) & ~more_expensive(other_cost, cost)


def more_expensive(cost: ArrayLike, baseline_cost: ArrayLike) -> Array:
    """True where ``cost`` exceeds ``baseline_cost`` by more than the tolerance."""
    return cost_gap(cost, baseline_cost)[0]


def cost_gap(cost: ArrayLike, baseline_cost: ArrayLike) -> tuple[Array, Array]:
    """``more_expensive`` and the difference ``cost - baseline_cost`` it tests (one
    subtraction for callers that need both, such as the Monte Carlo's search)."""
    c, b = _f(cost), _f(baseline_cost)
    gap = c - b
    return gap > COST_TOLERANCE * np.maximum(np.abs(c), np.abs(b)), gap


def break_even_day(cumulative: Array, baseline: int) -> Array:
    """Smallest day from which the option is never dearer than the baseline, to the end.

    ``cumulative`` holds ``C(d)`` for ``d = 0..D`` on its first axis and the
    option on its second. NaN where the option is dearer on the last day.
    """
    dearer = more_expensive(cumulative, cumulative[:, baseline:baseline + 1])
    last_day = cumulative.shape[0] - 1
    last_dearer = last_day - np.argmax(dearer[::-1], axis=0)
    day = np.where(dearer.any(axis=0), last_dearer + 1.0, 0.0)
    return np.where(dearer[-1], np.nan, day)


def cumulative_costs(days: ArrayLike, blocks: Mapping[str, Array], retrain_every_days: ArrayLike,
                     requests_per_day: ArrayLike, monthly_growth: ArrayLike) -> Array:
    """``C(d)`` of every option; ``days`` broadcasts against the option axis."""
    return costs.cumulative_cost(
        days, blocks["upfront_cost"], blocks["training_cost_per_run"], retrain_every_days,
        blocks["daily_fixed_cost"], blocks["cost_per_request"], requests_per_day,
        monthly_growth)


def cost_curves(options: Mapping[str, ArrayLike], days: ArrayLike, *,
                requests_per_day: ArrayLike, monthly_growth: ArrayLike = 0.0) -> Array:
    """``C(d)`` of every option (axis 1) on each day of ``days`` (axis 0): the one
    cumulative-cost table behind the Timeline sheet, the memo's chart and late paybacks."""
    day_column = np.asarray(days, dtype=float).reshape(-1, 1)
    return cumulative_costs(day_column, option_costs(options), options["retrain_every_days"],
                            requests_per_day, monthly_growth)


def evaluate(options: Mapping[str, ArrayLike], baseline: int, *, horizon_days: int,
             requests_per_day: ArrayLike, monthly_growth: ArrayLike = 0.0,
             discount_rate: ArrayLike = 0.0, with_break_even_day: bool = True,
             keys: Collection[str] = RESULT_KEYS) -> dict[str, Array]:
    """Every number of the `Results` sheet, for every option (and sample).

    ``options`` maps each numeric option input (ftreport.model.schema.OPTION_NUMBERS)
    to an array with the option on axis 0. ``baseline`` is an index on that axis.
    ``with_break_even_day=False`` skips the one result that needs every day of
    the horizon (the Monte Carlo computes it in chunks of its own). ``keys``
    limits the results to those named (the Monte Carlo asks for the few it
    keeps); each is computed by the same expression whatever else is asked.
    """
    n0, g = _f(requests_per_day), _f(monthly_growth)
    horizon = int(horizon_days)
    blocks = option_costs(options)
    u, fixed, train, upfront = (blocks[k] for k in (
        "cost_per_request", "daily_fixed_cost", "training_cost_per_run", "upfront_cost"))
    retrain = _f(options["retrain_every_days"])
    runs = costs.training_runs(horizon, retrain)
    total = cumulative_costs(horizon, blocks, retrain, n0, g)
    shape = total.shape
    out: dict[str, Array] = {**blocks, "training_runs": runs, "total_cost": total}
    wanted = set(keys)

    def base(a: Array) -> Array:
        return np.broadcast_to(a, np.broadcast_shapes(a.shape, shape))[baseline]

    if "npv_cost" in wanted:
        out["npv_cost"] = costs.present_value(horizon, upfront, train, retrain, fixed, u, n0, g,
                                              discount_rate)
    savings = base(total) - total
    out["savings_vs_baseline"] = savings
    # Zero denominators mean "undefined" (NaN, or +inf for "never"), by design.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if "savings_pct" in wanted:
            out["savings_pct"] = np.where(base(total) > 0, savings / base(total), np.nan)
        if "steady_state_break_even_days" in wanted:
            out["steady_state_break_even_days"] = steady_state_break_even_days(
                *break_even_gap(blocks, n0, baseline), shape)
        if "max_training_tokens" in wanted:
            out["max_training_tokens"] = max_training_tokens(savings, runs, options)
        if wanted & {"break_even_requests_per_day", "break_even_tokens_per_hour"}:
            # Starting volume at which totals are equal.
            fixed_part = upfront + runs * train + fixed * horizon
            unit_gap = base(u) - u
            volume = np.where(unit_gap != 0, (fixed_part - base(fixed_part))
                              / (unit_gap * costs.volume_factor(g, horizon)), np.nan)
            out["break_even_requests_per_day"] = volume
            out["break_even_tokens_per_hour"] = volume * (
                _f(options["input_tokens"]) + options["output_tokens"]) / HOURS_PER_DAY
        if "roi" in wanted:
            investment = incremental_investment(upfront, runs, train, baseline)
            out["roi"] = np.where(investment > 0, savings / investment, np.nan)

    if with_break_even_day and "break_even_day" in wanted:
        days = np.arange(horizon + 1, dtype=float).reshape((-1,) + (1,) * len(shape))
        out["break_even_day"] = break_even_day(
            cumulative_costs(days, blocks, retrain, n0, g), baseline)
    # Full-shape float results are fresh arrays already: copy only what broadcasts.
    return {k: out[k] if out[k].shape == shape and out[k].dtype == np.float64
            else np.broadcast_to(out[k], shape).astype(float)
            for k in RESULT_KEYS if k in wanted and k in out}


def incremental_investment(upfront_cost: ArrayLike, training_runs: ArrayLike,
                           training_cost_per_run: ArrayLike, baseline: int) -> Array:
    """``Inv_i = (U_i + n_i*T_i) - (U_b + n_b*T_b)``: what an option spends beyond the
    baseline up front and on every training run over the horizon (the ROI's denominator)."""
    spent = _f(upfront_cost) + _f(training_runs) * training_cost_per_run
    return spent - spent[baseline]


def break_even_gap(blocks: Mapping[str, Array], requests_per_day: ArrayLike,
                   baseline: int) -> tuple[Array, Array]:
    """``D_min``'s numerator and denominator from the cost building blocks
    (``option_costs``): each option's extra investment over the baseline (upfront and one
    training run) and its daily saving at ``requests_per_day`` (usage and fixed costs)."""
    u, fixed, train, upfront = (blocks[k] for k in (
        "cost_per_request", "daily_fixed_cost", "training_cost_per_run", "upfront_cost"))
    full = np.broadcast_shapes(u.shape, fixed.shape, train.shape, upfront.shape)

    def base(a: Array) -> Array:
        return np.broadcast_to(a, full)[baseline]

    invest = upfront + train
    return invest - base(invest), (base(u) - u) * requests_per_day + base(fixed) - fixed


def raw_break_even_days(blocks: Mapping[str, Array], requests_per_day: ArrayLike,
                        baseline: int) -> Array:
    """Seed 000's raw ``D_min = C_FTTrain / (C_PEUse - C_FTUse)``: extra investment / daily
    saving, unclamped, so negative where the option's daily cost is higher (numpy's
    division: +-inf for a zero saving, NaN for 0 / 0, as the baseline against itself)."""
    invest, saving = break_even_gap(blocks, requests_per_day, baseline)
    with np.errstate(divide="ignore", invalid="ignore"):
        return invest / saving


def steady_state_break_even_days(extra_investment: Array, daily_saving: Array,
                                 shape: tuple[int, ...]) -> Array:
    """The seed's ``D_min`` (no growth, no retraining): extra investment / daily saving,
    at least 0, where the daily saving is positive; +inf ("never") elsewhere."""
    d_min = np.full(np.broadcast_shapes(daily_saving.shape, shape), np.inf)
    pays = daily_saving > 0
    np.divide(extra_investment, daily_saving, out=d_min, where=pays)
    np.maximum(d_min, 0.0, out=d_min, where=pays)
    return d_min


def max_training_tokens(savings: Array, runs: Array, options: Mapping[str, ArrayLike]) -> Array:
    """The seed's ``T_max``: the training tokens at which savings reach zero, all else
    equal; NaN where training is not priced per token."""
    per_token = runs * _f(options["epochs"]) * options["price_training_per_1m"] \
        / TOKENS_PER_PRICE_UNIT
    t_max = savings / per_token
    t_max += options["training_tokens"]
    np.copyto(t_max, np.nan, where=~(per_token > 0))
    return t_max


def rank(npv_cost: ArrayLike) -> Array:
    """1 for the lowest present value: one more than the number of options dearer by more
    than the tolerance, so options of equal present value share a rank (axis 0)."""
    npv = _f(npv_cost)
    dearer = more_expensive(npv[None, ...], npv[:, None, ...])  # [j, i]: i dearer than j
    return 1.0 + dearer.sum(axis=0)
