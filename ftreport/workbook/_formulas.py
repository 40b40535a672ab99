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

# A key of the solution, e.g. "'[book.xlsx]OPTIONS'!G4".
_KEY = re.compile(r"^'?\[[^\]]*\](?P<sheet>.+?)'?!(?P<ref>\$?[A-Z]+\$?\d+)$")


@dataclass(frozen=True)
class Failed:
    """A formula that could not be computed, and why."""

    reason: str


def evaluate(path: Path, cells: list[tuple[str, str]]) -> dict[tuple[str, str], object]:
    """Values of ``cells`` ((sheet, "C8") pairs) computed from the formulas in ``path``.

    A cell maps to a number, text, bool or None (an empty result), or to
    :class:`Failed` when its formula gives an Excel error or cannot be computed.
    """
    try:
        solution = _calculate(path)
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
        value = found.get((sheet.upper(), ref))
        result[(sheet, ref)] = (Failed("the formula could not be computed") if value is None
                                else _plain(value))
    return result


def _calculate(path: Path) -> dict[object, object]:
    import formulas

    # The library draws a progress bar on stderr and may warn about features it
    # skips (charts, styles); neither concerns the person validating a workbook.
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), \
            tempfile.TemporaryDirectory(prefix="ftreport-eval-") as scratch:
        warnings.simplefilter("ignore")
        model = formulas.ExcelModel().loads(str(_inputs_only(path, Path(scratch)))).finish()
        return dict(model.calculate())


def _inputs_only(path: Path, scratch: Path) -> Path:
    """``path``, or a copy without a previous run's output sheets: inputs never depend
    on them, and a ten-year Timeline would take minutes to compute."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    outputs = [title for title in wb.sheetnames if title in OUTPUT_SHEETS]
    if not outputs:
        return path
    for title in outputs:
        wb.remove(wb[title])
    copy = scratch / path.name
    wb.save(copy)
    return copy


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
