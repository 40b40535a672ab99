"""In real LibreOffice, the Options price cells look their model up in Prices correctly."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from ftreport.model.pricebook import load_pricebook
from ftreport.workbook.template import LOOKED_UP, write_template
from tests.support.libreoffice import recalculate

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"
pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def _option_rows(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path, data_only=True)["Options"]
    min_col, min_row, max_col, max_row = range_boundaries(ws.tables["Options"].ref)
    rows = [[ws.cell(row=r, column=c).value for c in range(min_col, max_col + 1)]
            for r in range(min_row, max_row + 1)]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_template_lookups_give_the_price_book_numbers(tmp_path):
    path = tmp_path / "every-model.xlsx"
    write_template(path, example="blank")
    wb = load_workbook(path)
    book = load_pricebook()
    models = [m.model for m in book.models[:9]] + ["no-such-model"]  # 10 blank rows
    for row, model in enumerate(models, start=4):
        wb["Options"][f"C{row}"] = model
    wb.save(path)
    rows = _option_rows(recalculate(path, tmp_path / "lo"))
    for row, model in zip(rows, models, strict=True):
        price = book.get(model)
        for name in LOOKED_UP:
            assert row[name] == pytest.approx(getattr(price, name) if price else 0), (model, name)


def test_sample_lookups_and_blank_rows_in_libreoffice(tmp_path):
    rows = _option_rows(recalculate(SAMPLES / "distillation.xlsx", tmp_path))
    book = load_pricebook()
    for row in rows:
        price = book.get(row["model"]) if row["model"] else None
        for name in LOOKED_UP:
            assert row[name] == pytest.approx(getattr(price, name) if price else 0)
    assert rows[1]["hosting_per_hour"] == book.get("gpu:a100-80gb").hosting_per_hour > 0


@pytest.mark.parametrize("example", ["starter", "support", "seed-000", "distillation"])
def test_values_stored_beside_the_lookups_are_what_libreoffice_computes(tmp_path, example):
    # The template stores each lookup's value, so readers need not calculate; it must be
    # the very value the formula gives.
    path = tmp_path / f"{example}.xlsx"
    write_template(path, example=example)
    stored = _option_rows(path)
    computed = _option_rows(recalculate(path, tmp_path / "lo"))
    assert any(row[name] for row in stored for name in LOOKED_UP)
    for before, after in zip(stored, computed, strict=True):
        for name in LOOKED_UP:
            assert before[name] == after[name], (before["name"], name)
