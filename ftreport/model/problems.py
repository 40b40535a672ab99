"""Problems found in the user's input, as typed objects that carry where and why.

Validation collects every problem it finds and raises one :class:`InputError`
holding them all; the CLI prints each on its own line and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was expected, what was found.

    ``sheet`` and ``cell`` are ``None`` when the problem concerns the whole file
    (not an .xlsx, password-protected) or a whole sheet (missing).
    """

    file: str
    sheet: str | None
    cell: str | None
    expected: str
    found: str | None = None
    field: str | None = None

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


class InputError(Exception):
    """Raised with every problem found, so the user can fix them all at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ReportError(Exception):
    """A failure that is not the input's fault but needs a clear message (a file
    that cannot be written safely, a mail server that refuses). Exit code 1."""


def describe(value: object) -> str:
    """How a found value is shown in a message: text quoted, numbers as they are."""
    if value is None:
        return "a blank cell"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace('"', '\\"') + '"'
    return repr(value) if not isinstance(value, float) else f"{value:g}"
