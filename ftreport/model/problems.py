"""Errors as typed objects: each error type owns its exit code, and each problem in the
user's input carries a stable code, where it is and what was expected and found.

Validation collects every problem it finds and raises one :class:`InputError`
holding them all; the CLI prints each on its own line and exits with the
error's ``exit_code``. Codes are stable for scripts (`ftreport validate --json`);
the words may improve. docs/problems.md lists the codes (a test keeps it complete).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from typing import ClassVar

# The stable codes, in the spirit of frictionless-py's error types.
CODES = {
    # the file itself
    "file-not-found": "the file does not exist",
    "not-a-file": "a folder or other non-file was given",
    "unreadable-file": "the file cannot be read",
    "wrong-format": "the file is not what its role needs (an .xls, a CSV, a Word file...)",
    "encrypted-file": "the workbook is password-protected",
    "damaged-file": "the file is truncated or damaged",
    "too-large": "the file or its contents exceed a limit",
    "file-exists": "the file to write exists already",
    # names, tables and columns
    "missing-name": "a defined name the contract requires is absent",
    "bad-name": "a defined name does not point at one cell of a sheet",
    "missing-table": "a table (or its sheet) the contract requires is absent",
    "missing-column": "a table lacks a header cell the contract requires",
    "missing-rows": "a table has no data rows where at least one is needed",
    # values
    "type-error": "a value of the wrong type (text where a number belongs...)",
    "out-of-range": "a number outside the bounds of its field",
    "missing-value": "a required value is blank",
    "unknown-name": "a name that matches nothing it may refer to",
    "duplicate": "a value that must be unique is used twice",
    "formula-error": "a formula that cannot be computed",
    "external-reference": "a formula that refers to another workbook (never opened)",
    "invalid-distribution": "an Uncertainty row whose parameters do not fit its distribution",
    "not-uncertain": "a Correlations row names an input (and option) with no Uncertainty row",
    "self-correlation": "a Correlations row pairs an input with itself",
    "invalid-correlation-matrix": "rank correlations that cannot hold together (not positive "
    "semi-definite)",
    "unknown-model": "an option's model is in no price list and its prices are not typed in",
    "implausible-value": "a value that is allowed but almost surely a typo (needs confirming)",
    "non-finite": "inputs whose results are too large to compute (infinite or undefined)",
    # the shape of the workbook
    "outside-table": "values typed just outside a table, where the reader would miss them",
    "too-many-rows": "a table (or the options) beyond the number of rows ftreport reads",
    # the command line and settings
    "invalid-option": "a command-line option or setting that does not fit",
    "invalid-address": "an email address that cannot be used",
    # templates (--template-dir)
    "outside-folder": "a template or asset that leads outside its template folder",
    "bad-template": "a template that cannot be rendered (missing, unsafe, malformed)",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was expected, what was found.

    ``sheet`` and ``cell`` are ``None`` when the problem concerns the whole file
    (not an .xlsx, password-protected) or a whole sheet (missing). ``code`` is one
    of :data:`CODES`.
    """

    file: str
    sheet: str | None
    cell: str | None
    expected: str
    found: str | None = None
    field: str | None = None
    code: str = dataclass_field(default="", kw_only=True)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def __str__(self) -> str:
        head = f"{self.file}: {self.where}: " if self.where else f"{self.file}: "
        what = f"{self.field} must be {self.expected}" if self.field else self.expected
        return head + what + (f", got {self.found}" if self.found is not None else "")

    def to_dict(self) -> dict[str, str | None]:
        return {**asdict(self), "message": str(self)}


class FtreportError(Exception):
    """Every error ftreport means to report in words; ``exit_code`` is the command's."""

    exit_code: ClassVar[int] = 1


class InputError(FtreportError):
    """Bad input, raised with every problem found, so the user can fix them all at once."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ReportError(FtreportError):
    """A failure that is not the input's fault but needs a clear message (a file
    that cannot be written safely, a mail server that refuses)."""

    exit_code = 1


class WriteError(ReportError, OSError):
    """The file system refused a write (full disk, read-only folder...): a ReportError
    that says what to do, and still an OSError to code that catches those."""


def describe(value: object) -> str:
    """How a found value is shown in a message: text quoted, numbers as they are, dates and
    booleans as a spreadsheet shows them (never a Python repr)."""
    if value is None:
        return "a blank cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        shown = value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() \
            else value.date().isoformat()
        return f"a date ({shown})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, dt.time):
        return f"a time ({value.strftime('%H:%M')})"
    if isinstance(value, dt.timedelta):
        return f"a duration ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace('"', '\\"') + '"'
    if isinstance(value, float):
        shown = f"{value:g}"  # shortest form when it shows the number as it is
        return shown if float(shown) == value else repr(value)
    if isinstance(value, int):
        return str(value)
    text = getattr(value, "text", None)  # an array or data-table formula object
    return describe(text) if isinstance(text, str) else "a value of an unknown kind"
