"""How every sheet prints (docs/results-sheets.md, "Printing"): the orientation, scale
and blocks of whole columns that print a sheet legibly on the fewest pages, and the
page setup that applies them (output sheets: ``print_ready``; the template's sheets:
ftreport.workbook._template_print)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_WIDTH = 13.0  # characters: a column with no width of its own
CM_PER_CHARACTER = 0.19  # about 7 pixels a character at 96 dpi
POINTS_PER_CM = 28.35
ROW_POINTS = 15.0  # a row as a chart's anchor counts it
PRINTED_ROW_POINTS = 14.2  # a row of 11-point text as LibreOffice prints it (measured)
A4_CM = (21.0, 29.7)
SIDE_MARGIN = 0.5  # inches, left and right
SIDE_MARGINS_CM = 2 * SIDE_MARGIN * 2.54
END_MARGINS_CM = 2 * 0.9 * 2.54  # top and bottom: room for the header and footer
# LibreOffice prints a column of width 1 about 0.247 cm wide (measured; Excel prints
# narrower), at 100 %.
PRINTED_CM_PER_CHARACTER = 0.25
ROOM = (0.97, 0.95)  # of a page across and down: row heights are estimates
MIN_SCALE = 52  # percent: smaller print is hard to read (11-point text prints at 5.7)


# A printed block of a sheet: its first and last column, first and last row.
Block = tuple[int, int, int, int]


@dataclass(frozen=True)
class PagePlan:
    """How a sheet prints: orientation, scale (percent), its blocks, each one page wide
    (one block unless the sheet is too wide to read on one page), and the pages."""

    orientation: str
    scale: int
    blocks: tuple[Block, ...]
    pages: int
    # Rows after which a page breaks so that a chart starts a page rather than straddle
    # one (block-printed sheets; LibreOffice and Excel cut a chart at a page break).
    breaks: tuple[int, ...] = ()


def print_area(ws: Worksheet, last_column: int | None = None) -> tuple[int, int]:
    """The last column and row to print: the cells and the charts on the sheet."""
    columns = last_column or ws.max_column
    rows = ws.max_row
    if last_column is None:
        for _, last, _, bottom in chart_spans(ws):
            columns, rows = max(columns, last), max(rows, bottom)
    return columns, rows


def chart_spans(ws: Worksheet) -> list[Block]:
    """Each chart's first and last column and row (its anchor and size)."""
    spans = []
    for chart in ws._charts:
        marker = chart.anchor._from if hasattr(chart.anchor, "_from") else None
        col, row = ((marker.col + 1, marker.row + 1) if marker is not None
                    else coordinate_to_tuple(chart.anchor)[::-1])
        span, width_cm = col, chart.width
        while width_cm > 0:
            width_cm -= column_width(ws, span) * CM_PER_CHARACTER
            span += 1
        bottom = row + math.ceil(chart.height * POINTS_PER_CM / ROW_POINTS)
        spans.append((col, span, row, bottom))
    return spans


def plan_pages(ws: Worksheet, columns: int, rows: int, *, split: bool = False) -> PagePlan:
    """The orientation and scale that print ``columns`` x ``rows`` on the fewest legible
    pages (then the largest scale, then portrait); a sheet too wide to be legible either
    way takes the larger scale. ``split``: a sheet too wide for one page at MIN_SCALE
    prints in blocks of whole columns (a chart within one block; each block from its
    first to its last filled row), else it is fitted one page wide."""
    sheet = _Extent(ws, columns, rows)
    plans = [_plan(sheet, orientation, split) for orientation in ("portrait", "landscape")]
    return min(plans, key=lambda p: (-min(p.scale, MIN_SCALE), p.pages, -p.scale,
                                      p.orientation != "portrait"))


