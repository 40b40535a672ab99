"""The `Summary` sheet, first among the outputs: the recommendation and its reason, the
master check, and every Results number with plain labels and units (metrics down,
options across), as live formulas over the Results table."""

from __future__ import annotations

from openpyxl.styles import Alignment

from ftreport.engine.analysis import qualifying, ties_lowest
from ftreport.model.outputs import SHEET_OUTPUTS, Output
from ftreport.workbook.cells import column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.sheets_checks import stale_banner
from ftreport.workbook.styles import (
    FLAG_FORMAT,
    bold,
    fit_names,
    header_row,
    heading,
    style_header,
    widths,
)

# Each unit of the results schema in words, after the label ("Total cost (USD)").
UNIT_WORDS = {"unit_money": "{currency} per request", "money": "{currency}", "share": "%",
              "day": "day of the horizon", "days": "days", "tokens": "tokens",
              "requests": "requests on day 1", "tokens_per_hour": "tokens per hour",
              "count": "", "flag": "TRUE/FALSE", "text": "", "ratio": "multiple"}
METRICS = tuple(o for o in SHEET_OUTPUTS if o.key != "name")
HEAD_ROW = 9
# Outputs that compare an option with the baseline in time: the baseline's own (day 0) would
# read as "cheaper from day 0", so its cell says "baseline" instead.
AGAINST_ITSELF = ("break_even_day",)
# cost-model.md "Ties": among equal present values the baseline stays, else the first row.
KEEP_BASELINE = "; it is the baseline: keep it"
FIRST_OF_EQUALS = ("; another option's present value is equal (within 1e-9): the first "
                   "listed in Options is recommended")


def label_with_unit(output: Output, currency: str) -> str:
    words = UNIT_WORDS[output.unit].format(currency=currency)
    if not words or f"({words})" in output.label:  # "Steady-state break-even (days)"
        return output.label
    return f"{output.label} ({words})"


def reason_formula(min_quality: str) -> str:
    """Why the recommended option is recommended, in words (cost-model.md's rule)."""
    return ('IF(any_qualifying=0,"No option meets the minimum quality: lowest present value '
            f'of cost overall",IF({min_quality}="","Lowest present value of cost",'
            '"Lowest present value of cost among the options meeting the minimum quality"))'
            f'&IF(recommended_row=baseline_row,"{KEEP_BASELINE}",'
            f'IF(SUM(wk_ties_lowest)>1,"{FIRST_OF_EQUALS}",""))')


def reason_text(ctx: ReportContext) -> str:
    """What ``reason_formula`` shows for this run."""
    analysis, floor = ctx.analysis, ctx.book.scenario.min_quality
    if not ctx.scenario_values["any_qualifying"]:
        text = "No option meets the minimum quality: lowest present value of cost overall"
    elif floor is None:
        text = "Lowest present value of cost"
    else:
        text = "Lowest present value of cost among the options meeting the minimum quality"
    if analysis.recommended == analysis.baseline:
        return text + KEEP_BASELINE
    equals = ties_lowest(analysis.results["npv_cost"], qualifying(ctx.book))
    return text + (FIRST_OF_EQUALS if sum(equals) > 1 else "")


def summary_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Summary"]
    s = ctx.book.scenario
    heading(ws, "Summary", f"{s.scenario_name or 'Untitled scenario'}: every number is a live "
            "formula over the Results table; labels and units from the results schema.")
    stale_banner(ctx, "Summary", "A3")
    rec = ctx.analysis.recommended
    cells = ctx.cells
    for row, label, formula, value in (
        (5, "Recommended option", "recommended_option", ctx.book.options[rec].name),
        (6, "Why", reason_formula(ctx.refs.scenario["min_quality"]), reason_text(ctx)),
        (7, "All checks hold (Checks sheet)", "checks_ok", True),
    ):
        ws.cell(row, 1, label).font = bold()
        cells.formula(ws, f"B{row}", formula, value, FLAG_FORMAT if row == 7 else None)
        ws[f"B{row}"].font = bold()
        # The words run across the option columns, not into the next cell.
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=1 + max(ctx.n, 3))
    header_row(ws, HEAD_ROW, ("Metric",))
    for i, option in enumerate(ctx.book.options):
        ref = f"{column_letter(2 + i)}{HEAD_ROW}"
        cells.formula(ws, ref, ctx.refs.result("name", i), option.name)
        style_header(ws[ref])
    for row, output in enumerate(METRICS, start=HEAD_ROW + 1):
        ws.cell(row, 1, label_with_unit(output, ctx.formats.currency_code))
        fmt = ctx.formats.of_unit(output.unit)
        for i in range(ctx.n):
            value = ctx.cells.cached["Results"][ctx.option_refs[i].own(output.key)]
            formula = ctx.refs.result(output.key, i)
            if output.key in AGAINST_ITSELF:  # the baseline against itself: say so, as the memo
                formula = f'IF({ctx.refs.result("is_baseline", i)},"baseline",{formula})'
                value = "baseline" if i == ctx.analysis.baseline else value
            cells.formula(ws, f"{column_letter(2 + i)}{row}", formula, value, fmt)
            if output.key in AGAINST_ITSELF:  # words beside numbers: aligned as the numbers
                ws[f"{column_letter(2 + i)}{row}"].alignment = Alignment(horizontal="right")
    widths(ws, (46,))
    fit_names(ws, 2, [o.name for o in ctx.book.options])
