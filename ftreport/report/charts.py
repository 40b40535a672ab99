"""The memo's charts as plain SVG, drawn here so the PDF stays vector and needs no
plotting library.

Every function takes numbers already computed by the engine and labels already
formatted, and returns one ``<svg>`` element. Every piece of text is XML-escaped
here, because option names come from the analyst's workbook. Colours are the
Okabe-Ito palette (safe for colour-blind readers) and lines also differ by dash
pattern, so the charts still read in black-and-white print.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from ftreport.report.chart_text import text_width, wrap

# Okabe & Ito (2008), "Color Universal Design", in an order that keeps the
# first few series far apart.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000",
           "#F0E442")
DASHES = ("", "7 3", "2 2.5", "9 3 2 3", "4 4", "1 3", "12 4", "5 2 1 2")
INK, GRID, MUTED = "#222222", "#d9d9d9", "#555555"
FONT = "font-family=\"DejaVu Sans, sans-serif\""

WIDTH = 680
LEFT, RIGHT, TOP = 78, 16, 14
# The tornado's label column and text sizes (labels wrap inside the column).
TORNADO_LABEL_WIDTH, TORNADO_LABEL_SIZE, TORNADO_LINE, TORNADO_NOTE_SIZE = 190, 9.5, 12, 7.5


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def dash(index: int) -> str:
    return DASHES[index % len(DASHES)]


@dataclass(frozen=True)
class Series:
    name: str
    xs: Sequence[float]
    ys: Sequence[float]
    index: int  # position in the options table: picks colour and dash
    emphasis: bool = False


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str
    index: int


@dataclass(frozen=True)
class Bar:
    label: str
    low: float  # outcome at the input's low value
    high: float  # outcome at the input's high value
    low_note: str
    high_note: str


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``lo..hi`` (1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    value = start
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


class _Scale:
    def __init__(self, lo: float, hi: float, start: float, end: float) -> None:
        self.lo, self.hi, self.start, self.end = lo, hi, start, end

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.start + (value - self.lo) / span * (self.end - self.start)


def _text(x: float, y: float, text: str, *, size: float = 10, anchor: str = "start",
          fill: str = INK, weight: str = "normal", rotate: bool = False) -> str:
    transform = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}" {FONT}{transform}>{escape(text)}</text>')


class Chart(str):
    """A chart's SVG (a str, as the templates take it) with ``alt``: what it shows in
    words, for the memo's alt text."""

    alt: str

    def __new__(cls, svg: str, alt: str) -> Chart:
        chart = super().__new__(cls, svg)
        chart.alt = alt
        return chart


def _svg(height: float, title: str, body: list[str], css_class: str, alt: str) -> Chart:
    return Chart(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
                 f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
                 f'role="img"><title>{escape(title)}</title>' + "".join(body) + "</svg>", alt)


def _legend(items: list[tuple[str, int]], top: float) -> tuple[list[str], float]:
    """Swatches in two columns below the plot, each name wrapped (never cut) to its
    column; returns the elements and their height."""
    out = []
    column = (WIDTH - LEFT - RIGHT) / 2
    y = top
    for row_start in range(0, len(items), 2):
        row = items[row_start:row_start + 2]
        wrapped = [wrap(name, column - 40, 10) for name, _ in row]
        for k, ((_, index), lines) in enumerate(zip(row, wrapped, strict=True)):
            x = LEFT + k * column
            out.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 26:.1f}" '
                       f'y2="{y - 4:.1f}" stroke="{colour(index)}" stroke-width="2.5" '
                       f'stroke-dasharray="{dash(index)}"/>')
            out.extend(_text(x + 32, y + 12 * j, line) for j, line in enumerate(lines))
        y += 16 + 12 * (max(len(lines) for lines in wrapped) - 1)
    return out, y - top


