"""Sensitivity beyond the one-at-a-time tornado: rank correlation, contribution to
variance and the spider.

- ``rank_correlations``: over a joint sample of every uncertain input (the run's own
  draws of iterations ``0..count-1``, all inputs varying together as in the
  simulation; ``count`` as for the tornado, at most ``MAX_JOINT_DRAWS``), the
  Spearman rank correlation of each input with the featured option's savings, and
  its contribution to variance: its squared correlation as a share of
  the sum over all inputs (the normalisation @RISK and Crystal Ball use). Unlike the
  tornado, which moves one input with the others at base, these see every input move
  at once (correlated as the run correlates them); they measure monotone association,
  not cause.
- ``spider``: the featured option's savings as each input moves through its P10,
  P20 .. P90, every other input at its base value (one-at-a-time, like the tornado).
"""

from __future__ import annotations

import math

import numpy as np

from ftreport.engine import compare, correlation
from ftreport.engine.analysis import option_arrays, scenario_inputs
from ftreport.engine.costs import Array
from ftreport.engine.sampling import Draw, chunk_inputs
from ftreport.engine.sensitivity import run_samples, savings_at
from ftreport.model import ScenarioBook
from ftreport.model.results import RankCorrelation, SensitivityBar, SpiderLine

SPIDER_PERCENTILES = tuple(float(p) for p in range(10, 100, 10))
EVALUATE_CHUNK = 32_768  # samples per cost-model call: bounds the working memory
# The joint sample's size at most: rho's standard error is then about 0.002, and ranking
# more would cost more than the simulation itself.
MAX_JOINT_DRAWS = 200_000


def spearman(x: Array, y: Array) -> float | None:
    """Spearman's rank correlation (``correlation.spearman``); None when either side does
    not vary."""
    rho = correlation.spearman(x, y)
    return None if math.isnan(rho) else rho


def joint_savings(book: ScenarioBook, draws: list[Draw], samples: list[Array],
                  option: int) -> Array:
    """The option's savings in each iteration of the joint sample."""
    base_options, base_scenario = option_arrays(book.options), scenario_inputs(book)
    count = samples[0].size
    out = np.empty(count)
    for start in range(0, count, EVALUATE_CHUNK):
        stop = min(count, start + EVALUATE_CHUNK)
        options, scenario = chunk_inputs(draws, [s[start:stop] for s in samples],
                                         base_options, base_scenario)
        out[start:stop] = compare.evaluate(
            options, book.baseline_index, with_break_even_day=False,
            keys=("savings_vs_baseline",), **scenario)["savings_vs_baseline"][option]
    return out


def rank_correlations(book: ScenarioBook, draws: list[Draw], option: int,
                      keep: set[tuple[str, str | None]] | None = None,
                      samples: list[Array] | None = None) -> list[RankCorrelation]:
    """One entry per Uncertainty row (only the (input, option) pairs in ``keep``, when
    given; the shares then add up over those), largest |rho| first, ties in table order.
    Every row is drawn whatever ``keep`` says, so the joint sample is the run's own;
    ``samples``: ``run_samples`` already drawn."""
    if not draws:
        return []
    samples = [s[:MAX_JOINT_DRAWS] for s in (samples or run_samples(book, draws))]
    savings = joint_savings(book, draws, samples, option)
    chosen = [(d, s) for d, s in zip(draws, samples, strict=True)
              if keep is None or (d.row.input, d.row.option) in keep]
    rhos = [spearman(s, savings) for _, s in chosen]
    total = sum(r * r for r in rhos if r is not None)
    found = [RankCorrelation(d.row.input, d.row.option, rho,
                             (rho * rho / total) if rho is not None and total > 0 else 0.0,
                             savings.size)
             for (d, _), rho in zip(chosen, rhos, strict=True)]
    return sorted(found, key=lambda c: -abs(c.rho or 0.0))


def spider(book: ScenarioBook, draws: list[Draw], option: int,
           samples: list[Array] | None = None) -> list[SpiderLine]:
    """Per Uncertainty row (table order): the savings at its P10, P20 .. P90 of the
    tornado's draws (``samples``: ``run_samples`` already drawn)."""
    if not draws:
        return []
    samples = samples or run_samples(book, draws)
    lines = []
    for d, values in zip(draws, samples, strict=True):
        points = np.percentile(values, SPIDER_PERCENTILES)
        lines.append(SpiderLine(d.row.input, d.row.option, list(SPIDER_PERCENTILES),
                                points.tolist(), savings_at(book, d, points, option).tolist()))
    return lines


def joint_sensitivity(book: ScenarioBook, draws: list[Draw], option: int,
                      bars: list[SensitivityBar], samples: list[Array]
                      ) -> tuple[list[RankCorrelation], list[SpiderLine]]:
    """The rank correlations and the spider of ``option``'s savings, for the inputs that
    move them (the ``bars`` of the tornado with a swing; the others are named in its
    note), from the tornado's own ``samples`` (``run_samples``: the simulation draws them
    once for all)."""
    moving = {(b.input, b.option) for b in bars if b.moves_savings}
    return (rank_correlations(book, draws, option, moving, samples),
            [line for line in spider(book, draws, option, samples)
             if (line.input, line.option) in moving])
