"""The bad-input catalogue, currency and price dates (issue 12): a scenario in another
currency than USD converts the price book's USD prices at fx_rate or is refused; an
unknown ISO code is refused; a price-book row checked more than 12 months before the
price date is warned about; the memo's footer names the rows' check dates and the rate."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ftreport.cli import main
from ftreport.engine.plausibility import stale_before
from ftreport.model.pricebook import load_pricebook
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import LOOKED_UP
from tests import test_bad_input
from tests.test_bad_input import _edited, _problems, _set
from tests.test_guarded_inputs import LOOKUP_COLUMNS, _run_json

good = test_bad_input.good  # the support example's bytes (a fixture)
# The support example's Scenario cells.
CURRENCY, MC_ITERATIONS, FX_RATE, PRICE_DATE = "Scenario_C6", "Scenario_C13", "Scenario_C18", \
    "Scenario_C19"


def _book_prices(rate: float) -> list[float]:
    """The support example's looked-up prices, from the price book, at ``rate``."""
    models = ("gpt-4.1", "ft:gpt-4.1-mini", "azure:ft:gpt-4.1-mini")
    book = load_pricebook()
    return [getattr(book.get(m), f) * rate for m in models for f in LOOKED_UP]


def _read_prices(path) -> list[float]:
    return [getattr(o, f) for o in read_workbook(path).options for f in LOOKED_UP]


def test_non_usd_scenario_with_book_prices_needs_an_exchange_rate(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{CURRENCY: "EUR"}))
    assert _problems(path) == [
        "Scenario!C6: currency must be USD, or an exchange rate in fx_rate (Scenario!C18): "
        "the prices of Few-shot gpt-4.1 (Options!C4) come from the price book in USD; give "
        'fx_rate in EUR per 1 USD, or type the prices in EUR, got "EUR"']


def test_run_without_an_exchange_rate_writes_nothing(tmp_path, good):
    status, output = _run_json(_edited(tmp_path, good, _set(**{CURRENCY: "GBP"})), tmp_path)
    assert status == 2 and "give fx_rate in GBP per 1 USD" in output


def test_workbook_older_than_the_exchange_rate_says_where_it_goes(tmp_path, good):
    def change(wb):
        wb["Scenario"]["C6"] = "JPY"
        del wb.defined_names["fx_rate"]
    assert _problems(_edited(tmp_path, good, change)) == [
        "Scenario!C6: currency must be USD, or an exchange rate in fx_rate (a Scenario name "
        "the template adds): the prices of Few-shot gpt-4.1 (Options!C4) come from the price "
        'book in USD; give fx_rate in JPY per 1 USD, or type the prices in JPY, got "JPY"']


def test_unknown_currency_code(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{CURRENCY: "EUX", FX_RATE: 0.92}))
    assert _problems(path) == [
        'Scenario!C6: currency must be an ISO 4217 currency code (USD, EUR, GBP, CHF...), '
        'got "EUX"']


def test_zero_exchange_rate_is_one_problem(tmp_path, good):
    # Every looked-up price depends on it: they are not reported again.
    path = _edited(tmp_path, good, _set(**{CURRENCY: "EUR", FX_RATE: 0}))
    assert _problems(path) == [
        "Scenario!C18: fx_rate must be an exchange rate greater than 0 (EUR per 1 USD), got 0"]


def test_exchange_rate_of_a_usd_scenario_must_be_one(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{FX_RATE: 1.1}))
    assert _problems(path) == [
        "Scenario!C18: fx_rate must be blank or 1 (the scenario currency is USD, as the price "
        "book's), got 1.1"]


def test_text_in_the_exchange_rate(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{CURRENCY: "EUR", FX_RATE: "0,92"}))
    assert _problems(path) == ['Scenario!C18: fx_rate must be a number, got "0,92"']


def test_price_date_that_is_not_a_date(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{PRICE_DATE: "next week"}))
    assert _problems(path) == [
        'Scenario!C19: price_date must be a date (e.g. 2026-07-01), got "next week"']


def test_typed_prices_need_no_exchange_rate(tmp_path, good):
    def change(wb):
        wb["Scenario"]["C6"] = "CHF"
        for row in (4, 5, 6):
            for col in LOOKUP_COLUMNS:
                wb["Options"][f"{col}{row}"] = 1.5
    book = read_workbook(_edited(tmp_path, good, change))
    assert book.book_priced == [False, False, False]
    assert book.options[0].price_input_per_1m == 1.5  # taken as CHF, never converted


