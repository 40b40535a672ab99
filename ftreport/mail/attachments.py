"""Which files to attach: output folders and report files, checked before anything is sent."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftreport.mail.addresses import has_control, visible
from ftreport.mail.settings import COMMAND_LINE
from ftreport.model.problems import InputError, Problem, describe
from ftreport.report.summary import MEMO_SUFFIX, WORKBOOK_SUFFIX, find_summary, report_name

# Providers cap a whole message at 20-25 MB *after* base64 encoding, which adds
# a third; 15 MB of files is about 20 MB on the wire, under the common caps.
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
MIME_TYPES = {
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass
class Reports:
    """The files to attach and, when known, the numbers for the body."""

    files: list[Path]
    summary: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # why a summary was not used


def _in_folder(folder: Path, problems: list[Problem]) -> list[Path]:
    """Exactly one memo and one workbook from an output folder."""
    def visible(pattern: str) -> list[Path]:
        # Skip atomic_write's hidden temporary files and Office's "~$" lock files;
        # links are kept, to be refused by name.
        return sorted(p for p in folder.glob(pattern)
                      if (p.is_file() or p.is_symlink()) and not p.name.startswith((".", "~$")))

    found = {"memo": visible("*" + MEMO_SUFFIX), "workbook": visible("*" + WORKBOOK_SUFFIX)}
    pattern = {"memo": "*" + MEMO_SUFFIX, "workbook": "*" + WORKBOOK_SUFFIX}
    for kind, paths in found.items():
        if not paths:
            problems.append(Problem(str(folder), None, None,
                                    f"a folder with one {pattern[kind]} (the {kind}); name "
                                    "the files to send instead of the folder to send fewer",
                                    found=f"no {pattern[kind]}", code="file-not-found"))
        elif len(paths) > 1:
            problems.append(Problem(str(folder), None, None,
                                    f"a folder with one {pattern[kind]}; name the files to "
                                    "send instead of the folder",
                                    found=f"{len(paths)}: " + ", ".join(p.name for p in paths),
                                    code="duplicate"))
    if any(len(p) != 1 for p in found.values()):
        return []
    memo, workbook = found["memo"][0], found["workbook"][0]
    if report_name(memo) != report_name(workbook):
        problems.append(Problem(str(folder), None, None,
                                "a memo and workbook from the same scenario; name the files "
                                "to send instead of the folder",
                                found=f"{memo.name} and {workbook.name}", code="invalid-option"))
        return []
    return [memo, workbook]


def find_reports(paths: Iterable[str | Path]) -> Reports:
    """The attachments named by ``paths``: output folders (one memo and one workbook
    each) and/or .pdf and .xlsx files. Raises InputError for anything missing,
    ambiguous, of another type or too large together (MAX_ATTACHMENT_BYTES)."""
    problems: list[Problem] = []
    files: list[Path] = []
    for given in map(Path, paths):
        if given.is_symlink():  # before is_dir(), which would follow a link to a folder
            problems.append(_link_problem(given))
        elif given.is_dir():
            files += _in_folder(given, problems)
        elif not given.is_file():
            problems.append(Problem(str(given), None, None,
                                    "an existing report file or output folder",
                                    found="nothing there", code="file-not-found"))
        elif given.suffix.lower() not in MIME_TYPES:
            problems.append(Problem(str(given), None, None,
                                    "a .pdf memo or an .xlsx report workbook",
                                    found=describe(given.suffix or "no extension"),
                                    code="wrong-format"))
        else:
            files.append(given)
    problems += [problem for p in files
                 if (problem := name_problem(p, "a report") or _not_what_it_says(p))]
    files = list({p.resolve(): p for p in files}.values())  # the same file once
    if not files and not problems:
        problems.append(Problem(COMMAND_LINE, None, None, "at least one report to send",
                                code="missing-value"))
    _check_size(files, problems)
    if problems:
        raise InputError(problems)
    reports = Reports(files)
    reports.summary = find_summary(files, reports.notes)
    return reports


def name_problem(path: Path, what: str) -> Problem | None:
    """A problem when a file's name would break a mail header (a line break in it)."""
    if not has_control(path.name):
        return None
    return Problem(str(visible(str(path))), None, None, f"{what} whose name has no line "
                   "breaks (it becomes an attachment name in the email); rename the file",
                   found=describe(visible(path.name)), code="invalid-option")


def _link_problem(path: Path) -> Problem:
    return Problem(str(path), None, None, "a report file itself, not a link (only the files "
                   "ftreport wrote are attached)", found=f"a link to {path.resolve()}",
                   code="not-a-file")


def _not_what_it_says(path: Path) -> Problem | None:
    """A problem when ``path`` is a link or its content is not what its extension says
    (an .xlsx is a workbook package, a .pdf starts with %PDF)."""
    if path.is_symlink():
        return _link_problem(path)
    with path.open("rb") as f:
        head = f.read(5)
    if path.suffix.lower() == ".pdf":
        ok = head.startswith(b"%PDF")
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                ok = "xl/workbook.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError):
            ok = False
    if ok:
        return None
    kind = "PDF file" if path.suffix.lower() == ".pdf" else "workbook"
    return Problem(str(path), None, None, f"a {kind}, as its name says",
                   found="a file of other content", code="wrong-format")


def _check_size(files: Sequence[Path], problems: list[Problem]) -> None:
    sizes = {p: p.stat().st_size for p in files}
    total = sum(sizes.values())
    if total > MAX_ATTACHMENT_BYTES:
        shown = ", ".join(f"{p.name} {_megabytes(n)}" for p, n in sizes.items())
        problems.append(Problem(str(files[0]) if len(files) == 1 else ", ".join(map(str, files)),
                                None, None,
                                f"attachments of at most {_megabytes(MAX_ATTACHMENT_BYTES)} "
                                "together (about 20 MB once encoded for email, the limit of "
                                "many mail services); share the files another way",
                                found=f"{_megabytes(total)} ({shown})", code="too-large"))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
