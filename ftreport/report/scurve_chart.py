"""The memo's S-curve: each alternative's cumulative distribution of simulated savings,
overlaid, with P5, P50 and P95 marked (the Simulation sheet draws the same curve as a
native chart, from the same quantiles), and its view for the risk section."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from ftreport.model.format import Formatter
from ftreport.model.results import SimulationResult
from ftreport.report.charts import (
    GRID,
    INK,
    LEFT,
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

MARKED = (0.05, 0.5, 0.95)


def s_curve_chart(curves: list[Series], *, money: Callable[[float], str],
                  title: str) -> Chart:
    """One line per option, savings (x) against the probability of saving at most that
    (y, 0..1), a dot at each of P5, P50 and P95."""
    plot_h = 210
    bottom = TOP + 8 + plot_h
    xs = [x for s in curves for x in s.xs]
    x_ticks = nice_ticks(min(xs), max(xs), 6)
    sx = _Scale(x_ticks[0], x_ticks[-1], LEFT, WIDTH - RIGHT)
    sy = _Scale(0.0, 1.0, bottom, TOP + 8)
    body = []
    for p in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(f'<line x1="{LEFT}" y1="{sy(p):.1f}" x2="{WIDTH - RIGHT}" '
                    f'y2="{sy(p):.1f}" stroke="{GRID}" stroke-width="0.6"/>')
        body.append(_text(LEFT - 6, sy(p) + 3.5, f"{p:.0%}", size=9, anchor="end"))
    for t in x_ticks:
        body.append(_text(sx(t), bottom + 15, money(t), size=9, anchor="middle"))
    if x_ticks[0] < 0 < x_ticks[-1]:  # where the savings change sign
        body.append(f'<line x1="{sx(0.0):.1f}" y1="{TOP + 8}" x2="{sx(0.0):.1f}" '
                    f'y2="{bottom}" stroke="{INK}" stroke-width="1.1"/>')
    for s in curves:
        points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(s.xs, s.ys, strict=True))
        body.append(f'<polyline class="series" points="{points}" fill="none" '
                    f'stroke="{colour(s.index)}" stroke-width="1.8" '
                    f'stroke-dasharray="{dash(s.index)}"/>')
        for x, y in zip(s.xs, s.ys, strict=True):
            if any(abs(y - m) < 1e-12 for m in MARKED):
                body.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" '
                            f'fill="{colour(s.index)}"/>')
    body.append(_text(LEFT + (WIDTH - RIGHT - LEFT) / 2, bottom + 31,
                      "Savings against the baseline over the horizon", size=10,
                      anchor="middle"))
    body.append(_text(18, TOP + 8 + plot_h / 2, "Probability of saving at most this",
                      size=10, anchor="middle", rotate=True))
    legend, legend_h = _legend([(s.name, s.index) for s in curves], bottom + 52)
    body.extend(legend)
    alt = (f"{title}. " + "; ".join(
        f"{s.name}: " + ", ".join(f"P{round(m * 100)} {money(x)}" for x, y in
                                  zip(s.xs, s.ys, strict=True) for m in MARKED
                                  if abs(y - m) < 1e-12) for s in curves) + ".")
    return _svg(bottom + 48 + legend_h, title, body, "s-curve", alt)


@dataclass(frozen=True)
class SCurveView:
    chart: Chart
    alt: str


def s_curve_view(simulation: SimulationResult | None, fmt: Formatter,
                 shown: Collection[str] | None = None) -> SCurveView | None:
    """The S-curve of every alternative the simulation has a curve for, of those in
    ``shown`` when given (None without a simulation, or when no alternative has one)."""
    if simulation is None:
        return None
    probabilities = simulation.s_curve.get("probabilities", [])
    savings = simulation.s_curve.get("savings", {})
    curves = []
    for index, name in enumerate(simulation.option_names):
        values = savings.get(name)
        if not values or any(v is None for v in values) or (shown is not None
                                                            and name not in shown):
            continue
        curves.append(Series(name, [float(v) for v in values], list(probabilities), index))
    if not curves:
        return None
    chart = s_curve_chart(curves, money=fmt.compact_money,
                          title="Cumulative distribution of the simulated savings")
    return SCurveView(chart, chart.alt)
