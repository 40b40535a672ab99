"""How precise the simulation's estimates are: exact sums, standard errors and the
distribution-free bounds of a percentile.

Sums are kept exactly (as Shewchuk's non-overlapping partials, the algorithm behind
``math.fsum``), so a mean or a standard error is the same whatever the blocks were
grouped into: chunk size, Dask tasks and merge order do not change a bit of it.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ftreport.engine.costs import Array

Z95 = 1.959963984540054  # two-sided 95% quantile of the standard normal
CONFIDENCE = 0.95


class ExactSum:
    """A sum of floats without rounding error until it is read (``value``)."""

    __slots__ = ("partials",)

    def __init__(self) -> None:
        self.partials: list[float] = []

    def add(self, x: float) -> None:
        partials, i = self.partials, 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[i] = low
                i += 1
            x = high
        partials[i:] = [x]

    def merge(self, other: ExactSum) -> None:
        for x in other.partials:
            self.add(x)

    @property
    def value(self) -> float:
        return math.fsum(self.partials)


class Moments:
    """Count, sum and sum of squares of the finite values of one output of one option,
    taken about a fixed ``shift`` (the deterministic value) so the variance keeps its
    digits when the spread is small against the mean."""

    __slots__ = ("blocks", "count", "shift", "squares", "sum")

    def __init__(self, shift: float, *, per_block: bool = False) -> None:
        self.shift = shift if math.isfinite(shift) else 0.0
        self.count = 0
        self.sum, self.squares = ExactSum(), ExactSum()
        # With ``per_block``, each block's (count, sum, sum of squares): the running
        # mean of the convergence chart.
        self.blocks: list[tuple[int, float, float]] | None = [] if per_block else None

    def add_blocks(self, values: Array, block: int) -> None:
        """Add a chunk's samples, summed block by block (``block`` samples each, the last
        one possibly shorter) so each block's float sums are the same in every chunking."""
        finite = np.isfinite(values)
        self.count += int(finite.sum())
        d = np.where(finite, values - self.shift, 0.0)
        full = d.size // block * block
        sums = [*d[:full].reshape(-1, block).sum(axis=1), *([d[full:].sum()] if full < d.size
                                                             else [])]
        squares = [*(d[:full] ** 2).reshape(-1, block).sum(axis=1),
                   *([(d[full:] ** 2).sum()] if full < d.size else [])]
        for s, q in zip(sums, squares, strict=True):
            self.sum.add(float(s))
            self.squares.add(float(q))
        if self.blocks is not None:
            counts = [*finite[:full].reshape(-1, block).sum(axis=1),
                      *([finite[full:].sum()] if full < d.size else [])]
            self.blocks += [(int(c), float(s), float(q))
                            for c, s, q in zip(counts, sums, squares, strict=True)]

    def merge(self, other: Moments) -> None:
        self.count += other.count
        self.sum.merge(other.sum)
        self.squares.merge(other.squares)
        if self.blocks is not None and other.blocks is not None:
            self.blocks += other.blocks

    def running(self, points: int) -> dict[str, list[float | None]]:
        """The mean and its standard error after ``points`` block counts spread evenly on
        a log scale (from the block sums, in block order, so the same in every chunking)."""
        if not self.blocks:
            return {"iterations": [], "mean": [], "se": []}
        table = np.array(self.blocks, dtype=float)
        n, s1, s2 = (np.cumsum(table[:, j]) for j in range(3))
        at = np.unique(np.geomspace(1, len(table), points).round().astype(int)) - 1
        found: dict[str, list[float | None]] = {"iterations": [], "mean": [], "se": []}
        for k in at:
            found["iterations"].append(float(n[k]))
            found["mean"].append(self.shift + s1[k] / n[k] if n[k] else None)
            variance = (s2[k] - s1[k] ** 2 / n[k]) / (n[k] - 1) if n[k] > 1 else math.nan
            found["se"].append(math.sqrt(max(0.0, variance) / n[k])
                               if math.isfinite(variance) else None)
        return found

    def mean(self) -> float | None:
        return None if self.count == 0 else self.shift + self.sum.value / self.count

    def standard_error(self) -> float | None:
        """Standard error of the mean (sample standard deviation / sqrt(count)); None
        below two values."""
        if self.count < 2:
            return None
        s1, n = self.sum.value, self.count
        variance = max(0.0, (self.squares.value - s1 * s1 / n) / (n - 1))
        return math.sqrt(variance / n)


def proportion_se(successes: int, trials: int) -> float:
    """Standard error of a share of ``trials``: sqrt(p(1-p)/n)."""
    p = successes / trials
    return math.sqrt(p * (1.0 - p) / trials)


@lru_cache(maxsize=256)
def order_statistic_ranks(n: int, q: float) -> tuple[int | None, int | None]:
    """0-based ranks ``(l, u)`` of the sorted sample such that ``[x_l, x_u]`` holds the
    population's ``q`` quantile with at least 95% probability, whatever the distribution
    (the number of samples below the quantile is Binomial(n, q)); None where no sample
    is low (high) enough: the bound is unbounded."""
    if n == 0:
        return None, None
    cdf, first = _binomial_cdf_window(n, q)
    tail = (1.0 - CONFIDENCE) / 2
    # Lower: the largest 1-based l with P(B <= l-1) <= tail; upper: the smallest u with
    # P(B <= u-1) >= 1 - tail. Then P(x_(l) <= Q <= x_(u)) >= 95%.
    below = np.nonzero(cdf <= tail)[0]
    low = first + int(below[-1]) + 1 if below.size else first
    above = np.nonzero(cdf >= 1.0 - tail)[0]
    high = first + int(above[0]) + 1 if above.size else n + 1
    return (low - 1 if low >= 1 else None), (high - 1 if high <= n else None)


def _binomial_cdf_window(n: int, q: float) -> tuple[Array, int]:
    """P(B <= k) of B ~ Binomial(n, q) for k in a window of +-12 standard deviations
    around the mean (the rest of the mass is below 1e-30), and the window's first k."""
    sd = math.sqrt(n * q * (1.0 - q))
    first = max(0, math.floor(n * q - 12 * sd - 2))
    last = min(n, math.ceil(n * q + 12 * sd + 2))
    if q <= 0.0 or q >= 1.0:
        cdf = np.ones(last - first + 1) if q <= 0.0 else np.where(
            np.arange(first, last + 1) >= n, 1.0, 0.0)
        return cdf, first
    k = np.arange(first, last + 1, dtype=float)
    log_first = (math.lgamma(n + 1) - math.lgamma(first + 1) - math.lgamma(n - first + 1)
                 + first * math.log(q) + (n - first) * math.log1p(-q))
    # log pmf(k+1) - log pmf(k) = log((n-k)/(k+1)) + log(q/(1-q)).
    steps = np.log((n - k[:-1]) / (k[:-1] + 1.0)) + math.log(q / (1.0 - q))
    log_pmf = log_first + np.concatenate(([0.0], np.cumsum(steps)))
    return np.minimum(np.cumsum(np.exp(log_pmf)), 1.0), first
