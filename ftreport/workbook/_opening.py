"""Opening a workbook file safely: read its bytes once, say clearly what a file is when
it is not an .xlsx workbook, and refuse zip bombs and oversized sheets before anything
is unpacked.

openpyxl parses every sheet whole, so its work is bounded here, from the sizes the
package declares: each input sheet's XML and the shared strings have a limit, and the
output sheets of a previous run (which the reader never needs, and which a long
horizon makes large) are handed to openpyxl as empty sheets.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ftreport.model.problems import InputError, Problem
from ftreport.workbook import OUTPUT_SHEETS
from ftreport.workbook._xlsx import cells_in, sheet_parts

# A scenario workbook with a ten-year report unpacks to tens of MiB; far more is
# a zip bomb, refused before anything is decompressed.
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_FILE_BYTES = MAX_UNPACKED_BYTES  # a package is never larger than its contents unpacked
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted (password-protected) Office file keeps in its OLE2 container.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
# An input sheet of the largest tables ftreport reads is well under 4 MiB of XML;
# openpyxl needs about 1 s and 40 MB per MiB, so these keep a read within seconds.
MAX_SHEET_XML_BYTES = 16 * 2**20
MAX_SHARED_STRINGS_BYTES = 32 * 2**20
SHARED_STRINGS = "xl/sharedStrings.xml"
# The names openpyxl (and the formula evaluator) accept for a workbook file.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<sheetData/></worksheet>")


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MAX_TEXT_CHARS = 32_767  # Excel's limit for one cell; openpyxl cuts longer text silently
# openpyxl makes an object for every cell a merge or a hyperlink spans: a 2 KB sheet that
# merges A1:XFD1048576 would ask for 17 billion. A real input sheet spans a few hundred.
MAX_SPANNED_CELLS = 100_000
SPANNING = (f"{MAIN}mergeCell", f"{MAIN}hyperlink")


def file_problem(path: Path, expected: str, found: str, code: str,
                 sheet: str | None = None, cell: str | None = None) -> InputError:
    return InputError([Problem(str(path), sheet, cell, expected, found, code=code)])


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise file_problem(path, "an existing .xlsx workbook", "no such file",
                             "file-not-found")
    if path.is_dir():
        raise file_problem(path, "an .xlsx workbook file", "a folder", "not-a-file")
    if not path.is_file():  # a device (/dev/zero never ends) or a pipe (blocks for ever)
        raise file_problem(path, "an .xlsx workbook file", "a device, pipe or socket, not a "
                           "regular file", "not-a-file")
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise file_problem(path, "a file ftreport can read", exc.strerror or str(exc),
                            "unreadable-file") from None
    if len(data) > MAX_FILE_BYTES:
        raise file_problem(path, f"a workbook file of at most {MAX_FILE_BYTES // 2**20} MiB",
                           f"more than {MAX_FILE_BYTES // 2**20} MiB", "too-large")
    return data


def open_workbook(path: Path, data: bytes) -> Workbook:
    """Parse the bytes as an .xlsx workbook, or say clearly what the file is instead."""
    save_as = "an .xlsx workbook (open it in Excel or LibreOffice and save as .xlsx)"
    if not data:
        raise file_problem(path, "an .xlsx workbook", "an empty file (0 bytes)",
                            "wrong-format")
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise file_problem(
                path, "a workbook without a password (remove the password in Excel: File > "
                "Info > Protect Workbook, then save)", "a password-protected workbook",
                "encrypted-file")
        raise file_problem(path, save_as, "an Excel 97-2003 (.xls) or other OLE2 file",
                            "wrong-format")
    if not data.startswith(b"PK"):
        raise file_problem(path, save_as, _what_is(data), "wrong-format")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_problem(path, "a complete .xlsx workbook",
                            "a damaged or truncated zip file", "damaged-file") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise file_problem(path, f"a workbook of at most {MAX_UNPACKED_BYTES // 2**20} MiB "
                            "unpacked", f"{unpacked / 2**20:,.0f} MiB (a zip bomb?)", "too-large")
    if "xl/workbook.xml" not in names:
        kind = ("an OpenDocument file (.ods)" if "content.xml" in names
                else "a Word document" if "word/document.xml" in names
                else "a zip archive that is not a workbook")
        raise file_problem(path, save_as, kind, "wrong-format")
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise file_problem(path, "a workbook file whose name ends in .xlsx",
                           f"an .xlsx workbook named {path.name} (rename it to "
                           f"{path.stem}.xlsx)", "wrong-format")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(path, archive)
        _refuse_large_parts(path, archive, parts)
        _refuse_long_text(path, archive, parts)
        inputs_only = _without_outputs(archive, parts) or data
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not keep (extensions, slicers);
            # the reader needs none of them.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(inputs_only), data_only=False)
    except Exception as exc:  # openpyxl raises many types on a damaged part
        raise _damaged(path, data, parts, exc) from None


def _sheet_parts(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        return sheet_parts(archive)
    except (KeyError, ElementTree.ParseError) as exc:
        raise file_problem(path, "a readable .xlsx workbook", "a damaged workbook: its list "
                           f"of sheets (xl/workbook.xml) cannot be read ({exc})"[:200],
                           "damaged-file") from None


def _refuse_large_parts(path: Path, archive: zipfile.ZipFile, parts: dict[str, str]) -> None:
    """Refuse an input sheet or a shared-strings table too large to parse in seconds,
    from the size the package declares (checked against the bytes by zipfile)."""
    sizes = {item.filename: item.file_size for item in archive.infolist()}
    for sheet, part in parts.items():
        size = sizes.get(part, 0)
        if sheet not in OUTPUT_SHEETS and size > MAX_SHEET_XML_BYTES:
            raise file_problem(path, f"a sheet of at most {MAX_SHEET_XML_BYTES // 2**20} MiB of "
                               "XML (ftreport's limit; delete unused rows and columns)",
                               f"{size / 2**20:,.0f} MiB in {part}", "too-large", sheet=sheet)
    if sizes.get(SHARED_STRINGS, 0) > MAX_SHARED_STRINGS_BYTES:
        raise file_problem(path, f"at most {MAX_SHARED_STRINGS_BYTES // 2**20} MiB of text in "
                           "the workbook's cells (ftreport's limit)",
                           f"{sizes[SHARED_STRINGS] / 2**20:,.0f} MiB in {SHARED_STRINGS}",
                           "too-large")


def _refuse_long_text(path: Path, archive: zipfile.ZipFile, parts: dict[str, str]) -> None:
    """Refuse a cell of an input sheet holding more text than Excel allows: openpyxl would
    cut it short without a word; and merged cells or hyperlinks spanning more cells than
    openpyxl can make in seconds. A sheet that is not well-formed XML is named here."""
    names = set(archive.namelist())
    lengths = []
    if SHARED_STRINGS in names:
        for _, item in ElementTree.iterparse(archive.open(SHARED_STRINGS)):
            if item.tag == f"{MAIN}si":
                lengths.append(sum(len(t.text or "") for t in item.iter(f"{MAIN}t")))
                item.clear()
    for sheet, part in parts.items():
        if sheet in OUTPUT_SHEETS or part not in names:
            continue
        spanned = 0
        try:
            for _, cell in ElementTree.iterparse(archive.open(part)):
                if cell.tag in SPANNING:
                    spanned += cells_in(cell.get("ref") or "")
                    if spanned > MAX_SPANNED_CELLS:
                        raise file_problem(
                            path, f"merged cells and hyperlinks spanning at most "
                            f"{MAX_SPANNED_CELLS:,} cells of a sheet (ftreport's limit; "
                            "unmerge them)", f"at least {spanned:,} cells", "too-large",
                            sheet=sheet, cell=cell.get("ref"))
                if cell.tag != f"{MAIN}c":
                    continue
                chars = _text_length(cell, lengths)
                if chars > MAX_TEXT_CHARS:
                    raise file_problem(path, f"text of at most {MAX_TEXT_CHARS:,} characters "
                                       "(Excel's limit for a cell)", f"{chars:,} characters",
                                       "too-large", sheet=sheet, cell=cell.get("r"))
                cell.clear()
        except ElementTree.ParseError as bad:
            raise file_problem(path, "a readable .xlsx workbook", f"a damaged sheet {sheet}: "
                               f"{part} is not well-formed XML ({bad})", "damaged-file",
                               sheet=sheet) from None


def _text_length(cell: ElementTree.Element, shared_lengths: list[int]) -> int:
    kind = cell.get("t")
    if kind == "inlineStr":
        return sum(len(t.text or "") for t in cell.iter(f"{MAIN}t"))
    value = cell.find(f"{MAIN}v")
    text = value.text or "" if value is not None else ""
    if kind == "s":
        return shared_lengths[int(text)] if text.isdigit() and int(text) < len(
            shared_lengths) else 0
    return len(text) if kind == "str" else 0


def _without_outputs(archive: zipfile.ZipFile, parts: dict[str, str]) -> bytes | None:
    """The package with each output sheet emptied (kept, so sheet indices and defined
    names stay valid), or None when it has none: the reader never reads them, and a
    long run makes them large."""
    outputs = {part for sheet, part in parts.items() if sheet in OUTPUT_SHEETS}
    if not outputs:
        return None
    copy = io.BytesIO()
    with zipfile.ZipFile(copy, "w", compression=zipfile.ZIP_STORED) as target:
        for item in archive.infolist():
            target.writestr(item.filename, EMPTY_SHEET if item.filename in outputs
                            else archive.read(item.filename))
    return copy.getvalue()


def _damaged(path: Path, data: bytes, parts: dict[str, str], exc: Exception) -> InputError:
    """Name the sheet and part that cannot be parsed, when one of them is the cause."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for sheet, part in parts.items():
            if part not in names:
                return file_problem(path, "a readable .xlsx workbook", f"a damaged sheet {sheet}: "
                                    f"its part {part} is missing", "damaged-file", sheet=sheet)
            try:
                for _ in ElementTree.iterparse(archive.open(part)):
                    pass
            except ElementTree.ParseError as bad:
                return file_problem(path, "a readable .xlsx workbook", f"a damaged sheet {sheet}: "
                                    f"{part} is not well-formed XML ({bad})", "damaged-file",
                                    sheet=sheet)
    return file_problem(path, "a readable .xlsx workbook",
                        f"a damaged workbook ({type(exc).__name__}: {exc})"[:200], "damaged-file")


def _what_is(data: bytes) -> str:
    head = data[:4096]
    if head.lstrip().startswith((b"<html", b"<!DOCTYPE", b"<?xml")):
        return "an HTML or XML file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "a file that is not a workbook"
    first = text.splitlines()[0] if text.strip() else ""
    if any(sep in first for sep in (",", ";", "\t")):
        return "a CSV or text file"
    return "a text file"
