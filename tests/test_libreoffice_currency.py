"""In real LibreOffice, an EUR workbook's lookups give the price book's USD price times
fx_rate, and the reader reads the same prices from LibreOffice's stored values as it
computes from the formulas."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from ftreport.model.pricebook import load_pricebook
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import LOOKED_UP, write_template
from tests.support.libreoffice import recalculate
from tests.test_libreoffice_prices import _option_rows

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def test_eur_lookups_are_book_price_times_fx_rate(tmp_path):
    path = tmp_path / "support.xlsx"
    write_template(path, example="support")
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    wb["Scenario"]["C6"], wb["Scenario"]["C18"] = "EUR", 0.92
    eur = tmp_path / "eur.xlsx"
    wb.save(eur)  # openpyxl keeps no stored values: the reader computes the formulas
    recalculated = recalculate(eur, tmp_path / "lo")
    book = load_pricebook()
    rows = [row for row in _option_rows(recalculated) if row["model"]]
    assert len(rows) == 3
    for row in rows:
        price = book.get(row["model"])
        for name in LOOKED_UP:
            assert row[name] == pytest.approx(getattr(price, name) * 0.92), (row["model"], name)
    computed, stored = read_workbook(eur), read_workbook(recalculated)
    for a, b in zip(stored.options, computed.options, strict=True):
        for name in LOOKED_UP:
            assert getattr(a, name) == pytest.approx(getattr(b, name)), (a.name, name)
