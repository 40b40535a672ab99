"""What a re-saved workbook would lose: the original package against the saved copy.

Before an in-place write replaces the analyst's file, the copy openpyxl saved is
compared with the original, generally rather than from a list of known features:

- every part of the original (a chart, a picture, a macro project...) must have a part
  of the same content type in the copy (openpyxl renames parts, so types are counted,
  not names), apart from the parts of our own output sheets on either side and parts
  that hold nothing;
- every element of the original's workbook XML, of each of the analyst's sheets and of
  every other kind of XML part must still occur in the copy, apart from those that
  carry nothing (empty, or only default attributes) and the bookkeeping Excel and
  LibreOffice add (revision marks, absolute paths, versions, editing time);
- every cell value and formula of the analyst's sheets must be equal in the copy
  (cells are compared by value: openpyxl may store the same text another way);
- charts, drawings and pictures are redrawn by openpyxl from its own model, which keeps
  their elements but not every attribute (colours, styles): their presence alone is a
  loss the analyst must agree to, by writing a separate report.

Formatting of the text inside cell notes is not kept (the text is); that is accepted.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

from ftreport.workbook._xlsx import owned_parts, part_kind_words, sheet_parts

# Bookkeeping elements whose loss loses none of the analyst's work, and cell-content
# elements (compared by value instead).
_HARMLESS = frozenset({
    "AlternateContent", "Choice", "Fallback", "absPath", "revisionPtr", "fileVersion",
    "calcPr", "extCalcPr", "dimension", "sheetFormatPr", "pageMargins", "selection",
    "pane", "sheetView", "sheetViews", "workbookView", "bookViews", "extLst", "ext",
    "chartTrackingRefBase", "workbookPr", "pageSetup", "printOptions", "sheetPr",
    "outlinePr", "pageSetUpPr", "legacyDrawing", "drawing", "tableParts", "tablePart",
    "definedNames", "definedName", "sheets", "sheet", "sheetData", "row", "c", "v", "f",
    "is", "t", "r", "rPr", "rFont", "sz", "color", "family", "charset", "scheme", "b", "i",
    "u", "strike", "vertAlign", "Relationship", "Relationships", "Override", "Default",
    "Types", "cols", "col",
})
# Parts that are bookkeeping or content compared by value.
_SKIPPED_TYPES = ("sharedStrings", "calcChain", "extended-properties", "core-properties",
                  "relationships", "printerSettings")
# Attribute values that mean "nothing set", per element.
_DEFAULTS = {"protection": {"locked": {"1", "true"}, "hidden": {"0", "false"}}}
_EMPTY_VALUES = {"", "0", "false"}
# Words for what the analyst would lose, by element name.
_ELEMENT_WORDS = {
    "protectedRanges": "protected ranges", "protectedRange": "protected ranges",
    "customSheetViews": "custom sheet views", "customSheetView": "custom sheet views",
    "cellWatches": "cell watches", "cellWatch": "cell watches",
    "ignoredErrors": "ignored-error marks", "ignoredError": "ignored-error marks",
    "fileSharing": "file sharing settings", "customWorkbookViews": "custom workbook views",
    "customWorkbookView": "custom workbook views", "smartTags": "smart tags",
    "webPublishItems": "web publishing items", "oleObjects": "embedded objects",
    "controls": "form controls", "scenarios": "what-if scenarios",
    "sparklineGroups": "sparklines", "sparklineGroup": "sparklines",
    "dataConsolidate": "data consolidation", "phoneticPr": "phonetic guides",
    "headerFooter": "headers and footers", "oddHeader": "headers and footers",
    "oddFooter": "headers and footers", "workbookProtection": "workbook protection",
    "sheetProtection": "sheet protection", "protection": "cell protection",
}
_REDRAWN_TYPES = ("drawingml.chart", "drawing+xml", "image/")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _carries_something(node: ElementTree.Element) -> bool:
    """Text, a non-default attribute, or a child that carries something."""
    if (node.text or "").strip():
        return True
    defaults = _DEFAULTS.get(_local(node.tag), {})
    if any(value not in defaults.get(_local(key), _EMPTY_VALUES)
           for key, value in node.attrib.items()):
        return True
    return any(_carries_something(child) for child in node)


def _meaningful_elements(xml: bytes) -> set[str]:
    """Element tags (with their namespace: Excel's x14 extensions reuse local names) of
    ``xml`` that carry something."""
    root = ElementTree.fromstring(xml)
    return {node.tag for node in root.iter()
            if _local(node.tag) not in _HARMLESS and _carries_something(node)}


def content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each part's content type, from ``[Content_Types].xml``."""
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    defaults, overrides = {}, {}
    for node in types:
        if _local(node.tag) == "Default":
            defaults[node.get("Extension", "").lower()] = node.get("ContentType", "")
        elif _local(node.tag) == "Override":
            overrides[node.get("PartName", "").lstrip("/")] = node.get("ContentType", "")
    return {name: overrides.get(name) or defaults.get(posixpath.splitext(name)[1][1:].lower(),
                                                      "application/octet-stream")
            for name in archive.namelist() if not name.endswith("/")}


def _parts(archive: zipfile.ZipFile, own: list[str]) -> dict[str, str]:
    """The parts that may hold the analyst's work, with their content types."""
    sheets = sheet_parts(archive)
    skip = owned_parts(archive, own) | {p for s, p in sheets.items() if s in own}
    found = {}
    for name, kind in content_types(archive).items():
        if name in skip or name == "[Content_Types].xml" or any(
                t in kind for t in _SKIPPED_TYPES):
            continue
        if kind.endswith("xml") and not _meaningful_elements(archive.read(name)):
            continue  # an empty part (LibreOffice writes empty custom properties)
        found[name] = kind
    return found


def _elements_by_type(archive: zipfile.ZipFile, parts: dict[str, str]) -> dict[str, set[str]]:
    """Meaningful element tags of the XML parts other than the sheets, by content type."""
    found: dict[str, set[str]] = {}
    for name, kind in parts.items():
        if kind.endswith("xml") and not kind.endswith("worksheet+xml"):
            found.setdefault(kind, set()).update(_meaningful_elements(archive.read(name)))
    return found


def _cell_values(data: bytes | Path, titles: Iterable[str]) -> dict[str, dict[str, object]]:
    from openpyxl import load_workbook

    # From bytes: openpyxl judges a path by its suffix, and the copy's is .tmp.
    wb = load_workbook(io.BytesIO(data if isinstance(data, bytes) else data.read_bytes()),
                       rich_text=True)
    return {title: {c.coordinate: str(c.value) for row in wb[title].iter_rows() for c in row
                    if c.value is not None} for title in titles if title in wb.sheetnames}


def lost_content(original: bytes, saved: Path, own_sheets: Iterable[str]) -> list[str]:
    """In words, everything ``original`` holds that the package at ``saved`` lacks;
    ``own_sheets`` are our output sheets (replaced on every run) on either side."""
    own = list(own_sheets)
    lost: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(saved) as after:
        old_parts, new_parts = _parts(before, own), _parts(after, own)
        kept = Counter(new_parts.values())
        for kind, count in Counter(old_parts.values()).items():
            if count > kept.get(kind, 0) or any(t in kind for t in _REDRAWN_TYPES):
                example = next(n for n, k in old_parts.items() if k == kind)
                lost.add(part_kind_words(f"{kind} {example}"))
        before_sheets, after_sheets = sheet_parts(before), sheet_parts(after)
        analyst_sheets = [t for t in before_sheets if t not in own and t in after_sheets]
        pairs = [(f"sheet {title}", _meaningful_elements(before.read(before_sheets[title])),
                  _meaningful_elements(after.read(after_sheets[title])))
                 for title in analyst_sheets if before_sheets[title] in before.namelist()]
        has_by_type = _elements_by_type(after, new_parts)
        pairs += [("the workbook" if kind.endswith("sheet.main+xml") else
                   part_kind_words(kind), had, has_by_type.get(kind, set()))
                  for kind, had in _elements_by_type(before, old_parts).items()
                  if not any(t in kind for t in _REDRAWN_TYPES)]
    for where, had, has in pairs:
        for tag in had - has:
            name = _local(tag)
            lost.add(f"{_ELEMENT_WORDS.get(name, f'{name} elements')} in {where}")
    old_values, new_values = (_cell_values(original, analyst_sheets),
                              _cell_values(saved, analyst_sheets))
    lost |= {f"cell values in sheet {title}" for title in analyst_sheets
             if old_values.get(title) != new_values.get(title)}
    return sorted(lost)
