"""The Simulation and Sensitivity sheets on a fresh workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, ScatterChart

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import CHECK_EVERY, simulate
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
    # The histogram, the S-curve and the convergence chart.
    assert [type(c) for c in ws._charts] == [BarChart, ScatterChart, ScatterChart]
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


def rows_of(ws) -> dict[str, list]:
    """Each row's values after its first cell, by the first cell's text (first wins)."""
    found: dict[str, list] = {}
    for row in ws.iter_rows(values_only=True):
        if row and row[0] is not None:
            found.setdefault(str(row[0]), list(row[1:]))
    return found


def sheet_for(book, **kwargs) -> tuple[RunResult, object]:
    analysis = analyse(book)
    result = RunResult(analysis, simulate(book, analysis, **kwargs))
    wb = openpyxl.Workbook()
    add_simulation_sheets(wb, result)
    return result, wb["Simulation"]


def test_probabilities_carry_their_standard_errors_and_targets_only_when_set() -> None:
    result, ws = sheet_for(support_book(mc_iterations=5_000))
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Option")
    assert "P(savings >= target)" not in header
    entry = result.simulation.summary[1]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == entry["name"])
    assert list(row[1:7]) == [entry["p_cheapest"], entry["p_cheapest_se"],
                              entry["p_recommended"], entry["p_recommended_se"],
                              entry["p_beats_baseline"], entry["p_beats_baseline_se"]]

    result, ws = sheet_for(support_book(mc_iterations=5_000, target_savings=40_000.0,
                                        target_payback_days=30))
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Option")
    assert header[7:11] == ("P(savings >= target)", "Standard error",
                            "P(payback within target)", "Standard error")
    entry = result.simulation.summary[1]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == entry["name"])
    assert list(row[7:11]) == [entry["p_savings_at_least_target"],
                               entry["p_savings_at_least_target_se"],
                               entry["p_payback_within_target"],
                               entry["p_payback_within_target_se"]]


def test_percentile_rows_carry_the_mean_standard_error_and_the_95_percent_bounds() -> None:
    result, ws = sheet_for(support_book(mc_iterations=5_000))
    header = next(r for r in ws.iter_rows(values_only=True) if r[:2] == ("Option", "Output"))
    entry = result.simulation.summary[1]
    row = next(r for r in ws.iter_rows(values_only=True)
               if r[0] == entry["name"] and r[1] == "Savings vs baseline")
    values = dict(zip(header, row, strict=False))
    stats = entry["savings_vs_baseline"]
    assert values["Mean standard error"] == stats["mean_se"]
    assert values["P5 lower 95%"] == stats["p5_lower"] <= values["P5"]
    assert values["P95 upper 95%"] == stats["p95_upper"] >= values["P95"]


def test_the_sheet_says_how_the_run_stopped_and_how_exact_its_percentiles_are() -> None:
    _, ws = sheet_for(support_book(mc_iterations=5_000))
    rows = rows_of(ws)
    assert rows["Stopped"][0] == "after every iteration"
    assert rows["Percentiles"][0].startswith("exact")
    assert rows["Iterations asked for"][0] == 5_000

    _, ws = sheet_for(support_book(mc_iterations=5_000), exact=False)
    assert rows_of(ws)["Percentiles"][0].startswith("from a KLL quantile sketch (k = 4000)")

    result, ws = sheet_for(support_book(mc_iterations=4 * CHECK_EVERY, mc_target_se=1e6))
    rows = rows_of(ws)
    assert result.simulation.iterations == CHECK_EVERY
    assert rows["Iterations"][0] == CHECK_EVERY
    assert rows["Stopped"][0].startswith("early, at the first check")

    _, ws = sheet_for(support_book(mc_iterations=CHECK_EVERY + 1, mc_target_se=1e-9))
    assert rows_of(ws)["Stopped"][0].startswith("after every iteration: the standard error")


def test_s_curve_table_and_chart_hold_each_alternatives_savings_quantiles() -> None:
    result, ws = sheet_for(support_book(mc_iterations=5_000))
    sim = result.simulation
    head = next(r for r in ws.iter_rows(min_row=1) if str(r[0].value).startswith("S-curve"))
    names = [c.value for c in head[1:] if c.value]
    baseline = sim.option_names[result.analysis.baseline]
    assert baseline not in names and len(names) == len(sim.option_names) - 1
    first = head[0].row + 1
    for k, p in enumerate(sim.s_curve["probabilities"]):
        assert ws.cell(first + k, 1).value == p
        for j, name in enumerate(names):
            assert ws.cell(first + k, 2 + j).value == sim.s_curve["savings"][name][k]
    # Monotone: a cumulative distribution.
    for name in names:
        curve = sim.s_curve["savings"][name]
        assert curve == sorted(curve)
        median = sim.summary[sim.option_names.index(name)]["savings_vs_baseline"]["p50"]
        assert curve[20] == pytest.approx(median)
    chart = ws._charts[1]
    assert len(chart.series) == len(names) * 4  # a line and three marked percentiles each


def test_convergence_table_is_the_running_mean_with_its_band() -> None:
    result, ws = sheet_for(support_book(mc_iterations=50_000))
    sim = result.simulation
    head = next(r for r in ws.iter_rows(min_row=1)
                if str(r[0].value).startswith("Convergence"))[0].row
    rows = [[c.value for c in r[:5]] for r in ws.iter_rows(min_row=head + 1)]
    assert [r[0] for r in rows] == sim.convergence["iterations"]
    # The last point is the whole run: the summary's mean and standard error.
    featured = sim.summary[sim.option_names.index(sim.featured_option)]
    n, mean, low, high, se = rows[-1]
    assert n == 50_000
    assert se == pytest.approx(featured["savings_vs_baseline"]["mean_se"], rel=1e-9)
    assert mean == pytest.approx(featured["savings_vs_baseline"]["mean"], rel=1e-12)
    assert low == pytest.approx(mean - 1.959964 * se) and high == pytest.approx(
        mean + 1.959964 * se)
    # The band narrows as iterations grow.
    assert rows[-1][4] < rows[len(rows) // 2][4] < rows[1][4]
    assert len(ws._charts[2].series) == 3


def test_a_run_of_one_block_has_no_convergence_chart_and_says_why() -> None:
    result, ws = sheet_for(support_book(mc_iterations=2_000))
    assert result.simulation.convergence["iterations"] == [2_000.0]
    assert [type(c) for c in ws._charts] == [BarChart, ScatterChart]  # no third chart
    texts = [str(r[0].value) for r in ws.iter_rows()]
    assert any(t.startswith("One point: the running mean is charted for runs of more than "
                            "4,096 iterations") for t in texts)
    _, two_blocks = sheet_for(support_book(mc_iterations=5_000))
    assert len(two_blocks._charts) == 3
    assert not any(str(r[0].value).startswith("One point") for r in two_blocks.iter_rows())
