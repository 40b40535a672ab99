"""Loading the analyst's workbook for a report, and the checks that keep their work safe.

- The report is built from the very bytes the reader read: if the file changed on disk
  since (Excel saving it again), the run stops rather than mix two versions.
- A sheet of the analyst's whose name equals one of our output sheets (case-insensitive,
  as Excel compares them) is never replaced.
- In place: the file must be an .xlsx that is not open, not read-only, and the saved copy
  must keep everything the original holds (ftreport.workbook.package_diff).
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ftreport.model.problems import InputError, Problem, ReportError
from ftreport.workbook import OUTPUT_SHEETS
from ftreport.workbook.layout import RECOMMENDED_NAMES
from ftreport.workbook.package_diff import lost_content

NOT_IN_PLACE = ("Nothing was changed; write a separate report instead (ftreport run without "
                "--in-place).")


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (``~$name``) or LibreOffice (``.~lock.name#``) leave for an open file."""
    candidates = [path.with_name("~$" + path.name), path.with_name(".~lock." + path.name + "#")]
    if len(path.name) > 2:  # Excel shortens long names: ~$ replaces the first two characters
        candidates.append(path.with_name("~$" + path.name[2:]))
    return [p for p in candidates if p.exists()]


def read_source(source: Path, sha256: str) -> bytes:
    """The input workbook's bytes, exactly as the reader read them (same SHA-256)."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"{source}: the input workbook is gone; cannot write the report"
                          ) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ReportError(f"{source}: the workbook changed after ftreport read it (saved again "
                          "meanwhile?); run again, so the report matches the file")
    return data


def load(data: bytes) -> tuple[Workbook, list[str]]:
    """The workbook with everything openpyxl keeps, and its warnings about what it drops."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(io.BytesIO(data), rich_text=True)
    return wb, sorted({str(w.message) for w in caught})


def is_report(wb: Workbook) -> bool:
    """Whether ``wb`` is a report ftreport wrote (its Run sheet says so): its output
    sheets are then ours to replace."""
    if "Run" not in wb.sheetnames:
        return False
    ws = wb["Run"]
    return ws["A3"].value == "tool" and ws["B3"].value == "ftreport"


def refuse_clashing_sheets(wb: Workbook, source: Path) -> None:
    """InputError for every sheet of the analyst's named like one of our output sheets."""
    ours = set(OUTPUT_SHEETS) if is_report(wb) else set()
    wanted = {title.casefold(): title for title in OUTPUT_SHEETS}
    problems = [Problem(str(source), title, None, f"a sheet name other than {wanted[key]}: "
                        "ftreport writes a sheet of that name into the report (Excel "
                        "ignores case), so rename yours", repr(title), code="duplicate")
                for title in wb.sheetnames
                if (key := title.casefold()) in wanted and title not in ours]
    if problems:
        raise InputError(problems)


def check_in_place(source: Path) -> None:
    """ReportError unless the analyst's file may be rewritten at all (before any work)."""
    why: list[str] = []
    locks = lock_files(source)
    if locks:
        why.append(f"it is open in Excel or LibreOffice (lock file {locks[0].name})")
    if source.suffix.lower() != ".xlsx":
        why.append(f"it is a {source.suffix} file; only .xlsx can be rewritten safely")
    mode = source.stat().st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        why.append(f"it is read-only (mode {stat.filemode(mode)})")
    if why:
        raise ReportError(f"{source}: not written in place because " + "; ".join(why)
                          + ". " + NOT_IN_PLACE)


def check_saved_copy(source: Path, original: bytes, saved: Path,
                     load_warnings: list[str]) -> None:
    """ReportError unless the copy saved at ``saved`` keeps all the original holds."""
    why = [f"it holds {what} that would be lost" for what in
           lost_content(original, saved, OUTPUT_SHEETS)]
    why += [f"openpyxl would drop content: {w}" for w in load_warnings]
    if lock_files(source):
        why.append("it was opened in Excel or LibreOffice meanwhile")
    if why:
        raise ReportError(f"{source}: not written in place because " + "; ".join(why)
                          + ". " + NOT_IN_PLACE)


def remove_outputs(wb: Workbook) -> None:
    """Drop a previous run's sheets and names so a re-run replaces them."""
    owned = re.compile(r"^'?(" + "|".join(OUTPUT_SHEETS) + r")'?!")
    for name in list(wb.defined_names):
        if owned.match(wb.defined_names[name].attr_text or "") or name in RECOMMENDED_NAMES:
            del wb.defined_names[name]
    for title in OUTPUT_SHEETS:
        if title in wb.sheetnames:
            wb.remove(wb[title])
    if wb.active is None:
        wb.active = 0
