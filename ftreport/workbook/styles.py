"""How the sheets ftreport writes look: headings, header rows, notes, widths, number formats.

The template (ftreport.workbook.template) and the report writer share
``heading``, so every sheet's title looks the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model.outputs import Unit

HEADER_FILL = "DDEBF7"
RECOMMENDED_FILL = "C6EFCE"
NOTE_AUTHOR = "ftreport"
TITLE_FONT = Font(bold=True, size=14)


def heading(ws: Worksheet, title: str, text: str, text_font: Font | None = None) -> None:
    """A sheet's title in A1 and one line about it in A2, above the header row."""
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    ws["A2"] = text
    if text_font is not None:
        ws["A2"].font = text_font


def bold() -> Font:
    return Font(bold=True)


def note(text: str) -> Comment:
    """A header note, sized to be read without resizing."""
    made = Comment(text, NOTE_AUTHOR)
    made.width, made.height = 320, 160
    return made


def style_header(cell: Cell) -> None:
    cell.font = bold()
    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


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


# The Excel number format of each unit of the results schema; "money" and
# "money_fine" are filled in with the workbook's currency.
UNIT_FORMATS: dict[Unit, str] = {
    "text": "@", "unit_money": "money_fine", "money": "money", "count": "0",
    "share": "0.00%", "ratio": '0.0"x"', "day": '0 "days"', "days": '#,##0.0 "days"',
    "tokens": '#,##0 "tokens"', "requests": "#,##0.0", "tokens_per_hour": "#,##0",
    "flag": "General",
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
