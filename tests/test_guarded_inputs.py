"""The bad-input catalogue, second part (issue 12): inputs that used to be read silently
wrong, or made a run take minutes, are refused with one clear problem at the right cell
(exit 2, no traceback, the file unchanged, nothing written) or reach the JSON as a
warning that names the cell."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftreport.cli import main
from ftreport.engine.analysis import analyse
from ftreport.engine.errors import EngineError
from ftreport.model import Option, Scenario, ScenarioBook
from ftreport.workbook.reader import read_workbook
from tests import test_bad_input
from tests.support.packages import patch_package
from tests.test_bad_input import _edited, _problems, _set

good = test_bad_input.good  # the support example's bytes (a fixture)
LOOKUP_COLUMNS = "GHILNO"  # the Options columns the template fills by a price lookup


def _run_json(path: Path, tmp_path: Path) -> tuple[int, dict | str]:
    """`run --json --no-pdf`: exit code and the JSON (or the output when it failed); the
    input stays byte-identical and a failed run writes nothing."""
    before = path.read_bytes()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--json", "--no-pdf", "-o", str(out)])
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert path.read_bytes() == before
    if result.exit_code != 0:
        assert not out.exists() or not any(out.iterdir())
        return result.exit_code, result.output
    return 0, json.loads(result.output)


def _patched(tmp_path: Path, data: bytes, sheet: str, change) -> Path:
    """The workbook with ``change(xml) -> xml`` applied to one sheet's part."""
    return patch_package(data, tmp_path / "patched.xlsx", sheet=sheet, change=change)


# -- silent wrong answers -------------------------------------------------------------------

def test_unknown_model_with_lookup_prices(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_C5="ft:gpt-4.1-mnii"))
    assert _problems(path) == [
        'Options!C5: model must be a model of the Prices sheet (did you mean ft:gpt-4.1-mini?), '
        "or this row's prices typed in (an unknown model's lookup gives 0), "
        'got "ft:gpt-4.1-mnii"']


def test_unknown_model_with_typed_prices_is_fine(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_C5="our-own-model", Options_G5=0.9,
                                        Options_I5=3.5))
    book = read_workbook(path)
    assert (book.options[1].model, book.options[1].price_input_per_1m) == ("our-own-model", 0.9)


def test_unknown_model_without_a_prices_sheet_uses_the_price_book(tmp_path, good):
    def change(wb):
        wb.remove(wb["Prices"])
        for row in range(4, 7):
            for col in LOOKUP_COLUMNS:
                wb["Options"][f"{col}{row}"] = 1.0 if row != 5 else None
        wb["Options"]["C5"] = "gpt-4.1-mimi"
    path = _edited(tmp_path, good, change)
    assert _problems(path) == [
        "Options!C5: model must be a model of ftreport's price book (did you mean "
        "gpt-4.1-mini?), or this row's prices typed in (an unknown model's lookup gives 0), "
        'got "gpt-4.1-mimi"']


def test_option_that_costs_nothing_per_request(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_C4=None))  # no model: every lookup gives 0
    assert _problems(path) == [
        "Options!D4:I4: Few-shot gpt-4.1 to cost something per request: its tokens and prices "
        "give 0 and it pays no hosting fee (pick a model of the Prices sheet, type its prices, "
        "or give the hosting fee of a self-hosted model)"]


def test_self_hosted_option_with_a_hosting_fee_needs_no_token_price(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_B6="self-hosted", Options_C6=None,
                                        Options_O6=1.8, Options_P6=24))
    assert read_workbook(path).options[2].price_input_per_1m == 0


def test_row_typed_below_the_options_table(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_A10="Late addition", Options_B10="prompting",
                                        Options_D10=500))
    assert _problems(path) == [
        "Options!A10:D10: nothing typed outside the Options table (A3:Y8): resize the table "
        "to take in these rows (Excel: Table Design > Resize Table; LibreOffice: Data > "
        "Define Range), or clear them, got values in A10, B10, D10"]


def test_row_typed_below_the_uncertainty_table(tmp_path, good):
    path = _edited(tmp_path, good, _set(Uncertainty_A11="epochs", Uncertainty_B11="*"))
    assert _problems(path) == [
        "Uncertainty!A11:B11: nothing typed outside the Uncertainty table (A3:I10): resize the "
        "table to take in these rows (Excel: Table Design > Resize Table; LibreOffice: Data > "
        "Define Range), or clear them, got values in A11, B11"]


