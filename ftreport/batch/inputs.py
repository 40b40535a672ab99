"""Which workbooks a batch runs, and the folder each one's outputs go to.

Folders give their own ``*.xlsx`` files (not their subfolders; a glob with ``**``
reaches those); globs give what they match; files are taken as named. From all
three, Excel and LibreOffice lock files (``~$*``, ``.~lock.*``), our own
``*.report.xlsx`` outputs and anything inside OUTDIR are left out, so a batch
can be rerun over a folder that holds its own results.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ftreport.fileio import report_stem
from ftreport.model.problems import Problem

LOCK_PREFIXES = ("~$", ".~lock.")
REPORT_SUFFIX = ".report.xlsx"
GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Workbook:
    """One workbook of the batch."""

    shown: str  # as the user named it (or as found in a folder they named): for messages
    path: Path  # absolute, what the workers open
    folder: str  # its outputs' folder inside OUTDIR


@dataclass
class Found:
    """What the PATH arguments name."""

    workbooks: list[Workbook]
    missing: list[Problem]  # arguments that name nothing
    skipped: list[str]  # files named but not run, each with the reason


def find_workbooks(arguments: Iterable[str | Path], outdir: Path) -> Found:
    """The workbooks named by files, folders and globs, each once, in the order given."""
    outdir = outdir.resolve()
    found = Found([], [], [])
    seen: set[Path] = set()
    folders: set[str] = set()
    for argument in arguments:
        candidates = _expand(str(argument))
        if candidates is None:
            found.missing.append(Problem(
                str(argument), None, None,
                "an .xlsx workbook, a folder or a glob that matches some",
                "nothing by that name", code="file-not-found"))
            continue
        for shown, explicit in candidates:
            path = Path(shown).resolve()
            reason = _reason_to_leave_out(path, outdir)
            if reason is not None and explicit:
                found.skipped.append(f"{shown}: {reason}")  # named, so say why it is not run
            if reason is not None or path in seen:
                continue
            seen.add(path)
            found.workbooks.append(Workbook(shown, path, _unique(report_stem(path), folders)))
    return found


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _expand(argument: str) -> list[tuple[str, bool]] | None:
    """(path as shown, named explicitly) for each file an argument names; None for none."""
    path = Path(argument)
    if path.is_dir():
        return [(str(p), False) for p in sorted(path.iterdir()) if p.is_file()]
    if path.exists() or path.is_symlink():
        return [(argument, True)]
    if GLOB_CHARACTERS & set(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        files = [(m, False) for m in matches if Path(m).is_file()]
        return files or None
    return None


def _reason_to_leave_out(path: Path, outdir: Path) -> str | None:
    name = path.name
    if name.startswith(LOCK_PREFIXES):
        return "a lock file of Excel or LibreOffice"
    if name.lower().endswith(REPORT_SUFFIX):
        return "a report ftreport wrote"
    if path.is_relative_to(outdir):
        return "inside the output folder"
    if path.suffix.lower() != ".xlsx":
        return "not an .xlsx workbook"
    return None


def _unique(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... when workbooks in different folders share it."""
    name, n = stem, 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}-{n}"
    taken.add(name.lower())
    return name
