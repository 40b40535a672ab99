"""`ftreport init`: the template's public names, notes, checks, and refusal to overwrite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from ftreport.cli import main
from ftreport.model import schema
from ftreport.model.pricebook import PRICE_COLUMNS, load_pricebook
from ftreport.model.problems import InputError
from ftreport.workbook._examples import Example
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import LOOKED_UP, build_workbook, write_template

EXAMPLES = ("starter", "seed-000", "support", "distillation")


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "blank.xlsx"
    write_template(path, example="blank")
    return path


def _headers(ws, table):
    min_col, min_row, max_col, _ = range_boundaries(ws.tables[table].ref)
    return [ws.cell(row=min_row, column=c).value for c in range(min_col, max_col + 1)]


def test_every_scenario_field_has_a_workbook_scoped_name_on_one_value_column(blank):
    wb = load_workbook(blank)
    columns = set()
    for f in schema.SCENARIO_FIELDS:
        name = wb.defined_names[f.name]
        ((sheet, ref),) = name.destinations
        assert sheet == "Scenario"
        columns.add(re.sub(r"[\d$]", "", ref))
        cell = wb["Scenario"][ref.replace("$", "")]
        assert cell.comment is not None and f.name in cell.comment.text
        assert f.unit in cell.comment.text
        row = cell.row
        assert wb["Scenario"][f"A{row}"].value == f.label
        assert (wb["Scenario"][f"D{row}"].value or "") == f.unit
    assert columns == {"C"}


def test_tables_have_the_contract_headers_each_with_a_note(blank):
    wb = load_workbook(blank)
    expected = {"Options": [f.name for f in schema.OPTION_FIELDS],
                "Uncertainty": list(schema.UNCERTAINTY_COLUMNS),
                "Factors": list(schema.FACTOR_COLUMNS), "Prices": list(PRICE_COLUMNS)}
    for table, headers in expected.items():
        ws = wb[table]
        assert _headers(ws, table) == headers
        row = ws.tables[table].ref.split(":")[0][1:]
        for col in range(1, len(headers) + 1):
            assert ws.cell(row=int(row), column=col).comment is not None
        assert ws.freeze_panes is not None


def test_prices_sheet_is_the_price_book_with_sources(blank):
    ws = load_workbook(blank)["Prices"]
    book = load_pricebook()
    rows = list(ws.iter_rows(min_row=4, max_row=3 + len(book.sheet_rows), values_only=True))
    assert [r[0] for r in rows] == [m.model for m in book.sheet_rows]
    source, as_of = PRICE_COLUMNS.index("source"), PRICE_COLUMNS.index("as_of")
    assert all(r[source].startswith("https://") and r[as_of] for r in rows)
    # Every dated row of a model is there (the lookups pick one by price_date), and the
    # title claims no single "as of" date for rows checked on different days.
    start, end = PRICE_COLUMNS.index("valid_from"), PRICE_COLUMNS.index("valid_to")
    a100 = [(r[start].date(), r[end] and r[end].date()) for r in rows if r[0] == "gpu:a100-80gb"]
    assert a100 == [(r.valid_from, r.valid_to) for r in book.history("gpu:a100-80gb")]
    assert "as of" not in ws["A1"].value


def test_option_prices_are_index_match_lookups_without_newer_functions(blank):
    ws = load_workbook(blank)["Options"]
    headers = _headers(ws, "Options")
    for name in LOOKED_UP:
        formula = ws.cell(row=4, column=headers.index(name) + 1).value
        assert formula.startswith("=IF($C4=\"\",0,IF(ISNA(MATCH(")
        assert "INDEX(Prices!$" in formula
        assert not re.search(r"XLOOKUP|LET\(|FILTER\(|\[", formula)


def test_input_checks_cover_choices_models_shares_and_answers(blank):
    wb = load_workbook(blank)
    options = {(dv.type, dv.formula1) for dv in wb["Options"].data_validations.dataValidation}
    assert ("list", '"prompting,fine-tuning,distillation,self-hosted"') in options
    assert ("list", "price_models") in options
    assert wb.defined_names["price_models"].attr_text.startswith("OFFSET(Prices!$A$4,")
    shares = [dv for dv in wb["Options"].data_validations.dataValidation
              if dv.promptTitle == "cached_input_share"]
    assert (shares[0].type, shares[0].formula1, shares[0].formula2) == ("decimal", "0", "1")
    answers = {dv.formula1 for dv in wb["Factors"].data_validations.dataValidation}
    assert '"yes,no,unknown"' in answers
    dists = {dv.formula1 for dv in wb["Uncertainty"].data_validations.dataValidation}
    assert '"' + ",".join(schema.DISTRIBUTIONS) + '"' in dists
    horizon = [dv for dv in wb["Scenario"].data_validations.dataValidation
               if dv.promptTitle == "horizon_days"]
    assert (horizon[0].type, horizon[0].formula1) == ("whole", "1")


def test_number_formats_show_money_percent_and_thousands(blank):
    wb = load_workbook(blank)
    assert wb["Scenario"]["C9"].number_format == "0.0%"  # monthly_growth
    assert wb["Scenario"]["C8"].number_format == "#,##0"  # requests_per_day
    assert wb["Options"]["G4"].number_format.startswith('"$"')


@pytest.mark.parametrize(("currency", "money"), [
    ("EUR", '"€"#,##0.00##'), ("GBP", '"£"#,##0.00##'), ("CHF", '#,##0.00## "CHF"')])
def test_money_formats_follow_the_currency_and_lookups_convert(currency, money):
    # The Prices sheet stays in the price book's USD; the Options prices are in the
    # scenario currency, and the values stored beside the lookups are converted too.
    example = Example({"currency": currency, "fx_rate": 0.8},
                      [{"name": "Few-shot", "approach": "prompting", "model": "gpt-4.1",
                        "monthly_fixed_cost": 100}])
    wb, lookups = build_workbook(example)
    options = wb["Options"]
    assert {options[f"{c}4"].number_format for c in "GHILNOQ"} == {money}
    assert wb["Prices"]["D4"].number_format == '"$"#,##0.00##'
    assert "*IF(ISNUMBER(fx_rate),fx_rate,1)" in options["G4"].value
    price = load_pricebook().get("gpt-4.1")
    assert (lookups["G4"], lookups["I4"]) == pytest.approx(
        (price.price_input_per_1m * 0.8, price.price_output_per_1m * 0.8))
    scenario = {wb["Scenario"][f"B{r}"].value: wb["Scenario"][f"C{r}"] for r in range(4, 20)}
    assert scenario["fx_rate"].value == 0.8
    assert scenario["price_date"].number_format == "yyyy-mm-dd"


def test_factors_are_prefilled_with_the_seeds_reasons(blank):
    ws = load_workbook(blank)["Factors"]
    questions = " ".join(str(c.value) for c in ws["A"][3:])
    for word in ("consistent", "stable", "examples", "privacy", "up-to-date",
                 "general-purpose", "latency"):
        assert word in questions
    assert {c.value for c in ws["B"][3:] if c.value} == {"unknown"}


def test_blank_template_asks_for_volume_and_options(blank):
    with pytest.raises(InputError) as caught:
        read_workbook(blank)
    assert [f"{p.where} {p.field}" for p in caught.value.problems] == [
        "Scenario!C8 requests_per_day", "Options!A3:Y3 None"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_validates(tmp_path, example):
    # `ftreport init x.xlsx && ftreport validate x.xlsx` passes: the default is valid too.
    path = tmp_path / f"{example}.xlsx"
    args = ["--example", example] if example != "starter" else []
    result = CliRunner().invoke(main, ["init", str(path), *args])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"analyst's work")
    with pytest.raises(InputError) as caught:
        write_template(path)
    assert str(path) in str(caught.value) and "--force" in str(caught.value)
    assert path.read_bytes() == b"analyst's work"
    result = CliRunner().invoke(main, ["init", str(path)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert "Traceback" not in result.output
    write_template(path, force=True)
    assert path.read_bytes().startswith(b"PK")
