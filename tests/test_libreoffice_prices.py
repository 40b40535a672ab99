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


def _priced_at(template: Path, on: object, out: Path) -> list[dict[str, object]]:
    wb = load_workbook(template)
    scenario = wb["Scenario"]
    row = next(r for r in range(4, 40) if scenario[f"B{r}"].value == "price_date")
    scenario[f"C{row}"] = on
    path = out / "priced.xlsx"
    out.mkdir()
    wb.save(path)
    return _option_rows(recalculate(path, out / "lo"))


def test_the_price_date_picks_the_row_in_force(tmp_path):
    # gpu:a100-80gb has two dated rows; the distillation example uses it.
    book = load_pricebook()
    older, newer = book.history("gpu:a100-80gb")[:2]
    assert older.hosting_per_hour != newer.hosting_per_hour
    path = tmp_path / "distillation.xlsx"
    write_template(path, example="distillation")
    for row, out in ((older, "old"), (newer, "new")):
        rows = _priced_at(path, row.valid_from, tmp_path / out)
        assert rows[1]["model"] == "gpu:a100-80gb"
        assert rows[1]["hosting_per_hour"] == pytest.approx(row.hosting_per_hour)
        assert rows[0]["batch_discount"] == book.at("gpt-4.1", row.valid_from).batch_discount
    # The reader agrees with LibreOffice on the workbook it saved.
    from ftreport.workbook.reader import read_workbook
    recalculated = tmp_path / "old" / "lo" / "in-priced.xlsx"
    option = read_workbook(recalculated).options[1]
    assert option.hosting_per_hour == pytest.approx(older.hosting_per_hour)


def test_a_price_date_before_any_row_is_one_error_naming_model_and_date(tmp_path):
    from datetime import timedelta

    from ftreport.model.problems import InputError
    from ftreport.workbook.reader import read_workbook

    path = tmp_path / "distillation.xlsx"
    write_template(path, example="distillation")
    first = load_pricebook().history("gpu:a100-80gb")[0].valid_from
    early = first - timedelta(days=1)  # the example's other models are priced then
    rows = _priced_at(path, early, tmp_path / "early")
    assert rows[1]["hosting_per_hour"] == "#N/A"
    with pytest.raises(InputError) as caught:
        read_workbook(tmp_path / "early" / "lo" / "in-priced.xlsx")
    [problem] = caught.value.problems
    assert problem.cell == "C5" and "gpu:a100-80gb" in str(problem)
    assert early.isoformat() in str(problem) and first.isoformat() in str(problem)


def test_the_model_list_grows_with_rows_the_analyst_adds(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_template(path, example="blank")
    wb = load_workbook(path)
    prices = wb["Prices"]
    added = prices.max_row + 1
    prices[f"A{added}"] = "our-negotiated-model"
    prices[f"D{added}"] = 1.25
    wb["Options"]["C4"] = "our-negotiated-model"
    wb["Lists"]["D1"] = "=ROWS(price_models)"
    wb["Lists"]["D2"] = "=INDEX(price_models,ROWS(price_models))"
    wb.save(path)
    out = load_workbook(recalculate(path, tmp_path / "lo"), data_only=True)
    assert out["Lists"]["D1"].value == added - 3
    assert out["Lists"]["D2"].value == "our-negotiated-model"
    assert out["Options"]["G4"].value == 1.25  # undated: in force on any date
