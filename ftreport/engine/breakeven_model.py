"""What the break-even search tests: each option's ``C(d)`` over the samples of a chunk.

``OptionCurve`` evaluates one option's cost on given days (``Retraining`` gives its
``n(d)`` and stretches, per-day tables when every sample shares the interval, ``ByDay``
the volume ``V(d)/N0`` likewise), ``Pair`` the engine's "dearer" test of an option
against the baseline, ``gap_shape`` the shape of that test function between training
runs. ``breakeven`` searches with them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ftreport.engine import compare, costs
from ftreport.engine.costs import Array


def segment_start(runs: Array, safe: Array) -> Array:
    """First day of the stretch of days with ``runs`` training runs (``n(d)`` of some day
    ``d``); ``safe`` is the retraining interval (1 where there is none, so ``runs`` is 1).

    ``n(x) < runs`` and ``n(x - 1) == runs`` are written for the samples that retrain and
    have ``runs > 1`` (the others start at day 0): there ``n(x) = floor((x-1)/R) + 1``
    with the very divisions of ``costs.training_runs``, so the same days come out.
    """
    before = runs - 1.0
    start = before * safe
    start += 1.0
    np.ceil(start, out=start)
    # Guard against rounding with fractional periods: land on the first day of the stretch.
    np.add(start, 1.0, out=start, where=(start - 1.0) / safe < before)
    earlier = np.floor((start - 2.0) / safe) == before
    np.subtract(start, 1.0, out=start, where=earlier & (start > 1.0))
    np.copyto(start, 0.0, where=before < 1.0)
    return start


def samplewise(values: Array) -> Array:
    """``values`` as one 0-d number when every sample has the same, else as they are."""
    return values[:1].reshape(()) if values.size and (values == values[0]).all() else values


def take(values: Array, idx: Array | slice) -> Array:
    return values if values.ndim == 0 else values[idx]


class ByDay:
    """``fn(days, parameter)`` for some samples: a lookup in a table of days 0..D+1 when
    every sample has the same parameter (the table is ``fn`` itself, so values agree)."""

    def __init__(self, fn: Callable[[Array, Array], Array], parameter: Array, days: Array):
        self.fn, self.parameter = fn, samplewise(parameter)
        self.table = fn(days, self.parameter) if self.parameter.ndim == 0 else None

    def __call__(self, idx: Array | slice, day: Array, whole_day: Array) -> Array:
        """At ``day`` (floats: one for all, or one per sample) of samples ``idx``;
        ``whole_day`` is ``day`` as indices."""
        if self.table is not None:
            return self.table[whole_day]
        return self.fn(day, self.parameter[idx])


class Retraining:
    """One option's ``n(d)`` and its stretches (the days with as many runs), for some
    samples: per-day tables when every sample retrains alike, else
    ``costs.training_runs``' arithmetic with the interval's guards worked out once."""

    def __init__(self, retrain: Array, days: Array):
        r = samplewise(retrain)
        self.shared = r.ndim == 0
        self.periodic = r > 0
        self.safe = np.where(self.periodic, r, 1.0)
        self.always = bool(self.periodic.all())
        # No retraining in any sample: one run and one stretch, from day 0, on every day.
        self.never = not self.periodic.any()
        if self.shared:
            self.runs_table = costs.training_runs(days, r)
            self.start_table = segment_start(self.runs_table, self.safe)

    def runs(self, idx: Array | slice, day: Array, whole_day: Array) -> Array:
        """``n(day)`` of samples ``idx``; ``whole_day`` is ``day`` as indices."""
        if self.never:
            return np.float64(1.0)
        if self.shared:
            return self.runs_table[whole_day]
        return self._runs(day, take(self.safe, idx), idx)

    def _runs(self, day: Array, safe: Array, idx: Array | slice) -> Array:
        # costs.training_runs, step for step (so the same numbers), in place.
        runs = np.subtract(day, 1.0) / safe
        np.floor(runs, out=runs)
        runs += 1.0
        np.maximum(runs, 1.0, out=runs)
        return runs if self.always else np.where(self.periodic[idx], runs, 1.0)

    def stretch(self, idx: Array | slice, day: Array, whole_day: Array) -> tuple[Array, Array]:
        """First day of the stretch holding ``day`` and ``n`` on it, for samples ``idx``."""
        if self.never:
            return np.float64(0.0), np.float64(1.0)
        if self.shared:
            return self.start_table[whole_day], self.runs_table[whole_day]
        safe = take(self.safe, idx)
        runs = self._runs(day, safe, idx)
        return segment_start(runs, safe), runs


class OptionCurve:
    """One option's ``C(d)`` over the samples of a chunk, evaluated where asked."""

    def __init__(self, blocks: Mapping[str, Array], retrain: Array, days: Array):
        self.upfront, self.per_run, self.fixed, self.per_request = (
            samplewise(blocks[k]) for k in (
                "upfront_cost", "training_cost_per_run", "daily_fixed_cost", "cost_per_request"))
        self.retraining = Retraining(retrain, days)
        self.runs = self.retraining.runs

    def cost(self, idx: Array | slice, day: Array, runs: Array, volume: Array) -> Array:
        """``C(day)`` of samples ``idx``, ``runs`` and ``volume`` being their ``n(day)`` and
        ``V(day)``."""
        return costs.cost_through(day, take(self.upfront, idx), take(self.per_run, idx),
                                  runs, take(self.fixed, idx), take(self.per_request, idx),
                                  volume)