def test_row_typed_below_the_factors_table(tmp_path, good):
    path = _edited(tmp_path, good, _set(Factors_A14="Is the budget approved?"))
    assert _problems(path) == [
        "Factors!A14: nothing typed outside the Factors table (A3:D12): resize the table to "
        "take in these rows (Excel: Table Design > Resize Table; LibreOffice: Data > Define "
        "Range), or clear them, got values in A14"]


def test_column_typed_right_of_the_options_table(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_Z3="my_share", Options_Z4=0.5))
    assert _problems(path) == [
        "Options!Z3:Z4: nothing typed outside the Options table (A3:Y8): resize the table to "
        "take in these columns (Excel: Table Design > Resize Table; LibreOffice: Data > Define "
        "Range), or clear them, got values in Z3, Z4"]


def test_growth_typed_as_a_percentage(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C9=5))
    assert _problems(path) == [
        "Scenario!C9: monthly_growth must be below 1 (100% a month): 5 means 500% a month; "
        "type 5% if that is meant, or set allow_extreme_growth (Scenario!C17) to yes, got 5"]


def test_extreme_growth_confirmed_runs_with_a_warning(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C9=1.5, Scenario_C17="yes", Scenario_C7=90,
                                        Scenario_C13=0))
    code, result = _run_json(path, tmp_path)
    assert code == 0 and result["scenario"]["allow_extreme_growth"] is True
    assert {"code": "high_growth", "option": None, "message": (
        "monthly_growth (Scenario!C9) is 150% a month: volume grows 59,605-fold a year. Check "
        "it is not a typo (5 for 5%).")} in result["warnings"]


def test_steep_growth_is_warned(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C9=0.25, Scenario_C13=0))
    code, result = _run_json(path, tmp_path)
    assert code == 0
    assert [w["message"] for w in result["warnings"] if w["code"] == "high_growth"] == [
        "monthly_growth (Scenario!C9) is 25% a month: volume grows 15-fold a year. Check it is "
        "not a typo (5 for 5%)."]


def test_point_value_outside_its_uncertainty_range_is_warned(tmp_path, good):
    # requests_per_day is drawn from triangular(12,000, 20,000, 35,000) in Uncertainty!A4.
    path = _edited(tmp_path, good, _set(Scenario_C8=50_000, Scenario_C13=0))
    code, result = _run_json(path, tmp_path)
    assert code == 0
    assert [w for w in result["warnings"] if w["code"] == "outside_uncertainty"] == [{
        "code": "outside_uncertainty", "option": None, "message": (
            "requests_per_day is 50,000 (Scenario!C8), outside the range its Uncertainty row "
            "(Uncertainty!A4) draws from, 12,000 to 35,000: the point results and the "
            "simulation describe different scenarios.")}]


def test_option_value_outside_its_clipped_range_is_warned(tmp_path, good):
    # output_tokens of every option is drawn from normal(400, 80) clipped at 50.
    path = _edited(tmp_path, good, _set(Options_F5=20, Scenario_C13=0))
    code, result = _run_json(path, tmp_path)
    assert code == 0
    assert [w["message"] for w in result["warnings"] if w["code"] == "outside_uncertainty"] == [
        "output_tokens of Fine-tuned gpt-4.1-mini is 20 (Options!F5), outside the range its "
        "Uncertainty row (Uncertainty!A6) draws from, 50 to inf: the point results and the "
        "simulation describe different scenarios."]


# -- bounded work -----------------------------------------------------------------------------

def test_too_many_options(tmp_path, good):
    def change(wb):
        ws = wb["Options"]
        table = ws.tables["Options"]
        table.ref = "A3:Y60"
        for row in range(7, 61):
            ws[f"A{row}"], ws[f"B{row}"], ws[f"C{row}"] = f"Option {row}", "prompting", "gpt-4.1"
            ws[f"D{row}"], ws[f"G{row}"] = 100, 2.0
    path = _edited(tmp_path, good, change)
    assert _problems(path) == ["Options!A3:Y3: at most 50 options (ftreport's limit, see "
                               "docs/workbook.md), got 57"]


def test_horizon_beyond_the_limit(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C7=10_000_000))
    assert _problems(path) == ["Scenario!C7: horizon_days must be at most 36,500 (ftreport's "
                               "limit, see docs/workbook.md), got 10000000"]


def test_iterations_beyond_the_limit(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C13=1e12))
    assert _problems(path) == ["Scenario!C13: mc_iterations must be at most 1,000,000,000 "
                               "(ftreport's limit, see docs/workbook.md), got 1000000000000"]


