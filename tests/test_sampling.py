"""The simulation's inputs: streams that do not depend on the iteration count, Latin
hypercube sampling, and rank correlation (Iman-Conover) with its rules."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from scipy import stats

from ftreport.engine import correlation, distributions
from ftreport.engine.analysis import analyse
from ftreport.engine.correlation import CorrelationPlan, check, nearest_correlation, plan
from ftreport.engine.sampling import BLOCK, Draw, Draws, draw_block, draw_chunk
from ftreport.engine.simulation import simulate
from ftreport.model import Correlation, Uncertain
from ftreport.model.problems import InputError
from ftreport.model.schema import DISTRIBUTIONS
from tests.support.scenarios import support_book

# One row of every distribution kind, in one table (each row draws after the previous one).
ROWS = {
    "fixed": Uncertain("requests_per_day", None, "fixed", 5.0),
    "uniform": Uncertain("requests_per_day", None, "uniform", 1.0, 9.0),
    "integer": Uncertain("epochs", "*", "integer", 1, 6),
    "normal": Uncertain("output_tokens", "*", "normal", 400.0, 80.0),
    "triangular": Uncertain("requests_per_day", None, "triangular", 1.0, 2.0, 7.0),
    "pert": Uncertain("training_tokens", "*", "pert", 1e6, 2e6, 6e6),
    "lognormal": Uncertain("input_tokens", "*", "lognormal", 3000.0, 900.0),
    "poisson": Uncertain("training_hours", "*", "poisson", 4.0),
}



def scipy_distribution(row: Uncertain) -> Any:  # a scipy frozen distribution
    """The same distribution in scipy's terms: the independent reference."""
    a, b, c = row.p1, row.p2, row.p3
    if row.distribution == "uniform":
        return stats.uniform(a, b - a)
    if row.distribution == "integer":
        return stats.randint(int(a), int(b) + 1)
    if row.distribution == "normal":
        return stats.norm(a, b)
    if row.distribution == "triangular":
        return stats.triang((b - a) / (c - a), a, c - a)
    if row.distribution == "pert":
        return stats.beta(1 + 4 * (b - a) / (c - a), 1 + 4 * (c - b) / (c - a), a, c - a)
    if row.distribution == "lognormal":
        sigma = math.sqrt(math.log1p((b / a) ** 2))
        return stats.lognorm(sigma, scale=a / math.exp(sigma**2 / 2))
    assert row.distribution == "poisson"
    return stats.poisson(a)


RANDOM_KINDS = [k for k in ROWS if k != "fixed"]
CORRELATED = [("requests_per_day", None, "uniform"), ("output_tokens", "*", "normal")]


def every_kind(sampling: str = "random", correlated: bool = False) -> Draws:
    assert set(ROWS) == set(DISTRIBUTIONS)
    draws = [Draw(row, (0,)) for row in ROWS.values()]
    plan_ = None
    if correlated:
        # Two of the rows share an input name, so correlate by position in the table.
        pairs = [Correlation("uniform", None, "normal", None, 0.6),
                 Correlation("pert", None, "lognormal", None, -0.4)]
        plan_ = plan(pairs, [(k, None) for k in ROWS])
    return Draws(draws, sampling, plan_)


@pytest.mark.parametrize("correlated", [False, True])
@pytest.mark.parametrize("sampling", ["random", "latin-hypercube"])
@pytest.mark.parametrize("chunk", [BLOCK, 3 * BLOCK])
def test_iteration_i_draws_the_same_whatever_the_iteration_count(
        chunk: int, sampling: str, correlated: bool) -> None:
    draws = every_kind(sampling, correlated)
    short = [np.concatenate(parts) for parts in zip(*(
        draw_chunk(draws, 11, start, min(5_000, start + chunk))
        for start in range(0, 5_000, chunk)), strict=True)]
    long = draw_chunk(draws, 11, 0, 10_000)
    for kind, a, b in zip(ROWS, short, long, strict=True):
        assert a.size == 5_000, kind
        # 5,000 is no whole number of blocks: its last 904 iterations are a short block.
        np.testing.assert_array_equal(a, b[:5_000], err_msg=kind)


