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

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ftreport.engine import compare, correlation
from ftreport.engine.analysis import option_arrays, qualifying
from ftreport.engine.breakeven import break_even_from_blocks
from ftreport.engine.costs import Array
from ftreport.engine.errors import EngineError
from ftreport.engine.joint_sensitivity import joint_sensitivity
from ftreport.engine.sampling import BLOCK, Draw, chunk_inputs, draw_chunk, resolve
from ftreport.engine.sensitivity import run_samples, sensitivity
from ftreport.engine.sketch import SKETCH_K, rank_error
from ftreport.engine.summaries import S_CURVE, summarise
from ftreport.engine.tally import RAW_D_MIN, SEED_000, STORED_BYTES, Tally, TallySpec
from ftreport.model import ScenarioBook
from ftreport.model.outputs import SIMULATED_KEYS
from ftreport.model.problems import Problem
from ftreport.model.results import Analysis, AppliedCorrelation, SimulationResult

DEFAULT_CHUNK = 8 * BLOCK  # 32k iterations: arrays stay in cache (measured best of 16k..64k)
SCENARIO_KEYS = ("requests_per_day", "monthly_growth", "discount_rate")
# What each iteration asks of compare.evaluate: the outputs kept, and the building
# blocks the break-even search starts from.
EVALUATED = ("cost_per_request", "daily_fixed_cost", "training_cost_per_run", "upfront_cost",
             "total_cost", "npv_cost", "savings_vs_baseline", "steady_state_break_even_days",
             "max_training_tokens")
# Exact mode (every sample kept, exact percentiles) while the stored samples take at
# most this; beyond it, KLL sketches (docs/simulation.md, "Exact and sketch mode").
EXACT_BUDGET_BYTES = 1 << 30
# mc_target_se is checked after every CHECK_BLOCKS blocks (65,536 iterations), whatever
# the chunk size or the Dask tasks, so a run stops at the same iteration every time.
CHECK_BLOCKS = 16
CHECK_EVERY = CHECK_BLOCKS * BLOCK
STOPPED_AT_TARGET, RAN_ALL = "target_se", "iterations"
CONVERGENCE_POINTS = 40  # running means in the convergence chart, on a log scale of blocks


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
    if s.trim_mode == SEED_000:
        res[RAW_D_MIN] = compare.raw_break_even_days(res, scenario["requests_per_day"], baseline)
    if with_break_even_day:
        res["break_even_day"] = break_even_from_blocks(
            res, options["retrain_every_days"], baseline, horizon,
            scenario["requests_per_day"], scenario["monthly_growth"], shape)
    return res


def featured_option(analysis: Analysis) -> int:
    """The recommended option, or, when that is the baseline, the alternative with the
    largest deterministic savings (so the histogram and tornado show a real choice)."""
    if analysis.recommended != analysis.baseline or len(analysis.options) == 1:
        return analysis.recommended
    savings = analysis.results["savings_vs_baseline"]
    others = [i for i in range(len(analysis.options)) if i != analysis.baseline]
    return max(others, key=lambda i: (savings[i], -i))



@dataclass
class Plan:
    """Everything a range of blocks needs to be simulated (on this machine or a Dask
    worker), and how the run reads out."""

    book: ScenarioBook
    analysis: Analysis
    draws: list[Draw]
    base_options: dict[str, Array]
    spec: TallySpec
    featured: int
    iterations: int
    target_se: float | None = None

    @property
    def exact(self) -> bool:
        return self.spec.exact


def exact_fits(iterations: int, n_options: int, stored_bytes: int = STORED_BYTES) -> bool:
    """Whether every sample of a run fits the exact mode's memory budget (``stored_bytes``
    per option-iteration)."""
    return iterations * n_options * stored_bytes <= EXACT_BUDGET_BYTES


def _seed_000_problem(book: ScenarioBook, n_options: int) -> Problem:
    """Seed 000's trim needs every sample: the message for a run beyond the budget."""
    sheet, _, cell = book.scenario_cells.get("trim_mode", "Scenario!").partition("!")
    most = EXACT_BUDGET_BYTES // (n_options * (STORED_BYTES + 8))
    return Problem(book.path.name, sheet, cell or None, f"per-output for a run of more than "
                   f"{most:,} iterations of {n_options} options (seed-000 keeps every sample; "
                   "beyond that the simulation keeps sketches), or mc_iterations at most "
                   f"{most:,}", f"seed-000 with mc_iterations {book.scenario.mc_iterations:,}",
                   field="trim_mode", code="too-large")


