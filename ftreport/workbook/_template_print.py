"""The template's page setup, so the analyst's input sheets print legibly (and so do
the reports made from them: a report keeps the analyst's sheets as they are).

Each visible sheet prints its used cells, not the empty rows its input checks reach
into, in the orientation and scale ftreport.workbook.printing.plan_pages picks; a sheet
too wide to read on one page (Options, Prices) prints in blocks of whole columns,
each repeating the name column. Text the page would cut (longer than its column and
the empty cells right of it, up to the block's edge) wraps, and every row of wrapped
text gets the height of its lines (LibreOffice does not grow them). The hidden
`Lists` sheet never prints.
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
        for first, last, _, _ in blocks:
            for col in range(first, last + 1):
                wrap_long_text(ws, col, last, header_row)
        for row in range(header_row + 1, rows + 1):
            lines = text_lines(ws, row)
            if lines > 1:
                ws.row_dimensions[row].height = lines * LINE_POINTS
        page_setup(ws, plan_pages(ws, columns, rows, split=True), header=HEADER, footer=FOOTER,
                   title_rows=f"{header_row}:{header_row}")


def wrap_long_text(ws: Worksheet, col: int, edge: int, header_row: int) -> None:
    """Wrap the text below the header row in column ``col`` that the page would cut: longer
    than its column and the empty cells right of it, up to the block's edge column."""
    if (ws.title, ws.cell(row=header_row, column=col).value) in UNWRAPPED:
        return
    for row in range(header_row + 1, ws.max_row + 1):
        cell = ws._cells.get((row, col))
        if cell is None or cell.data_type != "s":
            continue
        room, right = column_width(ws, col), col + 1
        while right <= edge and _empty(ws, row, right):
            room, right = room + column_width(ws, right), right + 1
        if len(str(cell.value)) > room:
            alignment = copy(cell.alignment)
            alignment.wrap_text, alignment.vertical = True, "top"
            cell.alignment = alignment


def _empty(ws: Worksheet, row: int, col: int) -> bool:
    cell = ws._cells.get((row, col))
    return cell is None or cell.value in (None, "")


def used_cells(ws: Worksheet) -> tuple[int, int]:
    """The last column and row holding a value."""
    filled = [key for key, cell in ws._cells.items() if cell.value not in (None, "")]
    return max(c for _, c in filled), max(r for r, _ in filled)
