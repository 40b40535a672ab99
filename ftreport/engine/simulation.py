"""Monte Carlo over the Uncertainty table, on the engine's array functions.

Every iteration goes through ``compare.evaluate`` (the deterministic code path)
with the option on axis 0 and the samples of one chunk on axis 1. The
break-even day, which the engine finds on a day-by-day grid, comes from the
exact faster search in ``breakeven``. The draws come from ``sampling`` (one
random stream per block of iterations, so results do not depend on the chunk
size), the percentiles and means from ``statistics``, the tornado from
``sensitivity``. docs/simulation.md gives the definitions and the memory use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ftreport.engine import compare
from ftreport.engine.analysis import option_arrays, qualifying
from ftreport.engine.breakeven import break_even_from_blocks
from ftreport.engine.costs import Array
from ftreport.engine.sampling import BLOCK, Draw, chunk_inputs, draw_chunk, resolve
from ftreport.engine.sensitivity import sensitivity
from ftreport.engine.statistics import Column, histogram, statistics
from ftreport.model import ScenarioBook
from ftreport.model.outputs import OUTPUT, SIMULATED_KEYS
from ftreport.model.results import Analysis, SimulationResult

DEFAULT_CHUNK = 8 * BLOCK  # 32k iterations: arrays stay in cache (measured best of 16k..64k)
SCENARIO_KEYS = ("requests_per_day", "monthly_growth", "discount_rate")
# What each iteration asks of compare.evaluate: the outputs kept, and the building
# blocks the break-even search starts from.
EVALUATED = ("cost_per_request", "daily_fixed_cost", "training_cost_per_run", "upfront_cost",
             "total_cost", "npv_cost", "savings_vs_baseline", "steady_state_break_even_days",
             "max_training_tokens")
# Kept for every iteration; the savings come from the stored totals.
STORED = tuple(k for k in SIMULATED_KEYS if k != "savings_vs_baseline")


def _evaluate_chunk(book: ScenarioBook, baseline: int, draws: list[Draw],
                   base_options: Mapping[str, Array], start: int, stop: int, *,
                   with_break_even_day: bool = True) -> dict[str, Array]:
    """The ``EVALUATED`` outputs and the break-even day of iterations ``start..stop-1``,
    option x iteration; ``start`` on a block edge, ``base_options`` the book's options
    as arrays."""
    s = book.scenario
    horizon = int(s.horizon_days)
    shape = (len(book.options), stop - start)
    base_scenario = {k: float(getattr(s, k)) for k in SCENARIO_KEYS}
    options, scenario = chunk_inputs(draws, draw_chunk(draws, int(s.mc_seed), start, stop),
                                     base_options, base_scenario)
    res = {k: np.broadcast_to(v, shape) for k, v in compare.evaluate(
        options, baseline, horizon_days=horizon, with_break_even_day=False,
        keys=EVALUATED, **scenario).items()}
    if with_break_even_day:
        res["break_even_day"] = break_even_from_blocks(
            res, options["retrain_every_days"], baseline, horizon,
            scenario["requests_per_day"], scenario["monthly_growth"], shape)
    return res


class _Tally:
    """What the iterations leave behind: every option's stored outputs and the counts
    behind its probabilities."""

    def __init__(self, iterations: int, n_opt: int, eligible: Array):
        self.iterations, self.eligible = iterations, eligible
        # Whole days (or NaN) are exact in float32: half the memory of the others.
        self.columns = {k: [Column(iterations, np.float32 if OUTPUT[k].unit == "day"
                                   else np.float64) for _ in range(n_opt)] for k in STORED}
        self.cheapest, self.recommended, self.beats = (
            np.zeros(n_opt, dtype=np.int64) for _ in range(3))

    def add(self, start: int, res: Mapping[str, Array]) -> None:
        """Count and store one chunk's outputs (option x iteration from ``start``)."""
        npv = res["npv_cost"]
        n_opt = npv.shape[0]
        self.cheapest += np.bincount(np.argmin(npv, axis=0), minlength=n_opt)
        self.recommended += np.bincount(
            np.argmin(np.where(self.eligible[:, None], npv, np.inf), axis=0), minlength=n_opt)
        self.beats += (res["savings_vs_baseline"] > 0).sum(axis=1)
        for key, columns in self.columns.items():
            for i, column in enumerate(columns):
                column.add(start, res[key][i])

    def samples(self, key: str, option: int, base_total: Array) -> tuple[Array, int]:
        """One output's samples for ``option`` and the iterations they stand for;
        ``base_total`` is the baseline's stored total cost."""
        if key == "savings_vs_baseline":
            # The engine's own subtraction, so stored totals are enough.
            return base_total - self.columns["total_cost"][option].values(), self.iterations
        column = self.columns[key][option]
        if column.data is None:
            # A constant output: its statistics over one iteration are those over all.
            return np.full(1, column.value, dtype=float), 1
        return column.values(), self.iterations


