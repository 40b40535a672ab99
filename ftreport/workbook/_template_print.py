"""The template's page setup, so the analyst's input sheets print legibly (and so do
the reports made from them: a report keeps the analyst's sheets as they are).

Each visible sheet prints its used cells, not the empty rows its input checks reach
into, in the orientation and scale ftreport.workbook.printing.plan_pages picks; a sheet
too wide to read on one page (Options, Prices) prints in blocks of whole columns,
each repeating the name column. Text longer than its column at the right edge of a
block wraps, so the page shows all of it, and every row of wrapped text gets the
height of its lines (LibreOffice does not grow them). The hidden `Lists` sheet never
prints.
"""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.workbook.printing import column_width, page_setup, plan_pages, text_lines

HEADER = "&F"  # the file's name: the template has no scenario name of its own
FOOTER = "scenario workbook (ftreport)"
LINE_POINTS = 15.0  # a row's height per line of text
# The price book's notes (up to ~900 characters each) print as far as their column
# shows: wrapped, Prices prints on 15 pages instead of 2 (docs/results-sheets.md).
UNWRAPPED = {("Prices", "notes")}


def print_template(wb: Workbook, *, header_row: int) -> None:
    """Page setup of every visible sheet of the template ``wb``."""
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        columns, rows = used_cells(ws)
        blocks = plan_pages(ws, columns, rows, split=True).blocks
        for _, last, _, _ in blocks:
            wrap_long_text(ws, last, header_row)
        for row in range(header_row + 1, rows + 1):
            lines = text_lines(ws, row)
            if lines > 1:
                ws.row_dimensions[row].height = lines * LINE_POINTS
        page_setup(ws, plan_pages(ws, columns, rows, split=True), header=HEADER, footer=FOOTER,
                   title_rows=f"{header_row}:{header_row}")


def wrap_long_text(ws: Worksheet, col: int, header_row: int) -> None:
    """Wrap the text below the header row in column ``col`` that is wider than it."""
    if (ws.title, ws.cell(row=header_row, column=col).value) in UNWRAPPED:
        return
    width = column_width(ws, col)
    for row in range(header_row + 1, ws.max_row + 1):
        cell = ws._cells.get((row, col))
        if cell is not None and cell.data_type == "s" and len(str(cell.value)) > width:
            alignment = copy(cell.alignment)
            alignment.wrap_text, alignment.vertical = True, "top"
            cell.alignment = alignment


def used_cells(ws: Worksheet) -> tuple[int, int]:
    """The last column and row holding a value."""
    filled = [key for key, cell in ws._cells.items() if cell.value not in (None, "")]
    return max(c for _, c in filled), max(r for r, _ in filled)
