"""The template's `Named scenarios` sheet: the `Scenarios` table (template version 3).

Each row overrides one input in one named scenario, addressed as in the Uncertainty
table; the report's `Scenarios` sheet and the memo show every output of each
scenario beside the base case. The sheet is not called `Scenarios`: that is the
name of the output sheet a run writes (and a re-run replaces).
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model import schema
from ftreport.workbook import SCENARIOS_TABLE
from ftreport.workbook._checks import list_check
from ftreport.workbook._input_tables import input_columns
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
    n = max(len(rows) + spare_rows, 3)
    last = header_row + n
    input_columns(ws, schema.SCENARIOS_COLUMNS, rows, SCENARIOS_NOTES, header_row=header_row,
                  n=n, fill=fill, validated_rows=validated_rows, note_height=100,
                  checks={"input": list_check(inputs_list, "input", SCENARIOS_NOTES["input"])})
    for letter, width in zip("ABCD", (22, 26, 26, 16), strict=True):
        ws.column_dimensions[letter].width = width
    add_table(ws, SCENARIOS_TABLE, len(schema.SCENARIOS_COLUMNS), last)
    ws.freeze_panes = f"A{header_row + 1}"
