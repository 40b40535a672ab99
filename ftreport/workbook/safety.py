"""Loading the analyst's workbook, and the checks before writing into it in place."""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ftreport.model.problems import ReportError
from ftreport.model.results import RunResult
from ftreport.workbook import OUTPUT_SHEETS
from ftreport.workbook._xlsx import unsafe_content
from ftreport.workbook.layout import RECOMMENDED_NAMES


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (``~$name``) or LibreOffice (``.~lock.name#``) leave for an open file."""
    candidates = [path.with_name("~$" + path.name), path.with_name(".~lock." + path.name + "#")]
    if len(path.name) > 2:  # Excel shortens long names: ~$ replaces the first two characters
        candidates.append(path.with_name("~$" + path.name[2:]))
    return [p for p in candidates if p.exists()]


def check_in_place(result: RunResult, target: Path, load_warnings: list[str]) -> None:
    """Raise ReportError unless writing into the analyst's own file loses nothing."""
    source = Path(result.book.path)
    if target.resolve() != source.resolve():
        raise ReportError(f"in-place writing goes into the input file {source}, not {target}")
    why: list[str] = []
    locks = lock_files(source)
    if locks:
        why.append(f"it is open in Excel or LibreOffice (lock file {locks[0].name})")
    if source.suffix.lower() != ".xlsx":
        why.append(f"it is a {source.suffix} file; only .xlsx can be rewritten safely")
    if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != result.book.sha256:
        why.append("it changed after ftreport read it")
    why += [f"it holds {what}" for what in unsafe_content(source, OUTPUT_SHEETS)]
    why += [f"openpyxl would drop content: {w}" for w in load_warnings]
    if why:
        raise ReportError(f"{source}: not written in place because " + "; ".join(why)
                          + ". Nothing was changed; write a separate report instead "
                          "(ftreport run without --in-place).")


def load(path: Path) -> tuple[Workbook, list[str]]:
    """The workbook with everything openpyxl keeps, and its warnings about what it drops."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(path, rich_text=True)
    return wb, sorted({str(w.message) for w in caught})


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
