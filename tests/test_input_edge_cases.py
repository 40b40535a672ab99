"""Workbooks an analyst really produces that were once read silently wrong, or reported
in a way that misled: each is now one clear problem at its cell, or read as meant."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from ftreport.cli import main
from ftreport.model.problems import InputError, Problem, describe
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "support.xlsx"
    write_template(path, example="support")
    return path


def _edited(tmp_path: Path, template: Path, edit: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(template)
    edit(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    return caught.value.problems


def _only(path: Path, code: str) -> Problem:
    problems = _problems(path)
    assert [p.code for p in problems] == [code], [str(p) for p in problems]
    return problems[0]


# -- defined names ------------------------------------------------------------------------

def test_a_name_that_is_a_formula_is_refused_not_read_as_the_cell_it_mentions(
        tmp_path, template):
    def edit(wb):
        wb.defined_names["requests_per_day"].attr_text = "Scenario!$C$8*2"
    problem = _only(_edited(tmp_path, template, edit), "bad-name")
    assert "requests_per_day" in problem.expected and "one cell" in problem.expected
    assert problem.found == '"Scenario!$C$8*2"' and problem.sheet == "Scenario"


def test_a_name_pointing_at_another_inputs_row_is_refused(tmp_path, template):
    # The value 365 of horizon_days would otherwise be read as the requests per day.
    def edit(wb):
        wb.defined_names["requests_per_day"].attr_text = "Scenario!$C$7"
    problem = _only(_edited(tmp_path, template, edit), "bad-name")
    assert (problem.sheet, problem.cell) == ("Scenario", "C7")
    assert "requests_per_day" in problem.expected
    assert problem.found == "Scenario!C7, the value cell of horizon_days"


def test_a_name_defined_again_on_a_sheet_at_another_cell_is_ambiguous(tmp_path, template):
    def edit(wb):
        wb["Options"].defined_names["requests_per_day"] = DefinedName(
            "requests_per_day", attr_text="Options!$B$2")
    problem = _only(_edited(tmp_path, template, edit), "bad-name")
    assert "defined more than once" in problem.expected
    assert "Scenario!C8 (defined for the workbook)" in problem.found
    assert "Options!B2 (defined on sheet Options)" in problem.found


def test_a_name_defined_again_at_the_same_cell_is_fine(tmp_path, template):
    def edit(wb):
        wb["Scenario"].defined_names["requests_per_day"] = DefinedName(
            "requests_per_day", attr_text="Scenario!$C$8")
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.scenario.requests_per_day == load_workbook(template)["Scenario"]["C8"].value


def test_a_name_in_another_case_is_the_same_name_as_in_excel(tmp_path, template):
    def edit(wb):
        name = wb.defined_names.pop("requests_per_day")
        name.name = "Requests_Per_Day"
        wb.defined_names["Requests_Per_Day"] = name
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.scenario.requests_per_day == load_workbook(template)["Scenario"]["C8"].value
    assert book.scenario_cells["requests_per_day"] == "Scenario!C8"


def test_a_missing_scenario_sheet_is_one_problem_not_one_per_name(tmp_path, template):
    def edit(wb):
        del wb["Scenario"]
    problem = _only(_edited(tmp_path, template, edit), "bad-name")
    assert problem.sheet == "Scenario" and problem.expected.startswith("a sheet named Scenario")
    assert "scenario_name" in problem.expected and "no such sheet" in problem.found


# -- percent signs and percentage formats ----------------------------------------------------

@pytest.mark.parametrize(("sheet", "cell", "field"), [
    ("Scenario", "C15", "trim_low_pct"),  # "5%" would be the 0.05th percentile
    ("Options", "D4", "input_tokens"),  # "50%" would be half a token
])
def test_a_percent_sign_is_refused_where_the_input_is_not_a_percentage(
        tmp_path, template, sheet, cell, field):
    def edit(wb):
        wb[sheet][cell] = "5%"
    problem = _only(_edited(tmp_path, template, edit), "type-error")
    assert (problem.sheet, problem.cell, problem.field) == (sheet, cell, field)
    assert "without a % sign" in problem.expected and problem.found == '"5%"'


def test_a_percent_sign_still_means_hundredths_in_a_percentage(tmp_path, template):
    def edit(wb):
        wb["Scenario"]["C9"] = "5%"
        wb["Options"]["E4"] = "25%"
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.scenario.monthly_growth == pytest.approx(0.05)
    assert book.options[0].cached_input_share == pytest.approx(0.25)


def test_a_percent_sign_in_an_uncertainty_row_follows_its_input(tmp_path, template):
    def edit(wb):
        ws = wb["Uncertainty"]
        for col in "ABCDEFGHI":
            ws[f"{col}4"] = None
        ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "input_tokens", "*", "uniform", \
            "10%", 3000
    problem = _only(_edited(tmp_path, template, edit), "type-error")
    assert (problem.sheet, problem.cell, problem.field) == ("Uncertainty", "D4", "p1")
    assert "without a % sign" in problem.expected


def test_a_percentile_in_a_percent_formatted_cell_is_refused(tmp_path, template):
    # Excel stores 5 typed into a 0% cell as 0.05: it shows 5%, it is not the 5th percentile.
    def edit(wb):
        wb["Scenario"]["C15"] = 0.05
        wb["Scenario"]["C15"].number_format = "0%"
    problem = _only(_edited(tmp_path, template, edit), "type-error")
    assert (problem.sheet, problem.cell, problem.field) == ("Scenario", "C15", "trim_low_pct")
    assert "not formatted as a percentage" in problem.expected
    assert problem.found == "0.05, shown as 5%"


# -- option names -----------------------------------------------------------------------------

@pytest.mark.parametrize("looking_the_same", [
    lambda name: name + "\u200b",  # a zero-width space at the end
    lambda name: name.replace(" ", "  ", 1),  # two spaces
    lambda name: name.replace(" ", "\u00a0", 1),  # a no-break space
    lambda name: "\uff26" + name[1:] if name[0] == "F" else name.upper(),  # a full-width F
    lambda name: name.upper(),
], ids=["zero-width", "two-spaces", "no-break-space", "full-width", "upper-case"])
def test_option_names_that_look_the_same_are_duplicates(tmp_path, template, looking_the_same):
    first = load_workbook(template)["Options"]["A4"].value

    def edit(wb):
        wb["Options"]["A5"] = looking_the_same(first)
    problems = _problems(_edited(tmp_path, template, edit))
    # The other problems are the rows that named the option A5 had: they now name none.
    duplicate, = (p for p in problems if p.code == "duplicate")
    assert (duplicate.sheet, duplicate.cell, duplicate.field) == ("Options", "A5", "name")
    assert "A4 has the same name" in duplicate.expected


# -- what a message shows -------------------------------------------------------------------

def test_a_number_close_to_a_whole_one_is_shown_as_it_is():
    # "must be a whole number, got 365" would contradict itself.
    assert describe(365.0000001) == "365.0000001"
    assert describe(0.1) == "0.1" and describe(1e20) == "1e+20"


def test_the_command_reports_a_formula_name_with_exit_2_and_the_file_unchanged(
        tmp_path, template):
    def edit(wb):
        wb.defined_names["requests_per_day"].attr_text = "Scenario!$C$8+Scenario!$C$7"
    path = _edited(tmp_path, template, edit)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = CliRunner().invoke(main, ["run", "--json", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    report = json.loads(result.output)
    assert report["valid"] is False and [p["code"] for p in report["problems"]] == ["bad-name"]


# -- formulas and dates whose failures spread ---------------------------------------------

@pytest.mark.parametrize("name", ["price_date", "start_date"])
def test_a_time_in_a_date_cell_is_one_problem_not_one_per_price_lookup(
        tmp_path, template, name):
    # A time is a number to the lookups (0.5: 1899-12-30), so they find no price; they
    # depend on the date cell, which is the one problem, not a price date of ours.
    import datetime as dt

    def edit(wb):
        cell = wb.defined_names[name].attr_text.split("!")[1].replace("$", "")
        wb["Scenario"][cell] = dt.time(12, 0)
    problem = _only(_edited(tmp_path, template, edit), "type-error")
    assert problem.sheet == "Scenario" and problem.field == name
    assert problem.found == "a time (12:00)"


@pytest.mark.libreoffice
def test_an_error_saved_by_libreoffice_is_a_formula_error_naming_the_formula(
        tmp_path, template):
    from tests.support.libreoffice import recalculate

    def edit(wb):
        wb["Scenario"]["C8"] = "=1/0"
    saved = recalculate(_edited(tmp_path, template, edit), tmp_path / "lo")
    assert load_workbook(saved, data_only=True)["Scenario"]["C8"].value == "#DIV/0!"
    problem = _only(saved, "formula-error")
    assert (problem.sheet, problem.cell) == ("Scenario", "C8")
    assert problem.found == '"=1/0" (the formula gives #DIV/0!)'


# -- tables ------------------------------------------------------------------------------------

def test_a_second_column_with_a_contract_header_is_refused_not_ignored(tmp_path, template):
    # The table takes in a pasted column "input_tokens " (Excel keeps it apart from
    # input_tokens: a trailing space): which of the two is meant cannot be known.
    from openpyxl.utils import get_column_letter, range_boundaries
    from openpyxl.worksheet.table import TableColumn

    def edit(wb):
        ws = wb["Options"]
        table = ws.tables["Options"]
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        new = get_column_letter(max_col + 1)
        ws[f"{new}{min_row}"] = "input_tokens "
        ws[f"{new}{min_row + 1}"] = 9999
        table.ref = f"{get_column_letter(min_col)}{min_row}:{new}{max_row}"
        table.tableColumns.append(TableColumn(id=max_col + 1, name="input_tokens2"))
        edit.cell = f"{new}{min_row}"
    problem = _only(_edited(tmp_path, template, edit), "duplicate")
    assert (problem.sheet, problem.cell) == ("Options", edit.cell)
    assert "one column input_tokens" in problem.expected and "D3" in problem.expected


# -- a percentage typed as a whole number ----------------------------------------------------

def _discount(value: object, number_format: str) -> Callable[[Workbook], None]:
    def edit(wb):
        cell = wb["Scenario"]["C10"]  # discount_rate
        cell.value, cell.number_format = value, number_format
    return edit


def test_a_discount_rate_of_8_in_a_plain_cell_is_refused_as_8_percent_typed_so(
        tmp_path, template):
    problem = _only(_edited(tmp_path, template, _discount(8, "General")), "implausible-value")
    assert (problem.sheet, problem.cell, problem.field) == ("Scenario", "C10", "discount_rate")
    assert "8 means 800% a year; type 8% if that is meant" in problem.expected


@pytest.mark.parametrize(("value", "number_format"), [(8, "0.0%"), ("800%", "General")])
def test_a_discount_rate_above_100_percent_stands_when_the_cell_says_percent(
        tmp_path, template, value, number_format):
    book = read_workbook(_edited(tmp_path, template, _discount(value, number_format)))
    assert book.scenario.discount_rate == 8.0


# -- merged cells ---------------------------------------------------------------------------

def test_an_input_under_merged_cells_says_so(tmp_path, template):
    # The analyst sees the merged value; the input cell itself is blank.
    def edit(wb):
        wb["Scenario"].merge_cells("C7:C8")  # horizon_days over requests_per_day
    problem = _only(_edited(tmp_path, template, edit), "missing-value")
    assert (problem.sheet, problem.cell, problem.field) == ("Scenario", "C8", "requests_per_day")
    assert "under the merged cells C7:C8" in problem.found and "unmerge" in problem.found


@pytest.mark.parametrize("spanning", [
    '<mergeCells count="1"><mergeCell ref="AA1:XFD1048576"/></mergeCells>',
    '<hyperlinks><hyperlink ref="AA1:XFD1048576" location="Scenario!A1"/></hyperlinks>',
    '<mergeCells count="1"><mergeCell ref="AA:AB"/></mergeCells>',
], ids=["merge", "hyperlink", "whole-columns"])
def test_a_merge_or_hyperlink_over_millions_of_cells_is_refused_before_it_is_parsed(
        tmp_path, template, spanning):
    # openpyxl makes one object per spanned cell: this 20 KB file would take all memory.
    from tests.support.packages import patch_package

    path = patch_package(template.read_bytes(), tmp_path / "spanning.xlsx", sheet="Options",
                         change=lambda xml: xml.replace("</sheetData>",
                                                        "</sheetData>" + spanning, 1))
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    problem, = json.loads(result.output)["problems"]
    assert problem["code"] == "too-large" and problem["sheet"] == "Options"
    assert problem["cell"].startswith("AA") and "100,000 cells" in problem["expected"]


def test_a_few_merged_cells_outside_the_inputs_are_fine(tmp_path, template):
    def edit(wb):
        wb["Options"].merge_cells("A1:F1")  # a title across the top
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.options


# -- formulas over whole columns --------------------------------------------------------------

@pytest.mark.parametrize("formula", ["=SUM(Lists!A:E)+1000", "=SUM(Lists!A1:Z40000)+1000",
                                     "=SUM(Lists!1:100)+1000"])
def test_a_formula_over_millions_of_cells_is_a_formula_error_not_gigabytes(
        tmp_path, template, formula):
    # Without a saved value the formula is computed, and the library makes an object per
    # cell of the range: A:E took 15 s and 2.7 GB before it failed.
    def edit(wb):
        wb["Scenario"]["C8"] = formula
    problem = _only(_edited(tmp_path, template, edit), "formula-error")
    assert (problem.sheet, problem.cell) == ("Scenario", "C8")
    assert "cells; ftreport computes ranges of at most 100,000" in problem.found


def test_a_formula_over_a_narrow_range_is_computed(tmp_path, template):
    def edit(wb):
        wb["Scenario"]["C8"] = "=SUM(Scenario!C7:C7)*2"  # twice horizon_days
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.scenario.requests_per_day == 2 * book.scenario.horizon_days


def test_the_widest_range_of_a_formula_is_measured_as_excel_counts_cells():
    from ftreport.workbook._formulas import widest_range

    assert widest_range("=SUM(A:A)") == ("A:A", 1_048_576)
    assert widest_range("=SUM($B$2:$C$11)+D1") == ("$B$2:$C$11", 20)
    assert widest_range("=SUM(3:4)") == ("3:4", 2 * 16_384)
    assert widest_range('=A1&"B:C"') is None  # text, not a range


# -- names that almost match ----------------------------------------------------------------

def test_a_baseline_in_another_case_says_which_option_it_looks_like(tmp_path, template):
    first = load_workbook(template)["Options"]["A4"].value

    def edit(wb):
        cell = wb.defined_names["baseline_option"].attr_text.split("!")[1].replace("$", "")
        wb["Scenario"][cell] = first.upper() + " "
    problem = _only(_edited(tmp_path, template, edit), "unknown-name")
    assert problem.field == "baseline_option"
    assert f'(did you mean "{first}"? spell it exactly so)' in problem.expected


def test_an_uncertainty_input_in_another_case_says_which_input_it_looks_like(
        tmp_path, template):
    def edit(wb):
        wb["Uncertainty"]["A4"] = "Requests_Per_Day"
        wb["Uncertainty"]["B4"] = None
    problems = _problems(_edited(tmp_path, template, edit))
    problem = next(p for p in problems if (p.sheet, p.cell) == ("Uncertainty", "A4"))
    assert problem.code == "unknown-name"
    assert '(did you mean "requests_per_day"? spell it exactly so)' in problem.expected


# -- files that are not files -------------------------------------------------------------

@pytest.mark.parametrize("kind", ["device", "pipe"])
def test_a_device_or_a_pipe_named_xlsx_is_refused_before_it_is_read(tmp_path, kind):
    # /dev/zero never ends (all memory, then MemoryError); a pipe blocks for ever.
    import os

    path = tmp_path / "scenario.xlsx"
    if kind == "device":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    problem, = json.loads(result.output)["problems"]
    assert problem["code"] == "not-a-file" and "not a regular file" in problem["found"]


# -- Uncertainty rows whose draws the engine would clip ------------------------------------------

def _uncertain(inp: str, dist: str, *params: float, clip_min: float | None = None
               ) -> Callable[[Workbook], None]:
    def edit(wb):
        ws = wb["Uncertainty"]
        values = (inp, "*", dist, *params, *[None] * (3 - len(params)), clip_min, None, None)
        for col, value in zip("ABCDEFGHI", values, strict=True):
            ws[f"{col}4"] = value
    return edit


@pytest.mark.parametrize(("params", "cell", "found"), [
    ((10, 20), "E4", "20"),  # 10% to 20% typed as 10 to 20: every draw would be 100%
    ((-0.5, 0.5), "D4", "-0.5"),  # half the draws would be 0
])
def test_a_share_drawn_outside_0_to_1_is_refused_not_clipped(
        tmp_path, template, params, cell, found):
    problem = _only(_edited(tmp_path, template, _uncertain("cached_input_share", "uniform",
                                                           *params)), "implausible-value")
    assert (problem.sheet, problem.cell, problem.found) == ("Uncertainty", cell, found)
    assert "draws of cached_input_share stay at " in problem.expected


def test_a_range_below_an_inputs_minimum_is_refused_unless_clip_min_says_so(
        tmp_path, template):
    refused = _only(_edited(tmp_path, template, _uncertain("input_tokens", "uniform", -100, 50)),
                    "implausible-value")
    assert (refused.cell, refused.field) == ("D4", "p1")
    assert "every draw below 0 would count as 0" in refused.expected
    clipped = read_workbook(_edited(tmp_path, template, _uncertain(
        "input_tokens", "uniform", -100, 50, clip_min=0)))
    assert clipped.uncertainty[0].clip_min == 0


def test_a_score_in_a_percent_formatted_cell_is_read_as_it_shows(tmp_path, template):
    # 85% shown is 0.85 stored: a score, not a percentile, means what the cell shows.
    def edit(wb):
        cell = wb["Options"]["A4"].offset(column=next(
            i for i, c in enumerate(wb["Options"][3]) if c.value == "quality_score"))
        cell.value, cell.number_format = 0.85, "0%"
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.options[0].quality_score == 0.85


def test_a_score_typed_with_a_percent_sign_is_read_as_it_shows(tmp_path, template):
    def edit(wb):
        cell = wb.defined_names["min_quality"].attr_text.split("!")[1].replace("$", "")
        wb["Scenario"][cell] = "80%"
    book = read_workbook(_edited(tmp_path, template, edit))
    assert book.scenario.min_quality == pytest.approx(0.8)
