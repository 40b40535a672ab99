"""The Run sheet and the memo list every price-book row the options use, with its dates,
source and check date, and flag a row only when it is stale at the price date."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ftreport.api import run
from ftreport.model.pricebook import load_pricebook
from ftreport.workbook.template import write_template

MODELS = ("gpt-4.1", "ft:gpt-4.1-mini", "azure:ft:gpt-4.1-mini")  # the support example's


def example_priced_at(tmp_path: Path, example: str, on: date) -> tuple[Path, Workbook]:
    """A template example with ``price_date`` set to ``on``: its path and its workbook,
    for the caller to edit further and save."""
    path = tmp_path / f"{example}.xlsx"
    write_template(path, example=example)
    wb = load_workbook(path)
    scenario = wb["Scenario"]
    row = next(r for r in range(4, 40) if scenario[f"B{r}"].value == "price_date")
    scenario[f"C{row}"] = on
    return path, wb


def _support(tmp_path: Path, price_date: date, typed: bool = False) -> Path:
    path, wb = example_priced_at(tmp_path, "support", price_date)
    if typed:  # every option's prices typed over the lookups
        options = wb["Options"]
        headers = [c.value for c in options[3]]
        for name in ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
                     "price_training_per_1m", "price_per_training_hour", "hosting_per_hour",
                     "batch_discount"):
            for r in (4, 5, 6):
                options.cell(row=r, column=headers.index(name) + 1, value=0.5)
    wb.save(path)
    return path


def _run_sheet(report: Path) -> list[tuple[object, ...]]:
    ws = load_workbook(report)["Run"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Price rows used")
    return rows[top:]


def test_run_sheet_lists_each_row_used_with_dates_source_and_check_date(tmp_path):
    on = date(2026, 12, 1)
    result = run(_support(tmp_path, on), tmp_path / "out", iterations=0, pdf=False)
    block = _run_sheet(Path(result.outputs["workbook"]))
    header, listed = block[1], [r for r in block[2:] if r[0]]
    assert header[:8] == ("model", "deployment", "provider", "valid_from", "valid_to",
                          "source", "checked", "used_by")
    book = load_pricebook()
    assert [r[0] for r in listed] == list(MODELS)
    for r in listed:
        row = book.at(r[0], on)
        assert r[1:7] == (row.deployment, row.provider, row.valid_from.isoformat(),
                          row.valid_to.isoformat() if row.valid_to else None, row.source,
                          row.checked.isoformat())
        assert r[8] is None  # checked within 12 months of the price date: no note
    run_rows = {r[0]: r[1] for r in load_workbook(result.outputs["workbook"])["Run"]
                .iter_rows(min_row=3, values_only=True)}
    assert run_rows["price_date"] == "2026-12-01 (price_date)"
    assert "pricebook_as_of" not in run_rows


def test_a_stale_row_is_flagged_and_typed_prices_list_none(tmp_path):
    on = date(2028, 6, 1)
    result = run(_support(tmp_path, on), tmp_path / "out", iterations=0, pdf=False)
    listed = [r for r in _run_sheet(Path(result.outputs["workbook"]))[2:] if r[0]]
    assert len(listed) == 3
    assert all("more than 12 months before the price date 2028-06-01" in r[8] for r in listed)
    typed = run(_support(tmp_path / "typed", on, typed=True), tmp_path / "typed-out",
                iterations=0, pdf=False)
    block = _run_sheet(Path(typed.outputs["workbook"]))
    assert block[0][1] == "none: every option's prices are typed in"


def _memo(tmp_path: Path, on: date) -> str:
    result = run(_support(tmp_path, on), tmp_path / "out", iterations=0, workbook=False)
    text = subprocess.run(["pdftotext", result.outputs["memo"], "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # table cells wrap their text over lines


@pytest.mark.slow
def test_the_memo_lists_the_rows_and_flags_only_stale_ones(tmp_path):
    fresh = _memo(tmp_path / "fresh", date(2026, 12, 1))
    stale = _memo(tmp_path / "stale", date(2028, 6, 1))
    for text in (fresh, stale):
        assert "Prices used" in text
        for model in MODELS:
            assert model in text
        assert "price book as of" not in text
    assert "checked more than 12 months before the price date" not in fresh
    assert "checked more than 12 months before the price date" in stale
    assert "2028-06-01 (price_date)" in stale
