"""Input cells and their values: what a cell holds, and converting it to what a field
wants (a ``type-error`` or ``out-of-range`` when it does not fit)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.model import schema
from ftreport.model.problems import describe


@dataclass
class InputCell:
    """An input cell: where it is, what it holds, and (after resolving) its value."""

    sheet: str
    coord: str
    raw: object
    is_formula: bool = False
    value: object = None
    failed: str | None = None  # why a formula could not be computed
    number_format: str = "General"
    merged_into: str | None = None  # the merged range that hides this (blank) cell

    @classmethod
    def of(cls, ws: Worksheet, cell: Cell | MergedCell) -> InputCell:
        """The input cell ``cell`` of sheet ``ws``."""
        merged = (next((str(r) for r in ws.merged_cells.ranges if cell.coordinate in r), None)
                  if isinstance(cell, MergedCell) else None)
        return cls(ws.title, cell.coordinate, cell.value, cell.data_type == "f",
                   number_format=cell.number_format, merged_into=merged)

    @property
    def shows_percent(self) -> bool:
        """Whether the cell is formatted as a percentage (a % outside quoted text): it
        then holds 0.05 where the analyst typed and sees 5%."""
        return "%" in re.sub(r'"[^"]*"|\\.', "", self.number_format)

    @property
    def address(self) -> str:
        return f"{sheet_ref(self.sheet)}!{self.coord}"

    @property
    def shown(self) -> str:
        if self.failed:
            formula = getattr(self.raw, "text", self.raw)
            return f"{describe(formula)} ({self.failed})"
        if self.merged_into:
            first = self.merged_into.split(":")[0]
            return (f"a blank cell under the merged cells {self.merged_into} (their value "
                    f"belongs to {first}: unmerge them)")
        return describe(self.value)


@dataclass
class InputTable:
    name: str
    sheet: str
    header_ref: str  # e.g. "A3:W3", for problems about the table as a whole
    rows: list[dict[str, InputCell]] = field(default_factory=list)  # column name -> cell


class Unfit(Exception):
    """A value that does not fit its field: a ``type-error`` or ``out-of-range``;
    ``expected`` replaces the field's own words when the value broke a limit."""

    def __init__(self, code: str = "type-error", expected: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.expected = expected


def sheet_ref(sheet: str) -> str:
    """A sheet name as a formula writes it: bare when it is a plain word, else quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) and not re.fullmatch(
            r"[A-Za-z]{1,3}\d+|[RrCc]\d*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_option(row: dict[str, InputCell]) -> bool:
    """An empty row of the Options table: nothing typed (lookup formulas don't count)."""
    return all(blank(c.raw) or (c.is_formula and blank(row["model"].raw))
               for c in row.values())


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def spelled_as(text: str, names: Iterable[str]) -> str:
    """A hint for a name that matches none of ``names`` exactly but looks like one of
    them (another case, spaces, invisible marks); else nothing."""
    same = next((n for n in names if name_key(n) == name_key(text)), None)
    return f' (did you mean "{same}"? spell it exactly so)' if same else ""


NOT_PERCENT = "typed without a % sign (this input is not a percentage)"


def name_key(text: str) -> str:
    """How names compare: two that look the same on the page are the same, whatever their
    case, Unicode form (e + combining accent), invisible marks or runs of spaces."""
    visible = "".join(ch for ch in unicodedata.normalize("NFKC", text)
                      if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split()).casefold()


def number_of(value: object, percent: bool = True) -> float | None:
    """A number from a cell: blank is None; numeric text ("1200", "25%") is accepted,
    a % sign only when ``percent`` (the input is measured in percent)."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise Unfit()
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if text.endswith("%") and not percent:
            raise Unfit("type-error", NOT_PERCENT)
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise Unfit() from None
    else:
        raise Unfit()
    if not math.isfinite(number):
        raise Unfit()
    return number


def percent_formatted(f: schema.Field, cell: InputCell) -> bool:
    """A number in a percentage-formatted cell of a percentile: the 5 typed there is stored
    as 0.05, the 0.05th percentile. (A score shown as 85% is 0.85, as it shows.)"""
    return (f.kind == "percentile" and cell.shows_percent
            and isinstance(cell.value, int | float) and not isinstance(cell.value, bool))


def date_of(value: object) -> date | None:
    """A date from a cell: a date cell, or ISO text ("2026-07-01"); blank is None."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Unfit() from None


def convert(f: schema.Field, value: object) -> object:
    """``value`` converted to what ``f`` holds; raises Unfit when it does not fit."""
    if f.kind in ("text", "option"):
        return text_of(value) or None
    if f.kind == "flag":
        if isinstance(value, bool):
            return value
        text = text_of(value).lower()
        if text and text not in schema.FLAG_WORDS:
            raise Unfit("type-error")
        return schema.FLAG_WORDS[text] if text else None
    if f.kind == "date":
        return date_of(value)
    if f.kind == "choice":
        text = text_of(value).lower()
        if text and text not in f.choices:
            raise Unfit("unknown-name")
        return text or None
    try:
        number = number_of(value, f.accepts_percent)
    except Unfit as bad:
        raise Unfit(bad.code, bad.expected and f"{f.expected}, {bad.expected}") from None
    if number is None:
        return None
    if f.kind == "whole":
        if not number.is_integer():
            raise Unfit()
        number = int(number)
    if f.minimum is not None and number < f.minimum:
        raise Unfit("out-of-range")
    if f.maximum is not None and number > f.maximum:
        raise Unfit("out-of-range", f.at_most)
    if f.kind == "share" and not 0 <= number <= 1:
        raise Unfit("out-of-range")
    if f.kind == "growth" and number <= -1:
        raise Unfit("out-of-range")
    if f.kind == "percentile" and not 0 <= number <= 100:
        raise Unfit("out-of-range")
    return number
