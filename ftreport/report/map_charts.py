"""The break-even map as an SVG heat map for the memo: one cell per (volume, baseline
price) multiplier pair, blue where the featured option saves money, vermillion where it
costs more (Okabe-Ito, readable by colour-blind readers; the value is printed in each
cell for black-and-white print), and a thick line between cells whose savings differ in
sign: the break-even contour."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from ftreport.report.chart_text import text_width
from ftreport.report.charts import FONT, INK, WIDTH, Chart, _svg, _text

GAIN, LOSS = (0, 114, 178), (213, 94, 0)
MAP_LEFT, MAP_TOP, CELL_H, VALUE_SIZE = 96, 34, 24, 8.0


def _shade(value: float, scales: tuple[float, float]) -> str:
    """White at 0, the full colour at the largest gain (or loss), in between by size."""
    rgb, scale = (GAIN, scales[0]) if value >= 0 else (LOSS, scales[1])
    share = min(abs(value) / scale, 1.0) if scale > 0 else 0.0
    r, g, b = (round(255 + (c - 255) * share) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_map_chart(savings: Sequence[Sequence[float]], row_labels: Sequence[str],
                   column_labels: Sequence[str], *, money: Callable[[float], str],
                   x_label: str, y_label: str, title: str) -> Chart:
    """``savings[i][j]`` in row i (volume) and column j (baseline price)."""
    rows, cols = len(savings), len(savings[0]) if savings else 0
    cell_w = (WIDTH - MAP_LEFT - 12) / max(cols, 1)
    values = [v for row in savings for v in row]
    scales = (max((v for v in values if v >= 0), default=0.0),
              max((-v for v in values if v < 0), default=0.0))
    body = [_text(MAP_LEFT + cell_w * cols / 2, 12, x_label, size=10, anchor="middle")]
    for j, label in enumerate(column_labels):
        body.append(_text(MAP_LEFT + cell_w * (j + 0.5), MAP_TOP - 6, label, size=9,
                          anchor="middle"))
    for i, label in enumerate(row_labels):
        y = MAP_TOP + i * CELL_H
        body.append(_text(MAP_LEFT - 6, y + CELL_H / 2 + 3.5, label, size=9, anchor="end"))
        for j, value in enumerate(savings[i]):
            x = MAP_LEFT + j * cell_w
            body.append(f'<rect class="cell" x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" '
                        f'height="{CELL_H}" fill="{_shade(value, scales)}"/>')
            text = money(value)
            size = VALUE_SIZE if text_width(text, VALUE_SIZE) <= cell_w - 4 else \
                VALUE_SIZE * (cell_w - 4) / text_width(text, VALUE_SIZE)
            scale = scales[0] if value >= 0 else scales[1]
            strong = scale > 0 and abs(value) / scale > 0.6
            body.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + CELL_H / 2 + 3:.1f}" '
                        f'font-size="{size:.2f}" text-anchor="middle" '
                        f'fill="{"#ffffff" if strong else INK}" {FONT}>{escape(text)}</text>')
    body.extend(_contour(savings, cell_w))
    bottom = MAP_TOP + rows * CELL_H
    body.append(_text(16, MAP_TOP + rows * CELL_H / 2, y_label, size=10, anchor="middle",
                      rotate=True))
    changes = sum(1 for segment in body if 'class="contour"' in segment)
    alt = (f"{title}. A {rows} by {cols} grid of savings, volume multipliers "
           f"{row_labels[0]} to {row_labels[-1]} down, baseline price multipliers "
           f"{column_labels[0]} to {column_labels[-1]} across; savings from "
           f"{money(min(values))} to {money(max(values))}"
           + (f"; the break-even contour crosses {changes} cell edges." if changes
              else "; the savings keep one sign everywhere shown."))
    return _svg(bottom + 10, title, body, "break-even-map", alt)


def _contour(savings: Sequence[Sequence[float]], cell_w: float) -> list[str]:
    """A thick line on each cell edge between savings of opposite sign."""
    lines = []

    def edge(x1: float, y1: float, x2: float, y2: float) -> str:
        return (f'<line class="contour" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                f'y2="{y2:.1f}" stroke="{INK}" stroke-width="2.4"/>')
    for i, row in enumerate(savings):
        for j, value in enumerate(row):
            x, y = MAP_LEFT + j * cell_w, MAP_TOP + i * CELL_H
            if j + 1 < len(row) and (value >= 0) != (row[j + 1] >= 0):
                lines.append(edge(x + cell_w, y, x + cell_w, y + CELL_H))
            if i + 1 < len(savings) and (value >= 0) != (savings[i + 1][j] >= 0):
                lines.append(edge(x, y + CELL_H, x + cell_w, y + CELL_H))
    return lines
