"""Cell references, and the formula cells of a report with the value each caches."""

from __future__ import annotations

import math
import re
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.workbook._xlsx import Cached, raw_formula_rows


def absolute(ref: str) -> str:
    """``Options!E4`` -> ``Options!$E$4`` (sheet quoted when it needs to be)."""
    sheet, _, cell = ref.rpartition("!")
    col, row = re.fullmatch(r"\$?([A-Z]+)\$?([0-9]+)", cell.upper()).groups()  # type: ignore[union-attr]
    if not sheet:
        return f"${col}${row}"
    sheet = sheet.strip("'").replace("''", "'")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!${col}${row}"


def column_letter(index: int) -> str:
    return get_column_letter(index)


def blank_if_undefined(value: Any) -> Cached:
    """NaN, infinity and None become the blank the formulas show ("")."""
    if value is None or isinstance(value, bool | str):
        return value
    number = float(value)
    return number if math.isfinite(number) else None


class Cells:
    """Writes formula cells, remembers the value each caches, and collects defined names."""

    def __init__(self) -> None:
        self.cached: dict[str, dict[str, Cached]] = {}
        self.names: list[tuple[str, str]] = []

    def formula(self, ws: Worksheet, ref: str, formula: str, value: Any,
                fmt: str | None = None) -> None:
        """``=formula`` in ``ref``, caching the engine's ``value`` (blank when undefined)."""
        cell = ws[ref]
        cell.value = "=" + formula
        if fmt:
            cell.number_format = fmt
        self.cached.setdefault(ws.title, {})[ref] = blank_if_undefined(value)

    def name(self, name: str, ref: str) -> None:
        """A defined name for ``ref``, added to the workbook when every sheet is written."""
        self.names.append((name, ref))


class FormulaRows:
    """Formula cells of a long table (a row per day), kept outside openpyxl's ``ws``.

    The cells ``cell.value = ...; cell.number_format = ...`` would make, for a fraction
    of the cost: openpyxl checks every string for illegal characters, looks its number
    format up again in each cell, and writes each through an element tree; here a
    formula's pieces are checked once (``template``), each format's style is made
    once, and ``_xlsx.save_uncompressed`` writes the cells' markup into the sheet
    (``raw_formula_rows``). openpyxl's ``ws`` holds no cell where these are.
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.styles: dict[str, StyleArray] = {}
        self.rows = raw_formula_rows(ws)

    @staticmethod
    def template(formula: str, row_marker: str) -> list[str]:
        """``formula`` ("=..."), split at ``row_marker``, for ``row.join(pieces)`` in each
        row (row numbers are digits: the pieces are all there is to check)."""
        pieces = formula.split(row_marker)
        if not formula.startswith("=") or any(ILLEGAL_CHARACTERS_RE.search(p) for p in pieces):
            raise IllegalCharacterError(f"{formula!r} cannot be a formula in a worksheet.")
        return pieces

    def put(self, row: int, col: int, formula: str, fmt: str) -> None:
        """``formula`` (joined from ``template`` pieces) in ``(row, col)`` with ``fmt``."""
        style = self.styles.get(fmt)
        if style is None:
            styled = Cell(self.ws)  # not in the sheet: only for the format's style
            styled.number_format = fmt
            style = self.styles[fmt] = styled._style
        self.rows.add(row, col, formula, style)
