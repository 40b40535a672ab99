"""The template's page setup, so the analyst's input sheets print legibly (and so do
the reports made from them: a report keeps the analyst's sheets as they are).

Each visible sheet prints its used cells, not the empty rows its input checks reach
into, in the orientation and scale ftreport.workbook.layout.plan_pages picks; a sheet
too wide to read on one page (Options, Prices) prints in blocks of whole columns,
each repeating the name column. The hidden `Lists` sheet never prints.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.workbook.layout import page_setup, plan_pages

HEADER = "&F"  # the file's name: the template has no scenario name of its own
FOOTER = "scenario workbook (ftreport)"


def print_template(wb: Workbook, *, header_row: int) -> None:
    """Page setup of every visible sheet of the template ``wb``."""
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        columns, rows = used_cells(ws)
        page_setup(ws, plan_pages(ws, columns, rows, split=True), rows, header=HEADER,
                   footer=FOOTER, title_rows=f"{header_row}:{header_row}")


def used_cells(ws: Worksheet) -> tuple[int, int]:
    """The last column and row holding a value."""
    filled = [key for key, cell in ws._cells.items() if cell.value not in (None, "")]
    return max(c for _, c in filled), max(r for r, _ in filled)