def test_requests_per_day_beyond_the_limit(tmp_path, good):
    path = _edited(tmp_path, good, _set(Scenario_C8=1e300))
    assert _problems(path) == ["Scenario!C8: requests_per_day must be at most "
                               "1,000,000,000,000 (ftreport's limit, see docs/workbook.md), "
                               "got 1e+300"]


def test_growth_that_no_total_survives(tmp_path, good):
    def change(wb):
        _set(Scenario_C9=100, Scenario_C17="yes", Scenario_C7=36_500)(wb)
        # The sample's Upside scenario (5% a month) would not survive 100 years either.
        del wb["Named scenarios"]
    path = _edited(tmp_path, good, change)
    assert _problems(path) == [
        "Scenario!C9: monthly_growth must be a growth that keeps the volume at most 1e+15 "
        "requests a day: 20000 requests a day growing 100 a month for 36,500 days reach more "
        "than 1e308 on the last day (see Scenario!C8 and Scenario!C7), got 100"]


def test_text_cell_longer_than_excel_allows(tmp_path, good):
    # openpyxl would cut the text to 32,767 characters without a word.
    long_text = f'<c r="W4" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c>'
    path = _patched(tmp_path, good, "Options",
                    lambda xml: re.sub(r'<c r="W4"[^>]*>.*?</c>', long_text, xml, count=1))
    assert _problems(path) == ["Options!W4: text of at most 32,767 characters (Excel's limit "
                               "for a cell), got 40,000 characters"]


def test_table_claiming_a_million_rows(tmp_path, good):
    def change(wb):
        wb["Factors"].tables["Factors"].ref = "A3:C1048576"
    path = _edited(tmp_path, good, change)
    assert _problems(path) == [
        "Factors!A3:C1048576: a Factors table of at most 2,000 data rows (resize it to the "
        "rows in use: Excel: Table Design > Resize Table; LibreOffice: Data > Define Range), "
        "got 1,048,573 rows (A3:C1048576)"]


def test_sheet_too_large_is_refused_before_it_is_parsed(tmp_path, good):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>q</t></is></c></row>'
                   for r in range(20, 400_020))
    path = _patched(tmp_path, good, "Factors",
                    lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
    [problem] = _problems(path)
    assert re.fullmatch(r"Factors: a sheet of at most 16 MiB of XML \(ftreport's limit; "
                        r"delete unused rows and columns\), got \d+ MiB in "
                        r"xl/worksheets/sheet\d+\.xml", problem), problem


def test_shared_strings_too_large(tmp_path, good):
    text = [b"<sst><si><t>", b"x" * (33 * 2**20), b"</t></si></sst>"]
    path = patch_package(good, tmp_path / "strings.xlsx", extra={"xl/sharedStrings.xml": text})
    assert _problems(path) == ["at most 32 MiB of text in the workbook's cells (ftreport's "
                               "limit), got 33 MiB in xl/sharedStrings.xml"]


def test_dimension_claiming_the_whole_sheet_is_read_quickly(tmp_path, good):
    path = _patched(tmp_path, good, "Options",
                    lambda xml: re.sub(r'<dimension ref="[^"]*"/>',
                                       '<dimension ref="A1:XFD1048576"/>', xml))
    assert len(read_workbook(path).options) == 3


def test_non_finite_totals_are_a_problem_naming_the_inputs(tmp_path):
    # A book built in code skips the reader's limits; the engine's guard still holds.
    book = ScenarioBook(
        path=tmp_path / "code.xlsx", sha256="", options=[
            Option("A", "prompting", input_tokens=1e300, price_input_per_1m=1e300),
            Option("B", "prompting", input_tokens=1, price_input_per_1m=1)],
        scenario=Scenario(requests_per_day=1e300, horizon_days=30),
        scenario_cells={"requests_per_day": "Scenario!C8", "monthly_growth": "Scenario!C9",
                        "horizon_days": "Scenario!C7"},
        option_cells=[{"name": "Options!A4"}, {"name": "Options!A5"}])
    with pytest.warns(RuntimeWarning), pytest.raises(EngineError) as caught:
        analyse(book)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'code.xlsx'}: Options!A4: inputs whose total cost is finite: A's total "
        "or present value is too large to compute; check its tokens and prices and "
        "requests_per_day (Scenario!C8), monthly_growth (Scenario!C9), horizon_days "
        "(Scenario!C7)"]
    assert caught.value.exit_code == 2


