"""The memo's risk picture: the Monte Carlo's histogram, percentiles and tornado."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from ftreport.engine.statistics import REALISTIC_D_MIN, REALISTIC_T_MAX
from ftreport.engine.tally import SEED_000
from ftreport.model.format import MISSING, Formatter, is_number
from ftreport.model.inputs import Scenario
from ftreport.model.outputs import OUTPUT
from ftreport.model.results import Analysis, SimulatedOption, SimulationResult
from ftreport.report import charts
from ftreport.report.input_values import input_label, input_value
from ftreport.report.views import CorrelationRow, PercentileRow, RiskPicture, SensitivityRow

MAX_TORNADO_BARS = 8
# The percentiles the memo shows of a simulated output (the summary has more).
SHOWN_PERCENTILES = ("p5", "p50", "p95")
# The simulated outputs of the percentile table, by PercentileRow field.
PERCENTILE_COLUMNS = {"total_cost": "total_cost", "savings": "savings_vs_baseline",
                      "break_even_day": "break_even_day"}

Three = tuple[str, str, str]


def simulated_options(simulation: SimulationResult | None) -> dict[str, SimulatedOption]:
    """Each option's simulation summary by option name; empty without a simulation."""
    return {o["name"]: o for o in simulation.summary} if simulation is not None else {}


def risk_picture(analysis: Analysis, simulation: SimulationResult, fmt: Formatter,
                 shown: Collection[int] | None = None) -> RiskPicture:
    """The risk section's view; its percentile table holds the options ``shown`` (the
    side-by-side table's, ftreport.report.ranking; every option unless given)."""
    s = analysis.book.scenario
    names = [o.name for o in analysis.options]
    # The simulation picks the option its histogram and tornado describe.
    focus = names.index(simulation.featured_option)
    savings = simulation.summary[focus]["savings_vs_baseline"]
    base_savings = analysis.results["savings_vs_baseline"][focus]
    sensitivity, tornado = _sensitivity(analysis, simulation, focus, fmt)
    rows = [_percentile_row(i, o, analysis.baseline, fmt)
            for i, o in enumerate(simulation.summary) if shown is None or i in shown]
    # Of the rows the table shows: the ± sentence is said only beside a ±.
    shares_have_se = any(r.p_cheapest_se or r.p_beats_baseline_se for r in rows)
    return RiskPicture(
        iterations=fmt.count(simulation.iterations), seed=str(simulation.seed),
        trimmed=fmt.count(simulation.trimmed),
        trim_range=trim_range(s, fmt),
        focus=names[focus], focus_base=fmt.money(base_savings),
        focus_savings=_three(savings, fmt.money),
        histogram=_histogram(analysis, simulation, focus, savings, fmt),
        colour_key=colour_key(simulation.histogram.get("edges", []),
                              simulation.histogram.get("counts", [])),
        rows=rows, tornado=tornado, sensitivity=sensitivity,
        precision=precision_sentence(simulation, names[focus], fmt, shares_have_se),
        stopping=stopping_sentence(simulation, fmt),
        targets=targets_sentence(analysis, simulation, focus, fmt),
        sampling=f"Sampling method: {simulation.sampling_words}.",
        correlations=correlation_rows(simulation),
        correlations_measured=fmt.count(simulation.correlations[0].measured_iterations)
        if simulation.correlations else "",
        uncertain_rows=len(analysis.book.uncertainty))


def correlation_rows(simulation: SimulationResult) -> list[CorrelationRow]:
    """The Correlations rows the run applied, requested against achieved; empty without
    the table."""
    return [CorrelationRow(input_label(c.input_a, c.option_a), input_label(c.input_b, c.option_b),
                           f"{c.requested:.2f}", f"{c.achieved:.2f}")
            for c in simulation.correlations]


