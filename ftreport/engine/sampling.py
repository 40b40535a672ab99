"""The simulation's random inputs: which Uncertainty rows draw what, and their samples.

Random numbers: one PCG64 stream per block of ``BLOCK`` iterations, seeded
from ``(mc_seed, block number)``; within a block the Uncertainty rows draw in
table order, each a whole block (the last block of a run too), so iteration
``i`` has the same inputs whatever the chunk size and the iteration count.
Latin hypercube sampling stratifies each row within its block; the rank
correlations of the Correlations table rearrange a block's draws
(ftreport.engine.correlation). docs/simulation.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ftreport.engine import distributions
from ftreport.engine.correlation import CorrelationPlan, correlation_of
from ftreport.engine.costs import Array
from ftreport.engine.errors import EngineError
from ftreport.model import ScenarioBook, Uncertain
from ftreport.model.problems import Problem, describe
from ftreport.model.schema import UNCERTAIN_OPTION_INPUTS, UNCERTAIN_SCENARIO_INPUTS

BLOCK = 4096  # iterations per random stream; chunks are whole blocks
OPEN_UNIT = (2.0**-53, 1.0 - 2.0**-53)  # stratified uniforms stay inside (0, 1)


@dataclass(frozen=True)
class Draw:
    """One Uncertainty row, resolved: the input and where its samples go."""

    row: Uncertain
    options: tuple[int, ...]  # option indices it sets; empty for a Scenario input


class Draws(list[Draw]):
    """The resolved rows in table order, and how every block samples them: the
    ``mc_sampling`` method and, when the book has a Correlations table, the rows it
    correlates (a list, so code that only iterates the rows needs nothing else)."""

    def __init__(self, rows: list[Draw], sampling: str = "random",
                 correlation: CorrelationPlan | None = None):
        super().__init__(rows)
        self.sampling = sampling
        self.correlation = correlation


def resolve(book: ScenarioBook) -> Draws:
    """The Uncertainty rows in table order, checked; an option's own row beats ``*``.

    Raises EngineError naming the cell of every bad row (the reader checks the
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
        found = [Problem(*where, expected, describe(getattr(row, column)), field=column,
                         code="invalid-distribution")
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
            found.append(Problem(*where, error, field=row.input, code="unknown-name"))
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
        raise EngineError(problems)
    return Draws(draws, book.scenario.mc_sampling,
                 correlation_of(book, [(d.row.input, d.row.option) for d in draws]))


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The stream of block ``block``: independent of every other block's."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def draw_chunk(draws: list[Draw], seed: int, start: int, stop: int) -> list[Array]:
    """Samples of every row for iterations ``start..stop-1`` (``start`` on a block edge),
    by the method and correlations of ``draws`` when it is a ``Draws``."""
    sampling = draws.sampling if isinstance(draws, Draws) else "random"
    correlation = draws.correlation if isinstance(draws, Draws) else None
    parts: list[list[Array]] = [[] for _ in draws]
    for block_start in range(start, stop, BLOCK):
        rng = block_rng(seed, block_start // BLOCK)
        # Whole blocks, always: a short last block drawn short would give its iterations
        # other numbers than a longer run does (the next row would start elsewhere).
        block = draw_block(draws, rng, sampling)
        if correlation is not None:
            correlation.rearrange(block, rng)
        size = min(BLOCK, stop - block_start)
        for k, d in enumerate(draws):
            r = d.row
            parts[k].append(distributions.clip(block[k][:size], r.input, r.clip_min,
                                               r.clip_max))
    return [np.concatenate(p) for p in parts]


def draw_block(draws: list[Draw], rng: np.random.Generator, sampling: str = "random"
               ) -> list[Array]:
    """``BLOCK`` samples of every row, before clipping: independent draws, or a Latin
    hypercube (each row's samples one in each of ``BLOCK`` equally likely strata, in an
    order of their own, through the distribution's inverse CDF)."""
    values = []
    for d in draws:
        r = d.row
        params = (r.p1, r.p2, r.p3)
        if sampling == "latin-hypercube":
            u = (rng.permutation(BLOCK) + rng.random(BLOCK)) / BLOCK
            # Never exactly 0 or 1 (an infinite normal quantile); 1 in 2**53 draws.
            u = np.clip(u, OPEN_UNIT[0], OPEN_UNIT[1])
            values.append(distributions.quantile(r.distribution, params, u))
        else:
            values.append(distributions.draw(r.distribution, params, rng, BLOCK))
    return values


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