def plan(book: ScenarioBook, analysis: Analysis, *, exact: bool | None = None) -> Plan:
    """The run of ``book.scenario.mc_iterations`` iterations; ``exact`` None chooses exact
    mode when the samples fit ``EXACT_BUDGET_BYTES``. Raises EngineError for a bad
    Uncertainty row."""
    s = book.scenario
    n = int(s.mc_iterations)
    if n < 1:
        raise ValueError("mc_iterations must be at least 1 to simulate")
    eligible = np.array(qualifying(book))
    if not eligible.any():
        eligible[:] = True
    n_opt = len(book.options)
    shifts = {k: tuple(float(v) for v in analysis.results[k]) for k in SIMULATED_KEYS}
    featured = featured_option(analysis)
    trim_mode = str(getattr(s, "trim_mode", None) or "per-output")
    seed_000 = trim_mode == SEED_000
    fits = exact_fits(n, n_opt, STORED_BYTES + 8 * seed_000)
    if seed_000 and not (fits if exact is None else exact):
        raise EngineError([_seed_000_problem(book, n_opt)])
    spec = TallySpec(n_opt, analysis.baseline, tuple(bool(e) for e in eligible),
                     fits if exact is None else exact, shifts,
                     target_savings=getattr(s, "target_savings", None),
                     target_payback_days=getattr(s, "target_payback_days", None),
                     featured=featured, trim_mode=trim_mode)
    return Plan(book, analysis, resolve(book), option_arrays(book.options), spec,
                featured, n, getattr(s, "mc_target_se", None))


