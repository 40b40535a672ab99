"""How the sheets ftreport writes look: headings, header rows, notes, widths, number formats.

The template (ftreport.workbook.template) and the report writer share
``heading``, so every sheet's title looks the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model.outputs import Unit

HEADER_FILL = "DDEBF7"
RECOMMENDED_FILL = "C6EFCE"
NOTE_AUTHOR = "ftreport"
# Named, so LibreOffice does not fall back to a serif font for unnamed headings.
FONT_NAME = "Calibri"
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)


def heading(ws: Worksheet, title: str, text: str, text_font: Font | None = None) -> None:
    """A sheet's title in A1 and one line about it in A2, above the header row."""
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    ws["A2"] = text
    if text_font is not None:
        ws["A2"].font = text_font


def bold() -> Font:
    return Font(name=FONT_NAME, bold=True)


def note(text: str) -> Comment:
    """A header note, sized to be read without resizing."""
    made = Comment(text, NOTE_AUTHOR)
    made.width, made.height = 320, 160
    return made


def style_header(cell: Cell) -> None:
    cell.font = bold()
    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def fit_names(ws: Worksheet, first_col: int, names: Sequence[str], least: float = 18) -> None:
    """Columns from ``first_col`` wide enough for the option names heading them."""
    for col, name in enumerate(names, start=first_col):
        ws.column_dimensions[get_column_letter(col)].width = max(least, len(name) + 3)


def header_row(ws: Worksheet, row: int, keys: Sequence[str],
               notes: Sequence[str] | None = None) -> None:
    for col, key in enumerate(keys, start=1):
        cell = ws.cell(row, col, key or None)
        style_header(cell)
        if notes and col <= len(notes) and notes[col - 1]:
            cell.comment = note(notes[col - 1])


def widths(ws: Worksheet, values: Sequence[float]) -> None:
    for col, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def put(ws: Worksheet, row: int, col: int, value: object, fmt: str) -> None:
    ws.cell(row, col, value).number_format = fmt


# TRUE/FALSE shown as words in LibreOffice too (which shows a General logical as 1/0).
FLAG_FORMAT = '"TRUE";"TRUE";"FALSE"'
# The Excel number format of each unit of the results schema; "money" and
# "money_fine" are filled in with the workbook's currency.
UNIT_FORMATS: dict[Unit, str] = {
    "text": "@", "unit_money": "money_fine", "money": "money", "count": "0",
    "share": "0.00%", "ratio": '0.0"x"', "day": '0 "days"', "days": '#,##0.0 "days"',
    "tokens": '#,##0 "tokens"', "requests": "#,##0.0", "tokens_per_hour": "#,##0",
    "flag": FLAG_FORMAT,
}


class NumberFormats:
    """Number formats in one workbook's currency."""

    def __init__(self, currency: str | None) -> None:
        code = re.sub(r"[^A-Za-z]", "", currency or "") or "USD"
        self.money = f'#,##0.00 "{code}"'
        self.money_fine = f'#,##0.000000 "{code}"'
        self.currency_code = code

    def __call__(self, kind: str) -> str:
        """``kind`` as a format: "money", "money_fine", or a format already."""
        return {"money": self.money, "money_fine": self.money_fine}.get(kind, kind)

    def of_unit(self, unit: Unit) -> str:
        return self(UNIT_FORMATS[unit])


def number_format_for(value: float) -> str:
    """A format for a number written without one (General shows 16264.66280727408)."""
    if float(value).is_integer():
        return "#,##0"
    return "#,##0.00" if abs(value) >= 1 else "0.000000"


def shown_width(value: object, fmt: str) -> float:
    """About how many characters ``value`` takes in number format ``fmt``."""
    if not isinstance(value, int | float) or isinstance(value, bool) \
            or not math.isfinite(value):
        return 0.0
    places = len(fmt.split(".")[1].split(" ")[0].rstrip('"%')) if "." in fmt else 0
    suffix = re.findall(r'"([^"]*)"', fmt)
    digits = f"{abs(value) * (100 if '%' in fmt else 1):,.{places}f}"
    return len(digits) + 1 + sum(len(t) + 1 for t in suffix) + ("%" in fmt)


SHORT_TEXT = 30  # characters: text up to this long gets a column wide enough for it


def finish_cells(ws: Worksheet, cached: dict[str, object]) -> None:
    """Every font named, every number formatted, every column wide enough for its
    numbers (no ###). ``cached``: the values of the sheet's formula cells."""
    wb = ws.parent
    needed: dict[int, float] = {}
    for (_, col), cell in ws._cells.items():
        if cell._style is not None and wb._fonts[cell._style.fontId].name is None:
            font = copy(cell.font)
            font.name = FONT_NAME
            cell.font = font
        value = cell.value
        if cell.data_type == "f":
            value = cached.get(cell.coordinate)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if cell.number_format == "General":
                cell.number_format = number_format_for(value)
            needed[col] = max(needed.get(col, 0.0), shown_width(value, cell.number_format))
        elif isinstance(value, str) and len(value) <= SHORT_TEXT:
            # Names and headings fit; sentences may run on into empty cells.
            needed[col] = max(needed.get(col, 0.0), len(value) * 1.1)
    for col, width in needed.items():
        dimension = ws.column_dimensions[get_column_letter(col)]
        if (dimension.width or 13) < width + 1:
            dimension.width = width + 1
