"""The Simulation and Sensitivity sheets on a fresh workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import simulate
from ftreport.model.results import RunResult
from ftreport.workbook.simulation_sheets import add_simulation_sheets
from tests.support.scenarios import support_book


def run_result() -> RunResult:
    book = support_book(mc_iterations=5_000)
    analysis = analyse(book)
    return RunResult(analysis, simulate(book, analysis))


def test_sheets_charts_and_values_survive_a_save(tmp_path: Path) -> None:
    result = run_result()
    wb = openpyxl.Workbook()
    add_simulation_sheets(wb, result)
    ws = wb["Simulation"]
    assert ws["B2"].value == 5_000 and ws["B3"].value == 7
    assert len(ws._charts) == 1 and isinstance(ws._charts[0], BarChart)
    tornado = wb["Sensitivity"]
    assert tornado._charts[0].type == "bar"
    labels = [tornado.cell(r, 1).value for r in range(6, 6 + len(result.simulation.sensitivity))]
    assert labels[0] == "requests_per_day"
    swings = [tornado.cell(r, 7).value for r in range(6, 6 + len(labels))]
    assert swings == sorted(swings, reverse=True)
    path = tmp_path / "out.xlsx"
    wb.save(path)
    again = openpyxl.load_workbook(path)
    assert again["Simulation"]["A1"].value == "Monte Carlo simulation"


def test_sheets_are_replaced_in_place() -> None:
    result = run_result()
    wb = openpyxl.Workbook()
    wb.create_sheet("Simulation")["Z99"] = "stale"
    wb.create_sheet("Other")
    add_simulation_sheets(wb, result)
    add_simulation_sheets(wb, result)
    assert wb.sheetnames == ["Sheet", "Simulation", "Other", "Sensitivity"]
    assert wb["Simulation"]["Z99"].value is None


def test_no_simulation_writes_nothing() -> None:
    book = support_book()
    wb = openpyxl.Workbook()
    add_simulation_sheets(wb, RunResult(analyse(book)))
    assert wb.sheetnames == ["Sheet"]
