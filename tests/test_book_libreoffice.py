"""The controller's workbook in real LibreOffice: `inputs_changed` flips after an edit
(and the re-run message shows), and the whole report prints legibly on few pages with no
column split.
(Periods, Summary and the checks are recalculated for every sample, template example and
generated scenario by tests/test_writer_libreoffice.py's ``check``.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from openpyxl import load_workbook

from ftreport.workbook.printing import MIN_SCALE
from ftreport.workbook.sheets_checks import RERUN_MESSAGE
from tests.support.libreoffice import recalculate
from tests.test_writer import read_results
from tests.test_writer_libreoffice import SAMPLES

pytestmark = pytest.mark.libreoffice

OUTPUTS = ("Summary", "Results", "Periods", "Timeline", "Workings", "Checks", "Constants",
           "Run", "Simulation", "Sensitivity")


def run_sample(sample: Path, outdir: Path, iterations: int = 0) -> Any:
    from ftreport.api import run

    return run(sample, outdir, iterations=iterations, pdf=False)


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
            errors = [(ws.title, c.coordinate, c.value) for ws in after.worksheets
                      if ws.title in OUTPUTS for row in ws.iter_rows() for c in row
                      if isinstance(c.value, str) and c.value.startswith("#")]
            assert not errors
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


def test_the_output_sheets_print_with_their_footer_and_dates(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.stem == "customer-support")
    result = run_sample(sample, tmp_path / "run", iterations=2000)
    pages = printed_pages(Path(result.outputs["workbook"]), tmp_path / "pdf")
    assert set(pages) == set(OUTPUTS)
    for sheet in ("Summary", "Periods", "Constants"):
        assert len(pages[sheet]) == 1, sheet
    # Results prints in blocks of whole columns, each with the option names.
    assert all("Few-shot gpt-4.1" in page for page in pages["Results"])
    assert "name" in pages["Results"][0] and "recommended" in pages["Results"][-1]
    last_name = result.book.options[-1].name
    for page in pages["Timeline"]:
        lines = [x for x in page.splitlines() if re.match(r"\s*[0-9]+ .*USD", x)]
        assert lines and all(re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$", x) for x in lines)
    assert last_name in pages["Summary"][0] and last_name in pages["Periods"][0]
    for sheet, texts in pages.items():
        sha = result.book.sha256[:12]
        assert all(sha in t and "page " in t for t in texts), sheet
        assert all("###" not in t for t in texts), sheet


def test_a_start_date_typed_as_text_dates_the_periods(tmp_path: Path) -> None:
    from datetime import date, datetime

    from ftreport.workbook.writer import write_report
    from tests.test_writer import make_run

    run = make_run(tmp_path, start_date=date(2027, 4, 1), fiscal_year_start_month=4)
    report = tmp_path / "report.xlsx"
    write_report(run, report)  # type: ignore[arg-type]
    wb = load_workbook(report)
    sheet, cell = run.book.scenario_cells["start_date"].split("!")
    wb[sheet][cell] = "2027-04-01"  # what the reader also takes for 1 April 2027
    wb.save(report)
    after = load_workbook(recalculate(report, tmp_path / "lo"), data_only=True)
    assert after["Periods"]["B4"].value == datetime(2027, 4, 1)
    assert after["Checks"]["B6"].value == 1  # checks_ok
    fiscal = [r[0].value for r in after["Periods"].iter_rows(min_row=1) if r[0].value
              and str(r[0].value).startswith("FY")]
    assert fiscal[0] == "FY2028"  # April 2027 to March 2028


INPUTS = ("Scenario", "Options", "Uncertainty", "Correlations", "Factors", "Named scenarios",
          "Prices")
VIEWS = ("Scenarios", "BreakEvenMap")
WHOLE_REPORT_PAGES = 48  # customer-support, measured: docs/results-sheets.md "Printing"
# The height pdftotext gives a word of 11-point text printed at 100 %, in points, and
# the smallest print scale measured on a page (MIN_SCALE is 52 %).
WORD_HEIGHT_AT_FULL_SIZE = 11 * 1.27
SMALLEST_SCALE = 0.5


def pages_by_sheet(pdf: Path, sheets: tuple[str, ...]) -> dict[str, list[int]]:
    """The page numbers (from 0) of each sheet, by the sheet its header names."""
    by_length = sorted(sheets, key=len, reverse=True)  # "Scenarios" before "Scenario"
    pages: dict[str, list[int]] = {}
    for number, page in enumerate(pypdf.PdfReader(pdf).pages):
        text = page.extract_text() or ""
        head = text.splitlines()[0].strip() if text else ""
        sheet = next((s for s in by_length if head.endswith(s)), "?")
        pages.setdefault(sheet, []).append(number)
    return pages


def page_words(pdf: Path) -> list[list[tuple[str, float]]]:
    """Each page's words between its header and footer, with their heights (points)."""
    import subprocess
    from xml.etree import ElementTree

    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ElementTree.fromstring(xml.replace("<!DOCTYPE html>", ""))
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        height = float(page.get("height", 0))
        words = [(w.text or "", float(w.get("yMax", 0)) - float(w.get("yMin", 0)))
                 for w in page.iter("{http://www.w3.org/1999/xhtml}word")
                 if 45 < float(w.get("yMin", 0)) < height - 45]
        pages.append(words)
    return pages


