"""The `Simulation` and `Sensitivity` sheets: Monte Carlo values and native Excel charts.

Values, not formulas: they come from the simulation run. The writer
(ftreport.workbook.writer) calls ``add_simulation_sheets`` after the formula
sheets; an existing sheet of the same name is replaced in place.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model.outputs import OUTPUT, PERCENTILES, SIMULATED_KEYS
from ftreport.model.results import RunResult, SimulationResult
from ftreport.workbook.simulation_charts import add_convergence, add_s_curve

BOLD = Font(bold=True)
OUTPUT_LABELS = {key: OUTPUT[key].label for key in SIMULATED_KEYS}
STAT_KEYS = (*(f"p{p}" for p in PERCENTILES), "mean", "trimmed_mean", "finite_share")
STAT_LABELS = (*(f"P{p}" for p in PERCENTILES), "Mean", "Trimmed mean", "Share defined")


def _fresh_sheet(wb: Workbook, title: str) -> Worksheet:
    """An empty sheet called ``title`` at the position of the old one, if any."""
    if title in wb.sheetnames:
        index = wb.sheetnames.index(title)
        wb.remove(wb[title])
        return wb.create_sheet(title, index)
    return wb.create_sheet(title)


def _row(ws: Worksheet, values: list[Any], *, bold: bool = False) -> int:
    ws.append(values)
    if bold:
        for cell in ws[ws.max_row]:
            cell.font = BOLD
    return ws.max_row


def add_simulation_sheets(wb: Workbook, result: RunResult) -> None:
    """Write (or replace) the `Simulation` and `Sensitivity` sheets of ``result``."""
    sim = result.simulation
    if sim is None:
        return
    currency = result.book.scenario.currency
    _simulation_sheet(_fresh_sheet(wb, "Simulation"), sim, currency)
    _sensitivity_sheet(_fresh_sheet(wb, "Sensitivity"), sim, result, currency)


PROBABILITY_COLUMNS = (("p_cheapest", "P(cheapest)"), ("p_recommended", "P(recommended)"),
                       ("p_beats_baseline", "P(beats baseline)"))
TARGET_COLUMNS = (("p_savings_at_least_target", "P(savings >= target)"),
                  ("p_payback_within_target", "P(payback within target)"))
BOUND_KEYS = tuple(f"p{p}_{side}" for p in PERCENTILES for side in ("lower", "upper"))
BOUND_LABELS = tuple(f"P{p} {side} 95%" for p in PERCENTILES for side in ("lower", "upper"))


def _simulation_sheet(ws: Worksheet, sim: SimulationResult, currency: str) -> None:
    _row(ws, ["Monte Carlo simulation"], bold=True)
    _row(ws, ["Iterations", sim.iterations])
    _row(ws, ["Seed", sim.seed])
    _row(ws, ["Samples trimmed (savings of the featured option)", sim.trimmed])
    _row(ws, ["Featured option", sim.featured_option])
    _row(ws, ["Blank: never (break-even), undefined, or a percentile that falls on "
              "\"never\". Means are over samples with a defined value."])
    _row(ws, ["Iterations asked for", sim.requested_iterations])
    _row(ws, ["Stopped", stop_text(sim)])
    _row(ws, ["Percentiles", precision_text(sim)])
    _row(ws, ["Sampling", sim.sampling_words])
    _row(ws, [])
    _probabilities(ws, sim)
    _row(ws, [])
    _percentiles(ws, sim, currency)
    _correlations(ws, sim)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30
    _histogram(ws, sim, currency)
    add_s_curve(ws, sim, currency)
    add_convergence(ws, sim, currency)


def stop_text(sim: SimulationResult) -> str:
    """Why the run ended, as the sheet says it."""
    if sim.stopped == "target_se":
        return (f"early, at the first check with the standard error of the mean savings of "
                f"{sim.featured_option} below the target {sim.target_se:,.2f}")
    if sim.target_se is not None:
        return (f"after every iteration: the standard error of the mean savings stayed at or "
                f"above the target {sim.target_se:,.2f}")
    return "after every iteration"


CORRELATION_HEAD = ("Input a", "Option a", "Input b", "Option b",
                    "Requested rank correlation", "Achieved Spearman correlation",
                    "Measured on iterations")


def _correlations(ws: Worksheet, sim: SimulationResult) -> None:
    """The Correlations rows applied, each with the rank correlation the run's draws
    got; nothing when the workbook has none."""
    if not sim.correlations:
        return
    _row(ws, [])
    _row(ws, ["Rank correlations applied (Iman-Conover; achieved: Spearman over the run's "
              "first iterations)"], bold=True)
    _row(ws, list(CORRELATION_HEAD), bold=True)
    for c in sim.correlations:
        _row(ws, [c.input_a, c.option_a or "", c.input_b, c.option_b or "", c.requested,
                  c.achieved, c.measured_iterations])
        for cell in ws[ws.max_row][4:6]:
            cell.number_format = "0.000"


def precision_text(sim: SimulationResult) -> str:
    if sim.quantiles == "exact":
        return ("exact (every sample kept); bounds: distribution-free 95% order-statistic "
                "bounds")
    return (f"from a KLL quantile sketch (k = {sim.sketch_k}): each within a rank error of "
            f"{sim.rank_error:.3%} (99% confidence); bounds widened by it")


def _probabilities(ws: Worksheet, sim: SimulationResult) -> None:
    columns = PROBABILITY_COLUMNS + tuple(c for c in TARGET_COLUMNS
                                          if sim.summary and c[0] in sim.summary[0])
    _row(ws, ["Option", *(h for _, label in columns for h in (label, "Standard error"))],
         bold=True)
    for entry in sim.summary:
        _row(ws, [entry["name"], *(entry.get(k) for key, _ in columns
                                   for k in (key, f"{key}_se"))])
        for cell in ws[ws.max_row][1:]:
            cell.number_format = "0.0%"
        for cell in ws[ws.max_row][2::2]:
            cell.number_format = "0.00%"


def _percentiles(ws: Worksheet, sim: SimulationResult, currency: str) -> None:
    _row(ws, ["Option", "Output", *STAT_LABELS, "Trimmed", "Mean standard error",
              *BOUND_LABELS], bold=True)
    for entry in sim.summary:
        for key in SIMULATED_KEYS:
            stats = entry[key]
            _row(ws, [entry["name"], OUTPUT_LABELS[key], *(stats[k] for k in STAT_KEYS),
                      stats.get("trimmed"), stats.get("mean_se"),
                      *(stats.get(k) for k in BOUND_KEYS)])
            money = OUTPUT[key].unit == "money"
            number = f'#,##0 "{currency}"' if money else "#,##0.0"
            for cell in ws[ws.max_row][2:2 + len(STAT_KEYS) - 1]:
                cell.number_format = number
            ws.cell(ws.max_row, 2 + len(STAT_KEYS)).number_format = "0.0%"
            for cell in ws[ws.max_row][3 + len(STAT_KEYS):]:
                cell.number_format = number


def _histogram(ws: Worksheet, sim: SimulationResult, currency: str) -> None:
    hist = sim.histogram
    if not hist.get("counts"):
        return
    _row(ws, [])
    head = _row(ws, [f"Savings of {sim.featured_option} ({currency}), samples inside "
                     "the trim", "From", "To", "Samples"], bold=True)
    edges = hist["edges"]
    for k, count in enumerate(hist["counts"]):
        _row(ws, [f"{edges[k]:,.0f} to {edges[k + 1]:,.0f}", edges[k], edges[k + 1], count])
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Savings of {sim.featured_option}"
    chart.y_axis.title = "Samples"
    chart.x_axis.title = f"Savings ({currency})"
    chart.gapWidth = 0
    chart.legend = None
    chart.add_data(Reference(ws, min_col=4, min_row=head, max_row=ws.max_row),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=ws.max_row))
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"F{head}")


def _sensitivity_sheet(ws: Worksheet, sim: SimulationResult, result: RunResult,
                       currency: str) -> None:
    names = sim.option_names
    featured = names.index(sim.featured_option) if sim.featured_option in names else 0
    base = float(result.analysis.results["savings_vs_baseline"][featured])
    _row(ws, [f"Sensitivity of the savings of {sim.featured_option}"], bold=True)
    _row(ws, ["Each input at its P10 and at its P90, every other input at its base value."])
    _row(ws, ["Base savings", base])
    ws.cell(ws.max_row, 2).number_format = f'#,##0 "{currency}"'
    _row(ws, [])
    head = _row(ws, ["Input", "Option", "P10", "P90", "Savings at P10", "Savings at P90",
                     "Swing", "Change at P10", "Change at P90", "Swing standard error"],
               bold=True)
    bars = sim.tornado_bars
    for bar in bars:
        _row(ws, [bar.label, bar.option or "", bar.low_value, bar.high_value,
                  bar.savings_at_low, bar.savings_at_high, bar.swing,
                  bar.savings_at_low - base, bar.savings_at_high - base, bar.swing_se])
        for cell in ws[ws.max_row][4:]:
            cell.number_format = f'#,##0 "{currency}"'
    ws.column_dimensions["A"].width = 40
    if not bars:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: a tornado
    chart.grouping = "clustered"
    chart.overlap = 100
    chart.title = f"Change in savings of {sim.featured_option} ({currency})"
    chart.add_data(Reference(ws, min_col=8, max_col=9, min_row=head, max_row=ws.max_row),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=ws.max_row))
    chart.y_axis.title = f"Change in savings ({currency})"
    chart.x_axis.scaling.orientation = "maxMin"  # largest swing on top
    chart.width, chart.height = 20, 3 + 1.2 * len(bars)
    ws.add_chart(chart, f"L{head}")
    if sim.no_effect_note():
        _row(ws, [sim.no_effect_note()])
