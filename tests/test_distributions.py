"""The Uncertainty table's distributions: parameters, definitions, clipping, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ftreport.engine import distributions as dist

N = 200_000
Z90 = 1.2815515655446004  # standard normal P90


def sample(name: str, *params: float | None, size: int = N, seed: int = 1) -> np.ndarray:
    return dist.draw(name, params, np.random.Generator(np.random.PCG64(seed)), size)


def assert_mean(x: np.ndarray, mean: float, sd: float) -> None:
    assert abs(x.mean() - mean) < 5 * sd / math.sqrt(x.size)


def assert_quantile(x: np.ndarray, q: float, value: float, density: float) -> None:
    """Sample quantile within 5 standard errors: sqrt(q(1-q)/n) / f(x_q)."""
    se = math.sqrt(q * (1 - q) / x.size) / density
    assert abs(np.quantile(x, q) - value) < 5 * se


@pytest.mark.parametrize(("name", "p", "expected"), [
    ("uniform", (1, 2, None), []),
    ("uniform", (3, 2, None), [("p2", "the max, at least the min in p1 (3)")]),
    ("integer", (5, 30, None), []),
    ("integer", (5.5, 30, None), [("p1", "a whole number")]),
    ("integer", (30, 5, None), [("p2", "the max, at least the min in p1 (30)")]),
    ("normal", (10, -1, None), [("p2", "the sd, at least 0")]),
    ("normal", (10, None, None), [("p2", "the sd of the normal distribution (a number)")]),
    ("triangular", (1, 5, 3), [("p2", "the mode, between the min (1) and the max (3)")]),
    ("pert", (1, 2, 3), []),
    ("pert", (3, 2, 1), [("p3", "the max, greater than the min in p1 (3)")]),
    ("lognormal", (0, 1, None), [("p1", "the mean, greater than 0 for lognormal")]),
    ("lognormal", (5, -1, None), [("p2", "the sd, at least 0")]),
    ("poisson", (-1, None, None), [("p1", "the mean, at least 0")]),
    ("fixed", (None, None, None), [("p1", "the value of the fixed distribution (a number)")]),
    ("fixed", (3, None, None), []),
    ("uniform", (1, 2, 3), [("p3", "blank: uniform takes p1 min, p2 max")]),
    ("normal", (math.nan, 1, None), [("p1", "the mean of the normal distribution (a number)")]),
    ("gamma", (1, 2, None), [("distribution", "one of fixed, uniform, integer, normal, "
                              "triangular, pert, lognormal, poisson")]),
])
def test_row_problems_name_the_column(name: str, p: tuple, expected: list) -> None:
    assert dist.row_problems(name, *p) == expected


def test_clip_problems() -> None:
    assert dist.row_problems("fixed", 1, None, None, 5, 1) == [
        ("clip_max", "at least clip_min (5)")]
    assert dist.row_problems("fixed", 1, None, None, None, 1) == []
    assert dist.row_problems("fixed", 1, None, None, 1, 1) == []


def test_fixed() -> None:
    assert (sample("fixed", 7.5, size=10) == 7.5).all()


def test_uniform() -> None:
    x = sample("uniform", 2, 10)
    assert x.min() >= 2 and x.max() < 10
    assert_mean(x, 6, 8 / math.sqrt(12))
    for q in (0.1, 0.5, 0.9):
        assert_quantile(x, q, 2 + 8 * q, 1 / 8)


def test_integer_is_whole_and_includes_both_ends() -> None:
    x = sample("integer", 5, 30)
    assert (x == np.round(x)).all() and x.min() == 5 and x.max() == 30
    counts = np.bincount(x.astype(int) - 5)
    p = 1 / 26
    assert np.all(np.abs(counts / N - p) < 5 * math.sqrt(p * (1 - p) / N))


def test_normal() -> None:
    x = sample("normal", 10, 2)
    assert_mean(x, 10, 2)
    assert abs(x.std() - 2) < 5 * 2 / math.sqrt(2 * N)
    density90 = math.exp(-Z90 ** 2 / 2) / (2 * math.sqrt(2 * math.pi))
    assert_quantile(x, 0.9, 10 + 2 * Z90, density90)
    assert_quantile(x, 0.1, 10 - 2 * Z90, density90)


def test_triangular() -> None:
    a, m, b = 0.0, 2.0, 10.0
    x = sample("triangular", a, m, b)
    sd = math.sqrt((a * a + m * m + b * b - a * m - a * b - m * b) / 18)
    assert_mean(x, (a + m + b) / 3, sd)
    # CDF below the mode: (x-a)^2 / ((b-a)(m-a)); above: 1 - (b-x)^2 / ((b-a)(b-m)).
    q_low = a + math.sqrt(0.1 * (b - a) * (m - a))
    assert_quantile(x, 0.1, q_low, 2 * (q_low - a) / ((b - a) * (m - a)))
    q_high = b - math.sqrt(0.1 * (b - a) * (b - m))
    assert_quantile(x, 0.9, q_high, 2 * (b - q_high) / ((b - a) * (b - m)))


def test_pert() -> None:
    a, m, b = 0.0, 2.0, 10.0
    x = sample("pert", a, m, b)
    mean = (a + 4 * m + b) / 6
    assert x.min() >= a and x.max() <= b
    assert_mean(x, mean, math.sqrt((mean - a) * (b - mean) / 7))
    assert abs(x.var() - (mean - a) * (b - mean) / 7) < 0.02 * x.var()


def test_lognormal_mean_and_sd_are_of_the_value() -> None:
    x = sample("lognormal", 100, 50)
    assert x.min() > 0
    assert_mean(x, 100, 50)
    mu, sigma = dist.lognormal_log_parameters(100, 50)
    median = math.exp(mu)
    assert_quantile(x, 0.5, median, 1 / (median * sigma * math.sqrt(2 * math.pi)))
    assert abs(x.std() - 50) < 0.03 * 50


def test_poisson() -> None:
    x = sample("poisson", 3.5)
    assert (x == np.round(x)).all() and x.min() >= 0
    assert_mean(x, 3.5, math.sqrt(3.5))
    p0 = math.exp(-3.5)
    assert abs((x == 0).mean() - p0) < 5 * math.sqrt(p0 * (1 - p0) / N)


def test_degenerate_ranges_are_constant() -> None:
    for name in ("uniform", "triangular", "pert"):
        params = (4, 4) if name == "uniform" else (4, 4, 4)
        assert (sample(name, *params, size=100) == 4).all()
    assert (sample("normal", 4, 0, size=100) == 4).all()


def test_clip_row_bounds_then_input_bounds() -> None:
    x = np.array([-5.0, 0.5, 2.0, 50.0])
    assert dist.clip(x, "output_tokens", clip_min=1, clip_max=10).tolist() == [1, 1, 2, 10]
    assert dist.clip(x, "output_tokens").tolist() == [0, 0.5, 2, 50]
    assert dist.clip(x, "cached_input_share").tolist() == [0, 0.5, 1, 1]
    assert dist.clip(x, "monthly_growth")[0] > -1
    # A row's bound that lets a negative through is still cut at 0 for a size.
    assert dist.clip(x, "epochs", clip_min=-10).tolist()[0] == 0


def test_same_generator_state_same_samples() -> None:
    for name, p in (("uniform", (0, 1)), ("normal", (0, 1)), ("integer", (1, 9)),
                    ("triangular", (0, 1, 3)), ("pert", (0, 1, 3)), ("lognormal", (2, 1)),
                    ("poisson", (4,))):
        assert np.array_equal(sample(name, *p, size=1000, seed=3),
                              sample(name, *p, size=1000, seed=3))