def _summarise(tally: _Tally, names: list[str], trim: tuple[float, float], baseline: int,
               featured: int) -> tuple[list[dict[str, Any]], int, dict[str, list[float]]]:
    """Each option's probabilities and statistics; the featured option's trimmed count
    and savings histogram."""
    n = tally.iterations
    base_total = tally.columns["total_cost"][baseline].values()
    summary: list[dict[str, Any]] = []
    trimmed, hist = 0, {}
    for i, name in enumerate(names):
        entry: dict[str, Any] = {"name": name, "p_cheapest": float(tally.cheapest[i]) / n,
                                 "p_recommended": float(tally.recommended[i]) / n,
                                 "p_beats_baseline": float(tally.beats[i]) / n}
        for key in SIMULATED_KEYS:
            x, count = tally.samples(key, i, base_total)
            entry[key], (low, high) = statistics(
                x, count, trim, never_is_infinite=OUTPUT[key].never_is_infinite)
            if key == "savings_vs_baseline" and i == featured:
                trimmed, hist = entry[key]["trimmed"], histogram(x, low, high)
        summary.append(entry)
    return summary, trimmed, hist


def featured_option(analysis: Analysis) -> int:
    """The recommended option, or, when that is the baseline, the alternative with the
    largest deterministic savings (so the histogram and tornado show a real choice)."""
    if analysis.recommended != analysis.baseline or len(analysis.options) == 1:
        return analysis.recommended
    savings = analysis.results["savings_vs_baseline"]
    others = [i for i in range(len(analysis.options)) if i != analysis.baseline]
    return max(others, key=lambda i: (savings[i], -i))



def simulate(book: ScenarioBook, analysis: Analysis, *,
             progress: Callable[[int, int], None] | None = None,
             chunk_size: int | None = None) -> SimulationResult:
    """Run ``book.scenario.mc_iterations`` iterations of the cost model.

    ``p_cheapest`` is the share of iterations in which the option has the
    lowest present value (``npv_cost``) of all options, ties to the earlier row:
    the recommendation's criterion. ``p_recommended`` applies the minimum
    quality too (the option that would be recommended). ``p_beats_baseline``
    is the share with savings > 0. Both use every iteration; the trim only
    affects trimmed means, the histogram and ``trimmed``. ``chunk_size`` (rounded
    up to whole blocks of ``BLOCK``) bounds the working memory; it does not
    change the results. ``progress(done, total)`` is called after every chunk.
    Raises EngineError for a bad Uncertainty row.
    """
    s = book.scenario
    n = int(s.mc_iterations)
    if n < 1:
        raise ValueError("mc_iterations must be at least 1 to simulate")
    draws = resolve(book)
    names = [o.name for o in book.options]
    base_options = option_arrays(book.options)
    eligible = np.array(qualifying(book))
    if not eligible.any():
        eligible[:] = True
    chunk = DEFAULT_CHUNK if chunk_size is None else max(BLOCK, -(-chunk_size // BLOCK) * BLOCK)
    tally = _Tally(n, len(names), eligible)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        tally.add(start, _evaluate_chunk(book, analysis.baseline, draws, base_options,
                                         start, stop))
        if progress is not None:
            progress(stop, n)

    featured = featured_option(analysis)
    summary, trimmed, hist = _summarise(
        tally, names, (float(s.trim_low_pct), float(s.trim_high_pct)), analysis.baseline,
        featured)
    return SimulationResult(
        iterations=n, seed=int(s.mc_seed), trimmed=trimmed, option_names=names,
        summary=summary, sensitivity=sensitivity(book, draws, featured),
        featured_option=names[featured], histogram={"option": names[featured], **hist})
