"""ftreport never reads a file it was not given: an input formula that refers to another
workbook is an error at its cell, even when the file carries a cached value for it, and
no formula is ever computed from another workbook."""

from __future__ import annotations

import io
import secrets
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from ftreport.cli import main
from ftreport.workbook._xlsx import add_cached_values

SAMPLE = Path(__file__).resolve().parent.parent / "sample_inputs" / "customer-support.xlsx"


@pytest.fixture
def secret_book(tmp_path: Path) -> tuple[Path, str]:
    """Another workbook on disk whose value must never reach ftreport."""
    token = secrets.randbelow(10**9) + 10**9
    path = tmp_path / "secret.xlsx"
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb["Sheet1"]["A1"] = token
    wb.save(path)
    return path, str(token)


def with_formula(tmp_path: Path, cell: str, formula: str, cached: float | None = None,
                 also: dict[str, str] | None = None) -> Path:
    path = tmp_path / "scenario.xlsx"
    shutil.copyfile(SAMPLE, path)
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    sheet, coord = cell.split("!")
    wb[sheet][coord] = formula
    for ref, value in (also or {}).items():
        other_sheet, other = ref.split("!")
        wb[other_sheet][other] = value
    wb.save(path)
    if cached is not None:  # as Excel leaves it: the other file's value, cached
        add_cached_values(path, {}, {sheet: {coord: cached}})
    return path


def check(path: Path, token: str, out: Path) -> str:
    before = path.read_bytes()
    for args in (["validate", str(path)],
                 ["run", str(path), "-o", str(out), "--iterations", "0", "--json"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert token not in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before and not out.exists()
    return result.output


@pytest.mark.parametrize("formula", ["='[1]Sheet1'!A1", "=[1]Sheet1!A1*2",
                                     "='{folder}/[secret.xlsx]Sheet1'!A1"])
def test_a_reference_to_another_workbook_is_refused_at_its_cell(
        tmp_path: Path, secret_book: tuple[Path, str], formula: str) -> None:
    secret, token = secret_book
    path = with_formula(tmp_path, "Options!D4", formula.format(folder=secret.parent))
    output = check(path, token, tmp_path / "out")
    assert "Options!D4: a value or a formula within this workbook" in output
    assert "it refers to another workbook" in output


def test_a_cached_value_from_another_workbook_is_not_used(
        tmp_path: Path, secret_book: tuple[Path, str]) -> None:
    secret, token = secret_book
    path = with_formula(tmp_path, "Options!D4", f"='{secret.parent}/[secret.xlsx]Sheet1'!A1",
                        cached=float(token))
    output = check(path, token, tmp_path / "out")
    assert "Options!D4" in output and "1 problem found" in output


def test_a_formula_that_depends_on_another_workbook_says_so(
        tmp_path: Path, secret_book: tuple[Path, str]) -> None:
    secret, token = secret_book
    path = with_formula(tmp_path, "Options!D4", f"='{secret.parent}/[secret.xlsx]Sheet1'!A1",
                        also={"Options!F4": "=Options!D4/10"})
    output = check(path, token, tmp_path / "out")
    assert "Options!F4" in output and "depends on Options!D4" in output


def test_a_defined_name_pointing_at_ref_error_is_a_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "scenario.xlsx"
    wb = load_workbook(SAMPLE)
    wb.defined_names["horizon_days"].attr_text = "#REF!"
    wb.save(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "horizon_days" in result.output
    assert "unexpected" not in result.output and "Traceback" not in result.output
