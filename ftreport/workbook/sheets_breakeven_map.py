"""The `BreakEvenMap` sheet: the featured option's savings over a grid of volume and
baseline-price multipliers, as live formulas, coloured so the break-even contour shows.

Each cell is the Results sheet's savings with the volume and the baseline's cost per
request scaled (scaling the baseline's three token prices scales its cost per request
by the same factor): ``A_b + p·u_b·N0·v·V - (A + u·N0·v·V)`` with ``A`` the Workings'
fixed part, ``u`` the cost per request, ``N0`` requests_per_day, ``V``
volume_factor_horizon, and the multipliers ``v`` (column A) and ``p`` (row 5) typed
cells the analyst may change. Cached values are the engine's
(ftreport.engine.breakeven_map), computed from the changed inputs by the cost model.
"""

from __future__ import annotations

from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Border, PatternFill, Side

from ftreport.workbook.cells import column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.styles import bold, heading, style_header, widths

SHEET = "BreakEvenMap"
HEADER_ROW = 5  # the price multipliers; the volume multipliers in column A below it
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
LOSS, EVEN, GAIN = "F8696B", "FFFFFF", "63BE7B"
CONTOUR = Side(style="thick", color="000000")


def breakeven_map_sheet(ctx: ReportContext) -> None:
    grid = ctx.result.break_even_map
    assert grid is not None
    ws = ctx.wb.create_sheet(SHEET)
    names = [o.name for o in ctx.book.options]
    option, baseline = names.index(grid.option), names.index(grid.baseline)
    heading(ws, "Break-even map", f"Savings of {grid.option} against {grid.baseline} when "
            "the volume (rows) and the baseline's token prices (columns) are multiplied; "
            "green: cheaper, red: dearer. A thick line marks where the sign changes (the "
            "break-even contour). The yellow multipliers are inputs.")
    corner = ws.cell(HEADER_ROW, 1, "volume x \\ baseline price x")
    style_header(corner)
    first, rows, cols = HEADER_ROW + 1, len(grid.volume_multipliers), len(grid.price_multipliers)
    for j, p in enumerate(grid.price_multipliers, start=2):
        cell = ws.cell(HEADER_ROW, j, p)
        cell.fill, cell.number_format, cell.font = INPUT_FILL, "0.00\"x\"", bold()
    n0 = ctx.refs.scenario["requests_per_day"]
    fixed, unit = ctx.refs.working("fixed_part", option), ctx.refs.result("cost_per_request",
                                                                           option)
    for i, v in enumerate(grid.volume_multipliers):
        row = first + i
        cell = ws.cell(row, 1, v)
        cell.fill, cell.number_format, cell.font = INPUT_FILL, "0.00\"x\"", bold()
        for j in range(cols):
            col = column_letter(2 + j)
            volume = f"{n0}*$A{row}*volume_factor_horizon"
            formula = (f"(INDEX(wk_fixed_part,baseline_row)+{col}${HEADER_ROW}"
                       f"*INDEX(res_cost_per_request,baseline_row)*{volume})"
                       f"-({fixed}+{unit}*{volume})")
            ctx.cells.formula(ws, f"{col}{row}", formula, grid.savings[i][j], ctx.formats.money)
    last_col, last_row = column_letter(1 + cols), first + rows - 1
    area = f"B{first}:{last_col}{last_row}"
    ws.conditional_formatting.add(area, ColorScaleRule(
        start_type="min", start_color=LOSS, mid_type="num", mid_value=0, mid_color=EVEN,
        end_type="max", end_color=GAIN))
    ws.conditional_formatting.add(f"B{first}:{column_letter(cols)}{last_row}", FormulaRule(
        formula=[f"(B{first}>=0)<>(C{first}>=0)"], border=Border(right=CONTOUR)))
    ws.conditional_formatting.add(f"B{first}:{last_col}{last_row - 1}", FormulaRule(
        formula=[f"(B{first}>=0)<>(B{first + 1}>=0)"], border=Border(bottom=CONTOUR)))
    ws.cell(last_row + 2, 1, f"At 1.00x and 1.00x the savings are the Results sheet's for "
            f"{grid.option}; the baseline ({grid.baseline}) keeps its other costs, every "
            "other input its workbook value.")
    ws.cell(last_row + 3, 1, f"Baseline row in Options: {baseline + 1}.")
    widths(ws, [26] + [15] * cols)
