"""Samplers for the `Uncertainty` table's distributions (docs/simulation.md).

What ``p1``, ``p2`` and ``p3`` mean for each distribution:

=============  ===========  ==========  ==========
distribution   p1           p2          p3
=============  ===========  ==========  ==========
fixed          value
uniform        min          max
integer        min          max                     whole numbers, both ends included
normal         mean         sd
triangular     min          mode        max
pert           min          mode        max         Beta-PERT, shape 4
lognormal      mean         sd                      of the value itself, not of its log
poisson        mean                                 counts 0, 1, 2, ...
=============  ===========  ==========  ==========

A parameter a distribution does not use must be blank, so a row typed as
"uniform" but meant as "triangular" is caught rather than silently cut short.
After drawing, a row's ``clip_min``/``clip_max`` apply, then the input's own
bounds (``bounds_for``): quantities that cannot be negative at 0, shares at
[0, 1], monthly growth just above -1.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from ftreport.engine.costs import Array
from ftreport.model.results import plain_number
from ftreport.model.schema import DISTRIBUTION_PARAMS, DISTRIBUTIONS, NON_NEGATIVE, SHARES

PERT_SHAPE = 4.0  # the classic Beta-PERT weight of the mode
# Volume growth of -100% a month or less has no meaning (log1p(-1) = -inf).
MIN_GROWTH = float(np.nextafter(-1.0, 0.0))
# PERT quantiles: a table of this many intervals, exact betaincinv in the first and
# last BETA_TAIL of them (0.1% of the draws).
BETA_TABLE = 2**16
BETA_TAIL = 64
# Half the width of the Poisson CDF table Latin hypercube sampling searches (counts).
POISSON_TABLE_SPREAD = 1_000_000  # a mean up to about 1e10


def row_problems(distribution: str, p1: float | None, p2: float | None, p3: float | None,
                 clip_min: float | None = None, clip_max: float | None = None,
                 ) -> list[tuple[str, str]]:
    """``(column, expected)`` for each cell of an Uncertainty row that does not fit.

    The one rule set behind the reader (which names the exact cell) and the
    simulation's backstop for books built in code. Blank cells are None; a
    number that is not finite counts as blank. Parameter names come from
    ``schema.DISTRIBUTION_PARAMS``.
    """
    if distribution not in DISTRIBUTION_PARAMS:
        problems = [("distribution", "one of " + ", ".join(DISTRIBUTIONS))]
    else:
        problems = list(_parameter_problems(distribution, {
            "p1": p1, "p2": p2, "p3": p3}))
    if clip_min is not None and clip_max is not None and not clip_min <= clip_max:
        problems.append(("clip_max", f"at least clip_min ({clip_min:g})"))
    return problems


def _parameter_problems(dist: str, given: dict[str, float | None]
                        ) -> Iterator[tuple[str, str]]:
    names = DISTRIBUTION_PARAMS[dist]
    columns = ("p1", "p2", "p3")
    p = {k: plain_number(v) for k, v in given.items()}
    missing = False
    for i, column in enumerate(columns):
        if i < len(names) and p[column] is None:
            missing = True
            yield column, f"the {names[i]} of the {dist} distribution (a number)"
        elif i >= len(names) and given[column] is not None:
            takes = ", ".join(f"{c} {n}" for c, n in zip(columns, names, strict=False))
            yield column, f"blank: {dist} takes {takes}"
    if missing:
        return
    a, b, c = (float(v) if v is not None else math.nan for v in p.values())
    if dist in ("uniform", "integer"):
        if dist == "integer":
            for column, v in (("p1", a), ("p2", b)):
                if not v.is_integer():
                    yield column, "a whole number"
        if a > b:
            yield "p2", f"the max, at least the min in p1 ({a:g})"
    elif dist in ("normal", "lognormal"):
        if dist == "lognormal" and a <= 0:
            yield "p1", "the mean, greater than 0 for lognormal"
        if b < 0:
            yield "p2", "the sd, at least 0"
    elif dist in ("triangular", "pert"):
        if a >= c:
            yield "p3", f"the max, greater than the min in p1 ({a:g})"
        elif not a <= b <= c:
            yield "p2", f"the mode, between the min ({a:g}) and the max ({c:g})"
    elif dist == "poisson" and a < 0:
        yield "p1", "the mean, at least 0"


def bounds_for(input_name: str) -> tuple[float | None, float | None]:
    """The bounds every sample of ``input_name`` is clipped to after the row's own clip."""
    if input_name in SHARES:
        return 0.0, 1.0
    if input_name in NON_NEGATIVE:
        return 0.0, None
    if input_name == "monthly_growth":
        return MIN_GROWTH, None
    return None, None


def lognormal_log_parameters(mean: float, sd: float) -> tuple[float, float]:
    """``(mu, sigma)`` of ``log X`` for a lognormal ``X`` with the given mean and sd."""
    sigma2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2)


def draw(distribution: str, params: Sequence[float | None], rng: np.random.Generator,
         size: int) -> Array:
    """``size`` samples of one distribution (parameters already checked), as floats.

    Each call consumes the generator in a fixed way per sample, so drawing a
    block at once or in pieces gives the same numbers only by block; callers
    keep the block size fixed (ftreport.engine.sampling.BLOCK).
    """
    a, b, c = (float(p) if p is not None else math.nan for p in (*params, None, None, None)[:3])
    if distribution == "fixed":
        return np.full(size, a)
    if distribution == "uniform":
        return rng.uniform(a, b, size)
    if distribution == "integer":
        return rng.integers(int(a), int(b), size, endpoint=True).astype(float)
    if distribution == "normal":
        return rng.normal(a, b, size)
    if distribution in ("triangular", "pert") and a == c:
        return np.full(size, a)  # numpy rejects a zero-width range
    if distribution == "triangular":
        return rng.triangular(a, b, c, size)
    if distribution == "pert":
        alpha = 1.0 + PERT_SHAPE * (b - a) / (c - a)
        beta = 1.0 + PERT_SHAPE * (c - b) / (c - a)
        return a + (c - a) * rng.beta(alpha, beta, size)
    if distribution == "lognormal":
        mu, sigma = lognormal_log_parameters(a, b)
        return rng.lognormal(mu, sigma, size)
    if distribution == "poisson":
        return rng.poisson(a, size).astype(float)
    raise ValueError(f"unknown distribution {distribution!r}")


