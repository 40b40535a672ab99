"""The controller's workbook in real LibreOffice: Periods, Summary and Checks recalculate
to the engine's values, every check holds, `inputs_changed` flips after an edit, and the
report prints one page wide in few pages.

Cached values on the formula sheets are overwritten with a sentinel before LibreOffice
opens a report, so what is read back was computed by the formulas.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from openpyxl import load_workbook

from ftreport.engine import periods
from ftreport.workbook.sheets_checks import FIRST_ROW, RERUN_MESSAGE
from ftreport.workbook.sheets_periods import FIRST_COST_COLUMN, FIRST_MONTH_ROW, FY_HEAD
from ftreport.workbook.sheets_summary import HEAD_ROW, METRICS
from tests.support.libreoffice import recalculate
from tests.test_writer import close, read_results
from tests.test_writer_libreoffice import SAMPLES, stale_copy

pytestmark = pytest.mark.libreoffice

FORMULA_SHEETS = ("Results", "Timeline", "Periods", "Checks", "Summary")
OUTPUTS = ("Summary", "Results", "Periods", "Timeline", "Workings", "Checks", "Constants",
           "Run", "Simulation", "Sensitivity")


def run_sample(sample: Path, outdir: Path, iterations: int = 0) -> Any:
    from ftreport.api import run

    return run(sample, outdir, iterations=iterations, pdf=False)


def recalculated(report: Path, name: str = "lo") -> Any:
    stale = stale_copy(report, report.with_name("stale-" + report.name), FORMULA_SHEETS)
    return load_workbook(recalculate(stale, report.parent / name), data_only=True)


def serial(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def assert_periods(ws: Any, book: Any) -> None:
    found = periods.periods(book)
    for k, period in enumerate(found.months):
        row = FIRST_MONTH_ROW + k
        assert serial(ws.cell(row, 2).value) == period.start
        assert serial(ws.cell(row, 3).value) == period.end
        for i in range(len(book.options)):
            assert close(ws.cell(row, FIRST_COST_COLUMN + i).value, float(found.monthly[k, i]),
                         scale=float(found.fiscal[:, i].sum()))
    for j, period in enumerate(found.fiscal_years, start=1):
        assert ws.cell(FY_HEAD + j, 1).value == period.label
        for i in range(len(book.options)):
            assert close(ws.cell(FY_HEAD + j, FIRST_COST_COLUMN + i).value,
                         float(found.fiscal[j - 1, i]), scale=float(found.fiscal[:, i].sum()))


def checks(wb: Any) -> dict[str, Any]:
    """The tie-out checks (LibreOffice saves a logical as 1 or 0)."""
    found = {}
    for row in wb["Checks"].iter_rows(min_row=FIRST_ROW):
        if not row[0].value:
            return found
        found[row[0].value] = row[2].value
    return found


def test_samples_tie_out_after_recalculation(tmp_path: Path) -> None:
    for sample in SAMPLES:
        result = run_sample(sample, tmp_path / sample.stem)
        report = Path(result.outputs["workbook"])
        wb = recalculated(report)
        found = checks(wb)
        assert len(found) == 4 + 3 * len(result.book.options)
        assert all(found.values()), (sample.name, found)
        assert wb["Checks"]["B6"].value == 1  # checks_ok
        assert wb["Checks"]["B7"].value == 0  # inputs_changed
        assert wb["Summary"]["A3"].value in (None, "")
        assert_periods(wb["Periods"], result.book)
        results = read_results(report)
        summary = wb["Summary"]
        for row, output in enumerate(METRICS, start=HEAD_ROW + 1):
            for i, values in enumerate(results):
                assert close(summary.cell(row, 2 + i).value, values[output.key]), output.key
        rec = result.analysis.recommended
        assert summary["B5"].value == result.book.options[rec].name


def test_an_edited_input_shows_the_rerun_message(tmp_path: Path) -> None:
    result = run_sample(SAMPLES[0], tmp_path / "run", iterations=500)
    report = Path(result.outputs["workbook"])
    for name, field in (("number", "requests_per_day"), ("text", "name"),
                        ("horizon", "horizon_days")):
        wb = load_workbook(report)
        if field == "name":
            sheet, cell = result.book.option_cells[1]["name"].split("!")
            wb[sheet][cell] = "Renamed option"
        else:
            sheet, cell = result.book.scenario_cells[field].split("!")
            old = getattr(result.book.scenario, field)
            wb[sheet][cell] = old + 30 if field == "horizon_days" else old * 1.01
        edited = tmp_path / f"edited-{name}.xlsx"
        wb.save(edited)
        after = load_workbook(recalculate(edited, tmp_path / f"lo-{name}"), data_only=True)
        assert after["Checks"]["B7"].value == 1, name  # inputs_changed
        for sheet, ref in (("Summary", "A3"), ("Simulation", "D1"), ("Sensitivity", "D1")):
            assert after[sheet][ref].value == RERUN_MESSAGE, (name, sheet)
        if field == "horizon_days":
            # Longer than the Timeline: the message, not #REF!, and the checks fail.
            assert {r["break_even_day"] for r in read_results(
                recalculate(edited, tmp_path / "lo-h2"))} == {RERUN_MESSAGE}
            assert after["Checks"]["B6"].value == 0
        else:
            assert after["Checks"]["B6"].value == 1
    unchanged = load_workbook(recalculate(report, tmp_path / "lo-same"), data_only=True)
    assert unchanged["Checks"]["B7"].value == 0
    assert unchanged["Summary"]["A3"].value in (None, "")


def printed_pages(report: Path, outdir: Path) -> dict[str, list[str]]:
    """The text of each printed page of the output sheets, by sheet (from page headers)."""
    pdf = recalculate(report, outdir, to="pdf")
    pages: dict[str, list[str]] = {}
    for page in pypdf.PdfReader(pdf).pages:
        text = page.extract_text() or ""
        head = text.splitlines()[0] if text else ""
        sheet = next((s for s in OUTPUTS if head.strip().endswith(s)), None)
        if sheet:
            pages.setdefault(sheet, []).append(text)
    return pages


def test_the_report_prints_one_page_wide_in_few_pages(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.stem == "customer-support")
    result = run_sample(sample, tmp_path / "run", iterations=2000)
    pages = printed_pages(Path(result.outputs["workbook"]), tmp_path / "pdf")
    assert set(pages) == set(OUTPUTS)
    assert sum(len(p) for p in pages.values()) < 15, {s: len(p) for s, p in pages.items()}
    for sheet in ("Summary", "Results", "Periods", "Constants", "Run"):
        assert len(pages[sheet]) == 1, sheet
    # One page wide: each page holds the first and the last column.
    assert "name" in pages["Results"][0] and "recommended" in pages["Results"][0]
    last_name = result.book.options[-1].name
    for page in pages["Timeline"]:
        lines = [x for x in page.splitlines() if re.match(r"\s*[0-9]+ .*USD", x)]
        assert lines and all(re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$", x) for x in lines)
    assert last_name in pages["Summary"][0] and last_name in pages["Periods"][0]
    for sheet, texts in pages.items():
        sha = result.book.sha256[:12]
        assert all(sha in t and "page " in t for t in texts), sheet
        assert all("###" not in t for t in texts), sheet
