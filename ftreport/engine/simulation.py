"""Monte Carlo over the Uncertainty table, on the engine's array functions.

Every iteration goes through ``compare.evaluate`` (the deterministic code path)
with the option on axis 0 and the samples of one chunk on axis 1. The
break-even day, which the engine finds on a day-by-day grid, comes from
``fast_break_even_day`` here: the same definition, the same comparison, a few
dozen days looked at per sample instead of every day of the horizon.

Random numbers: one PCG64 stream per block of ``BLOCK`` iterations, seeded
from ``(mc_seed, block number)``; within a block the Uncertainty rows draw in
table order. A chunk is a whole number of blocks, so results do not depend on
the chunk size. docs/simulation.md gives the treatment of "never" and
undefined values, the trim and the memory use.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ftreport.analysis import Analysis, option_arrays, qualifying
from ftreport.engine import compare, costs, distributions
from ftreport.engine.costs import Array
from ftreport.model import ScenarioBook, Uncertain
from ftreport.problems import InputError, Problem, describe
from ftreport.schema import UNCERTAIN_OPTION_INPUTS, UNCERTAIN_SCENARIO_INPUTS

BLOCK = 4096  # iterations per random stream; chunks are whole blocks
DEFAULT_CHUNK = 4 * BLOCK  # 16k iterations: arrays stay in cache (measured best of 8k..64k)
NEWTON_STEPS = 2  # on the smooth model, for the break-even search's first guess
NEWTON_ROUNDS = 3  # of the break-even search, before it halves brackets instead
CHART_SAMPLES = 20_000  # per-sample outputs kept for charts, evenly spread
HISTOGRAM_BINS = 30
PERCENTILES = (5, 25, 50, 75, 95)
OUTPUTS = ("total_cost", "savings_vs_baseline", "break_even_day",
           "steady_state_break_even_days", "max_training_tokens")
SAMPLE_KEYS = ("total_cost", "npv_cost", "savings_vs_baseline", "break_even_day",
               "steady_state_break_even_days", "max_training_tokens")
SCENARIO_KEYS = ("requests_per_day", "monthly_growth", "discount_rate")
# What each iteration asks of compare.evaluate: the outputs kept, and the building
# blocks the break-even search starts from.
EVALUATED = ("cost_per_request", "daily_fixed_cost", "training_cost_per_run", "upfront_cost",
             "total_cost", "npv_cost", "savings_vs_baseline", "steady_state_break_even_days",
             "max_training_tokens")


@dataclass
class SensitivityBar:
    """How far the recommended option's savings move between an input's P10 and P90."""

    input: str
    option: str | None  # None for a Scenario input, "*" or an option's name
    low_value: float  # the input's P10
    high_value: float  # the input's P90
    savings_at_low: float
    savings_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.savings_at_high - self.savings_at_low)


@dataclass
class SimulationResult:
    iterations: int
    seed: int
    trimmed: int  # samples dropped by the trim_low_pct..trim_high_pct trim
    option_names: list[str]
    # Per-sample outputs, shape (options, iterations), for charts: keys
    # total_cost, npv_cost, savings_vs_baseline, break_even_day,
    # steady_state_break_even_days, max_training_tokens.
    samples: dict[str, np.ndarray] = field(default_factory=dict)
    # Per option: name, p_cheapest, p_beats_baseline and, for each output, an
    # object with p5, p25, p50, p75, p95, mean, trimmed_mean (the contract's JSON).
    summary: list[dict[str, Any]] = field(default_factory=list)
    sensitivity: list[SensitivityBar] = field(default_factory=list)  # largest swing first
    # The option whose savings the histogram and the tornado show: the
    # recommended one, or the best alternative when the baseline is recommended.
    featured_option: str = ""
    # Savings of the featured option inside the trim: bin edges and counts.
    histogram: dict[str, list[float]] = field(default_factory=dict)
    # Iteration numbers (0-based) of the columns of ``samples``.
    sample_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def to_dict(self) -> dict[str, Any]:
        return {"iterations": self.iterations, "seed": self.seed, "trimmed": self.trimmed,
                "featured_option": self.featured_option, "options": self.summary}


# --- Which rows draw what -------------------------------------------------------------

@dataclass(frozen=True)
class Draw:
    """One Uncertainty row, resolved: the input and where its samples go."""

    row: Uncertain
    options: tuple[int, ...]  # option indices it sets; empty for a Scenario input


def resolve(book: ScenarioBook) -> list[Draw]:
    """The Uncertainty rows in table order, checked; an option's own row beats ``*``.

    Raises InputError naming the cell of every bad row (the reader checks the
    same things first; this guards books built in code).
    """
    names = [o.name for o in book.options]
    problems: list[Problem] = []
    own = {(r.input, r.option) for r in book.uncertainty if r.option not in (None, "*")}
    draws = []
    for row in book.uncertainty:
        sheet, _, cell = row.cell.rpartition("!")
        where = (str(book.path.name), sheet or "Uncertainty", cell or None)
        # The reader's rule set, so the messages are the reader's (naming the column).
        rules = distributions.row_problems(row.distribution, row.p1, row.p2, row.p3,
                                           row.clip_min, row.clip_max)
        found = [Problem(*where, expected, describe(getattr(row, column)), field=column)
                 for column, expected in rules]
        error = None
        if row.option is None and row.input not in UNCERTAIN_SCENARIO_INPUTS:
            error = "input must be a Scenario input that may be uncertain: " \
                + ", ".join(UNCERTAIN_SCENARIO_INPUTS)
        elif row.option is not None and row.input not in UNCERTAIN_OPTION_INPUTS:
            error = "input must be an Options column that may be uncertain"
        elif row.option not in (None, "*") and row.option not in names:
            error = "option must be blank, * or the name of an option"
        if error:
            found.append(Problem(*where, error, field=row.input))
        if found:
            problems += found
            continue
        if row.option is None:
            targets: tuple[int, ...] = ()
        elif row.option == "*":
            targets = tuple(i for i, n in enumerate(names) if (row.input, n) not in own)
        else:
            targets = (names.index(row.option),)
        draws.append(Draw(row, targets))
    if problems:
        raise InputError(problems)
    return draws


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The stream of block ``block``: independent of every other block's."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def draw_chunk(draws: list[Draw], seed: int, start: int, stop: int) -> list[Array]:
    """Samples of every row for iterations ``start..stop-1`` (``start`` on a block edge)."""
    parts: list[list[Array]] = [[] for _ in draws]
    for block_start in range(start, stop, BLOCK):
        rng = block_rng(seed, block_start // BLOCK)
        size = min(BLOCK, stop - block_start)
        for k, d in enumerate(draws):
            r = d.row
            values = distributions.draw(r.distribution, (r.p1, r.p2, r.p3), rng, size)
            parts[k].append(distributions.clip(values, r.input, r.clip_min, r.clip_max))
    return [np.concatenate(p) for p in parts]


def chunk_inputs(draws: list[Draw], samples: list[Array], base_options: Mapping[str, Array],
                 base_scenario: Mapping[str, float]) -> tuple[dict[str, Array], dict[str, Any]]:
    """Option arrays (option x sample; untouched inputs stay (option, 1)) and scenario inputs."""
    options = {k: v[:, None] for k, v in base_options.items()}
    scenario: dict[str, Any] = dict(base_scenario)
    for d, values in zip(draws, samples, strict=True):
        if not d.options and d.row.option is None:
            scenario[d.row.input] = values
            continue
        current = options[d.row.input]
        if current.shape[1] == 1:
            current = np.repeat(current, values.size, axis=1)
            options[d.row.input] = current
        current[list(d.options)] = values
    return options, scenario


# --- Break-even day without walking every day ----------------------------------------

def fast_break_even_day(options: Mapping[str, ArrayLike], baseline: int, *, horizon_days: int,
                        requests_per_day: ArrayLike, monthly_growth: ArrayLike = 0.0) -> Array:
    """``compare.break_even_day`` over the horizon, for option x sample arrays.

    Equal to the engine's grid result (tests/test_simulation.py checks it with
    hypothesis); see ``break_even_from_blocks`` for the method.
    """
    blocks = compare.option_costs(options)
    retrain = np.asarray(options["retrain_every_days"], dtype=float)
    shape = np.broadcast_shapes(*(np.shape(v) for v in (*blocks.values(), retrain)),
                                (1, *np.shape(requests_per_day)), (1, *np.shape(monthly_growth)))
    return break_even_from_blocks(blocks, retrain, baseline, horizon_days, requests_per_day,
                                  monthly_growth, shape)


def _segment_start(day: Array, retrain: Array) -> Array:
    """First day of the stretch of days with as many training runs as ``day``."""
    safe = np.where(retrain > 0, retrain, 1.0)
    runs = costs.training_runs(day, retrain)
    start = np.ceil((runs - 1.0) * safe + 1.0)
    # Guard against rounding with fractional periods: land on the first day of the stretch.
    start = np.where(costs.training_runs(start, retrain) < runs, start + 1.0, start)
    start = np.where((start > 1) & (costs.training_runs(start - 1.0, retrain) == runs),
                     start - 1.0, start)
    return np.where((retrain > 0) & (runs > 1), start, 0.0)


def break_even_from_blocks(blocks: Mapping[str, ArrayLike], retrain_every_days: ArrayLike,
                           baseline: int, horizon_days: int, requests_per_day: ArrayLike,
                           monthly_growth: ArrayLike, shape: tuple[int, ...]) -> Array:
    """Break-even day of every option (axis 0) and sample (axis 1) from ``u, F, T, U``.

    Between two training runs of either option, ``(1-tol) C_i(d) - C_b(d)`` (the
    engine's "dearer" test for non-negative costs) is ``a + b*d + c*V(d)``
    with ``V`` convex (growth > 0), linear or concave (growth < 0), so on such
    a stretch the dearer days form a prefix and/or a suffix (convex, linear) or
    an interval around the maximum (concave, found from the derivative).
    Walking the stretches back from the horizon, the last dearer day is found
    with two evaluations per stretch (its end, and its start or the days next
    to the maximum) and one binary search; each evaluation is the engine's own
    ``cost_through`` and ``more_expensive``, so the answer is the grid's. Only
    the samples still open are evaluated, and ``n(d)``, ``V(d)`` and the
    stretch starts are looked up in per-day tables when every sample shares
    their parameter (the usual case: growth and retraining not uncertain).
    """
    horizon = int(horizon_days)
    n_opt, m = shape
    full = {k: np.broadcast_to(np.asarray(v, dtype=float), shape) for k, v in blocks.items()}
    retrain = np.broadcast_to(np.asarray(retrain_every_days, dtype=float), shape)
    n0 = np.broadcast_to(np.asarray(requests_per_day, dtype=float), (m,))
    g = np.broadcast_to(np.asarray(monthly_growth, dtype=float), (m,))
    days = np.arange(horizon + 1, dtype=float)
    volume = _ByDay(lambda d, x: costs.volume_factor(x, d), g, days)
    base = _OptionCurve({k: v[baseline] for k, v in full.items()}, retrain[baseline], days)
    out = np.zeros(shape)
    for i in range(n_opt):
        if i != baseline:
            opt = _OptionCurve({k: v[i] for k, v in full.items()}, retrain[i], days)
            out[i] = _break_even_one(opt, base, horizon, _samplewise(n0), g, volume)
    return out


def _samplewise(values: Array) -> Array:
    """``values`` as one 0-d number when every sample has the same, else as they are."""
    return values[:1].reshape(()) if values.size and (values == values[0]).all() else values


def _take(values: Array, idx: Array) -> Array:
    return values if values.ndim == 0 else values[idx]


class _ByDay:
    """``fn(days, parameter)`` for some samples: a lookup in a table of days 0..D when
    every sample has the same parameter (the table is ``fn`` itself, so values agree)."""

    def __init__(self, fn: Callable[[Array, Array], Array], parameter: Array, days: Array):
        self.fn, self.parameter = fn, _samplewise(parameter)
        self.table = fn(days, self.parameter) if self.parameter.ndim == 0 else None

    def __call__(self, idx: Array, day: Array, whole_day: Array) -> Array:
        """At ``day`` (floats) of samples ``idx``; ``whole_day`` is ``day`` as indices."""
        if self.table is not None:
            return self.table[whole_day]
        return self.fn(day, self.parameter[idx])


class _OptionCurve:
    """One option's ``C(d)`` over the samples of a chunk, evaluated where asked."""

    def __init__(self, blocks: Mapping[str, Array], retrain: Array, days: Array):
        self.upfront, self.per_run, self.fixed, self.per_request = (
            _samplewise(blocks[k]) for k in (
                "upfront_cost", "training_cost_per_run", "daily_fixed_cost", "cost_per_request"))
        self.runs = _ByDay(costs.training_runs, retrain, days)
        self.segment_start = _ByDay(_segment_start, retrain, days)

    def cost(self, idx: Array, day: Array, whole_day: Array, volume: Array) -> Array:
        """``C(day)`` of samples ``idx``, ``volume`` being their ``V(day)``."""
        return costs.cost_through(day, _take(self.upfront, idx), _take(self.per_run, idx),
                                  self.runs(idx, day, whole_day), _take(self.fixed, idx),
                                  _take(self.per_request, idx), volume)


def _break_even_one(opt: _OptionCurve, base: _OptionCurve, horizon: int, n0: Array,
                    g: Array, volume_factor: _ByDay) -> Array:
    m = g.size

    def rows(idx: Array) -> Array:
        """``idx`` (in order) or, when that is every sample, a slice: views, not copies."""
        return slice(None) if idx.size == m else idx  # type: ignore[return-value]

    def dearer(idx: Array, day: Array) -> tuple[Array, Array]:
        """The engine's test at ``day`` for samples ``idx``, and ``C_i - C_b`` (for guesses)."""
        whole = day.astype(np.intp)
        # cumulative_volume's own product: N0 * V(d)/N0.
        v = _take(n0, idx) * volume_factor(idx, day, whole)
        c, b = opt.cost(idx, day, whole, v), base.cost(idx, day, whole, v)
        return compare.more_expensive(c, b), c - b

    everyone = np.arange(m)
    out = np.zeros(m)
    at_horizon = np.full(m, float(horizon))
    never, gap_end = dearer(rows(everyone), at_horizon)
    out[never] = np.nan
    # Never dearer on any day (so 0) when no block of the option costs more: then
    # C_i(d) <= C_b(d) exactly for every d and the tolerance covers the rounding.
    blocks = (opt.upfront, opt.per_run, opt.fixed, opt.per_request,
              base.upfront, base.per_run, base.fixed, base.per_request, n0)
    cheaper = ((opt.upfront + opt.runs(rows(everyone), at_horizon, at_horizon.astype(np.intp))
                * opt.per_run <= base.upfront + base.per_run)
               & (opt.fixed <= base.fixed) & (opt.per_request <= base.per_request)
               & np.logical_and.reduce([np.broadcast_to(b >= 0, (m,)) for b in blocks]))
    idx = np.flatnonzero(~never & ~cheaper)
    if idx.size == 0:
        return out
    gap_end = gap_end[idx]

    # Shape of the test function a + b*d + c*V(d): concave when c*V is concave.
    tol = compare.COST_TOLERANCE
    lam = costs.daily_log_growth(g)
    c = ((1 - tol) * opt.per_request - base.per_request) * n0
    b = (1 - tol) * opt.fixed - base.fixed
    concave = np.broadcast_to(c * lam < 0, (m,))
    peak = np.full(m, -np.inf)
    if concave.any():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # Where the derivative b + c*lam*e^(lam*x)/(e^lam - 1) vanishes.
            at = np.broadcast_to(np.log(-b * np.expm1(lam) / (c * lam)) / lam, (m,))
        # No such point (NaN): the slope keeps the sign of c on every day.
        at = np.where(np.isnan(at), np.where(c > 0, np.inf, -np.inf), at)
        np.copyto(peak, at, where=concave)

    # Walk the stretches back from the horizon. On each, test where its largest
    # value can be: at the start or next to the inner maximum of a concave stretch
    # (its end when the maximum lies beyond), at the start and the end otherwise.
    # A sample with a dearer day there leaves with a bracket: dearer at ``lo``,
    # not at ``hi``. ``gap_end`` is NaN while the end's test is still to be made.
    end = np.full(idx.size, float(horizon))  # the horizon is known not dearer
    found: list[tuple[Array, ...]] = []  # (idx, lo, hi, gap at lo, gap at hi)
    while idx.size:
        whole_end = end.astype(np.intp)
        start = np.maximum(opt.segment_start(idx, end, whole_end),
                           base.segment_start(idx, end, whole_end))
        left = np.floor(peak[idx])
        bent = concave[idx]
        # ``probe``: the start, or the day of a concave stretch's maximum; ``second``:
        # the day after that maximum, or the end of a stretch that is not concave.
        inner = bent & (left >= start)
        probe = np.where(inner, np.minimum(left, end), start)
        two = np.flatnonzero((inner & (left < end)) | ~bent)
        second = np.where(bent[two], left[two] + 1.0, end[two])
        yes, gap = dearer(rows(idx), probe)
        if two.size:
            more, more_gap = dearer(idx[two], second)
            probe[two[more]] = second[more]
            gap[two[more]] = more_gap[more]
            yes[two[more]] = True
        # Where the end itself is dearer, it is the last dearer day.
        todo = np.flatnonzero(yes & np.isnan(gap_end))
        if todo.size:
            at_end, gap_end[todo] = dearer(idx[todo], end[todo])
            done = todo[at_end]
            out[idx[done]] = end[done] + 1.0
            yes[done] = False
            probe[done] = -1.0  # not moved on either
        found.append((idx[yes], probe[yes], end[yes], gap[yes], gap_end[yes]))
        # The rest look at the stretch before (none before day 0: never dearer).
        keep = ~yes & (probe >= 0) & (start >= 1)
        idx, end = idx[keep], start[keep] - 1.0
        gap_end = np.full(idx.size, np.nan)

    # The last dearer day in each bracket: test a day and the next, first where the
    # chord through the bracket's gaps crosses 0, then where the line through the
    # two gaps just found does (Newton's step on a smooth stretch), halving the
    # bracket after a few rounds so that every search ends quickly.
    idx, lo, hi, gap_lo, gap_hi = (np.concatenate(parts) for parts in zip(*found, strict=True))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        guess = lo + (hi - lo) * gap_lo / (gap_lo - gap_hi)
        # Then Newton's steps on the stretch's gap as a smooth function of the day,
        # gap_lo + b*(x-lo) + c*(V(x)-V(lo))/N0: a guess within a day, usually.
        slope, curve, rate = (np.broadcast_to(v, (m,))[idx] for v in (b, c, lam))
        at_lo = costs.geometric_sum(rate, lo)
        for _ in range(NEWTON_STEPS):
            value = gap_lo + slope * (guess - lo) + curve * (
                costs.geometric_sum(rate, guess) - at_lo)
            growth = np.where(rate == 0, 1.0, rate * np.exp(rate * guess) / np.expm1(rate))
            guess = guess - value / (slope + curve * growth)
    for rounds in itertools.count(1):
        if not idx.size:
            break
        day = np.fmin(np.fmax(np.floor(guess), lo), hi - 1.0)
        at_day, gap_day = dearer(idx, day)
        at_next, gap_next = dearer(idx, day + 1.0)
        at_next &= day + 1.0 < hi
        lo = np.where(at_next, day + 1.0, np.where(at_day, day, lo))
        hi = np.where(at_day, np.where(at_next, hi, day + 1.0), day)
        closed = hi - lo <= 1.0
        out[idx[closed]] = lo[closed] + 1.0
        if rounds < NEWTON_ROUNDS:
            with np.errstate(divide="ignore", invalid="ignore"):
                guess = day + gap_day / (gap_day - gap_next)
        else:
            guess = np.floor((lo + hi) / 2)
        open_ = ~closed
        idx, lo, hi, guess = idx[open_], lo[open_], hi[open_], guess[open_]
    return out


# --- Collecting outputs ---------------------------------------------------------------

class Column:
    """One output of one option over every iteration, stored only if it varies.

    A constant output (the baseline's savings, an option nobody made uncertain)
    costs no memory, and its statistics are exactly the deterministic value.
    """

    def __init__(self, size: int, dtype: type = np.float64):
        self.size, self.dtype = size, dtype
        self.value: float | None = None  # the constant so far
        self.data: np.ndarray | None = None

    def add(self, start: int, values: Array) -> None:
        if self.data is None:
            if start == 0:
                self.value = float(values[0])
            v = float(self.value)  # type: ignore[arg-type]
            if (values == v).all() or (math.isnan(v) and np.isnan(values).all()):
                return
            self.data = np.empty(self.size, dtype=self.dtype)
            self.data[:start] = v
        self.data[start:start + values.size] = values

    def values(self) -> Array:
        if self.data is None:
            return np.full(self.size, self.value, dtype=float)
        return self.data.astype(float, copy=False)


def _plain(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _quantiles(valid: Array, pcts: tuple[float, ...]) -> list[float]:
    """numpy's linear percentiles, but +inf stays +inf (numpy's lerp gives NaN)."""
    n = valid.size
    ranks = [p / 100.0 * (n - 1) for p in pcts]
    kth = sorted({math.floor(h) for h in ranks} | {math.ceil(h) for h in ranks})
    part = np.partition(valid, kth)
    out = []
    for h in ranks:
        frac = h - math.floor(h)
        a, b = float(part[math.floor(h)]), float(part[math.ceil(h)])
        if frac == 0 or a == b:
            out.append(a)
        elif math.isinf(a) or math.isinf(b):
            out.append(a if a == -math.inf and b < math.inf else
                       b if b == math.inf and a > -math.inf else math.nan)
        else:
            out.append(a + (b - a) * frac)
    return out


def _mean(x: Array, where: Array) -> float | None:
    """Mean of ``x`` where ``where`` and finite; exact for a constant (offset by the minimum)."""
    where = where & np.isfinite(x)
    count = int(where.sum())
    if count == 0:
        return None
    low = float(np.min(x, where=where, initial=np.inf))
    return low + float(np.sum(x - low, where=where)) / count


def statistics(x: Array, iterations: int, trim: tuple[float, float], *,
               never_is_infinite: bool = False) -> tuple[dict[str, Any], tuple[float, float]]:
    """The contract's percentile object for one output of one option, and the trim bounds.

    Undefined samples (NaN) are left out; with ``never_is_infinite`` (break-even
    day) NaN means "never" and counts as +inf. Percentiles include infinite
    samples and are null when they land on one; means are over finite samples.
    ``trimmed`` counts the samples outside the trim percentiles.
    """
    if never_is_infinite:
        x = np.where(np.isnan(x), np.inf, x)
    valid = x[~np.isnan(x)] if np.isnan(x).any() else x
    finite = np.isfinite(valid)
    stats: dict[str, Any] = {f"p{p}": None for p in PERCENTILES}
    stats.update(mean=None, trimmed_mean=None, trimmed=0,
                 finite_share=float(finite.sum()) / iterations)
    if valid.size == 0:
        return stats, (math.nan, math.nan)
    *marks, low, high = _quantiles(valid, (*PERCENTILES, *trim))
    for p, v in zip(PERCENTILES, marks, strict=True):
        stats[f"p{p}"] = _plain(v)
    inside = (valid >= low) & (valid <= high)
    stats.update(mean=_mean(valid, finite), trimmed_mean=_mean(valid, inside),
                 trimmed=int(valid.size - inside.sum()))
    return stats, (low, high)


def histogram(x: Array, low: float, high: float) -> dict[str, list[float]]:
    """Counts of the samples inside ``[low, high]`` in equal bins (one bin if they are equal)."""
    inside = x[np.isfinite(x) & (x >= low) & (x <= high)]
    if inside.size == 0:
        return {"edges": [], "counts": []}
    low, high = float(inside.min()), float(inside.max())
    bins = HISTOGRAM_BINS if high > low else 1
    counts, edges = np.histogram(inside, bins=bins, range=(low, high) if high > low else
                                 (low - 0.5, low + 0.5))
    return {"edges": [float(e) for e in edges], "counts": [float(c) for c in counts]}


def featured_option(analysis: Analysis) -> int:
    """The recommended option, or, when that is the baseline, the alternative with the
    largest deterministic savings (so the histogram and tornado show a real choice)."""
    if analysis.recommended != analysis.baseline or len(analysis.options) == 1:
        return analysis.recommended
    savings = analysis.results["savings_vs_baseline"]
    others = [i for i in range(len(analysis.options)) if i != analysis.baseline]
    return max(others, key=lambda i: (savings[i], -i))


class Progress:
    """A one-line progress bar on stderr; silent unless enabled."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled

    def update(self, done: int) -> None:
        if self.enabled:
            width = 30
            filled = width * done // self.total
            sys.stderr.write(f"\rSimulating [{'#' * filled}{'.' * (width - filled)}] "
                             f"{done:,}/{self.total:,}")
            if done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


# --- The run --------------------------------------------------------------------------

def simulate(book: ScenarioBook, analysis: Analysis, *, progress: bool = False,
             chunk_size: int | None = None) -> SimulationResult:
    """Run ``book.scenario.mc_iterations`` iterations of the cost model.

    ``p_cheapest`` is the share of iterations in which the option has the
    lowest present value (``npv_cost``) of all options, ties to the earlier row:
    the recommendation's criterion. ``p_recommended`` applies the minimum
    quality too (the option that would be recommended). ``p_beats_baseline``
    is the share with savings > 0. Both use every iteration; the trim only
    affects trimmed means, the histogram and ``trimmed``. ``chunk_size`` (rounded
    up to whole blocks of ``BLOCK``) bounds the working memory; it does not
    change the results.
    """
    s = book.scenario
    n = int(s.mc_iterations)
    if n < 1:
        raise ValueError("mc_iterations must be at least 1 to simulate")
    seed, horizon, baseline = int(s.mc_seed), int(s.horizon_days), analysis.baseline
    draws = resolve(book)
    names = [o.name for o in book.options]
    n_opt = len(names)
    base_options = option_arrays(book.options)
    base_scenario = {k: float(getattr(s, k)) for k in SCENARIO_KEYS}
    eligible = np.array(qualifying(book))
    if not eligible.any():
        eligible[:] = True
    chunk = DEFAULT_CHUNK if chunk_size is None else max(BLOCK, -(-chunk_size // BLOCK) * BLOCK)

    stored = ("total_cost", "break_even_day", "steady_state_break_even_days",
              "max_training_tokens")
    # Whole days (or NaN) are exact in float32: half the memory of the others.
    columns = {k: [Column(n, np.float32 if k == "break_even_day" else np.float64)
                   for _ in names] for k in stored}
    cheapest = np.zeros(n_opt, dtype=np.int64)
    recommended = np.zeros(n_opt, dtype=np.int64)
    beats = np.zeros(n_opt, dtype=np.int64)
    chart_index = np.arange(min(n, CHART_SAMPLES), dtype=np.int64) * n // min(n, CHART_SAMPLES)
    samples = {k: np.empty((n_opt, chart_index.size)) for k in SAMPLE_KEYS}
    bar = Progress(n, progress)

    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        shape = (n_opt, stop - start)
        options, scenario = chunk_inputs(draws, draw_chunk(draws, seed, start, stop),
                                         base_options, base_scenario)
        res = {k: np.broadcast_to(v, shape) for k, v in compare.evaluate(
            options, baseline, horizon_days=horizon, with_break_even_day=False,
            keys=EVALUATED, **scenario).items()}
        res["break_even_day"] = break_even_from_blocks(
            res, options["retrain_every_days"], baseline, horizon,
            scenario["requests_per_day"], scenario["monthly_growth"], shape)
        npv = res["npv_cost"]
        cheapest += np.bincount(np.argmin(npv, axis=0), minlength=n_opt)
        recommended += np.bincount(np.argmin(np.where(eligible[:, None], npv, np.inf), axis=0),
                                   minlength=n_opt)
        beats += (res["savings_vs_baseline"] > 0).sum(axis=1)
        for key in stored:
            for i in range(n_opt):
                columns[key][i].add(start, res[key][i])
        first, last = np.searchsorted(chart_index, (start, stop))
        for key in SAMPLE_KEYS:
            samples[key][:, first:last] = res[key][:, chart_index[first:last] - start]
        bar.update(stop)

    trim = (float(s.trim_low_pct), float(s.trim_high_pct))
    featured = featured_option(analysis)
    base_total = columns["total_cost"][baseline].values()
    summary: list[dict[str, Any]] = []
    trimmed, hist = 0, {}
    for i, name in enumerate(names):
        entry: dict[str, Any] = {"name": name, "p_cheapest": float(cheapest[i]) / n,
                                 "p_recommended": float(recommended[i]) / n,
                                 "p_beats_baseline": float(beats[i]) / n}
        for key in OUTPUTS:
            if key == "savings_vs_baseline":
                # The engine's own subtraction, so stored totals are enough.
                x = base_total - columns["total_cost"][i].values()
            else:
                x = columns[key][i].values()
            entry[key], (low, high) = statistics(x, n, trim,
                                                 never_is_infinite=key == "break_even_day")
            if key == "savings_vs_baseline" and i == featured:
                trimmed, hist = entry[key]["trimmed"], histogram(x, low, high)
        summary.append(entry)

    from ftreport.engine.sensitivity import sensitivity  # it builds on this module

    return SimulationResult(
        iterations=n, seed=seed, trimmed=trimmed, option_names=names, samples=samples,
        summary=summary, sensitivity=sensitivity(book, draws, featured),
        featured_option=names[featured], histogram={"option": names[featured], **hist},
        sample_index=chart_index)
