"""The `Run` sheet: how and from what a report was made, and the price rows it used."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from ftreport import __version__
from ftreport.engine.plausibility import PriceInUse, prices_in_use
from ftreport.model.schema import STALE_PRICE_MONTHS
from ftreport.workbook.context import ReportContext
from ftreport.workbook.styles import bold, header_row, heading, widths

PRICE_ROW_COLUMNS = ("model", "deployment", "provider", "valid_from", "valid_to", "source",
                     "checked", "used_by", "note")


def run_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Run"]
    book, analysis, simulation = ctx.book, ctx.analysis, ctx.result.simulation
    heading(ws, "Run", "How and from what this report was made.")
    given = "price_date" if book.scenario.price_date else "the run date"
    rows = [
        ("tool", "ftreport"), ("tool_version", __version__),
        ("generated_at_utc", datetime.now(UTC).replace(tzinfo=None).isoformat(
            timespec="seconds")),
        ("input_file", Path(book.path).name), ("input_sha256", book.sha256),
        ("mc_seed", book.scenario.mc_seed),
        ("mc_iterations", simulation.iterations if simulation is not None else 0),
        ("price_date", f"{book.price_date.isoformat()} ({given})"),
        ("currency", book.scenario.currency),
        ("baseline_at_run", analysis.options[analysis.baseline].name),
        ("recommended_at_run", analysis.options[analysis.recommended].name),
        ("formulas", "Results, Timeline and Workings are live formulas over the Scenario "
         "and Options sheets; the cached values are ftreport's engine at run time. "
         "Timeline covers days 0..horizon_days of this run: a longer horizon needs a re-run."),
    ]
    for row, (key, value) in enumerate(rows, start=3):
        ws.cell(row, 1, key).font = bold()
        ws.cell(row, 2, value)
    _price_rows(ws, 3 + len(rows) + 1, prices_in_use(book, book.prices),
                book.price_date.isoformat())
    widths(ws, (22, 100, 14, 12, 12, 50, 12, 30, 50))


def _price_rows(ws: Worksheet, top: int, used: list[PriceInUse], on: str) -> None:
    """Every price-book row the options use, with its dates, source and check date."""
    ws.cell(top, 1, "Price rows used").font = bold()
    if not used:
        ws.cell(top, 2, "none: every option's prices are typed in")
        return
    header_row(ws, top + 1, PRICE_ROW_COLUMNS)
    for row, item in enumerate(used, start=top + 2):
        r = item.row
        note = (f"checked more than {STALE_PRICE_MONTHS} months before the price date {on}: "
                "check the provider's current price" if item.stale else "")
        values = (r.model, r.deployment, r.provider, r.valid_from.isoformat(),
                  r.valid_to.isoformat() if r.valid_to else "", r.source, r.checked.isoformat(),
                  ", ".join(item.options), note)
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value)
