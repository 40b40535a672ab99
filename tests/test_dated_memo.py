"""The memo's dated view, read back from the PDF: monthly and fiscal-year cash flow per
option, from start_date, with the engine's numbers; the note on months that do not cover
the horizon only when they do not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ftreport.engine.analysis import analyse
from ftreport.engine.periods import periods
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report import write_memo
from tests.support.scenarios import support_book
from tests.test_memo import pdf_text

PARTIAL = "The horizon runs past these twelve months"


def memo_text(tmp_path: Path, **scenario: object) -> tuple[str, object]:
    """The dated section's text (up to the next section) and the book."""
    book = support_book(**scenario)
    analysis = analyse(book)
    target = tmp_path / "memo.pdf"
    write_memo(RunResult(analysis, None), target)
    text = pdf_text(target)
    # The section's heading, not its line in the contents list on page one.
    start = text.rindex("Cash flow by month and fiscal year")
    return text[start:text.index(" FY", start)], book


def fiscal_text(tmp_path: Path) -> str:
    """The whole dated section of the memo ``memo_text`` wrote (pdftotext may give a
    table's cells out of order)."""
    text = pdf_text(tmp_path / "memo.pdf")
    # The section's heading, not its line in the contents list on page one.
    start = text.rindex("Cash flow by month and fiscal year")
    return text[start:text.index("Risk picture", start)]


def test_dated_view_shows_the_engines_months_and_fiscal_years(tmp_path: Path) -> None:
    text, book = memo_text(tmp_path, horizon_days=365, start_date=date(2027, 3, 15),
                           fiscal_year_start_month=7)
    found = periods(book)  # type: ignore[arg-type]
    fmt = Formatter("USD")
    assert "Cash flow by month and fiscal year" in text
    assert "from 15 Mar 2027" in text and "Fiscal years begin in July" in text
    assert "Mar 2027" in text and "Feb 2028" in text and "Mar 2028" not in text
    assert [p.label for p in found.fiscal_years] == ["FY2027", "FY2028"]
    for row in found.monthly:
        for value in row:
            assert fmt.money(float(value), 0) in text
    assert PARTIAL in text  # 15 Mar 2027 + 365 days runs into March 2028
    years = fiscal_text(tmp_path)
    assert "FY2027 15 Mar 2027 to 30 Jun 2027" in years
    assert "FY2028 1 Jul 2027 to 13 Mar 2028" in years
    for row in (*found.fiscal, found.fiscal.sum(axis=0)):
        for value in row:
            assert fmt.money(float(value), 0) in years


def test_no_partial_note_when_twelve_months_cover_the_horizon(tmp_path: Path) -> None:
    text, _ = memo_text(tmp_path, horizon_days=200, start_date=date(2027, 1, 1))
    assert "Cash flow by month and fiscal year" in text and "Jul 2027" in text
    assert "Aug 2027" not in text
    assert PARTIAL not in text
