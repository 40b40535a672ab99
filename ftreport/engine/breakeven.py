"""The break-even day without walking every day of the horizon.

``fast_break_even_day`` gives ``compare.break_even_day`` (the engine's
day-by-day grid) for option x sample arrays: the same definition and the same
comparison, a few dozen days looked at per sample instead of every day.
``break_even_from_blocks`` describes the method; docs/simulation.md walks
through it, and tests/test_simulation.py checks it against the grid with
hypothesis.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from ftreport.engine import compare, costs
from ftreport.engine.breakeven_model import (
    ByDay,
    GapShape,
    OptionCurve,
    Pair,
    gap_shape,
    samplewise,
    take,
    volume_and_slope,
)
from ftreport.engine.costs import Array

NEWTON_STEPS = 3  # on the smooth model, for the break-even search's first guess
NEWTON_ROUNDS = 3  # of the break-even search, before it halves brackets instead
# A span of days is cleared when the bound on the engine's test stays below zero by this
# share of the costs' size: far above float rounding (1e-15), far below a cost difference.
CLEAR_MARGIN = 1e-12


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


def break_even_from_blocks(blocks: Mapping[str, ArrayLike], retrain_every_days: ArrayLike,
                           baseline: int, horizon_days: int, requests_per_day: ArrayLike,
                           monthly_growth: ArrayLike, shape: tuple[int, ...]) -> Array:
    """Break-even day of every option (axis 0) and sample (axis 1) from ``u, F, T, U``.

    Between two training runs of either option, ``(1-tol) C_i(d) - C_b(d)`` (the
    engine's "dearer" test for non-negative costs) is ``a + b*d + c*V(d)``
    with ``V`` convex (growth > 0), linear or concave (growth < 0), so on such
    a stretch the dearer days form a prefix and/or a suffix (convex, linear) or
    an interval around the maximum (concave, found from the derivative).
    Walking the stretches back from the horizon, the first stretch with a dearer
    day is found by testing only where its largest value can be (one day on a
    falling stretch, two otherwise); the last dearer day on it then comes from
    a bracket search started by Newton's steps. Each test is the engine's own
    ``cost_through`` and ``more_expensive``, so the answer is the grid's. Only
    the samples still open are tested. When every sample has the same
    retraining periods (the usual case) the stretches are the same days for
    all, tested at once; ``n(d)``, ``V(d)`` and the stretch starts are looked up
    in per-day tables when every sample shares their parameter.
    """
    horizon = int(horizon_days)
    n_opt, m = shape
    full = {k: np.broadcast_to(np.asarray(v, dtype=float), shape) for k, v in blocks.items()}
    retrain = np.broadcast_to(np.asarray(retrain_every_days, dtype=float), shape)
    n0 = np.broadcast_to(np.asarray(requests_per_day, dtype=float), (m,))
    g = np.broadcast_to(np.asarray(monthly_growth, dtype=float), (m,))
    # Days 0..D+1: the search may test the day after the horizon (never an answer).
    days = np.arange(horizon + 2, dtype=float)
    volume = ByDay(lambda d, x: costs.volume_factor(x, d), g, days)
    base = OptionCurve({k: v[baseline] for k, v in full.items()}, retrain[baseline], days)
    out = np.zeros(shape)
    for i in range(n_opt):
        if i != baseline:
            opt = OptionCurve({k: v[i] for k, v in full.items()}, retrain[i], days)
            out[i] = _break_even_one(opt, base, horizon, samplewise(n0), volume, m)
    return out


def _may_be_dearer(pair: Pair, last: np.float64) -> Array:
    """The samples that may be dearer on some day, in order.

    Never dearer on any day (so 0) when no block of the option costs more: then
    ``C_i(d) <= C_b(d)`` exactly for every d and the tolerance covers the rounding.
    """
    opt, base = pair.opt, pair.base
    blocks = (opt.upfront, opt.per_run, opt.fixed, opt.per_request,
              base.upfront, base.per_run, base.fixed, base.per_request, pair.n0)
    cheaper = functools.reduce(np.logical_and, (
        opt.upfront + opt.runs(slice(None), last, last.astype(np.intp)) * opt.per_run
        <= base.upfront + base.per_run, opt.fixed <= base.fixed,
        opt.per_request <= base.per_request, *(b >= 0 for b in blocks)))
    return np.flatnonzero(~np.broadcast_to(cheaper, (pair.m,)))


def _find_brackets(pair: Pair, shape: GapShape, idx: Array, last: np.float64,
                   ) -> tuple[Array, Array, Array, Array]:
    """Stage 1, find the bracketing stretch: walk the stretches back from the horizon.

    A sample leaves the walk on the first stretch with a dearer day, with a
    bracket: dearer at ``lo``, not after ``hi - 1`` (``hi`` is the next stretch's
    start, known not dearer, or the day after the horizon). Returns the bracketed
    samples (in order), their ``lo``, ``hi`` and the gap ``C_i - C_b`` at ``lo``.
    With shared retraining, ``end`` and ``start`` are one day for every sample.
    The samples walked are only narrowed down once at most half of them still walk
    (``walking`` marks them until then): fewer index arrays than narrowing each time.
    """
    m, opt, base = pair.m, pair.opt, pair.base
    shared = opt.retraining.shared and base.retraining.shared
    end = last if shared else _clear_late_days(pair, shape, idx, last)
    found = _Brackets(m)
    left_of_peak = np.floor(shape.peak)
    walking = None
    while idx.size:
        at = pair.rows(idx)
        whole_end = end.astype(np.intp)
        opt_start, opt_runs = opt.retraining.stretch(at, end, whole_end)
        base_start, base_runs = base.retraining.stretch(at, end, whole_end)
        start = opt_start if base.retraining.never else np.maximum(opt_start, base_start)
        yes, lo, gap = _test_stretch(pair, idx, (start, end), (opt_runs, base_runs),
                                     left_of_peak[at], shape.concave[at])
        if walking is not None:
            yes &= walking
        if yes.any():
            found.add(idx, at, yes, lo, end + 1.0, gap)
        # The rest look at the stretch before (none before day 0: never dearer).
        keep = ~yes & (start >= 1)
        if walking is not None:
            keep &= walking
        end = start - 1.0
        still = np.count_nonzero(keep)
        if still == keep.size:
            continue
        if 2 * still > keep.size:
            # Those done look at day 0 until the next narrowing; ``walking`` ignores them.
            walking = keep
            end = np.maximum(end, 0.0)
        else:
            idx, end, walking = idx[keep], take(end, keep), None
    return found.result(pair)


def _clear_late_days(pair: Pair, shape: GapShape, idx: Array, last: np.float64) -> Array:
    """With per-sample retraining: the day each of samples ``idx`` starts its walk from.

    Each per-sample stretch costs a lookup by division, so whole spans of days are
    cleared at once first: on days ``lo..hi``, ``(1-tol) C_i - C_b`` is at most
    ``A + b*d + c*V(d)``, ``A`` taking the option's training runs at ``hi`` and the
    baseline's at ``lo``; where that smooth bound's largest value (at an end, or at the
    peak of a concave one) is below zero by ``CLEAR_MARGIN``, no day of the span is
    dearer. Spans halve from the horizon down; a sample stops at its first span not
    cleared. Only samples whose blocks are all non-negative are cleared: for them the
    engine's test is ``(1-tol) C_i > C_b``.
    """
    opt, base, at = pair.opt, pair.base, pair.rows(idx)
    blocks = (opt.upfront, opt.per_run, opt.fixed, opt.per_request,
              base.upfront, base.per_run, base.fixed, base.per_request, pair.n0)
    walking = np.broadcast_to(functools.reduce(np.logical_and, (
        take(b, at) >= 0 for b in blocks)), idx.shape)
    # Both costs on the horizon: larger than every term of the bound on any span.
    whole = last.astype(np.intp)
    v = take(pair.n0, at) * pair.volume_factor(at, last, whole)
    margin = CLEAR_MARGIN * (opt.cost(at, last, opt.runs(at, last, whole), v)
                             + base.cost(at, last, base.runs(at, last, whole), v))
    end = np.full(idx.size, last)
    hi = last
    while hi >= 1 and walking.any():
        lo = np.floor(hi / 2) + 1.0
        walking = walking & (_span_bound(pair, shape, at, lo, hi) < -margin)
        np.copyto(end, lo - 1.0, where=walking)
        hi = lo - 1.0
    return end


def _span_bound(pair: Pair, shape: GapShape, at: Array | slice, lo: np.float64,
                hi: np.float64) -> Array:
    """The bound on ``(1-tol) C_i - C_b`` over days ``lo..hi`` for samples ``at`` (see
    ``_clear_late_days``)."""
    opt, base, tol = pair.opt, pair.base, compare.COST_TOLERANCE
    whole_lo, whole_hi = lo.astype(np.intp), hi.astype(np.intp)
    opt_runs = opt.runs(at, hi, whole_hi)
    steps = ((1 - tol) * (take(opt.upfront, at) + opt_runs * take(opt.per_run, at))
             - (take(base.upfront, at) + base.runs(at, lo, whole_lo) * take(base.per_run, at)))
    b, c = take(shape.b, at), take(shape.c, at)
    v_lo = pair.volume_factor(at, lo, whole_lo)
    v_hi = pair.volume_factor(at, hi, whole_hi)
    top = steps + np.maximum(b * lo + c * v_lo, b * hi + c * v_hi)
    peak = shape.peak[at]
    inner = np.flatnonzero(shape.concave[at] & (peak > lo) & (peak < hi))
    if inner.size:
        growth = pair.volume_factor.parameter
        v_peak = pair.volume_factor.fn(peak[inner], take(growth, _take_rows(at, inner)))
        top = np.broadcast_to(top, peak.shape).copy()
        top[inner] = np.maximum(top[inner], take(steps, inner) + take(b, inner) * peak[inner]
                                + take(c, inner) * v_peak)
    return top


def _take_rows(at: Array | slice, rows: Array) -> Array:
    """Rows ``rows`` of the samples ``at`` as sample numbers."""
    return rows if isinstance(at, slice) else at[rows]


class _Brackets:
    """The brackets found by the walk, by sample."""

    def __init__(self, m: int):
        self.bracketed = np.zeros(m, dtype=bool)
        self.lo, self.hi, self.gap = np.empty(m), np.empty(m), np.empty(m)

    def add(self, idx: Array, at: Array | slice, yes: Array, lo: Array, hi: Array,
            gap: Array) -> None:
        """Samples ``idx[yes]`` (``at``: ``idx`` as rows) are bracketed by ``lo..hi``."""
        if isinstance(at, slice):  # every sample: masked copies, no index arrays
            self.bracketed |= yes
            for into, values in ((self.lo, lo), (self.hi, hi), (self.gap, gap)):
                np.copyto(into, values, where=yes)
            return
        rows = idx[yes]
        self.bracketed[rows] = True
        self.lo[rows], self.hi[rows], self.gap[rows] = lo[yes], take(hi, yes), gap[yes]

    def result(self, pair: Pair) -> tuple[Array, Array, Array, Array]:
        """The bracketed samples (in order), their ``lo``, ``hi`` and gap at ``lo``."""
        idx = np.flatnonzero(self.bracketed)
        at = pair.rows(idx)
        return idx, self.lo[at], self.hi[at], self.gap[at]


def _test_stretch(pair: Pair, idx: Array, stretch: tuple[Array, Array],
                  runs: tuple[Array, Array], left: Array, bent: Array,
                  ) -> tuple[Array, Array, Array]:
    """Whether samples ``idx`` are dearer on their stretch ``start..end``, the dearer day
    ``lo`` and the gap there: tested where the stretch's largest value can be; ``runs``
    are both options' ``n`` on the stretch.

    That is at the start or next to the inner maximum of a concave stretch (its end
    when the maximum lies beyond; ``left`` is the day before the maximum, ``bent``
    whether the stretch is concave), at the start and the end otherwise. A falling
    stretch needs no test at its end: the next stretch's start is known not dearer.
    """
    # ``probe``: the start, or the day of a concave stretch's maximum; ``second``:
    # the day after that maximum, or the end of a stretch that is not concave.
    start, end = stretch
    inner = bent & (left >= start)
    probe = np.where(inner, np.minimum(left, end), start) if inner.any() else start
    two = np.flatnonzero((inner & (left < end)) | ~bent)
    second = np.where(bent[two], left[two] + 1.0, take(end, two)) \
        if bent[two].any() else take(end, two)
    yes, gap = pair.dearer(pair.rows(idx), probe, runs)
    lo = np.broadcast_to(probe, idx.shape)
    if two.size:
        more, more_gap = pair.dearer(pair.rows(idx[two]), second,
                                     (take(runs[0], two), take(runs[1], two)))
        moved = two[more]
        lo = lo.copy()
        lo[moved] = np.broadcast_to(second, two.shape)[more]
        gap[moved] = more_gap[more]
        yes[moved] = True
    return yes, lo, gap


def _newton_guesses(pair: Pair, shape: GapShape, idx: Array, lo: Array, hi: Array,
                    gap_lo: Array) -> Array:
    """Stage 2, Newton guesses: the last dearer day in each bracket, roughly.

    Newton's steps on the stretch's gap as a smooth function of the day,
    ``gap_lo + b*(x-lo) + c*(V(x)-V(lo))/N0``, from the bracket's end: a guess
    within a day, usually. Only a guess: stage 3 tests the days.
    """
    at = pair.rows(idx)
    slope, curve = (np.broadcast_to(v, (pair.m,))[at] for v in (shape.b, shape.c))
    rate = take(shape.lam, at)
    guess = hi
    volume_lo = volume_and_slope(rate, lo)[0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(NEWTON_STEPS):
            volume, growth = volume_and_slope(rate, guess)
            value = gap_lo + slope * (guess - lo) + curve * (volume - volume_lo)
            guess = guess - value / (slope + curve * growth)
    return guess


def _settle_brackets(pair: Pair, idx: Array, lo: Array, hi: Array, guess: Array,
                     out: Array) -> None:
    """Stage 3, settle the bracket: the break-even day (last dearer day + 1) into ``out``.

    The guessed day and the next are tested; the brackets still open after that
    take a few more rounds (the line through the two gaps just found, then
    halving the bracket).
    """
    for rounds in itertools.count(1):
        closed = hi - lo <= 1.0
        if closed.any():
            out[idx[closed]] = lo[closed] + 1.0
            open_ = ~closed
            idx, lo, hi, guess = idx[open_], lo[open_], hi[open_], guess[open_]
        if not idx.size:
            break
        at = pair.rows(idx)
        day = np.fmin(np.fmax(np.floor(guess), lo), hi - 1.0)
        at_day, gap_day = pair.dearer(at, day)
        at_next, gap_next = pair.dearer(at, day + 1.0)
        at_next &= day + 1.0 < hi
        lo = np.where(at_next, day + 1.0, np.where(at_day, day, lo))
        hi = np.where(at_day, np.where(at_next, hi, day + 1.0), day)
        if rounds < NEWTON_ROUNDS:
            with np.errstate(divide="ignore", invalid="ignore"):
                guess = day + gap_day / (gap_day - gap_next)
        else:
            guess = np.floor((lo + hi) / 2)


def _break_even_one(opt: OptionCurve, base: OptionCurve, horizon: int, n0: Array,
                    volume_factor: ByDay, m: int) -> Array:
    """Break-even day of one option against the baseline, for the ``m`` samples of a chunk:
    the samples never dearer are 0, the others go through the three stages."""
    pair = Pair(opt, base, n0, volume_factor, m)
    out = np.zeros(m)
    last = np.float64(horizon)
    idx = _may_be_dearer(pair, last)
    if idx.size == 0:
        return out
    shape = gap_shape(pair)
    idx, lo, hi, gap_lo = _find_brackets(pair, shape, idx, last)
    guess = _newton_guesses(pair, shape, idx, lo, hi, gap_lo)
    _settle_brackets(pair, idx, lo, hi, guess, out)
    # Dearer on the horizon itself: does not pay back.
    out[out > horizon] = np.nan
    return out
