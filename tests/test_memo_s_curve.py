"""The memo's S-curve: one curve per alternative from the simulation's quantiles, with
P5, P50 and P95 marked and said in the alt text; none without a simulation."""

from __future__ import annotations

import re
from itertools import pairwise

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import simulate
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report.scurve_chart import s_curve_view
from tests.support.scenarios import support_book


def test_the_s_curve_draws_each_alternative_with_its_marked_percentiles() -> None:
    book = support_book(mc_iterations=5_000)
    result = RunResult(analyse(book))
    sim = simulate(book, result.analysis)
    view = s_curve_view(sim, Formatter("USD"))
    assert view is not None
    curve = sim.s_curve
    baseline = sim.option_names[result.analysis.baseline]
    drawn = [n for n in sim.option_names if n != baseline]
    # One polyline per alternative, none for the baseline (it saves nothing against itself).
    assert view.chart.count('class="series"') == len(drawn)
    assert view.chart.count("<circle") == 3 * len(drawn)
    fmt = Formatter("USD")
    for name in drawn:
        values = dict(zip(curve["probabilities"], curve["savings"][name], strict=True))
        said = ", ".join(f"P{p} {fmt.compact_money(values[p / 100])}" for p in (5, 50, 95))
        assert f"{name}: {said}" in view.alt
    # The curve rises: savings are non-decreasing in the probability.
    for name in drawn:
        ys = curve["savings"][name]
        assert all(a <= b for a, b in pairwise(ys))
    assert baseline not in re.findall(r"; ([^:;]+):", "; " + view.alt.split(". ", 1)[1])


def test_no_s_curve_without_a_simulation() -> None:
    assert s_curve_view(None, Formatter("USD")) is None
