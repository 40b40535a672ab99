"""From a finished tally to the contract's per-option summary: probabilities with their
standard errors, and each simulated output's percentiles (with 95% bounds), means
(with standard errors), trimmed mean and trimmed count.

Exact mode reads the stored samples (``statistics``); sketch mode the KLL sketches,
where percentiles carry the sketch's rank error on top of the sampling bounds, and the
trimmed mean and histogram are defined from the sketch's quantiles
(docs/simulation.md, "Exact and sketch mode").
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ftreport.engine.costs import Array
from ftreport.engine.precision import Moments, order_statistic_ranks, proportion_se
from ftreport.engine.sampling import BLOCK
from ftreport.engine.sketch import SketchColumn
from ftreport.engine.statistics import (
    HISTOGRAM_BINS,
    histogram,
    kept_mean,
    percentile_bounds,
    quantile_grid,
    seed_000_kept,
    sorted_statistics,
    sorted_valid,
)
from ftreport.engine.tally import RAW_D_MIN, SEED_000, Tally
from ftreport.model.outputs import OUTPUT, PERCENTILES, SIMULATED_KEYS
from ftreport.model.results import plain_number

# The S-curve's probabilities: every 2.5% from the minimum (0) to the maximum (1).
S_CURVE = tuple(i / 40 for i in range(41))
# Sketch mode: the trimmed mean is the mean of the sketch's quantiles at this many
# evenly spaced ranks inside the trim.
TRIM_GRID = 1000
PROBABILITIES = {"cheapest": "p_cheapest", "recommended": "p_recommended",
                 "beats_baseline": "p_beats_baseline",
                 "savings_at_least_target": "p_savings_at_least_target",
                 "payback_within_target": "p_payback_within_target"}


def probabilities(tally: Tally, option: int) -> dict[str, float]:
    """Each counted probability of ``option`` and its standard error (``<key>_se``)."""
    n = tally.filled
    found: dict[str, float] = {}
    for name, counts in tally.counts.items():
        key = PROBABILITIES[name]
        found[key] = float(counts[option]) / n
        found[f"{key}_se"] = proportion_se(int(counts[option]), n)
    return found


def _bounds_keys(stats: dict[str, Any], bounds: list[tuple[Any, Any]]) -> None:
    for p, (low, high) in zip(PERCENTILES, bounds, strict=True):
        stats[f"p{p}_lower"], stats[f"p{p}_upper"] = low, high


class OptionSamples:
    """One output of one option in exact mode: its sorted defined samples."""

    def __init__(self, tally: Tally, key: str, option: int, base_total: Array | None):
        self.iterations = tally.filled
        if key == "savings_vs_baseline":
            # The engine's own subtraction, so stored totals are enough.
            x = base_total - tally.columns["total_cost"][option].values()  # type: ignore
            self.constant = False
        else:
            column = tally.columns[key][option]
            self.constant = column.data is None
            # A constant output: its statistics over one iteration are those over all.
            x = np.full(1, column.value, dtype=float) if self.constant else column.values()
        self.count = 1 if self.constant else self.iterations
        self.x = x  # in iteration order (one value: a constant), for seed 000's trim
        self.valid = sorted_valid(x, never_is_infinite=OUTPUT[key].never_is_infinite)

    def statistics(self, trim: tuple[float, float]) -> tuple[dict[str, Any], tuple[float, float]]:
        stats, bounds = sorted_statistics(self.valid, self.count, trim)
        if self.constant:  # every iteration has this value: its percentiles are exact
            _bounds_keys(stats, [(stats[f"p{p}"],) * 2 for p in PERCENTILES])
        else:
            _bounds_keys(stats, percentile_bounds(self.valid))
        return stats, bounds

    def histogram(self, low: float, high: float) -> dict[str, list[float]]:
        return histogram(self.valid, low, high)

    def kept(self, stats: dict[str, Any], kept: Array) -> dict[str, list[float]]:
        """Seed 000's trim: the trimmed mean and count over the ``kept`` iterations (one
        set for every output of the option), and the histogram of the kept values."""
        stats.update(trimmed_mean=kept_mean(self.x, kept),
                     trimmed=int(kept.size - np.count_nonzero(kept)))
        return histogram(np.broadcast_to(self.x, kept.shape)[kept], -np.inf, np.inf)

    def grid(self) -> list[float | None]:
        return quantile_grid(self.valid, S_CURVE)


class SketchSamples:
    """One output of one option in sketch mode: its KLL sketch and exact moments."""

    def __init__(self, tally: Tally, key: str, option: int, rank_error: float):
        self.sketch: SketchColumn = tally.sketches[key][option]
        self.iterations, self.error = tally.filled, rank_error
        self.count = self.sketch.count()

    def _at(self, rank: float) -> float | None:
        return plain_number(self.sketch.quantile(rank))

    def statistics(self, trim: tuple[float, float]) -> tuple[dict[str, Any], tuple[float, float]]:
        stats: dict[str, Any] = {f"p{p}": None for p in PERCENTILES}
        stats.update(mean=None, trimmed_mean=None, trimmed=0)
        if self.count == 0:
            _bounds_keys(stats, [(None, None)] * len(PERCENTILES))
            return stats, (math.nan, math.nan)
        for p in PERCENTILES:
            stats[f"p{p}"] = self._at(p / 100.0)
        _bounds_keys(stats, [self._bounds(p / 100.0) for p in PERCENTILES])
        low, high = (self.sketch.quantile(t / 100.0) for t in trim)
        inside = self.sketch.rank(high) - self.sketch.rank(low, inclusive=False)
        stats["trimmed"] = round(self.count * (1.0 - inside))
        ranks = trim[0] / 100 + (np.arange(TRIM_GRID) + 0.5) / TRIM_GRID * (
            trim[1] - trim[0]) / 100
        marks = np.array([self.sketch.quantile(r) for r in ranks])
        marks = marks[np.isfinite(marks)]
        stats["trimmed_mean"] = float(marks.mean()) if marks.size else None
        return stats, (low, high)

    def _bounds(self, q: float) -> tuple[float | None, float | None]:
        """The order-statistic bounds' ranks widened by the sketch's rank error."""
        if self.sketch.constant:
            return (self._at(q),) * 2  # type: ignore[return-value]
        low, high = order_statistic_ranks(self.count, q)
        return (None if low is None else self._at(low / self.count - self.error),
                None if high is None else self._at((high + 1) / self.count + self.error))

    def histogram(self, low: float, high: float) -> dict[str, list[float]]:
        """Estimated counts of the values inside ``[low, high]`` in equal bins, from the
        sketch's ranks."""
        if not (math.isfinite(low) and math.isfinite(high)) or self.count == 0:
            return {"edges": [], "counts": []}
        bins = HISTOGRAM_BINS if high > low else 1
        edges = np.linspace(low, high, bins + 1) if high > low else np.array(
            [low - 0.5, low + 0.5])
        ranks = [self.sketch.rank(float(low), inclusive=False)] + [
            self.sketch.rank(float(e)) for e in edges[1:]]
        counts = np.round(np.diff(ranks) * self.count)
        return {"edges": [float(e) for e in edges], "counts": [float(c) for c in counts]}

    def grid(self) -> list[float | None]:
        return [self._at(p) for p in S_CURVE]


