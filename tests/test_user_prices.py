"""A user price book (--prices FILE) layered over the shipped one: on init, validate, run
and in ftreport.run; the workbook's own Prices-sheet edits win over both."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import Table

import ftreport
from ftreport.cli import main
from ftreport.model.pricebook import PRICE_COLUMNS, NoPriceInForce, PriceBook, load_pricebook
from ftreport.prices.userbook import layered, read_user_prices
from ftreport.workbook.reader import read_workbook
from tests.test_prices_used import example_priced_at

ON = date(2026, 12, 1)


def _negotiated(tmp_path: Path, **changes: object) -> Path:
    """A user book with one row: gpt-4.1 at a negotiated input price."""
    row = load_pricebook().at("gpt-4.1", ON).to_dict()
    row.update({"price_input_per_1m": 1.5, "source": "contract 2026-11", "confirmed": True,
                "notes": "Negotiated.", **changes})
    path = tmp_path / "ours.json"
    path.write_text(json.dumps({"format": 2, "currency": "USD", "rows": [row]}), "utf-8")
    return path


def _starter(tmp_path: Path) -> Path:
    path, wb = example_priced_at(tmp_path, "starter", ON)
    wb.save(path)
    return path


def test_layering_replaces_a_model_s_rows_in_place_and_keeps_the_rest():
    base = load_pricebook()
    row = base.at("azure:ft:gpt-4.1-mini", ON)  # the default deployment
    cheaper = replace(row, hosting_per_hour=1.0)
    book = layered(base, PriceBook("USD", (cheaper,), {}))
    assert book.at("azure:ft:gpt-4.1-mini", ON).hosting_per_hour == 1.0
    assert book.history("azure:ft:gpt-4.1-mini")[0].deployment == row.deployment
    assert len(book.rows) == len(base.rows) - len(
        [r for r in base.history("azure:ft:gpt-4.1-mini") if r.deployment == row.deployment]) + 1
    assert book.at("gpt-4.1", ON) == base.at("gpt-4.1", ON)


def test_run_takes_the_user_price_where_the_sheet_is_the_shipped_book(tmp_path):
    path, prices = _starter(tmp_path), _negotiated(tmp_path)
    assert read_workbook(path).options[0].price_input_per_1m == 2.0
    assert read_workbook(path, layered(load_pricebook(), read_user_prices(prices))
                         ).options[0].price_input_per_1m == 1.5
    result = ftreport.run(path, None, iterations=0, prices=prices)
    assert result.book.options[0].price_input_per_1m == 1.5
    assert result.book.options[0].price_output_per_1m == 8.0  # the row's other prices
    out = CliRunner().invoke(main, ["run", str(path), "--json", "--prices", str(prices)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["scenario"] is not None
    valid = CliRunner().invoke(main, ["validate", str(path), "--prices", str(prices)])
    assert valid.exit_code == 0, valid.output


def test_the_workbook_s_own_edit_wins_over_the_user_book(tmp_path):
    path, prices = _starter(tmp_path), _negotiated(tmp_path)
    wb = load_workbook(path)
    ws = wb["Prices"]
    row = next(r for r in range(4, ws.max_row + 1) if ws[f"A{r}"].value == "gpt-4.1")
    ws[f"D{row}"] = 1.8  # price_input_per_1m, the analyst's own
    wb.save(path)
    result = ftreport.run(path, None, iterations=0, prices=prices)
    assert result.book.options[0].price_input_per_1m == 1.8


def test_init_shows_the_layered_rows(tmp_path):
    prices = _negotiated(tmp_path)
    path = tmp_path / "new.xlsx"
    out = CliRunner().invoke(main, ["init", str(path), "--prices", str(prices)])
    assert out.exit_code == 0, out.output
    wb = load_workbook(path)
    ws = wb["Prices"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "gpt-4.1"]
    assert [r[PRICE_COLUMNS.index("price_input_per_1m")] for r in rows] == [1.5]
    assert rows[0][PRICE_COLUMNS.index("source")] == "contract 2026-11"
    stored = load_workbook(path, data_only=True)["Options"]["G4"].value
    assert stored == 1.5  # the lookup's stored value


def test_a_new_model_in_the_user_book_is_known_and_priced(tmp_path):
    prices = _negotiated(tmp_path, model="acme-llm", provider="Acme")
    path = _starter(tmp_path)
    wb = load_workbook(path)
    wb["Options"]["C4"] = "acme-llm"
    wb.save(path)
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 2  # unknown alone
    option = ftreport.run(path, None, iterations=0, prices=prices).book.options[0]
    assert (option.price_input_per_1m, option.price_output_per_1m) == (1.5, 8.0)


def test_an_xlsx_user_book_is_read_from_its_prices_table(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Prices"
    ws.append(["model", "provider", "price_input_per_1m", "price_output_per_1m", "source",
               "as_of", "valid_from"])
    ws.append(["gpt-4.1", "OpenAI", 1.25, 7.0, "contract", "2026-11-20", date(2026, 1, 1)])
    ws.add_table(Table(displayName="Prices", ref="A1:G2"))
    path = tmp_path / "ours.xlsx"
    wb.save(path)
    book = layered(load_pricebook(), read_user_prices(path))
    row = book.at("gpt-4.1", ON)
    assert (row.price_input_per_1m, row.price_output_per_1m, row.confirmed) == (1.25, 7.0,
                                                                                 False)
    # The user's rows of a model replace the shipped history: none before 2026.
    with pytest.raises(NoPriceInForce):
        book.at("gpt-4.1", "2025-12-31")


def test_bad_user_books_are_exit_2_naming_file_and_entry(tmp_path):
    path = _starter(tmp_path)
    bad = _negotiated(tmp_path, price_output_per_1m=-1)
    out = CliRunner().invoke(main, ["validate", str(path), "--prices", str(bad)])
    assert out.exit_code == 2
    assert str(bad) in out.output and 'rows[0] ("gpt-4.1").price_output_per_1m' in out.output
    wb = Workbook()
    ws = wb.active
    ws.title = "Prices"
    ws.append(["model", "price_input_per_1m", "source"])
    ws.append(["gpt-4.1", "cheap", "contract"])
    ws.add_table(Table(displayName="Prices", ref="A1:C2"))
    xlsx = tmp_path / "bad.xlsx"
    wb.save(xlsx)
    out = CliRunner().invoke(main, ["run", str(path), "--json", "--prices", str(xlsx)])
    assert out.exit_code == 2
    assert f"{xlsx}: Prices!row 2" in out.output and "price_input_per_1m" in out.output
    missing = CliRunner().invoke(main, ["init", str(tmp_path / "x.xlsx"), "--prices",
                                        str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "nope.json" in missing.output
