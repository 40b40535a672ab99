"""The reader's own evaluation of the price lookups (a workbook saved without cached
values) takes the Prices row in force on price_date, as LibreOffice does
(tests/test_libreoffice_prices.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ftreport.model.pricebook import load_pricebook
from ftreport.model.problems import InputError
from ftreport.workbook.reader import read_workbook
from tests.test_prices_used import example_priced_at


def _read(tmp_path, on):
    tmp_path.mkdir(exist_ok=True)
    path, wb = example_priced_at(tmp_path, "distillation", on)
    wb.save(path)  # openpyxl drops the stored values: the reader computes the lookups
    return read_workbook(path)


def test_two_price_dates_give_the_two_rows_numbers(tmp_path):
    older, newer = load_pricebook().history("gpu:a100-80gb")[:2]
    for row in (older, newer):
        option = _read(tmp_path / row.valid_from.isoformat(), row.valid_from).options[1]
        assert option.model == "gpu:a100-80gb"
        assert option.hosting_per_hour == row.hosting_per_hour


def test_a_date_before_any_row_is_one_problem_naming_model_and_date(tmp_path):
    first = load_pricebook().history("gpu:a100-80gb")[0].valid_from
    early = first - timedelta(days=1)
    with pytest.raises(InputError) as caught:
        _read(tmp_path, early)
    [problem] = caught.value.problems
    assert (problem.sheet, problem.cell, problem.field) == ("Options", "C5", "model")
    assert f"gpu:a100-80gb on {early.isoformat()}" == problem.found
    assert first.isoformat() in problem.expected