def trim_range(s: Scenario, fmt: Formatter) -> str:
    """Which trim the chart and the trimmed means used, in words (the scenario's
    trim_mode)."""
    inside = f"P{s.trim_low_pct:g} to P{s.trim_high_pct:g}"
    if s.trim_mode != SEED_000:
        return inside
    return (f"seed 000's trim: strictly inside {inside} of the maximum training tokens, then "
            f"of the raw break-even days, then below {fmt.count(REALISTIC_T_MAX)} tokens and "
            f"{fmt.count(REALISTIC_D_MIN)} days")


def se_percent(se: float | None, fmt: Formatter) -> str:
    """A share's standard error: to 0.1% when that shows it, else to 0.01%; empty when
    there is none to show (no estimate, or a share of 0 or 1, whose estimate is 0)."""
    if not is_number(se) or se == 0:
        return ""
    if se >= 0.0005:
        return fmt.percent(se)
    return fmt.percent(se, 2) if se >= 0.00005 else "< 0.01%"


def precision_sentence(simulation: SimulationResult, focus: str, fmt: Formatter,
                       shares_have_se: bool) -> str:
    """The featured option's mean savings with its standard error, what the ± in the
    table means (when the table shows one: a share of 0 or 1 has none), and whether the
    percentiles are exact or carry the sketch's bound."""
    entry = simulation.summary[simulation.option_names.index(focus)]
    stats, se = entry["savings_vs_baseline"], entry["savings_vs_baseline"].get("mean_se")
    text = f"The mean savings of {focus} are {fmt.money(stats['mean'], 0)}"
    se_text = fmt.money_se(se)
    text += f", with a standard error of {se_text}." if se_text else "."
    if shares_have_se:
        text += " The ± under a share is its standard error."
    if simulation.quantiles == "exact":
        return text + " Percentiles are exact over the samples."
    return (text + " With this many iterations the percentiles come from a streaming "
            f"quantile sketch (KLL), each within {simulation.rank_error:.2%} of its rank "
            "(99% confidence).")


def stopping_sentence(simulation: SimulationResult, fmt: Formatter) -> str:
    """How the target standard error (mc_target_se) ended the run; empty when unset."""
    if simulation.target_se is None:
        return ""
    target = fmt.money(simulation.target_se)
    if simulation.stopped == "target_se":
        return (f"The simulation stopped after {fmt.count(simulation.iterations)} of the "
                f"{fmt.count(simulation.requested_iterations)} iterations asked for, at the "
                f"first check (every {fmt.count(simulation.check_every)} iterations) with "
                f"the standard error of the mean savings below the target of {target}.")
    return (f"All {fmt.count(simulation.iterations)} iterations ran: the standard error of "
            f"the mean savings stayed at or above the target of {target}.")


def targets_sentence(analysis: Analysis, simulation: SimulationResult, focus: int,
                     fmt: Formatter) -> str:
    """The featured option's chances of meeting target_savings and target_payback_days,
    with standard errors; empty when neither is set."""
    s, entry = analysis.book.scenario, simulation.summary[focus]

    def share(key: str) -> str:  # with its standard error, when it has one to show
        se = se_percent(entry[f"{key}_se"], fmt)
        return fmt.percent(entry[key]) + (f" (± {se})" if se else "")

    parts = []
    if "p_savings_at_least_target" in entry:
        parts.append(f"saves at least {fmt.money(s.target_savings, 0)} against "
                     f"{analysis.options[analysis.baseline].name} in "
                     f"{share('p_savings_at_least_target')} of simulated samples")
    if "p_payback_within_target" in entry:
        parts.append(f"pays back by day {fmt.count(s.target_payback_days)} in "
                     f"{share('p_payback_within_target')}")
    if not parts:
        return ""
    return f"Against the targets: {simulation.option_names[focus]} " + " and ".join(parts) + "."


