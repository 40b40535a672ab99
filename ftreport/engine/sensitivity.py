"""One-at-a-time sensitivity: the tornado behind the `Sensitivity` sheet.

For each Uncertainty row, the featured option's savings (the recommended
option, or the best alternative when the baseline is recommended) are
computed with that row's input at its P10 and at its P90, every other input
at its base value from the workbook.

P10 and P90 are percentiles of the run's own draws of the row: the samples of
iterations ``0..count-1`` (``sampling.draw_chunk``, the very numbers the
simulation drew), where ``count`` is the run's iteration count, at least
``MIN_SENSITIVITY_DRAWS`` so a small run still places P10 and P90 to a fraction
of a percent, and at most ``MAX_SENSITIVITY_DRAWS`` (beyond it the standard
error is negligible and the work would not be). Below the minimum, the extra
samples are those a longer run would draw next.

Each swing carries its standard error, estimated by sectioning: the draws are
cut into ``SECTIONS`` equal parts, the swing is computed on each part, and the
standard error of the whole is the parts' standard deviation over
``sqrt(SECTIONS)`` (the percentile's error scales as one over the root of the
sample size). It measures only the sampling error of P10 and P90.
"""

from __future__ import annotations

import numpy as np

from ftreport.engine import compare
from ftreport.engine.analysis import option_arrays, scenario_inputs
from ftreport.engine.costs import Array
from ftreport.engine.sampling import Draw, draw_chunk
from ftreport.model import ScenarioBook
from ftreport.model.results import SensitivityBar

MIN_SENSITIVITY_DRAWS = 20_000
MAX_SENSITIVITY_DRAWS = 1_000_000
SECTIONS = 20
PERCENTILES = (10.0, 90.0)


def sample_count(iterations: int) -> int:
    """How many draws of each row place its P10 and P90: the run's own iteration count,
    within MIN_SENSITIVITY_DRAWS..MAX_SENSITIVITY_DRAWS."""
    return int(min(max(int(iterations), MIN_SENSITIVITY_DRAWS), MAX_SENSITIVITY_DRAWS))


def row_samples(draws: list[Draw], seed: int, count: int) -> list[Array]:
    """The run's draws of every row for iterations ``0..count-1``."""
    return [values[:count] for values in draw_chunk(draws, seed, 0, count)]


def run_samples(book: ScenarioBook, draws: list[Draw]) -> list[Array]:
    """The run's own draws of every row that the tornado uses (``sample_count`` of the
    run's iterations): the samples the joint sensitivity and the achieved correlations
    measure too."""
    return row_samples(draws, int(book.scenario.mc_seed),
                       sample_count(book.scenario.mc_iterations))


def savings_at(book: ScenarioBook, draw: Draw, values: Array, option: int) -> Array:
    """The option's savings with ``draw``'s input at each of ``values``, all else at base."""
    values = np.asarray(values, dtype=float)
    options = {k: np.repeat(v[:, None], values.size, axis=1)
               for k, v in option_arrays(book.options).items()}
    scenario = scenario_inputs(book)
    if draw.row.option is None:
        scenario[draw.row.input] = values
    else:
        options[draw.row.input][list(draw.options)] = values
    result = compare.evaluate(options, book.baseline_index, with_break_even_day=False,
                              keys=("savings_vs_baseline",), **scenario)
    return result["savings_vs_baseline"][option]


def _bar(book: ScenarioBook, draw: Draw, samples: Array, option: int) -> SensitivityBar:
    sections = np.array_split(samples, SECTIONS)
    # Row 0: the whole sample; rows 1..: each section. Column 0: P10, column 1: P90.
    points = np.array([np.percentile(s, PERCENTILES) for s in (samples, *sections)])
    savings = savings_at(book, draw, points.ravel(), option).reshape(points.shape)
    swings = np.abs(savings[:, 1] - savings[:, 0])
    return SensitivityBar(
        input=draw.row.input, option=draw.row.option, low_value=float(points[0, 0]),
        high_value=float(points[0, 1]), savings_at_low=float(savings[0, 0]),
        savings_at_high=float(savings[0, 1]),
        swing_se=float(np.std(swings[1:], ddof=1) / np.sqrt(SECTIONS)),
        samples=int(samples.size))


def sensitivity(book: ScenarioBook, draws: list[Draw], option: int,
                samples: list[Array] | None = None) -> list[SensitivityBar]:
    """One bar per Uncertainty row, largest swing first (ties keep table order);
    ``samples``: ``run_samples`` already drawn."""
    if not draws:
        return []
    if samples is None:
        samples = run_samples(book, draws)
    bars = [_bar(book, d, values, option) for d, values in zip(draws, samples, strict=True)]
    return sorted(bars, key=lambda b: -b.swing)
