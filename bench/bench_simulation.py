"""Monte Carlo throughput, memory, and speed-up over per-sample loops.

    python bench/bench_simulation.py [--iterations 1000000] [--memory-iterations 10000000]

Scenario: tests/support/scenarios.py's support book (3 options; 3% monthly
growth, 8% discounting, retraining every 90 days, an hourly-hosted option),
365-day horizon, its three Uncertainty rows. Every ratio is against a baseline
run in this same process.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ftreport.engine import compare
from ftreport.engine.analysis import analyse, option_arrays
from ftreport.engine.breakeven import break_even_from_blocks
from ftreport.engine.sampling import chunk_inputs, draw_chunk, resolve
from ftreport.engine.simulation import DEFAULT_CHUNK, EVALUATED, SCENARIO_KEYS, simulate
from tests.support.scenarios import support_book


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def evaluated_chunks(book, analysis, iterations: int):
    """Draws + compare.evaluate chunk by chunk: (outputs, options, scenario, shape) each."""
    s = book.scenario
    draws = resolve(book)
    base = option_arrays(book.options)
    scen = {k: float(getattr(s, k)) for k in SCENARIO_KEYS}
    for start in range(0, iterations, DEFAULT_CHUNK):
        stop = min(iterations, start + DEFAULT_CHUNK)
        options, scenario = chunk_inputs(draws, draw_chunk(draws, s.mc_seed, start, stop),
                                         base, scen)
        res = compare.evaluate(options, analysis.baseline, horizon_days=s.horizon_days,
                               with_break_even_day=False, keys=EVALUATED, **scenario)
        yield res, options, scenario, (len(book.options), stop - start)


def core(book, analysis, iterations: int, break_even: bool) -> None:
    """Draws + compare.evaluate (+ the fast break-even day), chunk by chunk."""
    s = book.scenario
    for res, options, scenario, shape in evaluated_chunks(book, analysis, iterations):
        if break_even:
            break_even_from_blocks(res, options["retrain_every_days"], analysis.baseline,
                                   s.horizon_days, scenario["requests_per_day"],
                                   scenario["monthly_growth"], shape)


def grid_break_even(book, analysis, iterations: int) -> None:
    """The engine's day-by-day break-even on the same samples (the baseline for (a))."""
    s = book.scenario
    draws = resolve(book)
    base = option_arrays(book.options)
    scen = {k: float(getattr(s, k)) for k in ("requests_per_day", "monthly_growth",
                                               "discount_rate")}
    chunk = 4096  # the grid is (days x options x samples): keep it small
    for start in range(0, iterations, chunk):
        stop = min(iterations, start + chunk)
        options, scenario = chunk_inputs(draws, draw_chunk(draws, s.mc_seed, start, stop),
                                         base, scen)
        compare.evaluate(options, analysis.baseline, horizon_days=s.horizon_days, **scenario)


def engine_per_sample(book, analysis, iterations: int) -> None:
    """Straightforward loop: draw one sample, run the engine on it (day grid included)."""
    s = book.scenario
    rng = np.random.default_rng(s.mc_seed)
    base = option_arrays(book.options)
    for _ in range(iterations):
        options = {k: v.copy() for k, v in base.items()}
        volume = rng.triangular(12_000, 20_000, 35_000)
        options["output_tokens"][:] = max(50.0, rng.normal(400, 80))
        options["training_tokens"][1] = rng.uniform(1e6, 5e6)
        compare.evaluate(options, analysis.baseline, horizon_days=s.horizon_days,
                         requests_per_day=volume, monthly_growth=s.monthly_growth,
                         discount_rate=s.discount_rate)


def python_per_sample(book, analysis, iterations: int) -> None:
    """A straightforward per-sample loop in plain Python (``math``, no numpy), the same
    whole model: per option u, F, T, n, total cost, savings, present value, D_min,
    T_max and the break-even day found by walking days 0..D with the engine's
    tolerance test (C(d) by its closed form each day), as the seed-000 notebook does."""
    s = book.scenario
    rnd = random.Random(s.mc_seed)
    horizon, b = s.horizon_days, analysis.baseline
    tol = compare.COST_TOLERANCE
    log_q = math.log1p(s.monthly_growth) * 12 / 365
    log_d = -math.log1p(s.discount_rate) / 365
    grow = math.expm1(log_q)
    disc = math.exp(log_d) * math.expm1(horizon * log_d) / math.expm1(log_d)
    disc_use = math.exp(log_d) * math.expm1(horizon * (log_q + log_d)) / math.expm1(log_q + log_d)
    opts = book.options

    def runs_by(day: int, r: float) -> int:
        return max(1, 1 + math.floor((day - 1) / r)) if r > 0 else 1

    for _ in range(iterations):
        n0 = rnd.triangular(12_000, 35_000, 20_000)
        out_tokens = max(50.0, rnd.normalvariate(400, 80))
        tt1 = rnd.uniform(1e6, 5e6)
        rows = []
        for i, o in enumerate(opts):
            tt = tt1 if i == 1 else o.training_tokens
            u = (o.input_tokens * (1 - o.cached_input_share) * o.price_input_per_1m
                 + o.input_tokens * o.cached_input_share * o.price_cached_input_per_1m
                 + out_tokens * o.price_output_per_1m) / 1e6
            fixed = o.hosting_per_hour * o.hosting_hours_per_day + o.monthly_fixed_cost * 12 / 365
            train = tt * o.epochs * o.price_training_per_1m / 1e6 \
                + o.training_hours * o.price_per_training_hour
            r = o.retrain_every_days
            runs = runs_by(horizon, r)
            upfront = o.one_time_cost + o.data_generation_cost
            cumulative = [upfront + runs_by(d, r) * train + fixed * d
                          + u * n0 * math.expm1(d * log_q) / grow for d in range(horizon + 1)]
            pv_train = sum(train * math.exp(log_d * k * r) for k in range(runs))
            pv = upfront + pv_train + fixed * disc + u * n0 * disc_use
            rows.append((u, fixed, train, upfront, cumulative, pv, runs, tt, o))
        ub, fb, tb, upb, cum_b = rows[b][:5]
        for u, fixed, train, upfront, cum, _pv, runs, tt, o in rows:
            savings = cum_b[-1] - cum[-1]
            gap = (ub - u) * n0 + fb - fixed
            _d_min = max((upfront + train - upb - tb) / gap, 0.0) if gap > 0 else math.inf
            per_token = runs * o.epochs * o.price_training_per_1m / 1e6
            _t_max = tt + savings / per_token if per_token > 0 else math.nan
            last_dearer = -1
            for d in range(horizon + 1):
                if cum[d] - cum_b[d] > tol * max(abs(cum[d]), abs(cum_b[d])):
                    last_dearer = d
            _break_even = math.nan if last_dearer == horizon else last_dearer + 1