def cumulative_cost_chart(series: Sequence[Series], markers: Sequence[Marker], *,
                          x_label: str, y_label: str, money: Callable[[float], str],
                          title: str) -> Chart:
    """Cumulative cost of each option by day, with break-even points marked."""
    plot_h = 215
    bottom = TOP + plot_h
    x_max = max((max(s.xs) for s in series if len(s.xs)), default=1.0) or 1.0
    y_all = [y for s in series for y in s.ys]
    y_ticks = nice_ticks(min(0.0, *y_all), max(y_all) if y_all else 1.0)
    x_ticks = [t for t in nice_ticks(0.0, x_max, 7) if t <= x_max]
    sx = _Scale(0.0, x_max, LEFT, WIDTH - RIGHT)
    sy = _Scale(y_ticks[0], y_ticks[-1], bottom, TOP)
    body = []
    for t in y_ticks:
        body.append(f'<line x1="{LEFT}" y1="{sy(t):.1f}" x2="{WIDTH - RIGHT}" '
                    f'y2="{sy(t):.1f}" stroke="{GRID}" stroke-width="0.6"/>')
        body.append(_text(LEFT - 6, sy(t) + 3.5, money(t), size=9, anchor="end"))
    for t in x_ticks:
        body.append(f'<line x1="{sx(t):.1f}" y1="{bottom}" x2="{sx(t):.1f}" '
                    f'y2="{bottom + 4}" stroke="{INK}" stroke-width="0.8"/>')
        body.append(_text(sx(t), bottom + 15, f"{t:,.0f}", size=9, anchor="middle"))
    body.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" '
                f'stroke="{INK}" stroke-width="0.8"/>')
    # Draw the emphasised (recommended) series last so it sits on top.
    for s in sorted(series, key=lambda s: s.emphasis):
        points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(s.xs, s.ys, strict=True))
        body.append(f'<polyline class="series" points="{points}" fill="none" '
                    f'stroke="{colour(s.index)}" stroke-width="{2.6 if s.emphasis else 1.6}" '
                    f'stroke-dasharray="{dash(s.index)}" stroke-linejoin="round"/>')
    for k, m in enumerate(markers):
        x, y = sx(m.x), sy(m.y)
        body.append(f'<line class="break-even" x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" '
                    f'y2="{y:.1f}" stroke="{INK}" stroke-width="0.9" '
                    f'stroke-dasharray="3 2"/>')
        body.append(f'<circle class="break-even" cx="{x:.1f}" cy="{y:.1f}" r="4.5" '
                    f'fill="{colour(m.index)}" stroke="{INK}" stroke-width="1"/>')
        # Labels sit in a stack at the top of the plot, each on a white plate with a
        # leader line to its point, so they never sit on a curve or on each other.
        label_y = TOP + 12 + 15 * k
        right_side = x < WIDTH * 0.62
        plate_w = 0.62 * 9.5 * len(m.label) + 6
        plate_x = x + 2 if right_side else x - 2 - plate_w
        body.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x:.1f}" y2="{label_y - 8:.1f}" '
                    f'stroke="{INK}" stroke-width="0.6"/>')
        body.append(f'<rect x="{plate_x:.1f}" y="{label_y - 10:.1f}" width="{plate_w:.1f}" '
                    f'height="13" fill="#ffffff" stroke="{colour(m.index)}" '
                    f'stroke-width="0.8"/>')
        body.append(_text(plate_x + 3, label_y, m.label, size=9.5, weight="bold"))
    body.append(_text(LEFT + (WIDTH - RIGHT - LEFT) / 2, bottom + 31, x_label, size=10,
                      anchor="middle"))
    body.append(_text(14, TOP + plot_h / 2, y_label, size=10, anchor="middle", rotate=True))
    legend, legend_h = _legend([(s.name, s.index) for s in series], bottom + 52)
    body.extend(legend)
    alt = (f"{title}. Lines of cumulative cost by day for {', '.join(s.name for s in series)}"
           f" over {x_max:,.0f} days"
           + (": " + "; ".join(m.label for m in markers) if markers else "") + ".")
    return _svg(bottom + 48 + legend_h, title, body, "cumulative-cost", alt)


def is_saving_bin(low: float, high: float) -> bool:
    """Whether a histogram bin is drawn as savings (blue) rather than losses (vermillion):
    by the sign of its middle."""
    return (low + high) / 2 >= 0


