"""The `Run` sheet: how and from what a report was made."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ftreport import __version__
from ftreport.model.pricebook import load_pricebook
from ftreport.workbook.context import ReportContext
from ftreport.workbook.styles import bold, heading, widths


def run_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Run"]
    book, analysis, simulation = ctx.book, ctx.analysis, ctx.result.simulation
    heading(ws, "Run", "How and from what this report was made.")
    rows = [
        ("tool", "ftreport"), ("tool_version", __version__),
        ("generated_at_utc", datetime.now(UTC).replace(tzinfo=None).isoformat(
            timespec="seconds")),
        ("input_file", Path(book.path).name), ("input_sha256", book.sha256),
        ("mc_seed", book.scenario.mc_seed),
        ("mc_iterations", simulation.iterations if simulation is not None else 0),
        ("pricebook_as_of", load_pricebook().as_of), ("currency", book.scenario.currency),
        ("baseline_at_run", analysis.options[analysis.baseline].name),
        ("recommended_at_run", analysis.options[analysis.recommended].name),
        ("formulas", "Results, Timeline and Workings are live formulas over the Scenario "
         "and Options sheets; the cached values are ftreport's engine at run time. "
         "Timeline covers days 0..horizon_days of this run: a longer horizon needs a re-run."),
    ]
    for row, (key, value) in enumerate(rows, start=3):
        ws.cell(row, 1, key).font = bold()
        ws.cell(row, 2, value)
    widths(ws, (22, 100))