def volume_and_slope(rate: Array, day: Array) -> tuple[Array, Array]:
    """``V(day)/N0`` and its derivative on the smooth model, for guesses only: from one
    ``exp`` (cheaper than the exact ``expm1`` form; the tests decide, not the guess)."""
    if rate.ndim == 0 and rate == 0:
        return day, np.ones_like(day)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        e = np.exp(rate * day)
        scale = np.expm1(rate)
        volume, slope = (e - 1.0) / scale, rate * e / scale
    if rate.ndim == 0:
        return volume, slope
    flat = rate == 0
    return np.where(flat, day, volume), np.where(flat, 1.0, slope)


class Pair:
    """One option against the baseline over the samples of a chunk: the engine's test."""

    def __init__(self, opt: OptionCurve, base: OptionCurve, n0: Array,
                 volume_factor: ByDay, m: int):
        self.opt, self.base, self.n0, self.volume_factor, self.m = opt, base, n0, volume_factor, m

    def rows(self, idx: Array) -> Array | slice:
        """``idx`` (in order) or, when that is every sample, a slice: views, not copies."""
        return slice(None) if idx.size == self.m else idx

    def dearer(self, idx: Array | slice, day: Array,
               runs: tuple[Array, Array] | None = None) -> tuple[Array, Array]:
        """The engine's test at ``day`` for samples ``idx``, and ``C_i - C_b`` (for guesses);
        ``runs`` is both options' ``n(day)`` when already known (on a stretch)."""
        whole = day.astype(np.intp)
        if runs is None:
            runs = self.opt.runs(idx, day, whole), self.base.runs(idx, day, whole)
        # cumulative_volume's own product: N0 * V(d)/N0.
        v = take(self.n0, idx) * self.volume_factor(idx, day, whole)
        yes, gap = compare.cost_gap(self.opt.cost(idx, day, runs[0], v),
                                    self.base.cost(idx, day, runs[1], v))
        if yes.ndim == 0:  # every input the same in every sample
            size = self.m if isinstance(idx, slice) else idx.size
            yes, gap = np.full(size, yes), np.full(size, gap)
        return yes, gap


@dataclass(frozen=True)
class GapShape:
    """The test function ``a + b*d + c*V(d)`` on a stretch: ``b``, ``c``, the daily log
    growth ``lam`` of ``V``, the samples where it is concave and the day of its maximum."""

    b: Array
    c: Array
    lam: Array
    concave: Array
    peak: Array


def gap_shape(pair: Pair) -> GapShape:
    """Shape of the test function ``a + b*d + c*V(d)``: concave when ``c*V`` is concave."""
    opt, base, m = pair.opt, pair.base, pair.m
    tol = compare.COST_TOLERANCE
    lam = costs.daily_log_growth(pair.volume_factor.parameter)
    c = ((1 - tol) * opt.per_request - base.per_request) * pair.n0
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
    return GapShape(b, c, lam, concave, peak)
