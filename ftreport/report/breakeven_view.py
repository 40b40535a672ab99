"""The memo's break-even map section: the heat map of the featured option's savings over
volume and baseline-price multipliers, and one sentence on where it saves money."""

from __future__ import annotations

from dataclasses import dataclass

from ftreport.model.format import Formatter
from ftreport.model.results import BreakEvenGrid
from ftreport.report.map_charts import heat_map_chart


@dataclass(frozen=True)
class BreakEvenMapView:
    summary: str
    chart: str  # SVG
    alt: str


def break_even_map_view(grid: BreakEvenGrid | None, fmt: Formatter) -> BreakEvenMapView | None:
    if grid is None:
        return None
    values = [v for row in grid.savings for v in row]
    cheaper = sum(1 for v in values if v > 0)
    if cheaper == len(values):
        where = "in every combination shown"
    elif cheaper == 0:
        where = "in none of the combinations shown"
    else:
        where = f"in {cheaper} of the {len(values)} combinations shown"
    summary = (f"{grid.option} costs less than {grid.baseline} {where}, from "
               f"{_times(grid.volume_multipliers[0])} to "
               f"{_times(grid.volume_multipliers[-1])} today's volume and the baseline's "
               f"token prices from {_times(grid.price_multipliers[0])} to "
               f"{_times(grid.price_multipliers[-1])}.")
    chart = heat_map_chart(
        grid.savings, [_times(v) for v in grid.volume_multipliers],
        [_times(p) for p in grid.price_multipliers], money=fmt.compact_money,
        x_label=f"Baseline ({grid.baseline}) token prices, times today's",
        y_label="Volume, times today's",
        title=f"Savings of {grid.option} against {grid.baseline}")
    return BreakEvenMapView(summary, chart, chart.alt)


def _times(multiplier: float) -> str:
    return f"{multiplier:.2g}x"
