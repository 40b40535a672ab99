"""The `Constants` and `Workings` sheets: the named numbers and the intermediate
quantities every Results formula builds on."""

from __future__ import annotations

from ftreport.engine.compare import COST_TOLERANCE, HOURS_PER_DAY
from ftreport.engine.costs import DAYS_PER_YEAR, MONTHS_PER_YEAR, TOKENS_PER_PRICE_UNIT
from ftreport.workbook import formulas
from ftreport.workbook.cells import blank_if_undefined, column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.layout import (
    CHART_ROWS,
    FIRST_OPTION_ROW,
    FIRST_SCENARIO_ROW,
    OPTION_WORKINGS,
    SCENARIO_WORKINGS,
)
from ftreport.workbook.styles import bold, header_row, heading, widths

# Constants sheet: (defined name, value, unit, meaning). The engine's own numbers.
CONSTANTS = (
    ("days_per_year", DAYS_PER_YEAR, "days", "Days in a year: a month is days_per_year / "
     "months_per_year days; discount rates are per year."),
    ("months_per_year", MONTHS_PER_YEAR, "months", "Months in a year, for monthly growth and "
     "monthly fixed cost."),
    ("tokens_per_price_unit", TOKENS_PER_PRICE_UNIT, "tokens", "Prices are quoted per 1M "
     "tokens."),
    ("hours_per_day", HOURS_PER_DAY, "hours", "Hours in a day, for break-even volume as tokens "
     "per hour."),
    ("cost_tolerance", COST_TOLERANCE, "share", "Two cumulative costs closer than this share "
     "of the larger count as equal (break-even day)."),
)


def constants_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Constants"]
    heading(ws, "Constants", "Fixed numbers the formulas use, named so no formula hides "
            "a constant. Do not change them: the engine uses the same values.")
    header_row(ws, 3, ("name", "value", "unit", "meaning"))
    for row, (name, value, unit, meaning) in enumerate(CONSTANTS, start=4):
        ws.cell(row, 1, name)
        # Whole numbers as integers, as an analyst would type them.
        shown = int(value) if value.is_integer() else value
        ws.cell(row, 2, shown).number_format = "0.E+00" if value < 1 else "#,##0"
        ws.cell(row, 3, unit)
        ws.cell(row, 4, meaning)
        ctx.cells.name(name, f"Constants!$B${row}")
    widths(ws, (24, 14, 10, 90))


def workings_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Workings"]
    heading(ws, "Workings", "Intermediate quantities the Results formulas use. Formulas "
            "only: change inputs on the Scenario and Options sheets.")
    header_row(ws, 3, ("quantity", "value", "unit", "defined name", "how it is computed"))
    for row, quantity in enumerate(SCENARIO_WORKINGS, start=FIRST_SCENARIO_ROW):
        formula = formulas.SCENARIO_WORKINGS[quantity.name](ctx.refs)
        ws.cell(row, 1, quantity.label)
        ctx.cells.formula(ws, f"B{row}", formula, ctx.scenario_values[quantity.name],
                          ctx.formats(quantity.fmt))
        ws.cell(row, 3, quantity.unit)
        ws.cell(row, 4, quantity.name)
        ws.cell(row, 5, quantity.note or "formula: " + formula)
        ctx.cells.name(quantity.name, f"Workings!$B${row}")
    _chart_helper(ctx)
    _option_block(ctx)
    widths(ws, (44, 20, 10, 28, 80, 18, 18, 18, 18, 18, 18, 18))


def _chart_helper(ctx: ReportContext) -> None:
    """The two points of the Timeline chart's break-even line, on the recommended
    option's break-even day (#N/A, so not drawn, when there is none to show)."""
    ws = ctx.wb["Workings"]
    bottom, top = CHART_ROWS
    ws.cell(bottom - 1, 1, "Chart helper: break-even line").font = bold()
    ws.cell(bottom - 1, 2, "day")
    ws.cell(bottom - 1, 3, "cost")
    day = blank_if_undefined(ctx.scenario_values["recommended_break_even_day"])
    shown = "#N/A" if day is None or ctx.analysis.recommended == ctx.analysis.baseline else day
    day_formula = formulas.SCENARIO_WORKINGS["chart_marker_day"](ctx.refs)
    for row, label in ((bottom, "bottom"), (top, "top")):
        ws.cell(row, 1, label)
        ctx.cells.formula(ws, f"B{row}", day_formula, shown, "0")
    ws.cell(bottom, 3, 0)
    ctx.cells.formula(ws, f"C{top}", formulas.SCENARIO_WORKINGS["chart_marker_top"](ctx.refs),
                      float(ctx.timeline.cumulative.max()), ctx.formats.money)


def _option_block(ctx: ReportContext) -> None:
    ws = ctx.wb["Workings"]
    first, last = FIRST_OPTION_ROW, FIRST_OPTION_ROW + ctx.n - 1
    ws.cell(first - 2, 1, "Per option (rows in Options order)").font = bold()
    header_row(ws, first - 1, [c.key for c in OPTION_WORKINGS],
               notes=[c.note for c in OPTION_WORKINGS])
    for col_no, c in enumerate(OPTION_WORKINGS, start=1):
        col = column_letter(col_no)
        ctx.cells.name(f"wk_{c.key}", f"Workings!${col}${first}:${col}${last}")
    for i, option in enumerate(ctx.book.options):
        row = first + i
        ws.cell(row, 1, i + 1)
        texts = {"name": option.name, "approach": option.approach}
        for col_no, c in enumerate(OPTION_WORKINGS[1:], start=2):
            value = texts[c.key] if c.key in texts else ctx.option_values[c.key][i]
            ctx.cells.formula(ws, f"{column_letter(col_no)}{row}",
                              formulas.OPTION_WORKINGS[c.key](ctx.option_refs[i]), value,
                              ctx.formats(c.fmt))