def rate(option_iterations: int, seconds: float) -> str:
    return f"{option_iterations / seconds / 1e6:8.2f} M option-iterations/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--memory-iterations", type=int, default=10_000_000)
    args = parser.parse_args()
    n = args.iterations
    book = support_book(mc_iterations=n)
    analysis = analyse(book)
    n_opt = len(book.options)
    print(f"scenario: {n_opt} options, {book.scenario.horizon_days} days, growth "
          f"{book.scenario.monthly_growth:.0%}/month, retraining every 90 days, hosting on; "
          f"{n:,} iterations")

    print("\n(a) throughput")
    t_core, _ = timed(core, book, analysis, n, False)
    print(f"  draws + evaluate (cost, savings, PV, D_min, T_max) {rate(n * n_opt, t_core)}"
          f"   goal >= 10  -> {n * n_opt / t_core / 10e6:5.2f}x goal")
    t_be, _ = timed(core, book, analysis, n, True)
    print(f"  ... + fast break-even day (365 days)               {rate(n * n_opt, t_be)}"
          f"   goal >= 1   -> {n * n_opt / t_be / 1e6:5.2f}x goal")
    grid_n = max(4096, n // 50)
    t_grid, _ = timed(grid_break_even, book, analysis, grid_n)
    print(f"  ... engine's day grid instead (baseline, {grid_n:,} it.) "
          f"{rate(grid_n * n_opt, t_grid)}"
          f"   fast/grid = {(n / t_be) / (grid_n / t_grid):5.1f}x")
    t_sim, _ = timed(simulate, book, analysis)
    print(f"  simulate() end to end (stats, sensitivity)        {rate(n * n_opt, t_sim)}"
          f"   simulate/search = {t_sim / t_be:4.2f}x")
    t_sketch, _ = timed(simulate, book, analysis, exact=False)
    print(f"  simulate() in sketch mode (KLL, exact moments)    {rate(n * n_opt, t_sketch)}"
          f"   sketch/exact = {t_sketch / t_sim:4.2f}x")

    print("\n(b) per-sample Python loops (same process; per-sample time extrapolated)")
    loop_n = 300
    t_engine, _ = timed(engine_per_sample, book, analysis, loop_n)
    print(f"  engine called per sample, day grid ({loop_n:,} it.)   "
          f"{rate(loop_n * n_opt, t_engine)}"
          f"   vectorised (with break-even) is {(n / t_be) / (loop_n / t_engine):,.0f}x faster")
    loop_n = 1_000
    t_py, _ = timed(python_per_sample, book, analysis, loop_n)
    print(f"  plain-Python loop, whole model ({loop_n:,} it.)       {rate(loop_n * n_opt, t_py)}"
          f"   = {loop_n / t_py:,.0f} samples/s")
    print("    loop: per sample and option u, F, T, n, total, savings, PV, D_min, T_max, and the")
    print("    break-even day by walking days 0..D (closed-form C(d), the engine's tolerance)")
    print("    vectorised: the same outputs, draws included (draws + evaluate + fast break-even)")
    ratio = (n / t_be) / (loop_n / t_py)
    print(f"  -> vectorised is {ratio:,.0f}x faster   goal > 1,000x")
    print(f"     (simulate() end to end, statistics and sensitivity included: "
          f"{(n / t_sim) / (loop_n / t_py):,.0f}x)")

    m = args.memory_iterations
    print(f"\n(c) memory: simulate() with {m:,} iterations")
    big = support_book(mc_iterations=m)
    tracemalloc.start()
    t_big, result = timed(simulate, big, analyse(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {t_big:.1f} s ({rate(m * n_opt, t_big).strip()}); numpy/Python peak "
          f"{peak / 2**20:,.0f} MiB (tracemalloc), process max RSS {rss:,.0f} MiB; goal < 1024 "
          f"MiB -> {peak / 2**30:.2f} of the budget")
    assert result.iterations == m


if __name__ == "__main__":
    main()