def block_markers(ws: Any, ref: str) -> tuple[str, str] | None:
    """The start of the texts of one row of print range ``ref`` in its first column (the
    second when that is the repeated column A) and in its last, as the page shows them."""
    from openpyxl.utils import range_boundaries

    from ftreport.workbook.printing import column_width

    first, top, last, bottom = range_boundaries(ref.split("!")[1].replace("$", ""))
    left = first if first > 1 else min(2, last)
    for row in range(top, bottom + 1):
        texts = [ws.cell(row=row, column=c).value for c in (left, last)]
        if all(isinstance(t, str) and t.strip() and not t.startswith("=") for t in texts):
            return tuple(" ".join(t.split())[:max(4, min(12, int(column_width(ws, c)) - 4))]
                         for t, c in zip(texts, (left, last), strict=True))  # type: ignore
    return None


def test_the_whole_report_prints_legibly_with_no_column_split(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.stem == "customer-support")
    result = run_sample(sample, tmp_path / "run", iterations=2000)
    report = Path(result.outputs["workbook"])
    wb = load_workbook(report)
    pdf = recalculate(report, tmp_path / "pdf", to="pdf")
    pages = pages_by_sheet(pdf, tuple(wb.sheetnames))
    texts = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf).pages]
    counts = {s: len(p) for s, p in pages.items()}
    # Every page names its sheet, none is the hidden Lists (a page without a header is "?").
    assert set(pages) == set(INPUTS + OUTPUTS + VIEWS), counts
    assert wb["Lists"].sheet_state == "hidden"
    assert sum(counts.values()) <= WHOLE_REPORT_PAGES, counts
    checked = set()
    for sheet, numbers in pages.items():
        for ref in str(wb[sheet].print_area).split(","):
            markers = block_markers(wb[sheet], ref)
            if markers is not None:  # a row's first and last cell on one page: no split
                assert any(all(m in texts[n] for m in markers) for n in numbers), (sheet, ref)
                checked.add(sheet)
    assert checked >= {"Options", "Prices", "Results", "Scenarios", "Sensitivity", "Workings"}
    # Legible: a sheet printed in blocks has its fixed scale; a fitted one is scaled by
    # LibreOffice, so its text is measured (the median word: the cells, not the charts).
    words = page_words(pdf)
    for sheet, numbers in pages.items():
        if wb[sheet].page_setup.scale is not None:
            assert wb[sheet].page_setup.scale >= MIN_SCALE, sheet
            continue
        for number in numbers:
            heights = sorted(h for _, h in words[number])
            assert heights[len(heights) // 2] >= SMALLEST_SCALE * WORD_HEIGHT_AT_FULL_SIZE, \
                (sheet, number)
    assert "4.00x" in texts[pages["BreakEvenMap"][0]]
    for name in [s.name for s in result.scenarios]:
        assert any(name[:20] in texts[n] for n in pages["Scenarios"])
    sensitivity = " ".join(texts[n] for n in pages["Sensitivity"])
    for chart_title in ("Spearman rank correlation", "by percentile"):  # inside the area
        assert chart_title in sensitivity, chart_title
    assert all("day" in texts[n] and "date" in texts[n] for n in pages["Timeline"])
    # The planned breaks (printing.py keeps a chart from straddling a page) are LibreOffice's:
    # the Simulation sheet's convergence section starts a page of its own.
    simulation = wb["Simulation"]
    assert simulation.row_breaks.brk, "no planned break on the Simulation sheet"
    for brk in simulation.row_breaks.brk:
        after = simulation.cell(row=brk.id + 1, column=1).value
        if isinstance(after, str) and after.strip():
            first_lines = [(pypdf.PdfReader(pdf).pages[n].extract_text() or "").splitlines()[1:3]
                           for n in pages["Simulation"]]
            assert any(after.split()[0] in " ".join(lines) for lines in first_lines), after