def histogram_chart(edges: Sequence[float], counts: Sequence[float],
                    lines: Sequence[tuple[float, str]], *, x_label: str,
                    money: Callable[[float], str], title: str) -> Chart:
    """Distribution of simulated savings from the simulation's bins: gains in blue,
    losses in vermillion, with percentile lines."""
    plot_h = 190
    bottom = TOP + 16 + plot_h
    total = sum(counts) or 1.0
    shares = [c / total * 100 for c in counts]
    lo, hi = (edges[0], edges[-1]) if len(edges) > 1 else (0.0, 1.0)
    x_ticks = nice_ticks(min(lo, *(v for v, _ in lines)), max(hi, *(v for v, _ in lines)), 6)
    sx = _Scale(x_ticks[0], x_ticks[-1], LEFT, WIDTH - RIGHT)
    y_ticks = nice_ticks(0, max(shares, default=1.0) or 1.0, 4)
    sy = _Scale(0, y_ticks[-1], bottom, TOP + 16)
    body = []
    for t in y_ticks:
        body.append(f'<line x1="{LEFT}" y1="{sy(t):.1f}" x2="{WIDTH - RIGHT}" '
                    f'y2="{sy(t):.1f}" stroke="{GRID}" stroke-width="0.6"/>')
        body.append(_text(LEFT - 6, sy(t) + 3.5, f"{t:g}%", size=9, anchor="end"))
    for x0, x1, share in zip(edges, edges[1:], shares, strict=False):
        if not share:
            continue
        fill = PALETTE[0] if is_saving_bin(x0, x1) else PALETTE[1]
        left, right = sx(x0), sx(x1)
        body.append(f'<rect class="bin" x="{left:.2f}" y="{sy(share):.2f}" '
                    f'width="{max(right - left - 0.8, 0.6):.2f}" '
                    f'height="{bottom - sy(share):.2f}" fill="{fill}"/>')
    if x_ticks[0] < 0 < x_ticks[-1]:
        body.append(f'<line x1="{sx(0):.1f}" y1="{TOP + 10}" x2="{sx(0):.1f}" y2="{bottom}" '
                    f'stroke="{INK}" stroke-width="1.2"/>')
    for t in x_ticks:
        body.append(_text(sx(t), bottom + 15, money(t), size=9, anchor="middle"))
    body.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" '
                f'stroke="{INK}" stroke-width="0.8"/>')
    for k, (value, label) in enumerate(lines):
        if not math.isfinite(value):
            continue
        x = min(max(sx(value), LEFT), WIDTH - RIGHT)
        body.append(f'<line class="percentile" x1="{x:.1f}" y1="{TOP + 4 + 11 * (k % 2)}" '
                    f'x2="{x:.1f}" y2="{bottom}" stroke="{INK}" stroke-width="1" '
                    f'stroke-dasharray="4 2"/>')
        body.append(_text(x, TOP + 1 + 11 * (k % 2), label, size=8.5, anchor="middle",
                          weight="bold"))
    body.append(_text(LEFT + (WIDTH - RIGHT - LEFT) / 2, bottom + 31, x_label, size=10,
                      anchor="middle"))
    body.append(_text(14, TOP + 16 + plot_h / 2, "Share of samples", size=10,
                      anchor="middle", rotate=True))
    alt = (f"{title}. Histogram of the simulated savings from {money(lo)} to {money(hi)}"
           + "".join(f"; {label} at {money(value)}" for value, label in lines
                     if math.isfinite(value)) + ".")
    return _svg(bottom + 40, title, body, "savings-histogram", alt)


