"""The `Checks` sheet: live formulas that confirm the report ties out (`checks_ok`), and
whether an input was edited since the run (`inputs_changed`).

Staleness: every input (each Scenario value cell, each Options column over the option
rows) gets a checksum formula, ``SUMPRODUCT(R,ROW(R))+SUMPRODUCT(ISTEXT(R)*LEN(R),
ROW(R))``: numbers weighted by their row, plus the length of any text, weighted the same.
Excel and LibreOffice both compute it (SUMPRODUCT takes text and logical values as 0),
and the writer stores what it gave at run time beside it. Limits (docs/results-sheets.md):
an edit that keeps a column's weighted sum (swapping two equal-length words, moving a
number between rows in a way that keeps the sum) or a text's length goes unseen, and a
logical value (TRUE) counts as 0.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from openpyxl.styles import Font

from ftreport.engine.periods import MONTHS_SHOWN
from ftreport.workbook.cells import absolute, column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.sheets_periods import FIRST_COST_COLUMN, FIRST_MONTH_ROW, excel_date
from ftreport.workbook.styles import FLAG_FORMAT, bold, header_row, heading, widths

RERUN_MESSAGE = "inputs changed since this simulation: re-run ftreport"
CHANGE_TOLERANCE = 1e-12  # relative: LibreOffice and Excel may sum in another order
WARNING_FONT = Font(name="Calibri", bold=True, color="C00000")
FIRST_ROW = 10
CHECKSUM_FORMAT = "#,##0.000000"


def checksum_formula(ref: str) -> str:
    return f"SUMPRODUCT({ref},ROW({ref}))+SUMPRODUCT(ISTEXT({ref})*LEN({ref}),ROW({ref}))"


def cell_weight(value: object) -> float:
    """What one cell adds to a checksum before its row weight."""
    if isinstance(value, bool) or value is None:
        return 0.0
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return float(excel_date(value))
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else 0.0
    return float(len(str(value)))


def stale_banner(ctx: ReportContext, title: str, ref: str) -> None:
    """``ref`` on sheet ``title`` shows the re-run message while an input was edited."""
    ws = ctx.wb[title]
    ctx.cells.formula(ws, ref, 'IF(inputs_changed,rerun_message,"")', "")
    ws[ref].font = WARNING_FONT


def checks_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Checks"]
    heading(ws, "Checks", "Each check is a live formula: TRUE when it holds. checks_ok is TRUE "
            "when all hold; inputs_changed is TRUE when an input was edited since the run.")
    rows = (("rerun_message", "Message when inputs changed", None, RERUN_MESSAGE),
            ("timeline_days", "Last day on Timeline (at run time)", None,
             int(ctx.book.scenario.horizon_days)))
    for row, (name, label, _, value) in enumerate(rows, start=4):
        ws.cell(row, 1, label)
        ws.cell(row, 2, value)
        ctx.cells.name(name, f"Checks!$B${row}")
    checks = _tie_outs(ctx)
    inputs = _input_checksums(ctx)
    first_input = FIRST_ROW + len(checks) + 3
    last_check = FIRST_ROW + len(checks) - 1
    last_input = first_input + len(inputs) - 1
    for row, name, label, formula, value in (
        (6, "checks_ok", "All checks hold", f"AND(C{FIRST_ROW}:C{last_check})", True),
        (7, "inputs_changed", "Inputs changed since the run",
         f"NOT(AND(E{first_input}:E{last_input}))", False)):
        ws.cell(row, 1, label).font = bold()
        ctx.cells.formula(ws, f"B{row}", formula, value, FLAG_FORMAT)
        ctx.cells.name(name, f"Checks!$B${row}")
    header_row(ws, FIRST_ROW - 1, ("check", "what it compares", "holds"))
    for row, (label, what, formula) in enumerate(checks, start=FIRST_ROW):
        ws.cell(row, 1, label)
        ws.cell(row, 2, what)
        ctx.cells.formula(ws, f"C{row}", f"IFERROR({formula},FALSE)", True, FLAG_FORMAT)
    header_row(ws, first_input - 1, ("input", "cells", "checksum now", "checksum at run",
                                     "unchanged"))
    for row, (label, ref, value) in enumerate(inputs, start=first_input):
        ws.cell(row, 1, label)
        ws.cell(row, 2, ref)
        ctx.cells.formula(ws, f"C{row}", checksum_formula(ref), value, CHECKSUM_FORMAT)
        ws.cell(row, 4, value).number_format = CHECKSUM_FORMAT
        ctx.cells.formula(ws, f"E{row}", f"ABS(C{row}-D{row})<={CHANGE_TOLERANCE}"
                          f"*MAX(1,ABS(D{row}))", True, FLAG_FORMAT)
    widths(ws, (44, 70, 18, 18, 12))


def _close(a: str, b: str) -> str:
    return f"ABS(({a})-({b}))<=1E-9*MAX(1,ABS({b}))"


def _tie_outs(ctx: ReportContext) -> list[tuple[str, str, str]]:
    """(label, what it compares, formula) of each tie-out check."""
    found = [("Timeline covers the horizon", "horizon_days <= the Timeline's last day",
              f"{ctx.refs.scenario['horizon_days']}<=timeline_days")]
    horizon = ctx.refs.scenario["horizon_days"]
    last_month = FIRST_MONTH_ROW + MONTHS_SHOWN - 1
    first_cost = FIRST_COST_COLUMN
    for i, option in enumerate(ctx.book.options):
        col = ctx.refs.cost_column(i)
        timeline = f"Timeline!${col}$2:${col}${ctx.refs.last_day_row}"
        total = ctx.refs.result("total_cost", i)
        months = column_letter(first_cost + i)
        found += [
            (f"{option.name}: Timeline = total", "Timeline on day horizon_days = Results "
             "total_cost", _close(f"INDEX({timeline},{horizon}+1)", total)),
            (f"{option.name}: fiscal years = total", "Sum of the fiscal years (Periods) = "
             "Results total_cost", _close(f"INDEX(period_totals,{i + 1})", total)),
            (f"{option.name}: months = Timeline", "Sum of the months (Periods) = Timeline on "
             "the last day they cover",
             _close(f"SUM(Periods!${months}${FIRST_MONTH_ROW}:${months}${last_month})",
                    f"INDEX({timeline},MAX(Periods!$E${FIRST_MONTH_ROW}:$E${last_month})+1)")),
        ]
    found += [
        ("One baseline", "Exactly one Results row is the baseline",
         "SUMPRODUCT(--res_is_baseline)=1"),
        ("One recommendation", "Exactly one Results row is recommended",
         "SUMPRODUCT(--res_recommended)=1"),
        ("Baseline saves nothing", "The baseline's savings_vs_baseline is 0",
         "INDEX(res_savings_vs_baseline,baseline_row)=0"),
    ]
    return found


def _input_checksums(ctx: ReportContext) -> list[tuple[str, str, float]]:
    """(input, its cells, checksum at run time) of every Scenario and Options input."""
    book = ctx.book
    found = []
    for name, cell in book.scenario_cells.items():
        ref = absolute(cell)
        found.append((name, ref, _weighted(ctx, [(cell, getattr(book.scenario, name, None))])))
    if not book.option_cells:
        return found
    for name in book.option_cells[0]:
        cells = [(c[name], getattr(o, name, None)) for c, o in zip(book.option_cells,
                                                                   book.options, strict=True)]
        sheet, first = absolute(cells[0][0]).split("!")
        rows = [int(re.sub(r"[^0-9]", "", c.split("!")[1])) for c, _ in cells]
        col = re.sub(r"[^A-Z]", "", first)
        top, bottom = min(rows), max(rows)
        ref = f"{sheet}!${col}${top}:${col}${bottom}"
        # Rows between option rows that the reader skipped (blank) count as they are.
        known = {r: value for r, (_, value) in zip(rows, cells, strict=True)}
        column = [(f"{sheet}!{col}{r}", known.get(r)) for r in range(top, bottom + 1)]
        found.append((name, ref, _weighted(ctx, column)))
    return found


def _weighted(ctx: ReportContext, cells: list[tuple[str, object]]) -> float:
    """The checksum of ``cells`` (reference, the value the reader took) as the sheet
    computes it: a cell's own constant, or for a formula cell the value read."""
    total = 0.0
    for ref, read in cells:
        sheet, coord = ref.rsplit("!", 1)
        raw = ctx.wb[sheet.strip("'").replace("''", "'")][coord.replace("$", "")].value
        if isinstance(raw, str) and raw.startswith("="):
            raw = read
        row = int(re.sub(r"[^0-9]", "", coord))
        total += cell_weight(raw) * row
    return total
