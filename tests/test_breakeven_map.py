"""The break-even map: the engine's grid against a hand computation, the sheet recalculated
by LibreOffice (an edited multiplier moves it), the memo's heat map and its sentence."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from ftreport.api import run
from ftreport.engine.analysis import analyse
from ftreport.engine.breakeven_map import MULTIPLIERS, break_even_map
from ftreport.model.format import Formatter
from ftreport.model.results import BreakEvenGrid
from ftreport.report.breakeven_view import break_even_map_view
from ftreport.workbook.template import write_template
from tests.support.libreoffice import recalculate
from tests.support.scenarios import support_book
from tests.test_writer_libreoffice import SENTINEL, stale_copy

SVG = "{http://www.w3.org/2000/svg}"


def hand_grid(book, volumes, prices) -> np.ndarray:
    """Savings by the cost model's definition, C = A + u·N0·V with A = U + n·T + F·D: the
    baseline's u scales with its token prices, both volumes with the multiplier."""
    a = analyse(book)
    res, b = a.results, a.baseline
    option = a.recommended
    fixed = res["upfront_cost"] + res["training_runs"] * res["training_cost_per_run"] \
        + res["daily_fixed_cost"] * book.scenario.horizon_days
    volume_factor = (res["total_cost"][option] - fixed[option]) / (
        res["cost_per_request"][option] * book.scenario.requests_per_day)
    n0 = book.scenario.requests_per_day
    return np.array([[fixed[b] + p * res["cost_per_request"][b] * n0 * v * volume_factor
                      - (fixed[option] + res["cost_per_request"][option] * n0 * v
                         * volume_factor) for p in prices] for v in volumes])


def test_the_grid_is_the_cost_model_by_hand_and_the_middle_is_the_base_case() -> None:
    book = support_book()
    analysis = analyse(book)
    grid = break_even_map(analysis)
    assert grid.option == book.options[analysis.recommended].name
    savings = np.array(grid.savings)
    assert savings.shape == (9, 9)
    np.testing.assert_allclose(savings, hand_grid(book, MULTIPLIERS, MULTIPLIERS), rtol=1e-9,
                               atol=1e-6)
    assert savings[4, 4] == analysis.results["savings_vs_baseline"][analysis.recommended]
    # At today's prices the sign changes where the Results sheet's break-even volume says.
    volume = analysis.results["break_even_requests_per_day"][analysis.recommended]
    crossing = volume / book.scenario.requests_per_day
    below = [v for v in MULTIPLIERS if v < crossing]
    assert all(s < 0 for s in savings[:len(below), 4])
    assert all(s > 0 for s in savings[len(below):, 4])


def test_the_memo_sentence_fits_the_grid() -> None:
    fmt = Formatter("USD")

    def view(values: list[list[float]]):
        grid = BreakEvenGrid("FT", "PE", [0.5, 1.0], [1.0, 2.0], values)
        return break_even_map_view(grid, fmt)
    assert "in every combination shown" in view([[1, 2], [3, 4]]).summary
    assert "in none of the combinations shown" in view([[-1, -2], [-3, -4]]).summary
    mixed = view([[-1, 2], [3, 4]])
    assert "in 3 of the 4 combinations shown" in mixed.summary
    assert break_even_map_view(None, fmt) is None
    # The contour: one thick line on each edge between cells of opposite sign.
    root = ET.fromstring(mixed.chart)
    contour = [e for e in root.iter(f"{SVG}line") if e.get("class") == "contour"]
    assert len(contour) == 2
    assert "crosses 2 cell edges" in mixed.alt
    every = ET.fromstring(view([[1, 2], [3, 4]]).chart)
    assert not [e for e in every.iter(f"{SVG}line") if e.get("class") == "contour"]


def read_map(path: Path) -> np.ndarray:
    ws = load_workbook(path, data_only=True)["BreakEvenMap"]
    return np.array([[ws.cell(r, c).value for c in range(2, 11)] for r in range(6, 15)],
                    dtype=float)


@pytest.mark.libreoffice
def test_the_sheet_recalculates_to_the_engine_and_follows_its_multipliers(
        tmp_path: Path) -> None:
    source = tmp_path / "support.xlsx"
    write_template(source, example="support")
    result = run(source, tmp_path / "out", pdf=False, iterations=0)
    report = Path(result.outputs["workbook"])
    stale = stale_copy(report, tmp_path / "stale.xlsx", sheets=("BreakEvenMap",))
    assert read_map(stale)[0, 0] == float(SENTINEL)
    recalculated = read_map(recalculate(stale, tmp_path / "lo"))
    expected = np.array(result.break_even_map.savings)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(recalculated, expected, rtol=1e-9, atol=scale * 1e-12)
    # Live: new multipliers typed into the sheet give the engine's grid for them.
    wb = load_workbook(report)
    ws = wb["BreakEvenMap"]
    volumes, prices = [0.1 * (k + 1) for k in range(9)], [0.3 + 0.2 * k for k in range(9)]
    for k in range(9):
        ws.cell(6 + k, 1).value = volumes[k]
        ws.cell(5, 2 + k).value = prices[k]
    wb.save(report)
    moved = read_map(recalculate(report, tmp_path / "lo2"))
    want = np.array(break_even_map(result.analysis, tuple(volumes), tuple(prices)).savings)
    np.testing.assert_allclose(moved, want, rtol=1e-9, atol=np.abs(want).max() * 1e-12)
    np.testing.assert_allclose(moved, hand_grid(result.book, volumes, prices), rtol=1e-9, atol=1e-6)
