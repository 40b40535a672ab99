"""Package-level work on .xlsx files that openpyxl cannot do by itself.

* ``add_cached_values``: openpyxl writes a formula cell with an empty ``<v/>``,
  so anything that reads the file without recalculating (pandas, phone
  previews, mail previews) sees nothing. We post-process the saved package and
  put the engine's value into each formula cell we wrote, the way Excel itself
  stores "formula plus last computed value". The workbook also says
  ``fullCalcOnLoad`` so Excel and LibreOffice recompute on open. The report is
  saved uncompressed first (``save_uncompressed``), so the rewrite is the one
  pass that compresses it.
* ``raw_formula_rows``: the formula cells of a long table (a row per day) stay out of
  openpyxl's worksheet; ``save_uncompressed`` writes them into the sheet's part as the
  very markup openpyxl would (an empty ``<v/>`` for ``add_cached_values`` to fill), at a
  fraction of openpyxl's cost per cell (a Cell object, then an element tree per cell).
* ``owned_parts`` and ``part_kind_words``: the parts that hang off given sheets,
  and what a part is in words, for ftreport.workbook.package_diff.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import re
import weakref
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ftreport.fileio import temporary_name

Cached = float | int | bool | str | None

_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
# A formula cell as openpyxl's writer emits it: attributes, the formula, an empty value.
_FORMULA_CELL = re.compile(
    r'<c r="([A-Z]{1,3}[0-9]+)"((?: [a-zA-Z:]+="[^"]*")*)><f>([^<]*)</f><v ?/></c>')
_TYPE_ATTRIBUTE = re.compile(r' t="[^"]*"')
# Excel error values a formula may leave as its cached result.
ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


def cells_in(ref: str) -> int:
    """How many cells a range spans: "A1:C3" 9, "A:A" a whole column, "3:5" three whole
    rows, either corner first; 0 when ``ref`` is no range (openpyxl then reports it)."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (TypeError, ValueError):
        return 0
    # A whole column (A:B) or row (1:2) has no row or column bounds: the sheet's.
    columns = abs((max_col or 16_384) - (min_col or 1)) + 1
    return columns * (abs((max_row or 1_048_576) - (min_row or 1)) + 1)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> path of its part inside the package (``xl/worksheets/sheet3.xml``)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in workbook.iterfind("main:sheets/main:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")]
        parts[sheet.get("name", "")] = (target.lstrip("/") if target.startswith("/")
                                        else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _value_xml(value: Cached) -> tuple[str, str]:
    """(type attribute, <v> text) of a cached value."""
    if value is None:
        return ' t="str"', ""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, str):
        return (' t="e"', value) if value in ERRORS else (' t="str"', _escape(value))
    number = float(value)
    if not math.isfinite(number):
        return ' t="str"', ""
    return "", repr(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _fill(xml: str, values: Mapping[str, Cached], sheet: str, complete: bool) -> str:
    missing = []

    def replace(match: re.Match[str]) -> str:
        ref, attrs, formula = match.groups()
        if ref not in values:
            missing.append(ref)
            return match.group(0)
        kind, text = _value_xml(values[ref])
        if ' t="' in attrs:  # openpyxl's own type attribute gives way to the value's
            attrs = _TYPE_ATTRIBUTE.sub("", attrs)
        return f'<c r="{ref}"{attrs}{kind}><f>{formula}</f><v>{text}</v></c>'

    filled = _FORMULA_CELL.sub(replace, xml)
    if missing and complete:
        raise AssertionError(f"no cached value for formula cells {sheet}!{missing[:5]}")
    return filled


class RawFormulaRows:
    """Formula cells of one worksheet that openpyxl does not hold (see
    ``raw_formula_rows``): by row, their column, formula ("=...") and style."""

    def __init__(self) -> None:
        self.rows: dict[int, list[tuple[int, str, StyleArray]]] = {}

    def add(self, row: int, col: int, formula: str, style: StyleArray) -> None:
        self.rows.setdefault(row, []).append((col, formula, style))

    def markup(self, wb: Workbook) -> dict[int, list[tuple[int, str]]]:
        """Each row's cells (in column order) as openpyxl writes a formula cell; their
        styles join the workbook's as openpyxl's writer adds a cell's."""
        ids: dict[int, str] = {}
        cells: dict[int, list[tuple[int, str]]] = {}
        for row, entries in self.rows.items():
            made = cells[row] = []
            for col, formula, style in sorted(entries, key=lambda entry: entry[0]):
                attr = ids.get(id(style))
                if attr is None:
                    attr = ids[id(style)] = (f' s="{wb._cell_styles.add(style)}"'
                                             if any(style) else "")
                made.append((col, f'<c r="{get_column_letter(col)}{row}"{attr}>'
                                  f'<f>{_escape(formula[1:])}</f><v/></c>'))
        return cells


_RAW_ROWS: weakref.WeakKeyDictionary[Worksheet, RawFormulaRows] = weakref.WeakKeyDictionary()


def raw_formula_rows(ws: Worksheet) -> RawFormulaRows:
    """The formula cells kept for ``ws`` outside openpyxl, written by ``save_uncompressed``
    (only cells openpyxl holds no cell for: both would be written)."""
    rows = _RAW_ROWS.get(ws)
    if rows is None:
        rows = _RAW_ROWS[ws] = RawFormulaRows()
    return rows


_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", re.S)
_ROW = re.compile(r'<row r="([0-9]+)"([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(r'<c r="([A-Z]+)[0-9]+"[^>]*?(?:/>|>.*?</c>)', re.S)
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


def _row_cells(existing: str, ours: list[tuple[int, str]]) -> str:
    """openpyxl's cells of a row and ours, in column order."""
    theirs = [(column_index_from_string(m.group(1)), m.group(0))
              for m in _CELL.finditer(existing)]
    if not theirs or theirs[-1][0] < ours[0][0]:
        return existing + "".join(xml for _, xml in ours)
    return "".join(xml for _, xml in sorted(theirs + ours, key=lambda cell: cell[0]))


def _with_rows(xml: str, cells: dict[int, list[tuple[int, str]]]) -> str:
    """A worksheet part as openpyxl wrote it, with ``cells`` (by row) added, and its
    dimension widened to hold them."""
    data = _SHEET_DATA.search(xml)
    if data is None or not cells:
        return xml
    out: list[str] = []
    todo = sorted(cells)
    at = 0

    def ours_before(row: int) -> None:
        nonlocal at
        while at < len(todo) and todo[at] < row:
            out.append(f'<row r="{todo[at]}">{"".join(c for _, c in cells[todo[at]])}</row>')
            at += 1

    for row in _ROW.finditer(data.group(1) or ""):
        number = int(row.group(1))
        ours_before(number)
        if at < len(todo) and todo[at] == number:
            out.append(f'<row r="{number}"{row.group(2).rstrip()}>'
                       f'{_row_cells(row.group(3) or "", cells[number])}</row>')
            at += 1
        else:
            out.append(row.group(0))
    ours_before(todo[-1] + 1)
    xml = f"{xml[:data.start()]}<sheetData>{''.join(out)}</sheetData>{xml[data.end():]}"
    return _DIMENSION.sub(lambda m: _wider(m, cells), xml, count=1)


def _wider(match: re.Match[str], cells: dict[int, list[tuple[int, str]]]) -> str:
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    cols = [column_index_from_string(c) for c in (first_col, last_col)]
    cols += [col for row in cells.values() for col in (row[0][0], row[-1][0])]
    rows = [int(first_row), int(last_row), min(cells), max(cells)]
    return (f'<dimension ref="{get_column_letter(min(cols))}{min(rows)}:'
            f'{get_column_letter(max(cols))}{max(rows)}"')


class _ArchiveWithRawRows:
    """The archive openpyxl's ExcelWriter writes into: a worksheet with raw formula rows
    gets them added to its part on the way in; everything else passes through."""

    def __init__(self, archive: zipfile.ZipFile, wb: Workbook) -> None:
        self.archive, self.wb = archive, wb
        self.sheets = [ws for ws in wb.worksheets if ws in _RAW_ROWS]

    def write(self, filename: str, arcname: str | None = None, *args: Any, **kwargs: Any,
              ) -> None:
        ws = next((ws for ws in self.sheets if ws.path[1:] == arcname), None)
        if ws is None:
            self.archive.write(filename, arcname, *args, **kwargs)
            return
        xml = Path(filename).read_text(encoding="utf-8")
        self.archive.writestr(arcname, _with_rows(xml, _RAW_ROWS[ws].markup(self.wb)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.archive, name)


def save_uncompressed(wb: Workbook, path: Path) -> None:
    """``wb.save(path)`` without compressing: for a package that ``add_cached_values``
    rewrites (and compresses) next, so that its parts are compressed once, not twice.
    Raw formula rows (``raw_formula_rows``) go into their sheets' parts."""
    wb.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)  # as wb.save does
    # Closed on failure too (a full disk), or the archive complains when collected.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, _ArchiveWithRawRows(archive, wb)).write_data()


def add_cached_values(path: Path, values: Mapping[str, Mapping[str, Cached]],
                      partial: Mapping[str, Mapping[str, Cached]] | None = None) -> None:
    """Rewrite the package at ``path``, in one pass, with ``values[sheet][cell]`` cached in
    formula cells.

    Only the sheets named are touched. Every formula cell of a sheet in ``values``
    must have a value (a formula we wrote without one is a bug, not a blank); in
    ``partial`` (the analyst's own formulas), cells with no known value stay as they
    are. The rewrite goes to a temporary file beside ``path``, removed on failure.
    """
    partial = partial or {}
    temp = path.with_name(temporary_name(path))
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(
                temp, "w", compression=zipfile.ZIP_DEFLATED) as target:
            parts = {part: sheet for sheet, part in sheet_parts(source).items()
                     if sheet in values or sheet in partial}
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename in parts:
                    sheet = parts[item.filename]
                    xml = data.decode("utf-8")
                    if sheet in values:
                        xml = _fill(xml, values[sheet], sheet, complete=True)
                    if sheet in partial:
                        xml = _fill(xml, partial[sheet], sheet, complete=False)
                    data = xml.encode("utf-8")
                # Compressed here whatever the source did (see save_uncompressed).
                item.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(item, data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def formula_values(package: bytes) -> dict[str, dict[str, Cached]]:
    """The cached value of every formula cell in the package, by sheet and cell.

    openpyxl drops these when it saves a workbook; reading them first lets a
    re-saved workbook keep them (see add_cached_values).
    """
    main = f"{{{_NS['main']}}}"
    found: dict[str, dict[str, Cached]] = {}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for sheet, part in sheet_parts(archive).items():
            if part not in archive.namelist():
                continue
            cells: dict[str, Cached] = {}
            for _, cell in ElementTree.iterparse(archive.open(part)):
                if cell.tag != f"{main}c":
                    continue
                formula, value = cell.find(f"{main}f"), cell.find(f"{main}v")
                if formula is not None and value is not None and value.text is not None:
                    kind = cell.get("t", "n")
                    text = value.text
                    if kind == "n":
                        cells[cell.get("r", "")] = float(text)
                    elif kind == "b":
                        cells[cell.get("r", "")] = text == "1"
                    elif kind in ("str", "e"):
                        cells[cell.get("r", "")] = text
                cell.clear()
            found[sheet] = cells
    return found


# Words for a kind of part a re-saved workbook would lack, by a piece of its path.
_WHAT = (("vbaProject", "macros (VBA)"), ("chart", "charts"), ("drawing", "drawings or shapes"),
         ("media/", "pictures"), ("pivot", "pivot tables"), ("slicer", "slicers"),
         ("timeline", "timeline filters"), ("externalLink", "links to other workbooks"),
         ("threadedComment", "threaded comments"), ("embeddings", "embedded objects"),
         ("activeX", "ActiveX controls"), ("ctrlProps", "form controls"),
         ("connections", "data connections"), ("queryTable", "queries"),
         ("richData", "rich data types"), ("model/", "a data model"),
         ("customXml", "custom XML data"), ("persons", "people of threaded comments"))


def part_kind_words(part: str) -> str:
    """What a part of a package is, in words (``xl/charts/chart.xml`` -> "charts")."""
    return next((w for key, w in _WHAT if key.lower() in part.lower()),
                f"content openpyxl does not keep ({part})")


def owned_parts(archive: zipfile.ZipFile, sheets: Iterable[str]) -> set[str]:
    """Drawings and charts hanging off the given sheets (ours, replaced on every run)."""
    names = set(archive.namelist())
    parts = sheet_parts(archive)
    owned: set[str] = set()
    todo = [parts[s] for s in sheets if s in parts]
    while todo:
        part = todo.pop()
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in names:
            continue
        owned.add(rels)
        for rel in ElementTree.fromstring(archive.read(rels)).findall("rel:Relationship", _NS):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
            if target not in owned and target in names:
                owned.add(target)
                todo.append(target)
    return owned - {parts[s] for s in parts if s not in sheets}