class RawSamples(OptionSamples):
    """Seed 000's raw D_min of one option (exact mode, trim_mode seed-000): its own
    percentile object, with the standard error of its mean from its moments."""

    def __init__(self, tally: Tally, option: int):
        column = tally.columns[RAW_D_MIN][option]
        self.iterations, self.constant, self.count = tally.filled, False, tally.filled
        self.x = column.values()
        self.valid = sorted_valid(self.x)

    def summary(self, kept: Array) -> dict[str, Any]:
        stats, _ = self.statistics((0.0, 100.0))
        self.kept(stats, kept)
        moments = Moments(stats["p50"] or 0.0)
        moments.add_blocks(self.x, BLOCK)
        stats["mean_se"] = moments.standard_error()
        return stats


def seed_000_sets(tally: Tally, names: list[str], trim: tuple[float, float]) -> list[Array]:
    """Each option's kept iterations under seed 000's trim (``seed_000_kept``)."""
    return [seed_000_kept(tally.columns["max_training_tokens"][i].values(),
                          tally.columns[RAW_D_MIN][i].values(), trim)
            for i in range(len(names))]


def summarise(tally: Tally, names: list[str], trim: tuple[float, float], baseline: int,
              featured: int, rank_error: float,
              ) -> tuple[list[dict[str, Any]], int, dict[str, list[float]],
                         dict[str, list[float | None]]]:
    """Each option's probabilities and statistics; the featured option's trimmed count
    and savings histogram; each alternative's savings at the S-curve's probabilities."""
    exact = tally.spec.exact
    base_total = tally.columns["total_cost"][baseline].values() if exact else None
    summary: list[dict[str, Any]] = []
    trimmed, hist, curves = 0, {}, {}
    kept_sets = seed_000_sets(tally, names, trim) if tally.spec.trim_mode == SEED_000 else None
    for i, name in enumerate(names):
        entry: dict[str, Any] = {"name": name, **probabilities(tally, i)}
        for key in SIMULATED_KEYS:
            samples = (OptionSamples(tally, key, i, base_total) if exact
                       else SketchSamples(tally, key, i, rank_error))
            entry[key], (low, high) = samples.statistics(trim)
            kept_hist = None if kept_sets is None else samples.kept(entry[key], kept_sets[i])
            moments = tally.moments[key][i]
            if not exact:
                entry[key].update(mean=moments.mean(),
                                  finite_share=moments.count / tally.filled)
            entry[key]["mean_se"] = moments.standard_error()
            if key == "savings_vs_baseline":
                if i != baseline:  # the baseline saves nothing against itself
                    curves[name] = samples.grid()
                if i == featured:
                    trimmed = entry[key]["trimmed"]
                    hist = samples.histogram(low, high) if kept_hist is None else kept_hist
        if kept_sets is not None:
            entry[RAW_D_MIN] = RawSamples(tally, i).summary(kept_sets[i])
        summary.append(entry)
    return summary, trimmed, hist, curves
