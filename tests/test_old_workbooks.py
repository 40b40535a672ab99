"""Workbooks made by earlier templates keep working after every release.

tests/data/template-v1-starter.xlsx is what `ftreport init` wrote at template
version 1; it is kept as it was, never regenerated. A field added to the template
later (``Field.since`` > 1) is optional: a workbook that predates it lacks its
column or name and reads with the field's default.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ftreport.cli import main
from ftreport.model import schema
from ftreport.model.problems import InputError
from ftreport.workbook.reader import read_workbook

KEPT = Path(__file__).parent / "data" / "template-v1-starter.xlsx"


def test_a_workbook_from_the_version_1_template_still_validates(tmp_path: Path) -> None:
    copy = tmp_path / KEPT.name
    shutil.copyfile(KEPT, copy)
    result = CliRunner().invoke(main, ["validate", str(copy)])
    assert result.exit_code == 0, result.output
    book = read_workbook(copy)
    assert book.template_version == 1 and len(book.options) >= 2
    assert copy.read_bytes() == KEPT.read_bytes()


def test_new_workbooks_record_the_template_version(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    name = load_workbook(path).defined_names[schema.TEMPLATE_VERSION_NAME]
    assert name.attr_text == str(schema.TEMPLATE_VERSION)
    assert read_workbook(path).template_version == schema.TEMPLATE_VERSION


def _later(fields: tuple[schema.Field, ...], name: str) -> tuple[schema.Field, ...]:
    """The fields with ``name`` marked as added by a later template version."""
    return tuple(dataclasses.replace(f, since=2) if f.name == name else f for f in fields)


def _without_column(path: Path, header: str) -> None:
    wb = load_workbook(path)
    ws = wb["Options"]
    column = next(c.column for c in ws[3] if c.value == header)
    for row in range(1, ws.max_row + 1):
        ws.cell(row, column).value = None
    ws.cell(3, column).value = "unused"  # a table header cell may not be blank
    wb.save(path)


def test_a_column_added_later_is_optional_with_its_default(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    path = tmp_path / "older.xlsx"
    shutil.copyfile(KEPT, path)
    _without_column(path, "notes")
    with pytest.raises(InputError) as caught:  # today notes is a version-1 column
        read_workbook(path)
    assert [p.code for p in caught.value.problems] == ["missing-column"]

    monkeypatch.setattr(schema, "OPTION_FIELDS", _later(schema.OPTION_FIELDS, "notes"))
    book = read_workbook(path)
    assert [o.notes for o in book.options] == ["" for _ in book.options]
    assert all("notes" not in cells for cells in book.option_cells)


def test_a_scenario_name_added_later_is_optional_with_its_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "older.xlsx"
    wb = load_workbook(KEPT)
    del wb.defined_names["trim_high_pct"]
    wb.save(path)
    monkeypatch.setattr(schema, "SCENARIO_FIELDS", _later(schema.SCENARIO_FIELDS,
                                                          "trim_high_pct"))
    book = read_workbook(path)
    assert book.scenario.trim_high_pct == 95.0


def test_a_version_1_workbook_reads_allow_extreme_growth_as_no(tmp_path: Path) -> None:
    copy = tmp_path / KEPT.name
    shutil.copyfile(KEPT, copy)
    book = read_workbook(copy)
    assert "allow_extreme_growth" not in book.scenario_cells
    assert book.scenario.allow_extreme_growth is False
    assert schema.SCENARIO["allow_extreme_growth"].since == 2 <= schema.TEMPLATE_VERSION


def test_the_template_writes_allow_extreme_growth_as_no(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    book = read_workbook(path)
    cell = book.scenario_cells["allow_extreme_growth"].split("!")[1]
    assert load_workbook(path)["Scenario"][cell].value == "no"
    assert book.scenario.allow_extreme_growth is False
