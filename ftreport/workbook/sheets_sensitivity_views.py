"""Below the tornado on the `Sensitivity` sheet: the rank correlations with their
contribution to variance, and the spider, each a table of the engine's numbers
(ftreport.engine.joint_sensitivity) with a native Excel chart."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model.results import RunResult
from ftreport.workbook.printing import chart_spans
from ftreport.workbook.styles import bold

SHEET = "Sensitivity"
CAVEAT = ("The tornado above and the spider below move one input at a time, every other "
          "input at its base value. The rank correlations let all uncertain inputs vary "
          "together (the simulation's draws); they measure association, not cause.")


def _put(ws: Worksheet, row: int, values: list[object], *, strong: bool = False) -> int:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, value)
        if strong:
            cell.font = bold()
    return row


CHART_COLUMN = 12  # L: the charts sit beside their tables


def _chart_row(ws: Worksheet, wanted: int) -> int:
    """``wanted``, or the first row below the charts already in column L when they reach
    further down: charts sit beside their tables without covering each other."""
    return max([wanted, *(bottom + 1 for col, _, _, bottom in chart_spans(ws)
                          if col == CHART_COLUMN)])


def add_sensitivity_views(wb: Workbook, result: RunResult) -> None:
    sim = result.simulation
    if sim is None or SHEET not in wb.sheetnames or not sim.spider:
        return
    ws = wb[SHEET]
    row = ws.max_row + 3
    _put(ws, row, [CAVEAT])
    samples = sim.rank_correlations[0].samples if sim.rank_correlations else 0
    row = _put(ws, row + 2, [f"Rank correlation with the savings of {sim.featured_option} "
                             f"({samples:,} draws, all inputs varying together)"], strong=True)
    head = _put(ws, row + 1, ["Input", "Spearman rank correlation", "Contribution to variance"],
                strong=True)
    for k, c in enumerate(sim.rank_correlations, start=1):
        _put(ws, head + k, [c.label, c.rho, c.variance_share])
        ws.cell(head + k, 2).number_format = "0.000"
        ws.cell(head + k, 3).number_format = "0.0%"
    last = head + len(sim.rank_correlations)
    bars = BarChart()
    bars.type, bars.title = "bar", "Spearman rank correlation with the savings"
    bars.add_data(Reference(ws, min_col=2, min_row=head, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
    bars.x_axis.scaling.orientation = "maxMin"
    bars.width, bars.height = 18, 3 + 1.1 * len(sim.rank_correlations)
    ws.add_chart(bars, f"L{_chart_row(ws, head)}")
    row = _put(ws, last + 3, [f"Spider: savings of {sim.featured_option} with one input at "
                              "each percentile, every other input at base"], strong=True)
    percentiles = sim.spider[0].percentiles
    head = _put(ws, row + 1, ["Input", *(f"P{p:g}" for p in percentiles)], strong=True)
    currency = result.book.scenario.currency
    for k, line in enumerate(sim.spider, start=1):
        _put(ws, head + k, [line.label, *line.savings])
        for cell in ws[head + k][1:]:
            cell.number_format = f'#,##0 "{currency}"'
    last = head + len(sim.spider)
    lines = LineChart()
    lines.title = f"Savings of {sim.featured_option} by percentile of each input"
    lines.add_data(Reference(ws, min_col=1, max_col=1 + len(percentiles), min_row=head + 1,
                             max_row=last), from_rows=True, titles_from_data=True)
    lines.set_categories(Reference(ws, min_col=2, max_col=1 + len(percentiles), min_row=head))
    lines.width, lines.height = 18, 9
    ws.add_chart(lines, f"L{_chart_row(ws, head)}")
