"""The memo's joint-sensitivity charts as SVG: the spider (savings as each input moves
through its percentiles, the others at base) and the rank-correlation bars (Spearman's
rho of each input with the savings over the joint sample, with its contribution to
variance). Labels wrap inside their column, measured like the tornado's."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ftreport.report.chart_text import wrap
from ftreport.report.charts import (
    GRID,
    INK,
    LEFT,
    MUTED,
    PALETTE,
    RIGHT,
    TOP,
    WIDTH,
    Chart,
    Series,
    _legend,
    _Scale,
    _svg,
    _text,
    colour,
    dash,
    nice_ticks,
)

BAR_LABEL_WIDTH, BAR_LABEL_SIZE, BAR_LINE = 210, 9.5, 12


def spider_chart(lines: Sequence[Series], base: float, *, money: Callable[[float], str],
                 title: str, x_label: str) -> Chart:
    """One line per input over its percentiles (``xs`` 10..90), the base savings as a
    horizontal rule."""
    plot_h = 200
    bottom = TOP + 8 + plot_h
    ys = [base, *(y for s in lines for y in s.ys)]
    y_ticks = nice_ticks(min(ys), max(ys), 5)
    sx = _Scale(10.0, 90.0, LEFT, WIDTH - RIGHT)
    sy = _Scale(y_ticks[0], y_ticks[-1], bottom, TOP + 8)
    body = []
    for t in y_ticks:
        body.append(f'<line x1="{LEFT}" y1="{sy(t):.1f}" x2="{WIDTH - RIGHT}" '
                    f'y2="{sy(t):.1f}" stroke="{GRID}" stroke-width="0.6"/>')
        body.append(_text(LEFT - 6, sy(t) + 3.5, money(t), size=9, anchor="end"))
    for p in range(10, 100, 10):
        body.append(_text(sx(p), bottom + 15, f"P{p}", size=9, anchor="middle"))
    body.append(f'<line x1="{LEFT}" y1="{sy(base):.1f}" x2="{WIDTH - RIGHT}" '
                f'y2="{sy(base):.1f}" stroke="{INK}" stroke-width="1.1" '
                'stroke-dasharray="5 3"/>')
    for s in lines:
        points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(s.xs, s.ys, strict=True))
        body.append(f'<polyline class="series" points="{points}" fill="none" '
                    f'stroke="{colour(s.index)}" stroke-width="1.8" '
                    f'stroke-dasharray="{dash(s.index)}"/>')
    body.append(_text(LEFT + (WIDTH - RIGHT - LEFT) / 2, bottom + 31, x_label, size=10,
                      anchor="middle"))
    legend, legend_h = _legend([(s.name, s.index) for s in lines], bottom + 52)
    body.extend(legend)
    alt = (f"{title}. Savings as each uncertain input moves from its P10 to its P90, the "
           "others at base: " + "; ".join(f"{s.name} from {money(s.ys[0])} to "
                                          f"{money(s.ys[-1])}" for s in lines)
           + f"; base savings {money(base)}.")
    return _svg(bottom + 48 + legend_h, title, body, "spider", alt)


def rank_correlation_chart(labels: Sequence[str], rhos: Sequence[float],
                           shares: Sequence[str], *, title: str) -> Chart:
    """Horizontal bars of rho in -1..1 around 0, each with its contribution to variance."""
    left = BAR_LABEL_WIDTH + 10
    plot_l, plot_r = left + 10, WIDTH - RIGHT - 70
    sx = _Scale(-1.0, 1.0, plot_l, plot_r)
    wrapped = [wrap(label, BAR_LABEL_WIDTH, BAR_LABEL_SIZE) for label in labels]
    heights = [max(24.0, BAR_LINE * len(w) + 10) for w in wrapped]
    top = TOP + 14
    bottom = top + sum(heights)
    body = [_text(plot_r + 66, TOP + 4, "share of variance", size=8.5, anchor="end",
                  fill=MUTED)]
    for t in (-1.0, -0.5, 0.0, 0.5, 1.0):
        body.append(f'<line x1="{sx(t):.1f}" y1="{top}" x2="{sx(t):.1f}" y2="{bottom}" '
                    f'stroke="{INK if t == 0 else GRID}" stroke-width="{1.1 if t == 0 else 0.6}"/>')
        body.append(_text(sx(t), bottom + 14, f"{t:+.1f}" if t else "0", size=9,
                          anchor="middle"))
    y = float(top)
    for lines, rho, share, row_h in zip(wrapped, rhos, shares, heights, strict=True):
        first = y + row_h / 2 - BAR_LINE * (len(lines) - 1) / 2 + 3.5
        for k, line in enumerate(lines):
            body.append(_text(BAR_LABEL_WIDTH, first + k * BAR_LINE, line, size=BAR_LABEL_SIZE,
                              anchor="end"))
        x0, x1 = sorted((sx(0.0), sx(rho)))
        h = min(row_h - 8, 16.0)
        body.append(f'<rect class="bar" x="{x0:.1f}" y="{y + (row_h - h) / 2:.1f}" '
                    f'width="{max(x1 - x0, 0.8):.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[0] if rho >= 0 else PALETTE[1]}"/>')
        body.append(_text(plot_r + 66, y + row_h / 2 + 3.5, share, size=9, anchor="end"))
        y += row_h
    body.append(_text(plot_l + (plot_r - plot_l) / 2, bottom + 30,
                      "Spearman rank correlation with the savings", size=10, anchor="middle"))
    alt = (f"{title}. " + "; ".join(f"{label}: rho {rho:+.2f}, {share} of the variance"
                                    for label, rho, share in zip(labels, rhos, shares,
                                                                 strict=True)) + ".")
    return _svg(bottom + 38, title, body, "rank-correlation", alt)