# -- messages ---------------------------------------------------------------------------------

def test_one_bad_formula_gives_one_problem(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_E4="=1+*", Options_E5="=E4"))
    assert _problems(path) == [
        'Options!E4: a formula that can be computed, got "=1+*" (FormulaError: the formula '
        "cannot be parsed)",
        'Options!E5: a formula that can be computed, got "=E4" (depends on Options!E4)']


def test_date_in_a_number_cell(tmp_path, good):
    import datetime as dt

    path = _edited(tmp_path, good, _set(Scenario_C8=dt.datetime(2024, 1, 1)))
    assert _problems(path) == ["Scenario!C8: requests_per_day must be a number >= 0, got a "
                               "date (2024-01-01)"]


def test_boolean_in_a_number_cell(tmp_path, good):
    path = _edited(tmp_path, good, _set(Options_D4=True))
    assert _problems(path) == ["Options!D4: input_tokens must be a number >= 0, got TRUE"]


def test_damaged_sheet_is_named(tmp_path, good):
    path = _patched(tmp_path, good, "Options", lambda xml: xml[: len(xml) // 2])
    [problem] = _problems(path)
    assert re.fullmatch(r"Options: a readable \.xlsx workbook, got a damaged sheet Options: "
                        r"xl/worksheets/sheet\d+\.xml is not well-formed XML \(.+\)", problem), \
        problem


def test_xlsx_renamed_xls_gives_one_message(tmp_path, good):
    path = tmp_path / "scenario.xls"
    path.write_bytes(good)
    assert _problems(path) == ["a workbook file whose name ends in .xlsx, got an .xlsx workbook "
                               "named scenario.xls (rename it to scenario.xlsx)"]


def test_init_refuses_a_name_that_is_not_xlsx(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new.csv")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output == (f'error: {tmp_path / "new.csv"}: a file name ending in .xlsx (the '
                             'template is an Excel workbook), got "new.csv"\n'
                             "1 problem found; nothing was written or sent.\n")
    assert not (tmp_path / "new.csv").exists()


def test_debug_after_the_subcommand_shows_the_traceback(tmp_path):
    missing = str(tmp_path / "missing.xlsx")
    quiet = CliRunner().invoke(main, ["validate", missing])
    assert (quiet.exit_code == 2 and quiet.exception is None) or isinstance(
        quiet.exception, SystemExit)
    loud = CliRunner().invoke(main, ["validate", missing, "--debug"])
    assert type(loud.exception).__name__ == "InputError"


def test_samples_and_template_have_nothing_outside_their_tables(tmp_path):
    samples = sorted((Path(__file__).parent.parent / "sample_inputs").glob("*.xlsx"))
    for example in ("starter", "seed-000", "support", "distillation"):
        path = tmp_path / f"{example}.xlsx"
        CliRunner().invoke(main, ["init", str(path), "--example", example])
        samples.append(path)
    for path in samples:
        result = CliRunner().invoke(main, ["validate", "--json", str(path)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["valid"] is True


def test_growth_drawn_at_100_percent_a_month_or_more(tmp_path, good):
    # Uncertainty!A5: monthly_growth triangular(0, 0.03, max in F5).
    path = _edited(tmp_path, good, _set(Uncertainty_F5=5))
    assert _problems(path) == [
        "Uncertainty!F5: p3 must be a distribution whose draws of monthly_growth stay below 1 "
        "(100% a month), unless allow_extreme_growth is yes; it can draw 5: narrow the range "
        "or set clip_max, got 5"]


def test_draws_beyond_the_input_limit(tmp_path, good):
    # Uncertainty!A6: output_tokens normal(mean in D6, sd 80).
    path = _edited(tmp_path, good, _set(Uncertainty_D6=1e300))
    assert _problems(path) == [
        "Uncertainty!D6: p1 must be a distribution whose draws of output_tokens stay at most "
        "1,000,000,000 (ftreport's limit, see docs/workbook.md); it can draw 1e+300: narrow "
        "the range or set clip_max, got 1e+300"]


def test_growth_drawn_past_any_finite_volume(tmp_path, good):
    path = _edited(tmp_path, good, _set(Uncertainty_F5=0.5, Scenario_C7=3650))
    assert _problems(path) == [
        "Uncertainty!F5: p3 must be a distribution whose draws of monthly_growth keep the "
        "volume at most 1e+15 requests a day over the horizon; it can draw 0.5: narrow the "
        "range or set clip_max, got 0.5"]
