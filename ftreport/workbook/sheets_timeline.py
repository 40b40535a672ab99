"""The `Timeline` sheet: every option's cumulative cost on each day, and its chart."""

from __future__ import annotations

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.worksheet.worksheet import Worksheet

from ftreport.workbook import formulas
from ftreport.workbook.cells import FormulaRows, column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.layout import CHART_ROWS, FIRST_COST_COLUMN
from ftreport.workbook.sheets_periods import DATE_FORMAT, excel_date
from ftreport.workbook.styles import fit_names, header_row, note, put, style_header, widths

NOTES = (
    "Day t of the horizon (day 0 = before the first request: up-front cost and the first "
    "training run).",
    "V(d)/N0: requests through day d per request on day 1 = previous row + q^(d-1), with q = "
    "EXP(daily_log_growth).",
    "Cumulative cost of the baseline option (INDEX on baseline_row): the dashed line of the "
    "chart.",
)
COST_NOTE = ("Cumulative cost C(d) = upfront_cost + n(d)·training_cost_per_run + "
             "daily_fixed_cost·d + cost_per_request·requests_per_day·volume_factor, with n(d) = "
             "1 + INT((d-1)/retrain_every_days) training runs (at least 1; 1 when "
             "retrain_every_days is 0).")
MARK_NOTE = ("d+1 when the option is dearer than the baseline on day d (by more than "
             "cost_tolerance of the larger cost) and d <= horizon_days, else 0. The largest "
             "mark is the break-even day; a mark on the last day means no payback.")
MARK_PREFIX = "payback mark: "
DATE_NOTE = ("Calendar date of the day: period_start (start_date, or the day after the run) "
             "+ day - 1; day 0 is the day before day 1.")


def timeline_sheet(ctx: ReportContext) -> None:
    ws = ctx.wb["Timeline"]
    _headers(ctx, ws)
    timeline, refs, money = ctx.timeline, ctx.refs, ctx.formats.money
    cached = ctx.cells.cached.setdefault("Timeline", {})
    date_col = column_letter(refs.date_column)
    baseline = ctx.analysis.baseline
    cells = FormulaRows(ws)
    date_parts = cells.template(formulas.timeline_date(), formulas.ROW)
    first_date = excel_date(ctx.book.start_date) - 1  # day 0: the day before day 1
    baseline_parts = cells.template(formulas.timeline_baseline(refs), formulas.ROW)
    columns = [(FIRST_COST_COLUMN + i, refs.cost_column(i),
                cells.template(formulas.timeline_cost(o), formulas.ROW),
                refs.first_mark_column + i, refs.mark_column(i),
                cells.template(formulas.timeline_mark(o), formulas.ROW))
               for i, o in enumerate(ctx.option_refs)]
    # Python floats once, not a numpy scalar per cell.
    volume, cumulative, marks = (a.tolist() for a in (
        timeline.volume, timeline.cumulative, timeline.marks))
    for d in range(timeline.days.size):
        r = d + 2
        row = str(r)
        ws.cell(r, 1, d).number_format = "0"
        cells.put(r, refs.date_column, row.join(date_parts), DATE_FORMAT)
        cached[f"{date_col}{r}"] = first_date + d
        if d == 0:
            put(ws, r, 2, 0, "#,##0.00")
        else:
            put(ws, r, 2, formulas.timeline_volume(r), "#,##0.00")
            cached[f"B{r}"] = float(volume[d])
        cells.put(r, 3, row.join(baseline_parts), money)
        cached[f"C{r}"] = float(cumulative[d][baseline])
        for i, (cost_no, cost_col, cost, mark_no, mark_col, mark) in enumerate(columns):
            cells.put(r, cost_no, row.join(cost), money)
            cached[cost_col + row] = float(cumulative[d][i])
            cells.put(r, mark_no, row.join(mark), "0")
            cached[mark_col + row] = float(marks[d][i])
    ws.freeze_panes = "B2"
    widths(ws, [8, 14, 30])
    fit_names(ws, FIRST_COST_COLUMN, [o.name for o in ctx.book.options] + ["date"], least=12)
    _chart(ctx, ws)


def _headers(ctx: ReportContext, ws: Worksheet) -> None:
    """Row 1: option names as formulas over Results, so they follow a rename."""
    header_row(ws, 1, ("day", "volume_factor", ""), notes=NOTES)
    date_head = ws.cell(1, ctx.refs.date_column, "date")
    style_header(date_head)
    date_head.comment = note(DATE_NOTE)
    baseline_name = ctx.book.options[ctx.analysis.baseline].name
    ctx.cells.formula(ws, "C1", '"baseline: "&INDEX(res_name,baseline_row)',
                      "baseline: " + baseline_name)
    for i, option in enumerate(ctx.book.options):
        name = ctx.refs.result("name", i)
        cost, mark = f"{ctx.refs.cost_column(i)}1", f"{ctx.refs.mark_column(i)}1"
        ctx.cells.formula(ws, cost, name, option.name)
        ctx.cells.formula(ws, mark, f'"{MARK_PREFIX}"&' + name, MARK_PREFIX + option.name)
        for ref, text in ((cost, COST_NOTE), (mark, MARK_NOTE)):
            style_header(ws[ref])
            ws[ref].comment = note(text)


def _chart(ctx: ReportContext, ws: Worksheet) -> None:
    last = ctx.timeline.days.size + 1
    chart = ScatterChart()
    chart.title = "Cumulative cost by day (dashed: baseline; red: recommended break-even)"
    chart.style = 2
    chart.x_axis.title = "Day"
    chart.y_axis.title = f"Cumulative cost ({ctx.formats.currency_code})"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 12, 24
    days = Reference(ws, min_col=1, min_row=2, max_row=last)

    def line(series: Series, color: str | None, width: int, dash: str | None = None) -> None:
        series.marker.symbol = "none"
        series.smooth = False
        props = series.graphicalProperties.line
        props.width = width
        if color:
            props.solidFill = color
        if dash:
            props.dashStyle = dash
        chart.series.append(series)

    # The baseline is drawn once: as the dashed "baseline" line, not also as an option.
    for i in (i for i in range(ctx.n) if i != ctx.analysis.baseline):
        values = Reference(ws, min_col=FIRST_COST_COLUMN + i, min_row=1, max_row=last)
        line(Series(values, days, title_from_data=True), None, 22000)
    baseline = Reference(ws, min_col=3, min_row=1, max_row=last)
    line(Series(baseline, days, title_from_data=True), "000000", 38000, "dash")
    workings = ctx.wb["Workings"]
    top, bottom = CHART_ROWS
    marker = Series(Reference(workings, min_col=3, min_row=top, max_row=bottom),
                    Reference(workings, min_col=2, min_row=top, max_row=bottom),
                    title="Break-even day of the recommended option")
    line(marker, "C00000", 28000, "sysDash")
    ws.add_chart(chart, f"{column_letter(FIRST_COST_COLUMN + ctx.n + 1)}3")
