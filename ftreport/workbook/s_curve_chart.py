"""The S-curve on the `Simulation` sheet: each option's cumulative distribution of
savings, overlaid, with its P5, P50 and P95 marked (a native Excel scatter chart)."""

from __future__ import annotations

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model.results import SimulationResult

MARKED = (0.05, 0.5, 0.95)


def add_s_curve(ws: Worksheet, sim: SimulationResult, currency: str) -> None:
    """A table of each alternative's savings at the S-curve's probabilities, the marked
    percentiles, and the chart over them (the result has no curve for the baseline,
    which saves nothing against itself)."""
    curve = sim.s_curve
    shown = [n for n in sim.option_names if n in curve.get("savings", {})
             and any(v is not None for v in curve["savings"][n])]
    if not shown:
        return
    probabilities = curve["probabilities"]
    ws.append([])
    ws.append([f"S-curve: savings ({currency}) at each cumulative probability", *shown])
    head = ws.max_row
    for cell in ws[head]:
        cell.font = Font(bold=True)
    for k, p in enumerate(probabilities):
        ws.append([p, *(curve["savings"][n][k] for n in shown)])
        ws.cell(ws.max_row, 1).number_format = "0.0%"
    last = ws.max_row
    marked = [k for k, p in enumerate(probabilities) if any(abs(p - m) < 1e-12 for m in MARKED)]
    chart = ScatterChart()
    chart.title = f"Cumulative distribution of savings ({currency}); P5, P50, P95 marked"
    chart.style = 13
    chart.x_axis.title = f"Savings ({currency})"
    chart.y_axis.title = "Probability of savings at most this"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    for j, name in enumerate(shown):
        column = 2 + j
        line = Series(Reference(ws, min_col=1, min_row=head + 1, max_row=last),
                      Reference(ws, min_col=column, min_row=head + 1, max_row=last),
                      title=name)
        line.marker.symbol = "none"
        chart.series.append(line)
        for k in marked:
            row = head + 1 + k
            point = Series(Reference(ws, min_col=1, min_row=row, max_row=row),
                           Reference(ws, min_col=column, min_row=row, max_row=row),
                           title=f"{name} P{round(probabilities[k] * 100)}")
            point.marker.symbol = "diamond"
            point.graphicalProperties.line.noFill = True
            chart.series.append(point)
    chart.width, chart.height = 24, 12
    ws.add_chart(chart, f"F{head}")

