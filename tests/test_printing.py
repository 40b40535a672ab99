"""Page plans worked by hand (ftreport.workbook.printing) and the template's page setup.
What LibreOffice prints is checked in tests/test_book_libreoffice.py."""

from __future__ import annotations

from openpyxl import Workbook

from ftreport.model.schema import OPTION, OPTION_FIELDS
from ftreport.workbook._examples import EXAMPLES
from ftreport.workbook.printing import PagePlan, plan_pages
from ftreport.workbook.template import FIRST_ROW, build_workbook


def sheet(widths: dict[str, float], rows: int) -> Workbook:
    wb = Workbook()
    ws = wb.active
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
        for row in range(1, rows + 1):
            ws[f"{col}{row}"] = "x"
    return wb


def test_a_sheet_too_wide_to_read_prints_in_blocks_of_whole_columns() -> None:
    ws = sheet({"A": 100, "B": 100, "C": 100}, 10).active
    # A4 landscape: 29.7 cm less two 0.5-inch margins, 97 % of it: 26.345 cm across.
    # 300 characters at 0.25 cm = 75 cm: 35 % on one page, too small. At 52 % a page
    # takes 26.345 / 0.52 = 50.7 cm = 202 characters: A+B, then A (repeated) + C.
    # The widest block, 200 characters = 50 cm, prints at 26.345 / 50 = 52.7 %.
    # Portrait (17.9 cm across) would need A+B at 35.8 %: landscape.
    assert plan_pages(ws, 3, 10, split=True) == PagePlan(
        "landscape", 52, ((1, 2, 1, 10), (3, 3, 1, 10)), 2)
    # Not split: one page wide, at the scale that takes (26.345 / 75 = 35 %).
    assert plan_pages(ws, 3, 10) == PagePlan("landscape", 35, ((1, 3, 1, 10),), 1)


def test_a_long_sheet_prints_smaller_only_to_save_pages() -> None:
    ws = sheet({"A": 50}, 400).active
    # 400 rows of 14.2 points = 5,680 points. A4 portrait: 29.7 cm less two 0.9-inch
    # margins, 95 % of it: 23.87 cm = 676.8 points down. At 52 %: 4.36, so 5 pages;
    # 5 pages hold it at up to 5 x 676.8 / 5,680 = 59.6 %. Landscape: 442.3 points
    # down, 7 pages at 52 %.
    assert plan_pages(ws, 1, 400, split=True) == PagePlan(
        "portrait", 59, ((1, 1, 1, 400),), 5)



def test_a_chart_that_would_straddle_a_page_starts_the_next() -> None:
    from openpyxl.chart import BarChart

    ws = sheet({"A": 100, "B": 100, "C": 100}, 200).active
    chart = BarChart()  # 15 x 7.5 cm
    ws.add_chart(chart, "C110")
    plan = plan_pages(ws, 3, 200, split=True)
    # Blocks A:B and A+C at 52 % landscape (as above). A4 landscape holds 21 cm less two
    # 0.9-inch margins, 95 % of it: 15.607 cm down; a 14.2-point row at 52 % is 0.2605 cm,
    # so 59 rows a page: breaks after rows 59 and 118. The chart, 7.5 x 0.52 = 3.9 cm,
    # would start at row 110 after 50 rows (13.02 cm) and end past 92 % of the page
    # (14.36 cm): the page breaks after row 109 instead, then 59 rows on (after 168).
    assert (plan.scale, plan.breaks) == (52, (59, 109, 168))
    assert plan.pages == 8  # each block: rows 1-200 in 4 bands
    ws.add_chart(BarChart(), "C20")  # fits on its page: no break for it
    assert plan_pages(ws, 3, 200, split=True).breaks == (59, 109, 168)


def test_without_a_straddling_chart_the_application_breaks_the_pages() -> None:
    ws = sheet({"A": 100, "B": 100, "C": 100}, 200).active
    assert plan_pages(ws, 3, 200, split=True).breaks == ()

def test_the_template_prints_its_used_cells_and_never_its_lists() -> None:
    wb, _ = build_workbook(EXAMPLES["support"])
    options = wb["Options"]
    ranges = str(options.print_area).split(",")
    last_row = FIRST_ROW + len(EXAMPLES["support"].options) + 1  # two spare rows
    bottoms = [int(r.rsplit("$", 1)[1]) for r in ranges]
    assert len(ranges) > 1 and bottoms[0] == last_row and max(bottoms) == last_row  # not
    # the 500 rows its input checks reach into
    assert options.print_title_cols == "$A:$A" and options.page_setup.scale >= 52
    assert not wb["Lists"].print_area and wb["Lists"].sheet_state == "hidden"
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert ws.print_title_rows == "$3:$3" and ws.oddFooter.right.text == "page &P of &N"
    # The notes, which the cells right of them would cut, wrap, and their rows are as
    # tall as their lines.
    notes = options.cell(row=FIRST_ROW, column=OPTION_FIELDS.index(OPTION["notes"]) + 1)
    assert notes.alignment.wrap_text and options.row_dimensions[FIRST_ROW].height >= 30