def _histogram(analysis: Analysis, simulation: SimulationResult, focus: int,
               savings: Mapping[str, Any], fmt: Formatter) -> str:
    names = [o.name for o in analysis.options]
    horizon = analysis.book.scenario.horizon_days
    return charts.histogram_chart(
        simulation.histogram.get("edges", []), simulation.histogram.get("counts", []),
        [(v, f"{k.upper()} {fmt.compact_money(v)}") for k in SHOWN_PERCENTILES
         if is_number(v := savings[k])],
        x_label=f"Savings of {names[focus]} vs {names[analysis.baseline]} over "
                f"{fmt.days(horizon)} ({fmt.currency})",
        money=fmt.compact_money,
        title=f"Distribution of simulated savings of {names[focus]}")


def colour_key(edges: Sequence[float], counts: Sequence[int]) -> str:
    """The colours the histogram's bars use (charts.histogram_chart): savings blue, losses
    vermillion."""
    signs = {charts.is_saving_bin(a, b)
             for a, b, n in zip(edges, edges[1:], counts, strict=False) if n}
    if signs == {True}:
        return "Every bar is a saving (blue)."
    if signs == {False}:
        return "Every bar is a loss (vermillion)."
    return "Blue bars are savings, vermillion bars losses."


def _three(stats: Mapping[str, Any] | None, show: Callable[[Any], str]) -> Three:
    if stats is None:
        return (MISSING, MISSING, MISSING)
    p5, p50, p95 = (show(stats[k]) for k in SHOWN_PERCENTILES)
    return (p5, p50, p95)


def _percentile_text(key: str, value: float | None, fmt: Formatter) -> str:
    """A percentile of a simulated output: money to the whole unit (percentiles are
    estimates: cents would be false precision), "none" for a day that never comes."""
    output = OUTPUT[key]
    if value is None and output.never_is_infinite:
        return "none"
    if output.unit == "money":
        return fmt.money(value, 0)
    return fmt.output(output, value)


def _percentile_row(index: int, option: SimulatedOption, baseline: int,
                    fmt: Formatter) -> PercentileRow:
    columns = {field: _three(option[key], lambda v, k=key: _percentile_text(k, v, fmt))
               for field, key in PERCENTILE_COLUMNS.items()}
    if index == baseline:  # the baseline does not break even against itself
        columns["break_even_day"] = (MISSING, MISSING, MISSING)
    return PercentileRow(
        name=option["name"], p_cheapest=fmt.percent(option["p_cheapest"]),
        p_beats_baseline=MISSING if index == baseline else fmt.percent(
            option["p_beats_baseline"]),
        p_cheapest_se=se_percent(option.get("p_cheapest_se"), fmt),
        p_beats_baseline_se="" if index == baseline else se_percent(
            option.get("p_beats_baseline_se"), fmt),
        **columns)


def _sensitivity(analysis: Analysis, simulation: SimulationResult, focus: int,
                 fmt: Formatter) -> tuple[list[SensitivityRow], str]:
    """The tornado's table and chart (empty when no input was uncertain)."""
    bars = simulation.tornado_bars[:MAX_TORNADO_BARS]
    rows = [SensitivityRow(
        input=input_label(b.input, b.option),
        low_value=input_value(b.input, b.low_value, fmt),
        high_value=input_value(b.input, b.high_value, fmt),
        savings_at_low=fmt.money(b.savings_at_low),
        savings_at_high=fmt.money(b.savings_at_high),
        swing=fmt.money(b.swing), swing_se=fmt.money_se(b.swing_se)) for b in bars]
    if not bars:
        return rows, ""
    names = [o.name for o in analysis.options]
    tornado = charts.tornado_chart(
        [charts.Bar(row.input, b.savings_at_low, b.savings_at_high, row.low_value,
                    row.high_value) for row, b in zip(rows, bars, strict=True)],
        float(analysis.results["savings_vs_baseline"][focus]),
        x_label=f"Savings of {names[focus]} vs {names[analysis.baseline]} ({fmt.currency})",
        money=fmt.compact_money,
        title=f"What moves the savings of {names[focus]}",
        note=simulation.no_effect_note(lambda b: input_label(b.input, b.option)))
    return rows, tornado
