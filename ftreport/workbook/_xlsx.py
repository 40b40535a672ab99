"""Package-level work on .xlsx files that openpyxl cannot do by itself.

* ``add_cached_values``: openpyxl writes a formula cell with an empty ``<v/>``,
  so anything that reads the file without recalculating (pandas, phone
  previews, mail previews) sees nothing. We post-process the saved package and
  put the engine's value into each formula cell we wrote, the way Excel itself
  stores "formula plus last computed value". The workbook also says
  ``fullCalcOnLoad`` so Excel and LibreOffice recompute on open.
* ``owned_parts`` and ``part_kind_words``: the parts that hang off given sheets,
  and what a part is in words, for ftreport.workbook.package_diff.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.etree import ElementTree

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
# Excel error values a formula may leave as its cached result.
ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


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
        attrs = re.sub(r' t="[^"]*"', "", attrs)
        return f'<c r="{ref}"{attrs}{kind}><f>{formula}</f><v>{text}</v></c>'

    filled = _FORMULA_CELL.sub(replace, xml)
    if missing and complete:
        raise AssertionError(f"no cached value for formula cells {sheet}!{missing[:5]}")
    return filled


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
