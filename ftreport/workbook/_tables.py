"""The reader's view of the sheets: where a table is, what lies just outside it, and the
cached values of formula cells, each read without walking more of a sheet than needed.

A sheet's dimension and a table's ref are claims made by the file; a hostile or
careless one may claim A1:XFD1048576. Nothing here iterates a claimed range: the
cells outside a table come from the cells the sheet really holds, and cached values
are read for the bounding box of the cells asked for.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterable

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model import schema
from ftreport.workbook._values import blank

Report = Callable[..., None]  # the reader's ``problem``
RESIZE = "Excel: Table Design > Resize Table; LibreOffice: Data > Define Range"

# How many stray cells a message lists before it says "and N more".
SHOWN_CELLS = 6


def locate_table(wb: Workbook, name: str) -> tuple[Worksheet, Table] | None:
    """The sheet and table named ``name`` (case-insensitive, as Excel treats table names)."""
    return next(((ws, ws.tables[t]) for ws in wb.worksheets for t in ws.tables
                 if t.lower() == name.lower()), None)


def typed_cells(ws: Worksheet) -> Iterable[tuple[int, int]]:
    """(row, column) of every cell that holds something. openpyxl keeps the cells it
    read in ``_cells``; walking ``iter_rows`` instead would create every empty cell of
    the claimed dimension."""
    for (row, col), cell in ws._cells.items():
        if not blank(cell.value):
            yield row, col


def cells_outside(ws: Worksheet, min_col: int, min_row: int, max_col: int, max_row: int
                  ) -> tuple[list[str], list[str]]:
    """Cells that hold something in the table's columns below it, and in its rows right
    of it: rows or columns an analyst added without the table taking them in."""
    below, right = [], []
    for row, col in sorted(typed_cells(ws)):
        if row > max_row and min_col <= col <= max_col:
            below.append(f"{get_column_letter(col)}{row}")
        elif min_row <= row <= max_row and col > max_col:
            right.append(f"{get_column_letter(col)}{row}")
    return below, right


def listed(cells: list[str]) -> str:
    """Cells for a message: the first few, then how many more."""
    shown = ", ".join(cells[:SHOWN_CELLS])
    more = len(cells) - SHOWN_CELLS
    return shown + (f" and {more:,} more" if more > 0 else "")


def cached_values(data: bytes, wanted: dict[str, list[tuple[int, int]]]
                  ) -> dict[tuple[str, str], object]:
    """The values Excel or LibreOffice last computed for the (row, column) cells in
    ``wanted``, by sheet (read-only mode: fast, and the only way openpyxl gives both
    formula and value). Each sheet is read only over the cells' bounding box."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    found: dict[tuple[str, str], object] = {}
    try:
        for sheet, cells in wanted.items():
            rows, cols = [r for r, _ in cells], [c for _, c in cells]
            for row in values_wb[sheet].iter_rows(min_row=min(rows), max_row=max(rows),
                                                  min_col=min(cols), max_col=max(cols)):
                for cell in row:
                    if getattr(cell, "value", None) is not None:
                        found[(sheet, cell.coordinate)] = cell.value
    finally:
        values_wb.close()
    return found


def table_in_bounds(ws: Worksheet, name: str, ref: str, problem: Report) -> bool:
    """Whether the table is small enough to read; a problem when it is not (its ref may
    claim a million rows that hold nothing)."""
    _, min_row, _, max_row = range_boundaries(ref)
    rows = max_row - min_row
    if rows <= schema.MAX_TABLE_ROWS:
        return True
    problem("too-many-rows", None, f"a {name} table of at most {schema.MAX_TABLE_ROWS:,} data "
            f"rows (resize it to the rows in use: {RESIZE})", f"{rows:,} rows ({ref})",
            sheet=ws.title, where=ref)
    return False


def refuse_outside(ws: Worksheet, name: str, ref: str, problem: Report) -> None:
    """A problem for values typed below the table or right of it: the reader reads only
    the table, and leaving a typed row out without a word would change the answer."""
    below, right = cells_outside(ws, *range_boundaries(ref))
    for cells, what in ((below, "rows"), (right, "columns")):
        if cells:
            problem("outside-table", None, f"nothing typed outside the {name} table ({ref}): "
                    f"resize the table to take in these {what} ({RESIZE}), or clear them",
                    f"values in {listed(cells)}", sheet=ws.title,
                    where=cells[0] if len(cells) == 1 else f"{cells[0]}:{cells[-1]}")