class _Extent:
    """What a plan needs of a sheet: column widths (cm), row heights (points), the
    charts, and the first and last filled row of each column."""

    def __init__(self, ws: Worksheet, columns: int, rows: int) -> None:
        self.widths = [column_width(ws, c) * PRINTED_CM_PER_CHARACTER
                       for c in range(1, columns + 1)]
        self.heights = [_height(ws, r) for r in range(1, rows + 1)]
        spans = chart_spans(ws)
        self.charts = [c for c in spans if c[0] <= columns]
        # Each chart's first row and its height in points at 100 %.
        self.chart_tops = [(row, chart.height * POINTS_PER_CM) for (col, _, row, _), chart
                           in zip(spans, ws._charts, strict=True) if col <= columns]
        self.filled: dict[int, tuple[int, int]] = {}
        for (row, col), cell in ws._cells.items():
            if cell.value not in (None, "") and col <= columns and row <= rows:
                low, high = self.filled.get(col, (row, row))
                self.filled[col] = (min(low, row), max(high, row))

    def block(self, first: int, last: int) -> Block | None:
        """The rows to print of columns ``first``..``last`` (all, for the first block)."""
        if first == 1:
            return (first, last, 1, len(self.heights))
        spans = [self.filled[c] for c in range(first, last + 1) if c in self.filled]
        spans += [(top, bottom) for a, _, top, bottom in self.charts if first <= a <= last]
        if not spans:
            return None
        return (first, last, min(s[0] for s in spans), max(s[1] for s in spans))


def _plan(sheet: _Extent, orientation: str, split: bool) -> PagePlan:
    across, down = _printable(orientation)
    widths = sheet.widths
    fit = min(100, int(100 * across / sum(widths)))
    columns: tuple[tuple[int, int], ...] = ((1, len(widths)),)
    if split and fit < MIN_SCALE:
        charts = [(a, min(b, len(widths))) for a, b, _, _ in sheet.charts]
        fewest = len(_blocks(widths, across * 100 / MIN_SCALE, charts))
        fit = next(s for s in range(100, 0, -1)
                   if len(_blocks(widths, across * 100 / s, charts)) <= fewest)
        columns = _blocks(widths, across * 100 / fit, charts)
        # A block holding a chart wider than the limit sets the scale.
        widest = max(sum(widths[a - 1:b]) + (widths[0] if a > 1 else 0.0) for a, b in columns)
        fit = min(fit, int(100 * across / widest))
    blocks = tuple(b for b in (sheet.block(*c) for c in columns) if b is not None)

    def pages(scale: int) -> int:
        return sum(max(1, math.ceil(sum(sheet.heights[top - 1:bottom]) * scale / 100
                                    / (down * POINTS_PER_CM)))
                   for _, _, top, bottom in blocks)
    # A long sheet may print smaller than its width allows, down to MIN_SCALE, when that
    # saves pages; then as large as that many pages allow.
    fewest_pages = pages(min(fit, MIN_SCALE))
    scale = next(s for s in range(fit, 0, -1) if pages(s) <= fewest_pages)
    if len(blocks) == 1:  # fitted: the application scales it, so its breaks are its own
        return PagePlan(orientation, scale, blocks, pages(scale))
    breaks, charts_moved = _bands(sheet, scale, down)
    if not charts_moved:  # no chart would straddle a page: the application's own breaks
        return PagePlan(orientation, scale, blocks, pages(scale))
    return PagePlan(orientation, scale, blocks, sum(
        1 + sum(top <= row < bottom for row in breaks) for _, _, top, bottom in blocks),
        breaks)


# Of a page, the part a chart may not reach past without starting a page of its own: the
# row heights are estimates, so a chart ending this close to the foot may still be cut.
CHART_ROOM = 0.92


def _bands(sheet: _Extent, scale: int, down: float) -> tuple[tuple[int, ...], bool]:
    """Rows after which every page of the sheet breaks, the same rows for every block (a
    row is as high in every block), so that a chart that would run over the foot of its
    page starts the next one (one taller than a page is left where it is); and whether
    any chart needed that. The pages are filled to ``down`` less the room kept, so the
    application adds no breaks of its own between these."""
    cm_per_point = scale / 100 / POINTS_PER_CM
    charts: dict[int, float] = {}
    for row, height in sheet.chart_tops:
        charts[row] = max(charts.get(row, 0.0), height * cm_per_point)
    breaks, moved, used = [], False, 0.0
    for row, height in enumerate(sheet.heights, start=1):
        height *= cm_per_point
        chart = charts.get(row, 0.0)
        if used > 0 and used + height > down:
            breaks.append(row - 1)
            used = 0.0
        elif chart and used > 0 and chart <= down * CHART_ROOM < used + chart:
            breaks.append(row - 1)
            moved, used = True, 0.0
        used += height
    return tuple(breaks), moved


