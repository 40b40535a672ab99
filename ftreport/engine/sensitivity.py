"""One-at-a-time sensitivity: the tornado behind the `Sensitivity` sheet.

For each Uncertainty row, the featured option's savings (the recommended
option, or the best alternative when the baseline is recommended) are
computed with that row's input at its P10 and at its P90, every other input
at its base value from the workbook. P10 and P90 are percentiles of
``SENSITIVITY_DRAWS`` samples of the row (clips included), from a stream of
their own, so they follow the same definitions as the simulation's draws.
"""

from __future__ import annotations

import numpy as np

from ftreport.engine import compare, distributions
from ftreport.engine.analysis import option_arrays, scenario_inputs
from ftreport.engine.sampling import Draw
from ftreport.model import ScenarioBook
from ftreport.model.results import SensitivityBar

SENSITIVITY_DRAWS = 100_000
SENSITIVITY_STREAM = 0x5E45  # keeps these draws apart from the simulation's blocks


def input_percentiles(draw: Draw, seed: int, row_number: int) -> tuple[float, float]:
    """P10 and P90 of one row's distribution, after its clips and the input's bounds."""
    r = draw.row
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        seed, spawn_key=(SENSITIVITY_STREAM, row_number))))
    values = distributions.clip(
        distributions.draw(r.distribution, (r.p1, r.p2, r.p3), rng, SENSITIVITY_DRAWS),
        r.input, r.clip_min, r.clip_max)
    low, high = np.percentile(values, (10, 90))
    return float(low), float(high)


def savings_with(book: ScenarioBook, draw: Draw, value: float, option: int) -> float:
    """The option's savings with ``draw``'s input set to ``value``, all else at base."""
    options = option_arrays(book.options)
    scenario = scenario_inputs(book)
    if draw.row.option is None:
        scenario[draw.row.input] = value
    else:
        options[draw.row.input][list(draw.options)] = value
    result = compare.evaluate(options, book.baseline_index, with_break_even_day=False,
                              **scenario)
    return float(result["savings_vs_baseline"][option])


def sensitivity(book: ScenarioBook, draws: list[Draw], option: int) -> list[SensitivityBar]:
    """One bar per Uncertainty row, largest swing first (ties keep table order)."""
    bars = []
    for number, d in enumerate(draws):
        low, high = input_percentiles(d, book.scenario.mc_seed, number)
        bars.append(SensitivityBar(
            input=d.row.input, option=d.row.option, low_value=low, high_value=high,
            savings_at_low=savings_with(book, d, low, option),
            savings_at_high=savings_with(book, d, high, option)))
    return sorted(bars, key=lambda b: -b.swing)
