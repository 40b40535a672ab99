"""The template's `Named scenarios` sheet: the `Scenarios` table (template version 3).

Each row overrides one input in one named scenario, addressed as in the Uncertainty
table; the report's `Scenarios` sheet and the memo show every output of each
scenario beside the base case. The sheet is not called `Scenarios`: that is the
name of the output sheet a run writes (and a re-run replaces).
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model import schema
from ftreport.workbook import SCENARIOS_TABLE
from ftreport.workbook._checks import list_check, prompt_only
from ftreport.workbook.styles import heading

SCENARIOS_NOTES = {
    "scenario": "The scenario's name, e.g. Downside. Rows with the same name make one "
                "scenario; inputs it does not name keep their base values.",
    "input": "A Scenario defined name or an Options column that may vary (see the list).",
    "option": "Blank for a Scenario input; an option's name; or * for every option (a row "
              "for one option wins over a * row for the same input).",
    "value": "The input's value in this scenario, in the input's own unit (0.05 = 5%).",
}


def scenarios_sheet(ws: Worksheet, rows: list[dict[str, object]], *, header_row: int,
                    fill: PatternFill, hint: Font, spare_rows: int, validated_rows: int,
                    inputs_list: str, add_table: Callable[[Worksheet, str, int, int], None]
                    ) -> None:
    """Write the sheet with ``rows`` (column name -> value) and a few empty rows."""
    heading(ws, "Named scenarios",
            ("Optional: a named scenario (Downside, Upside...) overrides some inputs; the "
             "report shows every output of each beside the base case."), hint)
    columns = schema.SCENARIOS_COLUMNS
    n = max(len(rows) + spare_rows, 3)
    last = header_row + n
    first = header_row + 1
    for col, name in enumerate(columns, start=1):
        head = ws.cell(row=header_row, column=col, value=name)
        head.comment = Comment(SCENARIOS_NOTES[name], "ftreport", width=300, height=100)
        for i in range(n):
            cell = ws.cell(row=first + i, column=col,
                           value=rows[i].get(name) if i < len(rows) else None)
            cell.fill = fill
        letter = get_column_letter(col)
        dv = (list_check(inputs_list, name, SCENARIOS_NOTES[name]) if name == "input"
              else prompt_only(name, SCENARIOS_NOTES[name]))
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last + validated_rows}")
    for letter, width in zip("ABCD", (22, 26, 26, 16), strict=True):
        ws.column_dimensions[letter].width = width
    add_table(ws, SCENARIOS_TABLE, len(columns), last)
    ws.freeze_panes = f"A{first}"
