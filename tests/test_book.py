"""The controller's workbook without LibreOffice: what Summary says and when, labels from
the results schema, print setup, fonts and number formats of every output sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ftreport.engine.analysis import analyse
from ftreport.model import ScenarioBook
from ftreport.model.outputs import OUTPUT
from ftreport.workbook import OUTPUT_SHEETS, REPORT_SHEETS
from ftreport.workbook.printing import MIN_SCALE
from ftreport.workbook.sheets_summary import label_with_unit
from ftreport.workbook.writer import write_report
from tests.test_writer import Run, make_run
from tests.test_writer_libreoffice import expected_reason


def written(tmp_path: Path, **scenario: object) -> tuple[Run, object]:
    run = make_run(tmp_path, **scenario)
    report = tmp_path / "report.xlsx"
    write_report(run, report)  # type: ignore[arg-type]
    return run, load_workbook(report)


def cached(tmp_path: Path) -> object:
    return load_workbook(tmp_path / "report.xlsx", data_only=True)


def test_summary_comes_first_with_schema_labels(tmp_path: Path) -> None:
    _, wb = written(tmp_path)
    titles = wb.sheetnames  # type: ignore[attr-defined]
    outputs = [t for t in titles if t in OUTPUT_SHEETS]
    assert outputs[0] == "Summary" and outputs[:len(REPORT_SHEETS)] == list(REPORT_SHEETS)
    labels = [c.value for c in wb["Summary"]["A"]]  # type: ignore[index]
    assert label_with_unit(OUTPUT["total_cost"], "USD") == "Total cost (USD)"
    assert "Total cost (USD)" in labels and "Break-even day (day of the horizon)" in labels
    assert "Cost per request (USD per request)" in labels



def test_summary_says_baseline_for_the_baselines_own_break_even_day(tmp_path: Path) -> None:
    run, wb = written(tmp_path)
    ws = wb["Summary"]  # type: ignore[index]
    row = next(c.row for c in ws["A"] if c.value == "Break-even day (day of the horizon)")
    values = cached(tmp_path)["Summary"]  # type: ignore[index]
    base = run.analysis.baseline
    for i in range(len(run.book.options)):
        cell = ws.cell(row, 2 + i)
        assert cell.value.startswith("=IF(Results!") and '"baseline"' in cell.value
        day = run.analysis.option_value("break_even_day", i)
        assert values.cell(row, 2 + i).value == ("baseline" if i == base else day)

@pytest.mark.parametrize("scenario, quality, says", [
    ({"min_quality": None}, None, "Lowest present value of cost"),
    ({"min_quality": 0.5}, [0.4, 0.9, 0.9],
     "Lowest present value of cost among the options meeting the minimum quality"),
    ({"min_quality": 0.99}, [0.4, 0.5, 0.6],
     "No option meets the minimum quality: lowest present value of cost overall"),
    ({"min_quality": 0.5}, [0.9, 0.4, 0.4], "Lowest present value of cost among the options "
     "meeting the minimum quality; it is the baseline: keep it"),
])
def test_summary_says_why_only_when_it_holds(tmp_path: Path, scenario: dict[str, object],
                                             quality: list[float] | None, says: str) -> None:
    run = make_run(tmp_path, **scenario)
    if quality is not None:
        for option, score in zip(run.book.options, quality, strict=True):
            option.quality_score = score
        run = Run(analyse(ScenarioBook(**run.book.__dict__)))
    write_report(run, tmp_path / "report.xlsx")  # type: ignore[arg-type]
    assert cached(tmp_path)["Summary"]["B6"].value == says  # type: ignore[index]
    assert says == expected_reason(run)  # the rule LibreOffice's results are held to


def test_every_output_sheet_is_print_ready(tmp_path: Path) -> None:
    run, wb = written(tmp_path, scenario_name="Q3 & pricing")
    prefix = run.book.sha256[:12]
    for title in OUTPUT_SHEETS:
        if title not in wb.sheetnames:  # type: ignore[attr-defined]
            continue
        ws = wb[title]  # type: ignore[index]
        assert ws.print_area, title
        # Fitted one page wide, or too wide to read so: blocks of whole columns at a
        # legible scale, each repeating column A (ftreport.workbook.printing).
        fitted = ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        blocks = "," in str(ws.print_area) and ws.print_title_cols == "$A:$A"
        assert fitted or (blocks and ws.page_setup.scale >= MIN_SCALE), title
        assert ws.oddHeader.left.text == "Q3 && pricing" and ws.oddHeader.right.text == "&A"
        assert prefix in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text
    assert wb["Results"].page_setup.orientation == "landscape"  # type: ignore[index]
    assert wb["Results"].print_title_rows == "$1:$1"  # type: ignore[index]
    # The Timeline prints its days and dates, not the payback marks beside the chart.
    assert wb["Timeline"].print_area.endswith(  # type: ignore[index]
        f"$G${run.book.scenario.horizon_days + 2}")


def test_every_number_has_a_format_and_every_font_a_name(tmp_path: Path) -> None:
    _, wb = written(tmp_path)
    values = cached(tmp_path)
    for title in REPORT_SHEETS:
        for row in values[title].iter_rows():  # type: ignore[index]
            for cell in row:
                shown = wb[title][cell.coordinate]  # type: ignore[index]
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert shown.number_format != "General", (title, cell.coordinate)
                if cell.value is not None:
                    assert shown.font.name, (title, cell.coordinate)


def test_the_template_reads_start_date_and_fiscal_year(tmp_path: Path) -> None:
    from datetime import date, timedelta

    from ftreport.model.problems import InputError
    from ftreport.workbook.reader import read_workbook
    from ftreport.workbook.template import write_template

    path = tmp_path / "book.xlsx"
    write_template(path, example="starter")
    wb = load_workbook(path)
    cells = {}
    for name in ("start_date", "fiscal_year_start_month"):
        sheet, ref = wb.defined_names[name].attr_text.replace("$", "").split("!")
        cells[name] = (sheet, ref)
    blank = read_workbook(path)
    assert blank.start_date == blank.run_date + timedelta(days=1)
    for value, month in ((date(2027, 4, 1), 4), ("2027-04-01", 7)):
        wb[cells["start_date"][0]][cells["start_date"][1]] = value
        wb[cells["fiscal_year_start_month"][0]][cells["fiscal_year_start_month"][1]] = month
        wb.save(path)
        book = read_workbook(path)
        assert (book.start_date, book.scenario.fiscal_year_start_month) == (date(2027, 4, 1),
                                                                            month)
    wb[cells["fiscal_year_start_month"][0]][cells["fiscal_year_start_month"][1]] = 13
    wb.save(path)
    with pytest.raises(InputError, match=r"Scenario!C[0-9]+: fiscal_year_start_month must be "
                       r"at most 12"):
        read_workbook(path)


def test_a_label_names_its_unit_once() -> None:
    assert label_with_unit(OUTPUT["steady_state_break_even_days"], "EUR") \
        == "Steady-state break-even (days)"
    assert label_with_unit(OUTPUT["npv_cost"], "EUR") == "Present value of cost (EUR)"


def test_every_unit_of_the_results_schema_has_words() -> None:
    # A unit added to the results schema must be named on the Summary sheet too.
    from typing import get_args

    from ftreport.model.outputs import Unit
    from ftreport.workbook.sheets_summary import UNIT_WORDS

    assert set(get_args(Unit)) <= set(UNIT_WORDS)


def test_the_timeline_chart_draws_the_baseline_once(tmp_path: Path) -> None:
    # Read from the saved package: the chart as Excel and LibreOffice get it.
    import re
    import zipfile

    run, _ = written(tmp_path)
    with zipfile.ZipFile(tmp_path / "report.xlsx") as package:
        charts = [package.read(n).decode() for n in package.namelist()
                  if n.startswith("xl/charts/chart")]
    timeline = next(c for c in charts if "Cumulative cost by day" in c)
    lines = re.findall(r"<(?:c:)?yVal>.*?<(?:c:)?f>([^<]+)</", timeline, re.S)
    costs = [ref for ref in lines if "Timeline" in ref]
    options = len(run.analysis.book.options)
    # A line per option but the baseline, plus the dashed baseline line; no column twice.
    assert len(costs) == options and len(set(costs)) == options


def test_the_sensitivity_sheets_charts_do_not_cover_each_other(tmp_path: Path) -> None:
    # Read from the saved package: each chart's top row and height (EMU, 360,000 a cm;
    # a default row is 15 pt, 0.53 cm). Charts side by side in column L must not overlap.
    import re
    import zipfile
    from itertools import pairwise

    import ftreport

    sample = Path(__file__).parent.parent / "sample_inputs" / "customer-support.xlsx"
    result = ftreport.run(sample, tmp_path, iterations=2_000, pdf=False)
    with zipfile.ZipFile(result.outputs["workbook"]) as package:
        book = package.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book)
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
        rid = dict(sheets)["Sensitivity"]
        part = re.search(rf'Id="{rid}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels) or re.search(
            rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid}"', rels)
        sheet_rels = package.read("xl/worksheets/_rels/" + part.group(1).split("/")[-1]
                                  + ".rels").decode()
        drawing = re.search(r'Target="/?(?:xl/|\.\./)?(drawings/[^"]+)"', sheet_rels).group(1)
        xml = package.read("xl/" + drawing).decode()
    spans = [(int(row), int(row) + int(cy) / 360_000 / 0.53) for row, cy in re.findall(
        r"<(?:xdr:)?from>.*?<(?:xdr:)?row>(\d+)</.*?<(?:xdr:)?ext [^>]*cy=\"(\d+)\"", xml, re.S)]
    assert len(spans) >= 3  # tornado, rank correlations, spider
    spans.sort()
    assert all(top >= bottom for (_, bottom), (top, _) in pairwise(spans))
