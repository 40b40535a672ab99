"""The portfolio: one row per workbook in ``portfolio.xlsx`` (an Excel table named
Portfolio), ``portfolio.json`` and a one-page ``portfolio.pdf`` ranking by savings.

Links in the workbook are relative, so OUTDIR can be moved or shared as a whole.
Every file is written atomically: a reader sees the old portfolio or the new one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ftreport.batch.results import BatchResult, WorkbookOutcome
from ftreport.fileio import atomic_write
from ftreport.model.format import MISSING, Formatter, calendar_date

TABLE = "Portfolio"
FILES = {"workbook": "portfolio.xlsx", "json": "portfolio.json", "pdf": "portfolio.pdf"}
PDF_TEMPLATE = "portfolio.html.j2"
# A4 landscape holds this many rows and the not-run list; the rest are counted.
MAX_PDF_ROWS = 25

# (header, outcome attribute, number format, width): the table's columns.
COLUMNS = (
    ("file", "file", None, 34),
    ("scenario", "scenario", None, 28),
    ("status", "status", None, 11),
    ("recommended", "recommended", None, 24),
    ("baseline", "baseline", None, 24),
    ("currency", "currency", None, 9),
    ("savings", "savings", "#,##0.00", 15),
    ("pv_savings", "pv_savings", "#,##0.00", 15),
    ("payback_day", "payback_day", "0", 12),
    ("payback_date", "payback_date", "yyyy-mm-dd", 13),
    ("p_cheapest", "p_cheapest", "0.0%", 11),
    ("warnings", "warnings", "0", 10),
    ("memo", "memo", None, 10),
    ("report", "workbook", None, 10),
    ("problems", "problems", None, 60),
    ("input_sha256", "sha256", None, 20),
    ("tool_version", "tool_version", None, 12),
)


def write_portfolio(result: BatchResult, folder: Path | None = None) -> None:
    """Write the three portfolio files into ``folder`` (default ``result.outdir``);
    record them in ``result.portfolio`` (under ``result.outdir``) and the time."""
    from ftreport.model.inputs import run_time

    folder = folder or Path(result.outdir)
    generated = run_time()
    result.generated_at = generated.isoformat()
    result.portfolio = {kind: str(Path(result.outdir) / name) for kind, name in FILES.items()}
    write_table(result, folder / FILES["workbook"])
    write_pdf(result, folder / FILES["pdf"], calendar_date(generated.date()))
    # Last: --resume trusts the JSON, so it is written only once the rest is there.
    with atomic_write(folder / FILES["json"]) as temp:
        temp.write_text(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n",
                        encoding="utf-8")


def cell_value(outcome: WorkbookOutcome, attribute: str) -> Any:
    if attribute in ("memo", "workbook"):
        return outcome.outputs.get(attribute)
    if attribute == "problems":
        text = "; ".join(str(p) for p in outcome.problems) or outcome.error
        return text or None
    value = getattr(outcome, attribute)
    if attribute == "payback_date" and value:
        return date.fromisoformat(value)
    return value


def write_table(result: BatchResult, target: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    book = Workbook()
    sheet = book.active
    sheet.title = TABLE
    sheet.append([header for header, *_ in COLUMNS])
    link = Font(color="0563C1", underline="single")
    for row, outcome in enumerate(result.outcomes, start=2):
        for column, (header, attribute, number_format, _) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=row, column=column, value=cell_value(outcome, attribute))
            if number_format and cell.value is not None:
                cell.number_format = number_format
            if attribute in ("memo", "workbook") and cell.value:
                # Relative to portfolio.xlsx, so the links survive moving OUTDIR.
                cell.hyperlink, cell.value, cell.font = cell.value, header, link
    for column, (*_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    last = f"{get_column_letter(len(COLUMNS))}{max(2, len(result.outcomes) + 1)}"
    table = Table(displayName=TABLE, ref=f"A1:{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "B2"
    with atomic_write(target) as temp:
        book.save(temp)


@dataclass(frozen=True)
class PdfRow:
    """One ranked scenario as the PDF shows it: every figure already formatted."""

    rank: int
    scenario: str
    file: str
    recommended: str
    savings: str
    pv_savings: str
    payback: str
    p_cheapest: str
    warnings: str
    status: str


def pdf_rows(result: BatchResult) -> tuple[list[PdfRow], list[WorkbookOutcome]]:
    """The completed runs ranked by savings (largest first), and the others."""
    ran = [o for o in result.outcomes if o.completed]
    ran.sort(key=lambda o: (o.savings is None, -(o.savings or 0.0), o.file))
    rows = []
    for rank, o in enumerate(ran, start=1):
        fmt = Formatter(o.currency or "USD")
        payback = MISSING if o.payback_day is None else f"day {o.payback_day:,}"
        if o.recommended == o.baseline:
            payback = "keeps the baseline"
        elif o.payback_day is not None and o.payback_date:
            payback += f", {calendar_date(date.fromisoformat(o.payback_date))}"
        rows.append(PdfRow(rank, o.scenario or o.file, Path(o.file).name,
                           o.recommended or MISSING,
                           fmt.money(o.savings), fmt.money(o.pv_savings), payback,
                           fmt.percent(o.p_cheapest, places=0), Formatter.count(o.warnings),
                           o.status))
    return rows, [o for o in result.outcomes if not o.completed]


def write_pdf(result: BatchResult, target: Path, generated_date: str) -> None:
    from ftreport.report.render import environment, html_to_pdf
    from ftreport.report.templates import template_roots

    rows, not_run = pdf_rows(result)
    roots = template_roots(None)
    html = environment(roots).get_template(PDF_TEMPLATE).render(
        generated_date=generated_date, rows=rows[:MAX_PDF_ROWS], ranked=len(rows),
        more=len(rows) - min(len(rows), MAX_PDF_ROWS),
        not_run=[(o.file, o.status) for o in not_run], total=len(result.outcomes),
        unchanged=result.count("unchanged"),
        currencies=sorted({o.currency for o in result.outcomes if o.currency}))
    pdf = html_to_pdf(html, roots)
    with atomic_write(target) as temp:
        temp.write_bytes(pdf)
