"""Rank correlation between uncertain inputs: the Correlations table's rules, the
nearest valid matrix, and the Iman-Conover rearrangement of a block's draws.

Iman and Conover (1982): within a block, each correlated row's draws are put in the
rank order of a column of normal scores that have the wanted correlation, so every
row keeps exactly the values it drew (its marginal) and the pairs get the requested
Spearman correlation. Pearson correlation ``r`` of normal scores gives Spearman
``(6/pi) asin(r/2)``, so the scores get ``r = 2 sin(pi rho / 6)`` for a requested
rank correlation ``rho``. docs/simulation.md, "Correlated inputs".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ftreport.engine.costs import Array
from ftreport.engine.errors import EngineError
from ftreport.model import Correlation, ScenarioBook
from ftreport.model.problems import Problem, describe
from ftreport.model.results import AppliedCorrelation

Key = tuple[str, str | None]  # an Uncertainty row's (input, option)
PSD_TOLERANCE = 1e-9  # smallest eigenvalue still counted as >= 0 (rounding)
# The nearest valid matrix is offered when no correlation moves by more than this.
SLIGHTLY_OFF = 0.1
OFFERED_DECIMALS = 3
# The achieved correlations are measured on the run's first iterations, up to this many:
# the sampling error of Spearman's rho is about 1/sqrt(n), 0.004 here.
MEASURED_ITERATIONS = 65_536


@dataclass(frozen=True)
class Finding:
    """One cause found in the table: the row (None: the whole matrix), its column, what
    was expected, what was found, and the problem code."""

    row: int | None
    column: str
    expected: str
    found: str
    code: str


def key_a(c: Correlation) -> Key:
    return c.input_a, c.option_a


def key_b(c: Correlation) -> Key:
    return c.input_b, c.option_b


def shown(key: Key) -> str:
    """An input and option as a message names them: ``epochs (Tune)``."""
    return key[0] if key[1] is None else f"{key[0]} ({key[1]})"


def check(pairs: list[Correlation], uncertain: list[Key],
          cell_of: Callable[[int, str], str]) -> list[Finding]:
    """Every cause in the table: |rho| > 1, a side with no Uncertainty row, a pair with
    itself, a pair given twice, then (when the rows themselves fit) a matrix that is
    not positive semi-definite. ``cell_of(row, column)`` names a cell for a message."""
    findings: list[Finding] = []
    known = set(uncertain)
    seen: dict[frozenset[Key], int] = {}
    for i, c in enumerate(pairs):
        if not (math.isfinite(c.rank_correlation) and -1.0 <= c.rank_correlation <= 1.0):
            findings.append(Finding(i, "rank_correlation", "a rank correlation between -1 "
                                    "and 1", describe(c.rank_correlation), "out-of-range"))
        for side, key in (("a", key_a(c)), ("b", key_b(c))):
            if key not in known:
                findings.append(Finding(i, f"input_{side}", "an input and option with a row "
                                        "in the Uncertainty table (a fixed value cannot be "
                                        "correlated)", shown(key), "not-uncertain"))
        pair = frozenset((key_a(c), key_b(c)))
        if len(pair) == 1:
            findings.append(Finding(i, "input_b", f"another input than {shown(key_a(c))} "
                                    "(an input is fully correlated with itself)",
                                    shown(key_b(c)), "self-correlation"))
        elif pair in seen:
            first = cell_of(seen[pair], "input_a")
            findings.append(Finding(i, "input_a", f"one row per pair ({first} has the same "
                                    "pair)", shown(key_a(c)), "duplicate"))
        else:
            seen[pair] = i
    if not findings:
        findings += _matrix_findings(pairs, cell_of)
    return findings


def keys_of(pairs: list[Correlation]) -> list[Key]:
    """The correlated rows, in order of first mention."""
    return list(dict.fromkeys(k for c in pairs for k in (key_a(c), key_b(c))))


def matrix_of(pairs: list[Correlation], keys: list[Key], transform: Callable[[float], float]
              = float) -> Array:
    """The correlation matrix over ``keys`` (unnamed pairs 0), each entry transformed."""
    index = {k: i for i, k in enumerate(keys)}
    matrix = np.eye(len(keys))
    for c in pairs:
        i, j = index[key_a(c)], index[key_b(c)]
        matrix[i, j] = matrix[j, i] = transform(c.rank_correlation)
    return matrix


def smallest_eigenvalue(matrix: Array) -> float:
    return float(np.linalg.eigvalsh(matrix)[0])


def _matrix_findings(pairs: list[Correlation], cell_of: Callable[[int, str], str]
                     ) -> list[Finding]:
    keys = keys_of(pairs)
    matrix = matrix_of(pairs, keys)
    lowest = smallest_eigenvalue(matrix)
    if lowest >= -PSD_TOLERANCE:
        return []
    expected = ("rank correlations that can hold together (the matrix must be positive "
                "semi-definite: e.g. if A moves with B and B with C, A cannot move against C)")
    nearest = offered_matrix(matrix)
    index = {k: i for i, k in enumerate(keys)}
    moves = [(i, float(nearest[index[key_a(c)], index[key_b(c)]])) for i, c in enumerate(pairs)]
    if max(abs(v - pairs[i].rank_correlation) for i, v in moves) <= SLIGHTLY_OFF:
        expected += "; the nearest valid set: " + ", ".join(
            f"{cell_of(i, 'rank_correlation')} {v:.{OFFERED_DECIMALS}f}" for i, v in moves)
    return [Finding(None, "rank_correlation", expected,
                    f"a matrix with smallest eigenvalue {lowest:.3g}",
                    "invalid-correlation-matrix")]


def nearest_correlation(matrix: Array, floor: float = 0.0, tolerance: float = 1e-12,
                        max_iterations: int = 1_000) -> Array:
    """The nearest correlation matrix (unit diagonal, eigenvalues >= ``floor``) in the
    Frobenius norm: Higham's alternating projections with Dykstra's correction (2002)."""
    y = matrix.copy()
    correction = np.zeros_like(matrix)
    for _ in range(max_iterations):
        r = y - correction
        values, vectors = np.linalg.eigh(r)
        x = (vectors * np.maximum(values, floor)) @ vectors.T
        correction = x - r
        new = x.copy()
        np.fill_diagonal(new, 1.0)
        if np.linalg.norm(new - y) <= tolerance * np.linalg.norm(y):
            return new
        y = new
    return y


def offered_matrix(matrix: Array) -> Array:
    """The nearest correlation matrix, rounded as the message shows it and still valid
    after rounding (its eigenvalues are kept a little above 0 until they are)."""
    floor = 1e-4
    while True:
        rounded = np.round(nearest_correlation(matrix, floor), OFFERED_DECIMALS)
        if smallest_eigenvalue(rounded) >= -PSD_TOLERANCE or floor > 0.1:
            return rounded
        floor *= 3


@dataclass(frozen=True)
class CorrelationPlan:
    """Which draws are correlated and the factor ``F`` (``F F' = R``) of the normal
    scores' Pearson matrix ``R``."""

    rows: tuple[int, ...]  # indices into the resolved draws
    factor: Array

    def rearrange(self, block: list[Array], rng: np.random.Generator) -> None:
        """Put the correlated rows of one block (in place) into the rank order of
        normal scores with the wanted correlation; the scores' order comes from
        ``rng`` after the block's draws, so the result depends only on the block."""
        n = block[self.rows[0]].size
        # Normal scores drawn at random (3x faster than permuting fixed van der
        # Waerden scores, the same method otherwise); only their ranks are used.
        r = rng.standard_normal((n, len(self.rows)))
        r -= r.mean(axis=0)
        # Remove the scores' own chance covariance (exactly), then give them the target's.
        own = np.linalg.cholesky(r.T @ r / n)
        target = r @ (np.linalg.inv(own).T @ self.factor.T)
        for j, i in enumerate(self.rows):
            arranged = np.empty(n)
            arranged[np.argsort(target[:, j])] = np.sort(block[i])
            block[i] = arranged


def score_correlation(rho: float) -> float:
    """The normal scores' Pearson correlation that gives Spearman ``rho``."""
    return 2.0 * math.sin(math.pi * rho / 6.0)


def plan(pairs: list[Correlation], rows: list[Key]) -> CorrelationPlan:
    """The plan for checked ``pairs`` over the resolved draws' ``rows`` (their keys)."""
    keys = keys_of(pairs)
    position = {k: i for i, k in enumerate(rows)}
    pearson = matrix_of(pairs, keys, score_correlation)
    if smallest_eigenvalue(pearson) < PSD_TOLERANCE:
        # A valid rank matrix may map to a (very slightly) invalid score matrix.
        pearson = nearest_correlation(pearson, 1e-9)
    values, vectors = np.linalg.eigh(pearson)
    return CorrelationPlan(tuple(position[k] for k in keys),
                           vectors * np.sqrt(np.maximum(values, 0.0)))


def correlation_of(book: ScenarioBook, rows: list[Key]) -> CorrelationPlan | None:
    """The book's correlation plan over the resolved draws' ``rows`` (their keys, in
    order; None without correlations); raises EngineError
    naming the row of every cause (the reader checks the same first, at the cells;
    this guards books built in code)."""
    pairs = book.correlations
    if not pairs:
        return None

    def cell_of(row: int, column: str) -> str:
        return pairs[row].cell or f"Correlations row {row + 1}"

    findings = check(pairs, rows, cell_of)
    if findings:
        problems = []
        for f in findings:
            sheet, _, cell = (pairs[f.row if f.row is not None else 0].cell).rpartition("!")
            problems.append(Problem(str(book.path.name), sheet or "Correlations", cell or None,
                                    f.expected, f.found, field=f.column, code=f.code))
        raise EngineError(problems)
    return plan(pairs, rows)


def ranks(values: Array) -> Array:
    """Ranks 0..n-1 of ``values``, ties sharing their average rank (a clipped input
    repeats its bound)."""
    _, where, counts = np.unique(values, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return ((ends - counts + ends - 1) / 2.0)[where]


def spearman(a: Array, b: Array) -> float:
    """Spearman's rank correlation of two samples: Pearson's over their ranks (NaN when
    either does not vary)."""
    ra, rb = ranks(a), ranks(b)
    if np.ptp(ra) == 0 or np.ptp(rb) == 0:
        return math.nan
    return float(np.corrcoef(ra, rb)[0, 1])


def achieved(pairs: list[Correlation], rows: list[Key], samples: list[Array]
             ) -> list[AppliedCorrelation]:
    """Each of ``pairs`` with the Spearman correlation its two rows got in ``samples``
    (one array per row of ``rows``, the resolved draws' keys, as sampling.draw_chunk
    returns them)."""
    position = {k: i for i, k in enumerate(rows)}
    return [AppliedCorrelation(c.input_a, c.option_a, c.input_b, c.option_b,
                               float(c.rank_correlation),
                               spearman(samples[position[key_a(c)]],
                                        samples[position[key_b(c)]]),
                               int(samples[0].size))
            for c in pairs]
