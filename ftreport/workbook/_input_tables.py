"""The template's row-per-item input tables (Uncertainty, Scenarios): a header with a
note per column, the given rows plus empty ones, input fill, and per column an input
check (or just its note as the input message) reaching below the table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.workbook._checks import prompt_only


def input_columns(ws: Worksheet, columns: Sequence[str], rows: Sequence[Mapping[str, object]],
                  notes: Mapping[str, str], *, header_row: int, n: int, fill: PatternFill,
                  checks: Mapping[str, DataValidation], validated_rows: int,
                  note_height: int, number_formats: Mapping[str, str] | None = None) -> None:
    """Write the header (row ``header_row``) and ``n`` data rows below it."""
    first, last = header_row + 1, header_row + n
    formats = number_formats or {}
    for col, name in enumerate(columns, start=1):
        head = ws.cell(row=header_row, column=col, value=name)
        head.comment = Comment(notes[name], "ftreport", width=300, height=note_height)
        for i in range(n):
            cell = ws.cell(row=first + i, column=col,
                           value=rows[i].get(name) if i < len(rows) else None)
            cell.fill = fill
            if name in formats:
                cell.number_format = formats[name]
        letter = get_column_letter(col)
        dv = checks.get(name) or prompt_only(name, notes[name])
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last + validated_rows}")
