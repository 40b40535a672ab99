"""The break-even map: the featured option's savings against the baseline over a grid of
volume (``requests_per_day`` times a multiplier) and of the baseline's token prices (its
input, cached-input and output prices times a multiplier), every other input at its
workbook value. Where the savings change sign is the break-even contour: the map answers
"cheaper above how many requests, at what price of the alternative" for both at once.

Each point is the cost model itself (``compare.evaluate`` on the changed inputs), so a
grid point at multipliers (1, 1) is the base case's savings exactly.
"""

from __future__ import annotations

import numpy as np

from ftreport.engine import compare
from ftreport.engine.analysis import option_arrays, scenario_inputs
from ftreport.engine.simulation import featured_option
from ftreport.model.results import Analysis, BreakEvenGrid

# 1/4 .. 4 in steps of a factor sqrt(2): the base case in the middle of a 9 x 9 grid.
MULTIPLIERS = tuple(2.0 ** (k / 2) for k in range(-4, 5))
BASELINE_PRICES = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m")


def break_even_map(analysis: Analysis,
                   volume_multipliers: tuple[float, ...] = MULTIPLIERS,
                   price_multipliers: tuple[float, ...] = MULTIPLIERS) -> BreakEvenGrid:
    """Savings of the featured option (the recommended one, or the best alternative when
    the baseline is recommended) at each (volume, baseline price) multiplier pair:
    ``savings[i][j]`` for volume multiplier i and price multiplier j."""
    book, baseline = analysis.book, analysis.baseline
    option = featured_option(analysis)
    volumes = np.repeat(np.asarray(volume_multipliers, dtype=float), len(price_multipliers))
    prices = np.tile(np.asarray(price_multipliers, dtype=float), len(volume_multipliers))
    options = {k: np.repeat(v[:, None], volumes.size, axis=1)
               for k, v in option_arrays(book.options).items()}
    for key in BASELINE_PRICES:
        options[key][baseline] = options[key][baseline] * prices
    scenario = scenario_inputs(book)
    scenario["requests_per_day"] = book.scenario.requests_per_day * volumes
    savings = compare.evaluate(options, baseline, with_break_even_day=False,
                               keys=("savings_vs_baseline",), **scenario)["savings_vs_baseline"]
    grid = savings[option].reshape(len(volume_multipliers), len(price_multipliers))
    return BreakEvenGrid(option=book.options[option].name,
                         baseline=book.options[baseline].name,
                         volume_multipliers=list(volume_multipliers),
                         price_multipliers=list(price_multipliers),
                         savings=grid.tolist())
