"""The `Results` sheet: one row per option, one column per output of the results schema."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo

from ftreport.model.outputs import SHEET_OUTPUTS
from ftreport.workbook import formulas
from ftreport.workbook.cells import column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.layout import RESULT_COLUMN
from ftreport.workbook.sheets_summary import label_with_unit
from ftreport.workbook.styles import RECOMMENDED_FILL, header_row, widths


def results_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Results"]
    # The column names are the contract; the note under each gives its plain label and unit.
    currency = ctx.formats.currency_code
    header_row(ws, 1, [o.key for o in SHEET_OUTPUTS],
               notes=[f"{label_with_unit(o, currency)}. {o.note}" for o in SHEET_OUTPUTS])
    for i in range(ctx.n):
        for output in SHEET_OUTPUTS:
            ref = f"{column_letter(RESULT_COLUMN[output.key])}{i + 2}"
            ctx.cells.formula(ws, ref, formulas.RESULTS[output.key](ctx.option_refs[i]),
                              _value(ctx, output.key, i), ctx.formats.of_unit(output.unit))
    last_col = column_letter(len(SHEET_OUTPUTS))
    last_row = ctx.n + 1
    for output in SHEET_OUTPUTS:
        col = column_letter(RESULT_COLUMN[output.key])
        ctx.cells.name(f"res_{output.key}", f"Results!${col}$2:${col}${last_row}")
    table = Table(displayName="Results", ref=f"A1:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    recommended = column_letter(RESULT_COLUMN["recommended"])
    baseline = column_letter(RESULT_COLUMN["is_baseline"])
    area = f"A2:{last_col}{last_row}"
    ws.conditional_formatting.add(area, FormulaRule(
        formula=[f"${recommended}2=TRUE"], fill=PatternFill("solid", bgColor=RECOMMENDED_FILL),
        font=Font(bold=True)))
    ws.conditional_formatting.add(area, FormulaRule(
        formula=[f"${baseline}2=TRUE"], font=Font(italic=True, color="595959")))
    ws.freeze_panes = "B2"
    widths(ws, [28, 13] + [18] * (len(SHEET_OUTPUTS) - 2))


def _value(ctx: ReportContext, key: str, i: int) -> object:
    """The engine's value of one Results cell; the option's text or a flag for the rest."""
    if key in ctx.analysis.results:
        return ctx.analysis.results[key][i]  # as computed: not rounded as the JSON's
    return ctx.analysis.option_value(key, i)