def _printable(orientation: str) -> tuple[float, float]:
    """Centimetres across and down a page's printable part (A4), less the room kept."""
    short, long = A4_CM
    across, down = (short, long) if orientation == "portrait" else (long, short)
    return (across - SIDE_MARGINS_CM) * ROOM[0], (down - END_MARGINS_CM) * ROOM[1]


def _blocks(widths: list[float], limit: float,
            charts: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Whole columns, left to right, in blocks at most ``limit`` wide after the first
    column, which every block repeats (the row's name); a block never breaks inside a
    chart's columns (a chart wider than ``limit`` keeps its block wide)."""
    blocks, first, used, col = [], 1, 0.0, 1
    while col <= len(widths):
        if used + widths[col - 1] > limit and col > first:
            inside = [a for a, b in charts if a < col <= b]
            start = min(inside, default=col)
            if start > first:
                blocks.append((first, start - 1))
                first, used, col = start, widths[0], start
                continue
        used += widths[col - 1]
        col += 1
    blocks.append((first, len(widths)))
    return tuple(blocks)


def column_width(ws: Worksheet, col: int) -> float:
    """Characters: the column's width, or the default."""
    dimension = ws.column_dimensions.get(get_column_letter(col))
    return float(dimension.width) if dimension is not None and dimension.width else \
        DEFAULT_WIDTH


def text_lines(ws: Worksheet, row: int) -> int:
    """The lines the row's wrapped text takes (a tenth more than its characters fill:
    words do not break)."""
    lines = 1
    for col in range(1, ws.max_column + 1):
        cell = ws._cells.get((row, col))
        if cell is not None and cell.alignment.wrap_text and cell.data_type == "s":
            lines = max(lines, math.ceil(1.1 * len(str(cell.value)) / column_width(ws, col)))
    return lines


def _height(ws: Worksheet, row: int) -> float:
    """Points: the row's own height, else its lines of text."""
    dimension = ws.row_dimensions.get(row)
    if dimension is not None and dimension.height:
        return float(dimension.height)
    return text_lines(ws, row) * PRINTED_ROW_POINTS


def page_setup(ws: Worksheet, plan: PagePlan, *, header: str, footer: str,
               title_rows: str | None = None) -> None:
    """Apply ``plan`` to ``ws``: print area (one range per column block), orientation,
    A4, scale or fit to one page wide, repeated header rows, header and footer (header
    and footer are Excel's header codes: "&" must be doubled in plain text)."""
    ranges = [f"{get_column_letter(a)}{top}:{get_column_letter(b)}{bottom}"
              for a, b, top, bottom in plan.blocks]
    ws.print_area = ranges if len(ranges) > 1 else ranges[0]
    ws.page_setup.orientation = plan.orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if len(plan.blocks) > 1:  # blocks side by side: a fixed scale, the names repeated
        ws.page_setup.scale = plan.scale
        ws.print_title_cols = "A:A"
    else:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = plan.pages
    if title_rows:
        ws.print_title_rows = title_rows
    for row in plan.breaks:
        ws.row_breaks.append(Break(id=row))
    ws.print_options.gridLines = False
    # Inches: room for the header and footer above and below the cells.
    ws.page_margins.top = ws.page_margins.bottom = 0.9
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.header = ws.page_margins.footer = 0.35
    ws.oddHeader.left.text = header
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.left.text = footer
    ws.oddFooter.right.text = "page &P of &N"
    for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.left, ws.oddFooter.right):
        part.font, part.size = "Calibri", 9


def print_ready(ws: Worksheet, *, scenario: str, sha256: str, title_rows: str | None = None,
                last_column: int | None = None) -> None:
    """An output sheet's page setup: its cells and charts, legibly (in blocks of whole
    columns when too wide for one page)."""
    columns, rows = print_area(ws, last_column)
    page_setup(ws, plan_pages(ws, columns, rows, split=True),
               header=scenario.replace("&", "&&") or "Untitled scenario",
               footer=f"input SHA-256 {sha256[:12]}", title_rows=title_rows)
