"""The `Simulation` sheet's charts over tables of their own: the S-curve (each
alternative's cumulative distribution of savings, overlaid, with its P5, P50 and P95
marked) and the convergence of the featured option's mean savings with its 95% band.
Native Excel scatter charts."""

from __future__ import annotations

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.engine.precision import Z95
from ftreport.engine.sampling import BLOCK
from ftreport.model.results import SimulationResult

MARKED = (0.05, 0.5, 0.95)


def _head(ws: Worksheet, values: list[object]) -> int:
    ws.append([])
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    return ws.max_row


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
    head = _head(ws, [f"S-curve: savings ({currency}) at each cumulative probability",
                      *shown])
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



def add_convergence(ws: Worksheet, sim: SimulationResult, currency: str) -> None:
    """The featured option's running mean savings after more and more iterations, with
    the band mean +- 1.96 standard errors."""
    conv = sim.convergence
    if not conv.get("iterations"):
        return
    head = _head(ws, [f"Convergence: running mean savings of {conv['option']} ({currency})",
                      "Mean", "Lower 95%", "Upper 95%", "Standard error"])
    for n, mean, se in zip(conv["iterations"], conv["mean"], conv["se"], strict=True):
        band = None if se is None or mean is None else Z95 * se
        ws.append([n, mean, None if band is None else mean - band,
                   None if band is None else mean + band, se])
        ws.cell(ws.max_row, 1).number_format = "#,##0"
        for cell in ws[ws.max_row][1:]:
            cell.number_format = f'#,##0 "{currency}"'
    last = ws.max_row
    if len(conv["iterations"]) < 2:  # a line needs two points: a run of one block
        ws.append([f"One point: the running mean is charted for runs of more than {BLOCK:,} "
                   "iterations (one block)."])
        return
    chart = ScatterChart()
    chart.title = f"Running mean savings of {conv['option']} with its 95% band"
    chart.style = 13
    chart.x_axis.title = "Iterations"
    chart.x_axis.scaling.logBase = 10
    chart.y_axis.title = f"Mean savings ({currency})"
    x = Reference(ws, min_col=1, min_row=head + 1, max_row=last)
    for column in (2, 3, 4):
        series = Series(Reference(ws, min_col=column, min_row=head, max_row=last), x,
                        title_from_data=True)
        series.marker.symbol = "none"
        if column != 2:
            series.graphicalProperties.line.dashStyle = "dash"
        chart.series.append(series)
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"G{head}")
