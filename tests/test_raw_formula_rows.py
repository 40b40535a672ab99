"""Formula cells kept outside openpyxl (cells.FormulaRows) land in their sheet as openpyxl's
own cells would: among openpyxl's cells of the same row in column order, in rows of their
own, with their number formats, cached values and the sheet's dimension."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ftreport.workbook._xlsx import add_cached_values, save_uncompressed, sheet_parts
from ftreport.workbook.cells import FormulaRows


def written(tmp_path: Path) -> tuple[Path, dict[str, float]]:
    wb = Workbook()
    ws = wb.active
    ws.title = "Long"
    ws["A1"], ws["D1"] = "day", "after"  # openpyxl's cells before and after ours in row 1
    ws["A2"] = 7
    ws.row_dimensions[4].height = 30  # a row openpyxl writes with no cells
    rows = FormulaRows(ws)
    pieces = rows.template('=A#*2&"<x>"', "#")
    cached = {}
    for r, col, fmt in ((1, 2, "0.00"), (1, 3, "0"), (2, 3, "0.00"), (2, 2, "0"),
                        (3, 5, "0.00"), (4, 2, "0")):
        rows.put(r, col, str(r).join(pieces), fmt)
        cached[f"{'ABCDE'[col - 1]}{r}"] = float(10 * r + col)
    path = tmp_path / "long.xlsx"
    save_uncompressed(wb, path)
    add_cached_values(path, {"Long": cached})
    return path, cached


def test_raw_rows_read_back_as_openpyxl_cells(tmp_path: Path) -> None:
    path, cached = written(tmp_path)
    formulas = load_workbook(path)["Long"]
    assert [c.value for c in formulas[1]] == ["day", '=A1*2&"<x>"', '=A1*2&"<x>"', "after", None]
    assert (formulas["A2"].value, formulas["B2"].value) == (7, '=A2*2&"<x>"')
    assert formulas["E3"].value == '=A3*2&"<x>"' and formulas["B4"].value == '=A4*2&"<x>"'
    assert (formulas["B1"].number_format, formulas["C1"].number_format) == ("0.00", "0")
    assert formulas.row_dimensions[4].height == 30
    assert formulas.dimensions == "A1:E4"
    values = load_workbook(path, data_only=True)["Long"]
    assert {ref: values[ref].value for ref in cached} == cached


def test_raw_rows_are_in_row_and_column_order(tmp_path: Path) -> None:
    path, _ = written(tmp_path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet_parts(archive)["Long"]).decode()
    refs = [part.split('"')[0] for part in xml.split('<c r="')[1:]]
    assert refs == ["A1", "B1", "C1", "D1", "A2", "B2", "C2", "E3", "B4"]
    assert xml.count("<row ") == 4
