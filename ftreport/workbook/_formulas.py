"""Compute input formulas that have no cached value, with the `formulas` library.

A workbook saved by Excel or LibreOffice carries each formula's last value, and
the reader uses it. One written by openpyxl (our own template, a script) carries
none, so the formulas are computed here. `formulas` was chosen over pycel: it is
maintained, already a dependency, handles INDEX/MATCH across sheets and defined
names, and computes our template in about 0.4 s; pycel 1.0b30 (2021) fails on
openpyxl 3.1's defined names. It is imported only when a formula needs it, as it
pulls in numpy and schedula.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from ftreport.workbook import OUTPUT_SHEETS
from ftreport.workbook._values import sheet_ref
from ftreport.workbook._xlsx import cells_in

# A key of the solution, e.g. "'[book.xlsx]OPTIONS'!G4".
_KEY = re.compile(r"^'?\[[^\]]*\](?P<sheet>.+?)'?!(?P<ref>\$?[A-Z]+\$?\d+)$")


@dataclass(frozen=True)
class Failed:
    """A formula that could not be computed, and why; ``depends_on`` names the cell
    (e.g. "Options!E4") whose own formula is the cause, when it is another cell."""

    reason: str
    depends_on: str | None = None


# A reference into another workbook: "[1]Sheet1!A1", "'C:\\x\\[book.xlsx]Sheet'!A1".
_EXTERNAL = re.compile(r"\[[^\]]*\]")
EXTERNAL_REASON = "it refers to another workbook"


def refers_to_another_workbook(formula: str) -> bool:
    """Whether ``formula`` refers to a cell of another workbook (string literals aside):
    ftreport never opens another file to compute a formula."""
    return bool(_EXTERNAL.search(_STRING.sub("", formula)))


def evaluate(data: bytes, cells: list[tuple[str, str]]) -> dict[tuple[str, str], object]:
    """Values of ``cells`` ((sheet, "C8") pairs) computed from the formulas of the
    workbook package ``data`` (the bytes the reader read).

    A cell maps to a number, text, bool or None (an empty result), or to
    :class:`Failed` when its formula gives an Excel error or cannot be computed.
    A formula the library cannot parse fails alone: it is left out of the
    computation, and only the cells that refer to it fail with it; so does a formula
    that refers to another workbook (links to other workbooks are dropped first).
    """
    try:
        solution, broken = _calculate(data)
    except Exception as exc:  # the library's many failure types: report, never crash
        reason = f"{type(exc).__name__}: {exc}"[:120]
        return {cell: Failed(reason) for cell in cells}
    found: dict[tuple[str, str], object] = {}
    for key, value in solution.items():
        m = _KEY.match(str(key))
        if m:
            found[(m["sheet"].upper(), m["ref"].replace("$", ""))] = value
    result: dict[tuple[str, str], object] = {}
    for sheet, ref in cells:
        key = (sheet.upper(), ref)
        value = found.get(key)
        result[(sheet, ref)] = (broken[key] if key in broken
                                else Failed("the formula could not be computed") if value is None
                                else _plain(value))
    return result


def _calculate(data: bytes) -> tuple[dict[object, object], dict[tuple[str, str], Failed]]:
    """The library's solution, and the cells left out of it: unparsable formulas and
    the formulas that refer to them (by upper-case sheet and cell)."""
    import formulas
    from openpyxl import load_workbook

    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), \
            tempfile.TemporaryDirectory(prefix="ftreport-eval-") as scratch:
        # The library draws a progress bar on stderr and may warn about features it
        # skips (charts, styles); neither concerns the person validating a workbook.
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data))
        wb._external_links = []  # never let the library open another workbook
        for title in [t for t in wb.sheetnames if t in OUTPUT_SHEETS]:
            # Inputs never depend on a previous run's output sheets, and a ten-year
            # Timeline would take minutes to compute.
            wb.remove(wb[title])
        broken = _unparsable(wb, formulas.Parser())
        copy = Path(scratch) / "inputs.xlsx"
        wb.save(copy)
        model = formulas.ExcelModel().loads(str(copy)).finish()
        return dict(model.calculate()), broken


def _unparsable(wb: object, parser: object) -> dict[tuple[str, str], Failed]:
    """Blank each formula the parser rejects, and each formula that refers to one (in
    ``wb``); return why each of them fails."""
    texts: dict[tuple[str, str], str] = {}
    titles: dict[str, str] = {}
    for ws in wb.worksheets:  # type: ignore[attr-defined]
        titles[ws.title.upper()] = ws.title
        # The cells the sheet holds: iter_rows would visit every cell of its dimension.
        for cell in ws._cells.values():
            if cell.data_type == "f" and isinstance(cell.value, str):
                texts[(ws.title.upper(), cell.coordinate)] = cell.value
    broken: dict[tuple[str, str], Failed] = {}
    for key, text in texts.items():
        if refers_to_another_workbook(text):
            broken[key] = Failed(EXTERNAL_REASON)
            continue
        wide = widest_range(text)
        if wide is not None and wide[1] > MAX_RANGE_CELLS:
            broken[key] = Failed(f"it refers to {wide[0]}, {wide[1]:,} cells; ftreport computes "
                                 f"ranges of at most {MAX_RANGE_CELLS:,}: narrow it, or save "
                                 "the workbook in Excel or LibreOffice, which store its value")
            continue
        try:
            parser.ast(text)  # type: ignore[attr-defined]
        except Exception as exc:  # the parser's errors have no common type
            broken[key] = Failed(f"{type(exc).__name__}: the formula cannot be parsed")
    if not broken:
        return broken
    changed = True
    while changed:  # refers to a broken cell, directly or through others
        changed = False
        for key, text in texts.items():
            if key in broken:
                continue
            hit = next((k for k in broken if _refers_to(text, key[0], k)), None)
            if hit is not None:
                root = broken[hit].depends_on or f"{sheet_ref(titles[hit[0]])}!{hit[1]}"
                broken[key] = Failed(f"depends on {root}", depends_on=root)
                changed = True
    for sheet, coord in broken:
        wb[titles[sheet]][coord].value = None  # type: ignore[index]
    return broken


_STRING = re.compile(r'"(?:[^"]|"")*"')
_REF = re.compile(r"(?:(?:'((?:[^']|'')+)'|([A-Za-z_][\w.]*))!)?\$?([A-Z]{1,3})\$?(\d+)"
                  r"(?::\$?([A-Z]{1,3})\$?(\d+))?(?![\w(])")


# The most cells one range of a computed formula may span: the library makes an object
# for each, about 800 bytes (=SUM(A:A) alone took 5 s and 840 MB, A:E 2.7 GB).
MAX_RANGE_CELLS = 100_000
_RANGE = re.compile(r"(?<![\w$.])\$?([A-Z]{1,3})\$?(\d*):\$?([A-Z]{1,3})\$?(\d*)(?![\w(])"
                    r"|(?<![\w$.:])\$?(\d+):\$?(\d+)(?![\w(.])", re.IGNORECASE)


def widest_range(formula: str) -> tuple[str, int] | None:
    """The range of ``formula`` that spans the most cells (A1:B2, A:A, 3:5) and how many;
    None when it has none (string literals aside)."""
    ranges = [m[0] for m in _RANGE.finditer(_STRING.sub("", formula))
              if m[5] or bool(m[2]) == bool(m[4])]  # "A1:B" is no reference
    return max(((r, cells_in(r)) for r in ranges), key=lambda found: found[1], default=None)


def _refers_to(formula: str, own_sheet: str, target: tuple[str, str]) -> bool:
    """Whether ``formula`` (on ``own_sheet``) refers to the ``target`` cell, alone or in a
    range (string literals and function names are not references)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple

    row, col = coordinate_to_tuple(target[1])
    for m in _REF.finditer(_STRING.sub("", formula)):
        sheet = (m[1].replace("''", "'") if m[1] else m[2] or own_sheet).upper()
        if sheet != target[0]:
            continue
        c1, r1 = column_index_from_string(m[3]), int(m[4])
        c2, r2 = (column_index_from_string(m[5]), int(m[6])) if m[5] else (c1, r1)
        if min(c1, c2) <= col <= max(c1, c2) and min(r1, r2) <= row <= max(r1, r2):
            return True
    return False


def _plain(value: object) -> object:
    """A solution value (a 1x1 array, maybe empty or an Excel error) as a Python value."""
    import schedula
    from formulas.functions import XlError

    inner = getattr(value, "value", value)
    try:
        inner = inner[0][0] if hasattr(inner, "shape") else inner
    except (IndexError, TypeError):
        return Failed("the formula gives a range, not one value")
    if isinstance(inner, XlError):
        return Failed(f"the formula gives {inner}")
    if inner is schedula.EMPTY:
        return None
    if hasattr(inner, "item"):  # numpy scalar
        inner = inner.item()
    return inner