def tornado_chart(bars: Sequence[Bar], base: float, *, x_label: str,
                  money: Callable[[float], str], title: str, note: str = "") -> Chart:
    """One bar per input from the outcome at its low value to that at its high value,
    largest swing first, around the central outcome. Labels wrap onto as many lines as
    they need inside the label column (never cut), each row as tall as its label; the
    plot leaves room on both sides for the widest value note; ``note`` (left-out
    inputs, say) is wrapped below the axis title."""
    left = TORNADO_LABEL_WIDTH + 10
    top = TOP + 12
    lines = [wrap(b.label, TORNADO_LABEL_WIDTH, TORNADO_LABEL_SIZE) for b in bars]
    heights = [max(26.0, TORNADO_LINE * len(ls) + 10) for ls in lines]
    bottom = top + sum(heights)
    margin = max((text_width(n, TORNADO_NOTE_SIZE) for b in bars
                  for n in (b.low_note, b.high_note)), default=0.0) + 6
    values = [base, *(v for b in bars for v in (b.low, b.high))]
    ticks = nice_ticks(min(values), max(values), 5)
    sx = _Scale(ticks[0], ticks[-1], left + margin, WIDTH - RIGHT - margin)
    body = [f'<rect x="{left}" y="{TOP - 6}" width="9" height="9" fill="{PALETTE[5]}"/>',
            _text(left + 13, TOP + 2, "input at its low value (P10)", size=8.5),
            f'<rect x="{WIDTH - RIGHT - 9}" y="{TOP - 6}" width="9" height="9" '
            f'fill="{PALETTE[3]}"/>',
            _text(WIDTH - RIGHT - 13, TOP + 2, "input at its high value (P90)", size=8.5,
                  anchor="end")]
    for t in ticks:
        body.append(f'<line x1="{sx(t):.1f}" y1="{top}" x2="{sx(t):.1f}" y2="{bottom}" '
                    f'stroke="{GRID}" stroke-width="0.6"/>')
        body.append(_text(sx(t), bottom + 14, money(t), size=9, anchor="middle"))
    y = float(top)
    for bar, label_lines, row_h in zip(bars, lines, heights, strict=True):
        first = y + row_h / 2 - TORNADO_LINE * (len(label_lines) - 1) / 2 + 3.5
        for k, line in enumerate(label_lines):
            body.append(_text(TORNADO_LABEL_WIDTH, first + k * TORNADO_LINE, line,
                              size=TORNADO_LABEL_SIZE, anchor="end"))
        h = min(row_h - 8, 18.0)
        bar_y = y + (row_h - h) / 2
        for value, fill, value_note in ((bar.low, PALETTE[5], bar.low_note),
                                        (bar.high, PALETTE[3], bar.high_note)):
            x0, x1 = sorted((sx(base), sx(value)))
            body.append(f'<rect class="bar" x="{x0:.1f}" y="{bar_y:.1f}" '
                        f'width="{max(x1 - x0, 0.8):.1f}" height="{h:.1f}" fill="{fill}" '
                        f'stroke="{INK}" stroke-width="0.4"/>')
            outward = value >= base
            body.append(_text(x1 + 3 if outward else x0 - 3, bar_y + h / 2 + 3, value_note,
                              size=TORNADO_NOTE_SIZE, anchor="start" if outward else "end",
                              fill=MUTED))
        y += row_h
    body.append(f'<line x1="{sx(base):.1f}" y1="{top - 4}" x2="{sx(base):.1f}" '
                f'y2="{bottom + 2}" stroke="{INK}" stroke-width="1.2"/>')
    body.append(_text(left + (WIDTH - RIGHT - left) / 2, bottom + 30, x_label, size=10,
                      anchor="middle"))
    note_lines = wrap(note, WIDTH - LEFT - RIGHT, 8.5) if note else []
    for k, line in enumerate(note_lines):
        body.append(_text(LEFT, bottom + 46 + 11 * k, line, size=8.5, fill=MUTED))
    alt = (f"{title}. Horizontal bars, one per uncertain input, largest swing first: "
           + "; ".join(f"{b.label} from {money(b.low)} at {b.low_note} to {money(b.high)} "
                       f"at {b.high_note}" for b in bars)
           + f"; central value {money(base)}." + (f" {note}" if note else ""))
    return _svg(bottom + 38 + 11 * len(note_lines) + (6 if note_lines else 0), title, body,
                "tornado", alt)
