"""Opening a workbook file safely: read its bytes once, say clearly what a file is when
it is not an .xlsx workbook, and refuse zip bombs before anything is unpacked."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ftreport.model.problems import InputError, Problem

# A scenario workbook with a ten-year report unpacks to tens of MiB; far more is
# a zip bomb, refused before anything is decompressed.
MAX_UNPACKED_BYTES = 256 * 2**20
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted (password-protected) Office file keeps in its OLE2 container.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")



def file_problem(path: Path, expected: str, found: str, code: str) -> InputError:
    return InputError([Problem(str(path), None, None, expected, found, code=code)])


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise file_problem(path, "an existing .xlsx workbook", "no such file",
                             "file-not-found")
    if path.is_dir():
        raise file_problem(path, "an .xlsx workbook file", "a folder", "not-a-file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise file_problem(path, "a file ftreport can read", exc.strerror or str(exc),
                            "unreadable-file") from None


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
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not keep (extensions, slicers);
            # the reader needs none of them.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many types on a damaged part
        raise file_problem(path, "a readable .xlsx workbook",
                            f"a damaged workbook ({type(exc).__name__}: {exc})"[:200],
                            "damaged-file") from None


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
