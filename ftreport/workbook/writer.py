"""Write the result sheets back into a copy of the analyst's workbook (issue 5).

Every number on `Results` and `Timeline` is a live Excel formula over the
input cells, so an analyst who changes an input sees the results move; each
formula cell also carries the engine's value as its cached result, so readers
that never recalculate (pandas, previews) see numbers. The layout and every
formula are described in docs/results-sheets.md.

Sheets written (replaced on a re-run, never duplicated): `Results`,
`Timeline`, `Workings` (intermediate quantities), `Constants` (the named
365, 12, 1e6, 24 and the 1e-9 tolerance) and `Run`; plus `Simulation` and
`Sensitivity` from ftreport.workbook.simulation_sheets when a simulation ran.
Each sheet has its module; the formulas are in ftreport.workbook.formulas and
the cached values come from the engine (ftreport.engine.workings).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties

from ftreport.fileio import atomic_write
from ftreport.model.problems import ReportError
from ftreport.model.results import RunResult
from ftreport.workbook import OUTPUT_SHEETS, REPORT_SHEETS
from ftreport.workbook._xlsx import (
    Cached,
    add_cached_values,
    formula_values,
    save_uncompressed,
)
from ftreport.workbook.context import ReportContext
from ftreport.workbook.printing import print_ready
from ftreport.workbook.safety import (
    check_in_place,
    check_saved_copy,
    load,
    read_source,
    refuse_clashing_sheets,
    remove_outputs,
)
from ftreport.workbook.sheet_run import run_sheet
from ftreport.workbook.sheets_breakeven_map import breakeven_map_sheet
from ftreport.workbook.sheets_checks import checks_sheet, stale_banner
from ftreport.workbook.sheets_periods import periods_sheet
from ftreport.workbook.sheets_results import results_sheet
from ftreport.workbook.sheets_scenarios import scenarios_sheet
from ftreport.workbook.sheets_sensitivity_views import add_sensitivity_views
from ftreport.workbook.sheets_summary import HEAD_ROW as SUMMARY_HEAD
from ftreport.workbook.sheets_summary import summary_sheet
from ftreport.workbook.sheets_timeline import timeline_sheet
from ftreport.workbook.sheets_workings import constants_sheet, workings_sheet
from ftreport.workbook.simulation_sheets import add_simulation_sheets
from ftreport.workbook.styles import finish_cells

# The formula sheets, in the order they are written (Summary reads Results' values).
SHEET_WRITERS: tuple[Callable[[ReportContext], None], ...] = (
    constants_sheet,
    workings_sheet,
    results_sheet,
    timeline_sheet,
    periods_sheet,
    checks_sheet,
    summary_sheet,
    run_sheet,
)
# Header rows repeated on every printed page; the Timeline prints its days, not the
# payback marks beside its chart.
TITLE_ROWS = {"Results": "1:1", "Timeline": "1:1", "Summary": f"{SUMMARY_HEAD}:{SUMMARY_HEAD}"}
# Sheets that show the re-run message at the top while inputs were edited: the cell.
STALE_BANNERS = {"Simulation": "D1", "Sensitivity": "D1"}


def build_report(wb: Workbook, result: RunResult) -> dict[str, dict[str, Cached]]:
    """Add the output sheets to the open workbook ``wb``; the values their formulas cache."""
    ctx = ReportContext(wb, result)
    for title in REPORT_SHEETS:  # in the order an analyst reads them
        wb.create_sheet(title)
    for write in SHEET_WRITERS:
        write(ctx)
    if result.simulation is not None:
        add_simulation_sheets(wb, result)
        add_sensitivity_views(wb, result)
    if result.scenarios:
        scenarios_sheet(ctx)
    if result.break_even_map is not None:
        breakeven_map_sheet(ctx)
    for title, ref in STALE_BANNERS.items():
        if title in wb.sheetnames:
            stale_banner(ctx, title, ref)
    for name, ref in ctx.cells.names:
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    keep_text_as_text(wb, ctx.cells.cached)
    finish_for_print(ctx)
    return ctx.cells.cached


def finish_for_print(ctx: ReportContext) -> None:
    """Fonts, number formats, widths and page setup of every output sheet."""
    scenario, sha = ctx.book.scenario.scenario_name, ctx.book.sha256
    for title in OUTPUT_SHEETS:
        if title not in ctx.wb.sheetnames:
            continue
        ws = ctx.wb[title]
        if title != "Timeline":  # its cells are formatted as written (and are many)
            finish_cells(ws, ctx.cells.cached.get(title, {}))
        last = ctx.refs.date_column if title == "Timeline" else None
        print_ready(ws, scenario=scenario, sha256=sha, title_rows=TITLE_ROWS.get(title),
                    last_column=last)


def keep_text_as_text(wb: Workbook, ours: dict[str, dict[str, Cached]]) -> None:
    """Names and notes from the analyst's file that start with "=" stay text.

    openpyxl takes any string starting with "=" for a formula; in an output
    sheet only the formulas we built are formulas, so an option called
    "=WEBSERVICE(...)" cannot run in the analyst's Excel.
    """
    for title in OUTPUT_SHEETS:
        if title not in wb.sheetnames:
            continue
        formulas = ours.get(title, {})
        # The cells that exist, not iter_rows(): that creates every cell of the sheet's
        # rectangle (and writes an empty <row> for each row of blanks).
        for cell in wb[title]._cells.values():
            if cell.data_type == "f" and cell.coordinate not in formulas:
                cell.data_type = "s"


def write_report(result: RunResult, target: Path, *, in_place: bool = False) -> None:
    """Write the analyst's workbook plus the result sheets to ``target``.

    A normal run never touches the input file. ``in_place=True`` writes into
    the input file itself (through a symbolic link, into the file it points to,
    keeping its mode), and refuses (ReportError, the file untouched) when that
    could lose anything. Either way the file appears whole or not at all, and
    the report is built from the bytes the reader read.
    """
    source, target = Path(result.book.path), Path(target)
    if not in_place and target.exists() and target.resolve() == source.resolve():
        raise ReportError(f"{target}: is the input workbook; use in_place to write into it")
    if in_place and target.resolve() != source.resolve():
        raise ReportError(f"in-place writing goes into the input file {source}, not {target}")
    original = read_source(source, result.book.sha256)
    if in_place:
        check_in_place(source)
    wb, load_warnings = load(original)
    refuse_clashing_sheets(wb, source)
    remove_outputs(wb)
    cached = build_report(wb, result)
    # Excel and LibreOffice recompute every formula on open; the cached values are for
    # readers that never calculate.
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    # The analyst's own formulas keep the values their file had (openpyxl drops them).
    kept = {sheet: cells for sheet, cells in formula_values(original).items()
            if sheet not in OUTPUT_SHEETS and sheet in wb.sheetnames}
    with atomic_write(source.resolve() if in_place else target) as temp:
        save_uncompressed(wb, temp)
        add_cached_values(temp, cached, kept)
        if in_place:  # raising here removes the copy: the analyst's file stays as it was
            check_saved_copy(source, original, temp, load_warnings)