@pytest.mark.parametrize(("currency", "rate"), [("EUR", 0.92), ("LBP", 89_500)])
def test_lookups_convert_at_the_exchange_rate(tmp_path, good, currency, rate):
    # Saved by openpyxl, the lookups lose their stored values: the reader computes them.
    path = _edited(tmp_path, good, _set(**{CURRENCY: currency, FX_RATE: rate}))
    assert _read_prices(path) == pytest.approx(_book_prices(rate))
    assert _read_prices(_edited(tmp_path, good, lambda wb: None)) == pytest.approx(
        _book_prices(1.0))


def test_lookups_older_than_the_exchange_rate_are_converted_by_the_reader(tmp_path, good):
    def change(wb):
        wb["Scenario"]["C6"], wb["Scenario"]["C18"] = "GBP", 0.79
        for row in (4, 5, 6):
            for col in LOOKUP_COLUMNS:
                cell = wb["Options"][f"{col}{row}"]
                cell.value = cell.value.replace("*IF(ISNUMBER(fx_rate),fx_rate,1)", "")
    path = _edited(tmp_path, good, change)
    assert "fx_rate" not in str(load_workbook(path)["Options"]["G4"].value)
    assert _read_prices(path) == pytest.approx(_book_prices(0.79))


def _warnings(path, tmp_path, code: str) -> list[str]:
    status, result = _run_json(path, tmp_path)
    assert status == 0, result
    return [w["message"] for w in result["warnings"] if w["code"] == code]


def test_price_checked_more_than_a_year_before_the_price_date_is_warned(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{PRICE_DATE: "2028-01-01", MC_ITERATIONS: 0}))
    book = load_pricebook()
    checked = [book.at(m, "2028-01-01").checked.isoformat()
               for m in ("gpt-4.1", "ft:gpt-4.1-mini", "azure:ft:gpt-4.1-mini")]
    assert _warnings(path, tmp_path, "stale_price") == [
        f"{option} uses the price-book price of {model} checked on {day}, more than 12 months "
        "before 2028-01-01 (price_date); check the provider's current price, or type it in."
        for option, model, day in zip(
            ("Few-shot gpt-4.1", "Fine-tuned gpt-4.1-mini", "Azure hosted fine-tune"),
            ("gpt-4.1", "ft:gpt-4.1-mini", "azure:ft:gpt-4.1-mini"), checked, strict=True)]


def test_price_checked_within_a_year_is_not_warned(tmp_path, good):
    path = _edited(tmp_path, good, _set(**{PRICE_DATE: "2027-01-15", MC_ITERATIONS: 0}))
    assert _warnings(path, tmp_path, "stale_price") == []


def test_typed_prices_are_never_stale(tmp_path, good):
    def change(wb):
        wb["Scenario"]["C19"], wb["Scenario"]["C13"] = "2030-01-01", 0
        for col in LOOKUP_COLUMNS:
            wb["Options"][f"{col}4"] = 2.0
    assert [m.split(" uses ")[0] for m in _warnings(_edited(tmp_path, good, change), tmp_path,
                                               "stale_price")] == [
        "Fine-tuned gpt-4.1-mini", "Azure hosted fine-tune"]


def _memo_text(path, tmp_path) -> str:
    out = tmp_path / "memo"
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(out)],
                                env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output
    pdf = next(out.glob("*.memo.pdf"))
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.slow
def test_memo_states_the_rate_only_for_another_currency(tmp_path, good):
    eur = _memo_text(_edited(tmp_path, good, _set(**{CURRENCY: "EUR", FX_RATE: 0.92,
                                                     MC_ITERATIONS: 500})), tmp_path / "eur")
    usd = _memo_text(_edited(tmp_path, good, _set(**{MC_ITERATIONS: 500})), tmp_path / "usd")
    dates = sorted({load_pricebook().at(m, "2026-01-01").checked.isoformat()
                    for m in ("gpt-4.1", "ft:gpt-4.1-mini", "azure:ft:gpt-4.1-mini")})
    checked = f"prices checked {dates[0]} to {dates[-1]} (3 rows)"
    assert "prices converted at 0.92 EUR per USD" in eur and checked in eur
    assert "converted at" not in usd and checked in usd
    assert "prices as of" not in eur + usd
    assert "€" in eur and "$" not in eur.replace("USD", "")


@pytest.mark.parametrize(("on", "limit"), [
    ("2026-01-01", "2025-01-01"), ("2024-02-29", "2023-02-28"), ("2026-03-31", "2025-03-31")])
def test_stale_means_checked_before_the_same_day_a_year_earlier(on, limit):
    # A row checked on the limit itself is 12 months old, not more: not stale.
    assert stale_before(date.fromisoformat(on)) == date.fromisoformat(limit)