def quantile(distribution: str, params: Sequence[float | None], u: Array) -> Array:
    """The inverse CDF at ``u`` (each in (0, 1)): the values Latin hypercube sampling maps
    its stratified uniforms to, for the same distributions ``draw`` samples.

    numpy has no inverse normal or inverse incomplete-beta function, so the normal,
    lognormal, PERT and Poisson quantiles come from scipy.special (imported here, so a
    plain random run never loads it).
    """
    a, b, c = (float(p) if p is not None else math.nan for p in (*params, None, None, None)[:3])
    if distribution == "fixed" or (distribution in ("triangular", "pert") and a == c):
        return np.full(u.shape, a)
    if distribution == "uniform":
        return a + (b - a) * u
    if distribution == "integer":
        return np.minimum(np.floor(a + (b - a + 1.0) * u), b)
    if distribution == "triangular":
        left = (b - a) / (c - a)  # the CDF at the mode
        return np.where(u < left, a + np.sqrt(u * (c - a) * (b - a)),
                        c - np.sqrt((1.0 - u) * (c - a) * (c - b)))
    from scipy import special

    if distribution == "normal":
        return a + b * special.ndtri(u)
    if distribution == "lognormal":
        mu, sigma = lognormal_log_parameters(a, b)
        return np.exp(mu + sigma * special.ndtri(u))
    if distribution == "pert":
        alpha = 1.0 + PERT_SHAPE * (b - a) / (c - a)
        beta = 1.0 + PERT_SHAPE * (c - b) / (c - a)
        return a + (c - a) * _beta_quantile(alpha, beta, u, special)
    if distribution == "poisson":
        return _poisson_quantile(a, u, special)
    raise ValueError(f"unknown distribution {distribution!r}")


def _beta_quantile(alpha: float, beta: float, u: Array, special: Any) -> Array:
    """The Beta(alpha, beta) quantile at ``u``: scipy's ``betaincinv`` is exact but slow
    (0.8 s per million), so a start interpolated in a table of it and one Newton step
    on the CDF (quadratic: the start's error of ~1e-10 becomes rounding); in the
    tails, where the table is too coarse, ``betaincinv`` itself."""
    table = _beta_table(alpha, beta)
    # An even grid: the interval is found by one multiplication (np.interp searches).
    position = u * BETA_TABLE
    k = np.minimum(position.astype(np.intp), BETA_TABLE - 1)
    x = table[k] + (table[k + 1] - table[k]) * (position - k)
    with np.errstate(divide="ignore", invalid="ignore"):  # at 0 or 1: a tail, redone below
        pdf = np.exp((alpha - 1.0) * np.log(x) + (beta - 1.0) * np.log1p(-x)
                     - special.betaln(alpha, beta))
        x = np.clip(x - (special.betainc(alpha, beta, x) - u) / pdf, 0.0, 1.0)
    tails = (k < BETA_TAIL) | (k >= BETA_TABLE - BETA_TAIL)
    if tails.any():
        x[tails] = special.betaincinv(alpha, beta, u[tails])
    return x


@lru_cache(maxsize=16)
def _beta_table(alpha: float, beta: float) -> Array:
    """Beta(alpha, beta) quantiles at the probabilities k / BETA_TABLE, k = 0..BETA_TABLE."""
    from scipy import special

    return special.betaincinv(alpha, beta, np.linspace(0.0, 1.0, BETA_TABLE + 1))


def _poisson_quantile(mean: float, u: Array, special: Any) -> Array:
    """The smallest k with P(X <= k) >= u, searched in a table of the CDF over mean +-
    10 sd (beyond it lies less than 1e-22, and every u is at least 2**-53), or, for a
    mean too large for a table, the continuous inverse rounded up and checked one
    step back (as scipy.stats.poisson.ppf does; far slower)."""
    if mean <= 0:
        return np.zeros(u.shape)
    if 10.0 * math.sqrt(mean) + 10.0 <= POISSON_TABLE_SPREAD:
        counts, table = _poisson_table(mean)
        return counts[np.minimum(np.searchsorted(table, u, side="left"), counts.size - 1)]
    k = np.ceil(special.pdtrik(u, mean))
    below = np.maximum(k - 1.0, 0.0)
    return np.where(special.pdtr(below, mean) >= u, below, k)


@lru_cache(maxsize=16)
def _poisson_table(mean: float) -> tuple[Array, Array]:
    """The counts within mean +- 10 sd and their CDF (the same for every block)."""
    from scipy import special

    spread = 10.0 * math.sqrt(mean) + 10.0
    counts = np.arange(max(0.0, math.floor(mean - spread)), math.ceil(mean + spread) + 1)
    return counts, special.pdtr(counts, mean)


def clip(values: Array, input_name: str, clip_min: float | None = None,
         clip_max: float | None = None) -> Array:
    """The row's clip, then the input's own bounds (non-negative, share, growth)."""
    lo, hi = bounds_for(input_name)
    for bound, keep_above in ((clip_min, True), (clip_max, False), (lo, True), (hi, False)):
        if bound is not None:
            values = np.maximum(values, bound) if keep_above else np.minimum(values, bound)
    return values