def pieces(plan: Plan, start: int, stop: int) -> list[tuple[int, int]]:
    """``start..stop`` cut at every check of ``mc_target_se`` (whole, when it is not set):
    the ranges whose tallies the run absorbs one by one."""
    if plan.target_se is None:
        return [(start, stop)]
    edges = sorted({start, stop, *range(-(-start // CHECK_EVERY) * CHECK_EVERY, stop,
                                        CHECK_EVERY)})
    return list(itertools.pairwise(edges))


def tallies(plan: Plan, start: int, stop: int, *, chunk_size: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> Iterator[Tally]:
    """Simulate iterations ``start..stop-1`` (``start`` on a block edge) in chunks of
    ``chunk_size`` (rounded up to whole blocks): one tally per piece (``pieces``)."""
    chunk = DEFAULT_CHUNK if chunk_size is None else max(BLOCK, -(-chunk_size // BLOCK) * BLOCK)
    for first, last in pieces(plan, start, stop):
        tally = Tally(plan.spec, first, last - first)
        for a in range(first, last, chunk):
            b = min(last, a + chunk)
            tally.add(_evaluate_chunk(plan.book, plan.analysis.baseline, plan.draws,
                                      plan.base_options, a, b))
            if progress is not None:
                progress(b, plan.iterations)
        yield tally


def accumulate(plan: Plan, parts: Iterable[Tally]) -> tuple[Tally, str]:
    """Merge the tallies of consecutive ranges from iteration 0, in order, stopping
    after the first check at which the featured option's mean-savings standard error
    is below ``mc_target_se``; the whole run's tally and why it ended."""
    total: Tally | None = None
    for part in parts:
        if total is None and part.start == 0 and part.size == plan.iterations:
            total = part  # one pass over everything: nothing to copy
        else:
            total = total or Tally(plan.spec, 0, plan.iterations)
            total.absorb(part)
        if target_met(plan, total):
            total.truncate()
            return total, STOPPED_AT_TARGET
    if total is None or total.filled != plan.iterations:
        raise ValueError("the tallies do not cover every iteration")
    return total, RAN_ALL


def target_met(plan: Plan, total: Tally) -> bool:
    """Whether the run may stop here: at a check, before the end, with the featured
    option's mean savings known to within ``mc_target_se`` (one standard error)."""
    if plan.target_se is None or total.filled % CHECK_EVERY or total.filled >= plan.iterations:
        return False
    se = total.moments["savings_vs_baseline"][plan.featured].standard_error()
    return se is not None and se < plan.target_se


def finish(plan: Plan, total: Tally, stopped: str) -> SimulationResult:
    """The run's result from its merged tally."""
    s, names = plan.book.scenario, [o.name for o in plan.book.options]
    error = 0.0 if plan.exact else rank_error()
    summary, trimmed, hist, curves = summarise(
        total, names, (float(s.trim_low_pct), float(s.trim_high_pct)), plan.analysis.baseline,
        plan.featured, error)
    # The sensitivity's draws (the run's first iterations), drawn once for the tornado, the
    # joint sensitivity and the achieved correlations, which all measure those iterations.
    samples = run_samples(plan.book, plan.draws) if plan.draws else []
    bars = sensitivity(plan.book, plan.draws, plan.featured, samples)
    ranks, spider = joint_sensitivity(plan.book, plan.draws, plan.featured, bars, samples)
    return SimulationResult(
        iterations=total.filled, seed=int(s.mc_seed), trimmed=trimmed, option_names=names,
        summary=summary, sensitivity=bars, rank_correlations=ranks, spider=spider,
        featured_option=names[plan.featured],
        histogram={"option": names[plan.featured], **hist},
        requested_iterations=plan.iterations, stopped=stopped, target_se=plan.target_se,
        check_every=CHECK_EVERY if plan.target_se is not None else None,
        quantiles="exact" if plan.exact else "sketch", rank_error=error,
        sketch_k=None if plan.exact else SKETCH_K,
        sampling_method=str(getattr(s, "mc_sampling", None) or "random"),
        s_curve={"probabilities": list(S_CURVE), "savings": curves},
        convergence={"option": names[plan.featured], **total.moments[
            "savings_vs_baseline"][plan.featured].running(CONVERGENCE_POINTS)},
        correlations=applied_correlations(plan, total.filled, samples))


def applied_correlations(plan: Plan, iterations: int, samples: list[Array]
                         ) -> list[AppliedCorrelation]:
    """The Correlations rows with the rank correlation the run's own draws achieved (its
    first iterations, up to correlation.MEASURED_ITERATIONS; ``samples``, the
    sensitivity's draws, hold at least that many: sensitivity.sample_count is at least
    the run's iterations or its cap, both above the measure); empty without the table."""
    if not plan.book.correlations:
        return []
    measured = min(iterations, correlation.MEASURED_ITERATIONS)
    return correlation.achieved(plan.book.correlations,
                                [(d.row.input, d.row.option) for d in plan.draws],
                                [values[:measured] for values in samples])


def simulate(book: ScenarioBook, analysis: Analysis, *,
             progress: Callable[[int, int], None] | None = None,
             chunk_size: int | None = None, exact: bool | None = None) -> SimulationResult:
    """Run ``book.scenario.mc_iterations`` iterations of the cost model (fewer when
    ``mc_target_se`` stops it early).

    ``p_cheapest`` is the share of iterations in which the option has the
    lowest present value (``npv_cost``) of all options, by the cost model's tie
    rule (within 1e-9 relative is equal; among equals the baseline, else the earlier
    row): the recommendation's criterion. ``p_recommended`` applies the minimum
    quality too (the option that would be recommended). ``p_beats_baseline``
    is the share with savings > 0. Each has its standard error (``_se``). All use
    every iteration; the trim only affects trimmed means, the histogram and
    ``trimmed``. ``chunk_size`` (rounded up to whole blocks of ``BLOCK``) bounds the
    working memory; it does not change the results. ``exact`` forces exact (True) or
    sketch (False) percentiles; None chooses by ``EXACT_BUDGET_BYTES``.
    ``progress(done, total)`` is called after every chunk. Raises EngineError for a
    bad Uncertainty row.
    """
    run = plan(book, analysis, exact=exact)
    total, stopped = accumulate(run, tallies(run, 0, run.iterations, chunk_size=chunk_size,
                                             progress=progress))
    return finish(run, total, stopped)
