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
from collections.abc import Sequence

import numpy as np

from ftreport.engine.costs import Array
from ftreport.schema import DISTRIBUTIONS, NON_NEGATIVE, SHARES

# The names of p1, p2, p3 for each distribution, in messages and docs.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("min", "max"),
    "integer": ("min", "max"),
    "normal": ("mean", "sd"),
    "triangular": ("min", "mode", "max"),
    "pert": ("min", "mode", "max"),
    "lognormal": ("mean", "sd"),
    "poisson": ("mean",),
}
assert set(PARAMETERS) == set(DISTRIBUTIONS)

PERT_SHAPE = 4.0  # the classic Beta-PERT weight of the mode
# Volume growth of -100% a month or less has no meaning (log1p(-1) = -inf).
MIN_GROWTH = float(np.nextafter(-1.0, 0.0))


def _label(distribution: str, index: int) -> str:
    return f"p{index + 1} ({PARAMETERS[distribution][index]})"


def parameter_error(distribution: str, p1: float | None, p2: float | None,
                    p3: float | None) -> str | None:
    """What a valid parameter set looks like, or None when ``p1..p3`` are valid.

    Blank parameters are None. The message names the parameters by position and
    meaning, e.g. "uniform needs p1 (min) <= p2 (max)", for the reader to attach
    to the offending cell.
    """
    if distribution not in PARAMETERS:
        return "distribution must be one of " + ", ".join(DISTRIBUTIONS)
    names = PARAMETERS[distribution]
    values = (p1, p2, p3)
    for i, value in enumerate(values):
        used = i < len(names)
        if used and (value is None or not math.isfinite(value)):
            return f"{distribution} needs a number in {_label(distribution, i)}"
        if not used and value is not None:
            wanted = " and ".join(_label(distribution, j) for j in range(len(names)))
            return f"{distribution} uses only {wanted}; leave p{i + 1} blank"
    a, b, c = (float(v) if v is not None else math.nan for v in values)
    d = distribution
    if d in ("uniform", "integer") and not a <= b:
        return f"{d} needs p1 (min) <= p2 (max)"
    if d == "integer" and not (a.is_integer() and b.is_integer()):
        return "integer needs whole numbers in p1 (min) and p2 (max)"
    if d == "normal" and not b >= 0:
        return "normal needs p2 (sd) >= 0"
    if d in ("triangular", "pert") and not a <= b <= c:
        return f"{d} needs p1 (min) <= p2 (mode) <= p3 (max)"
    if d == "lognormal" and not a > 0:
        return "lognormal needs p1 (mean) > 0"
    if d == "lognormal" and not b >= 0:
        return "lognormal needs p2 (sd) >= 0"
    if d == "poisson" and not a >= 0:
        return "poisson needs p1 (mean) >= 0"
    return None


def clip_error(clip_min: float | None, clip_max: float | None) -> str | None:
    """Why a row's clip bounds are invalid, or None."""
    if clip_min is not None and clip_max is not None and not clip_min <= clip_max:
        return "clip_min must be <= clip_max"
    return None


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
    keep the block size fixed (ftreport.engine.simulation.BLOCK).
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


def clip(values: Array, input_name: str, clip_min: float | None = None,
         clip_max: float | None = None) -> Array:
    """The row's clip, then the input's own bounds (non-negative, share, growth)."""
    lo, hi = bounds_for(input_name)
    for bound, keep_above in ((clip_min, True), (clip_max, False), (lo, True), (hi, False)):
        if bound is not None:
            values = np.maximum(values, bound) if keep_above else np.minimum(values, bound)
    return values
