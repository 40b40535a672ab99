"""The `Periods` sheet: what each option spends in each of the first twelve calendar
months and in each fiscal year of the horizon, as live formulas over the Timeline's
cumulative costs (cost-model.md, "Dates"), caching ftreport.engine.periods' values."""

from __future__ import annotations

from datetime import date

from openpyxl.styles import Alignment

from ftreport.engine import periods as engine
from ftreport.workbook import formulas
from ftreport.workbook.cells import column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.styles import (
    bold,
    fit_names,
    header_row,
    heading,
    note,
    style_header,
    widths,
)

FIRST_COST_COLUMN = 6  # A period, B from, C to, D first day, E last day, then the options
MONTH_HEAD = 9
FIRST_MONTH_ROW = MONTH_HEAD + 1
FY_TITLE = FIRST_MONTH_ROW + engine.MONTHS_SHOWN + 1
FY_HEAD = FY_TITLE + 1
DATE_FORMAT = "yyyy-mm-dd"
COLUMNS = ("period", "from", "to", "first day", "last day")
NOTES = ("The calendar month (its first day) or the fiscal year, named by the calendar year "
         "it ends in.", "First date of the period within the horizon.",
         "Last date of the period within the horizon.",
         "Day number of the horizon (day 1 = start date).", "Day number of its last day.")
COST_NOTE = ("Cost in the period: cumulative cost on its last day minus that on the day "
             "before it (Timeline); the first period also holds day 0 (up-front cost and the "
             "first training run). A training run falls in the period it starts in.")


def excel_date(day: date) -> int:
    """The spreadsheet serial number of ``day`` (1900 date system)."""
    return (day - date(1899, 12, 30)).days


def periods_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Periods"]
    found = engine.periods(ctx.book)
    heading(ws, "Periods", "Cost per calendar month (first twelve months) and per fiscal "
            "year, in the workbook's currency. Live formulas over the Timeline.")
    cells, money = ctx.cells, ctx.formats.money
    start = ctx.book.start_date
    fy_first = engine.fiscal_year_start(start, found.fiscal_year_start_month)
    for row, name, label, formula, value, fmt in (
        (4, "period_start", "Start date (day 1)",
         formulas.period_start(ctx.refs, start), excel_date(start), DATE_FORMAT),
        (5, "period_fy_month", "Fiscal year starts in month", formulas.period_fy_month(ctx.refs),
         found.fiscal_year_start_month, "0"),
        (6, "period_fy_first", "First fiscal year begins", formulas.PERIOD_FY_FIRST,
         excel_date(fy_first), DATE_FORMAT)):
        ws.cell(row, 1, label)
        cells.formula(ws, f"B{row}", formula, value, fmt)
        cells.name(name, f"Periods!$B${row}")
    ws.cell(MONTH_HEAD - 1, 1, "Cost per month").font = bold()
    _header(ctx, MONTH_HEAD)
    horizon = ctx.refs.scenario["horizon_days"]
    run_horizon = int(ctx.book.scenario.horizon_days)
    for k in range(1, engine.MONTHS_SHOWN + 1):
        row = FIRST_MONTH_ROW + k - 1
        first_of_month = engine.add_months(start, k - 1)  # k = 1: start_date's month
        first = max(1, (first_of_month - start).days + 1)
        last = min(run_horizon, (engine.add_months(start, k) - start).days)
        cells.formula(ws, f"A{row}", formulas.month_first(k), excel_date(first_of_month),
                      "mmm yyyy")
        ws[f"A{row}"].alignment = Alignment(horizontal="left")
        costs = found.monthly[k - 1] if k <= len(found.months) else None
        _days_and_costs(ctx, row, formulas.month_days(k, row, horizon), (first, last), costs)
    ws.cell(FY_TITLE, 1, "Cost per fiscal year").font = bold()
    _header(ctx, FY_HEAD)
    for j, period in enumerate(found.fiscal_years, start=1):
        row = FY_HEAD + j
        cells.formula(ws, f"A{row}", formulas.fiscal_year_label(j), period.label)
        _days_and_costs(ctx, row, formulas.fiscal_year_days(j, horizon),
                        (period.first_day, period.last_day), found.fiscal[j - 1])
    total = FY_HEAD + len(found.fiscal_years) + 1
    ws.cell(total, 1, "Total").font = bold()
    for i in range(ctx.n):
        col = column_letter(FIRST_COST_COLUMN + i)
        cells.formula(ws, f"{col}{total}", f"SUM({col}{FY_HEAD + 1}:{col}{total - 1})",
                      float(found.fiscal[:, i].sum()), money)
        ws[f"{col}{total}"].font = bold()
    last_col = column_letter(FIRST_COST_COLUMN + ctx.n - 1)
    cells.name("period_totals", f"Periods!${column_letter(FIRST_COST_COLUMN)}${total}:"
               f"${last_col}${total}")
    widths(ws, (28, 12, 12, 10, 10))
    fit_names(ws, FIRST_COST_COLUMN, [o.name for o in ctx.book.options])
    ws.freeze_panes = "B1"


def _header(ctx: ReportContext, row: int) -> None:
    ws = ctx.wb["Periods"]
    header_row(ws, row, COLUMNS, notes=NOTES)
    for i in range(ctx.n):
        ref = f"{column_letter(FIRST_COST_COLUMN + i)}{row}"
        ctx.cells.formula(ws, ref, ctx.refs.result("name", i), ctx.book.options[i].name)
        style_header(ws[ref])
        ws[ref].comment = note(COST_NOTE)


def _days_and_costs(ctx: ReportContext, row: int, day_formulas: tuple[str, str],
                    days: tuple[int, int], costs: object) -> None:
    """Columns B..E of a period row (dates and day numbers) and its cost per option."""
    ws, cells, start = ctx.wb["Periods"], ctx.cells, ctx.book.start_date
    first, last = days
    inside = first <= last
    cells.formula(ws, f"D{row}", day_formulas[0], first, "0")
    cells.formula(ws, f"E{row}", day_formulas[1], last, "0")
    for col, day in (("B", first), ("C", last)):
        value = excel_date(start) + day - 1 if inside else None
        cells.formula(ws, f"{col}{row}", formulas.period_date(row, "D" if col == "B" else "E"),
                      value, DATE_FORMAT)
    for i in range(ctx.n):
        col = column_letter(FIRST_COST_COLUMN + i)
        value = float(costs[i]) if inside and costs is not None else None  # type: ignore[index]
        cells.formula(ws, f"{col}{row}", formulas.period_cost(row, _timeline(ctx, i)), value,
                      ctx.formats.money)


def _timeline(ctx: ReportContext, i: int) -> str:
    col = ctx.refs.cost_column(i)
    return f"Timeline!${col}$2:${col}${ctx.refs.last_day_row}"