@pytest.mark.parametrize("kind", RANDOM_KINDS)
def test_quantile_is_scipys_inverse_cdf(kind: str) -> None:
    row = ROWS[kind]
    u = np.random.default_rng(3).random(20_000)
    ours = distributions.quantile(row.distribution, (row.p1, row.p2, row.p3), u)
    np.testing.assert_allclose(ours, scipy_distribution(row).ppf(u), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kind", RANDOM_KINDS)
def test_latin_hypercube_puts_one_draw_in_each_stratum_of_a_block(kind: str) -> None:
    row = ROWS[kind]
    values = draw_block([Draw(row, (0,))], np.random.default_rng(5), "latin-hypercube")[0]
    reference = scipy_distribution(row)
    if kind in ("integer", "poisson"):
        # Whole numbers: each value's count is its probability times the block, +-1.
        support = np.arange(values.min(), values.max() + 1)
        counts = np.array([(values == k).sum() for k in support])
        cdf = reference.cdf(support)
        cdf[-1] = 1.0  # the largest value drawn takes the tail beyond it
        expected = np.diff(np.concatenate([[reference.cdf(support[0] - 1)], cdf])) * BLOCK
        assert np.all(np.abs(counts - expected) <= 1 + 1e-9)
    else:
        strata = np.floor(reference.cdf(values) * BLOCK).astype(int)
        assert sorted(strata) == list(range(BLOCK))


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    return float(stats.spearmanr(x, y).statistic)


@pytest.mark.parametrize("sampling", ["random", "latin-hypercube"])
def test_correlation_is_reached_and_every_marginal_is_unchanged(sampling: str) -> None:
    n = 25 * BLOCK
    plain = draw_chunk(every_kind(sampling), 4, 0, n)
    draws = every_kind(sampling, correlated=True)
    correlated = draw_chunk(draws, 4, 0, n)
    index = list(ROWS)
    for a, b, rho in (("uniform", "normal", 0.6), ("pert", "lognormal", -0.4),
                      ("uniform", "pert", 0.0)):
        x, y = correlated[index.index(a)], correlated[index.index(b)]
        # The sample Spearman's standard error is about (1 - rho^2) / sqrt(n - 1).
        assert abs(spearman(x, y) - rho) < 4 * (1 - rho**2) / math.sqrt(n - 1) + 0.002, (a, b)
    for k, kind in enumerate(ROWS):
        # The same values in each block, only in another order...
        for start in range(0, n, BLOCK):
            np.testing.assert_array_equal(np.sort(plain[k][start:start + BLOCK]),
                                          np.sort(correlated[k][start:start + BLOCK]))
        if kind not in ("fixed", "integer", "poisson"):
            # ... so each still follows its distribution.
            assert stats.kstest(correlated[k], scipy_distribution(ROWS[kind]).cdf).pvalue > 1e-3


def test_uncorrelated_rows_are_left_alone() -> None:
    plain = draw_chunk(every_kind(), 4, 0, BLOCK)
    correlated = draw_chunk(every_kind(correlated=True), 4, 0, BLOCK)
    for k, kind in enumerate(ROWS):
        if kind not in ("uniform", "normal", "pert", "lognormal"):
            np.testing.assert_array_equal(plain[k], correlated[k])


def test_highams_example_gives_his_nearest_correlation_matrix() -> None:
    # Higham (2002), section 4: the nearest correlation matrix to this one.
    a = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    nearest = nearest_correlation(a)
    expected = np.array([[1.0, 0.7607, 0.1573], [0.7607, 1.0, 0.7607], [0.1573, 0.7607, 1.0]])
    np.testing.assert_allclose(nearest, expected, atol=1e-4)


def cell(row: int, column: str) -> str:
    letter = "ABCDE"[("input_a", "option_a", "input_b", "option_b",
                      "rank_correlation").index(column)]
    return f"Correlations!{letter}{row + 5}"


UNCERTAIN = [("requests_per_day", None), ("epochs", "*"), ("output_tokens", "Tune"),
             ("monthly_growth", None)]


def findings(*pairs: tuple) -> list[tuple[int | None, str, str]]:
    rows = [Correlation(*p) for p in pairs]
    return [(f.row, f.column, f.code) for f in check(rows, UNCERTAIN, cell)]


def test_each_bad_row_is_one_finding_at_its_cell() -> None:
    assert findings(("requests_per_day", None, "epochs", "*", 1.2),
                    ("epochs", "Tune", "requests_per_day", None, 0.5),
                    ("output_tokens", "Tune", "output_tokens", "Tune", 0.5),
                    ("epochs", "*", "requests_per_day", None, 0.1),
                    ("requests_per_day", None, "epochs", "*", math.nan)) == [
        (0, "rank_correlation", "out-of-range"),
        (1, "input_a", "not-uncertain"),
        (2, "input_b", "self-correlation"),
        (3, "input_a", "duplicate"),
        (4, "rank_correlation", "out-of-range"),
        (4, "input_a", "duplicate"),
    ]
    rows = [Correlation("requests_per_day", None, "epochs", "*", 0.3),
            Correlation("epochs", "*", "requests_per_day", None, 0.1)]
    assert "Correlations!A5 has the same pair" in check(rows, UNCERTAIN, cell)[0].expected


def test_a_matrix_that_cannot_hold_together_is_one_finding() -> None:
    # A with B and B with C strongly, A against C: impossible.
    slightly = [Correlation("requests_per_day", None, "epochs", "*", 0.7),
                Correlation("epochs", "*", "monthly_growth", None, 0.7),
                Correlation("requests_per_day", None, "monthly_growth", None, -0.05)]
    [found] = check(slightly, UNCERTAIN, cell)
    assert (found.row, found.code) == (None, "invalid-correlation-matrix")
    offered = found.expected.split("the nearest valid set: ")[1]
    values = [float(part.split()[1]) for part in offered.split(", ")]
    assert [part.split()[0] for part in offered.split(", ")] == [
        "Correlations!E5", "Correlations!E6", "Correlations!E7"]
    offered_rows = [Correlation(c.input_a, c.option_a, c.input_b, c.option_b, v)
                    for c, v in zip(slightly, values, strict=True)]
    assert check(offered_rows, UNCERTAIN, cell) == []  # what it offers is valid
    assert max(abs(v - c.rank_correlation) for c, v in zip(slightly, values, strict=True)) < 0.1
    far = [Correlation("requests_per_day", None, "epochs", "*", 0.9),
           Correlation("epochs", "*", "monthly_growth", None, 0.9),
           Correlation("requests_per_day", None, "monthly_growth", None, -0.9)]
    [found] = check(far, UNCERTAIN, cell)
    assert found.code == "invalid-correlation-matrix"
    assert "nearest" not in found.expected
    assert correlation.smallest_eigenvalue(correlation.matrix_of(far, correlation.keys_of(
        far))) < 0


def test_a_valid_plan_has_the_score_matrix_as_its_factors_product() -> None:
    pairs = [Correlation("requests_per_day", None, "epochs", "*", 0.5)]
    found: CorrelationPlan = plan(pairs, UNCERTAIN)
    assert found.rows == (0, 1)
    r = 2 * math.sin(math.pi * 0.5 / 6)
    np.testing.assert_allclose(found.factor @ found.factor.T, [[1, r], [r, 1]], atol=1e-12)


def test_lhs_and_correlation_give_the_same_results_for_every_chunk_size() -> None:
    book = support_book(mc_iterations=20_000, mc_sampling="latin-hypercube")
    book.correlations = [Correlation("requests_per_day", None, "output_tokens", "*", 0.5,
                                     cell="Correlations!A4")]
    analysis = analyse(book)
    first = simulate(book, analysis)
    again = simulate(book, analysis, chunk_size=5_000)
    assert first.to_dict() == again.to_dict()
    plain = simulate(replace(book, correlations=[],
                             scenario=replace(book.scenario, mc_sampling="random")), analysis)
    assert plain.to_dict() != first.to_dict()


def test_a_book_built_in_code_gets_the_readers_words_at_the_rows_cell() -> None:
    book = support_book(mc_iterations=100)
    book.correlations = [Correlation("requests_per_day", None, "epochs", "*", 0.5,
                                     cell="Correlations!A4")]
    with pytest.raises(InputError) as caught:
        simulate(book, analyse(book))
    [p] = caught.value.problems
    assert (p.sheet, p.cell, p.field, p.code) == ("Correlations", "A4", "input_b",
                                                  "not-uncertain")
    assert p.found == "epochs (*)"
