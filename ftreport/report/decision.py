"""Page one of the memo: the decision sentence, the key numbers and the main risks."""

from __future__ import annotations

from collections.abc import Mapping

from ftreport.engine.simulation import featured_option
from ftreport.model.format import MISSING, Formatter
from ftreport.model.results import Analysis, SimulatedOption, SimulationResult
from ftreport.report.risk import simulated_options
from ftreport.report.views import Decision, Factors, KeyNumber, OptionView, RiskPicture

MAX_RISKS = 5

Summary = Mapping[str, SimulatedOption]  # each option's simulation summary by name

# Warnings about the inputs themselves (implausible, inconsistent, stale): page 1 shows
# each of them, whichever option it concerns.
INPUT_WARNINGS = ("high_growth", "outside_uncertainty", "stale_price")

def decision(analysis: Analysis, simulation: SimulationResult | None,
             options: list[OptionView], risk: RiskPicture | None,
             factors: Factors, fmt: Formatter) -> Decision:
    rec, base = options[analysis.recommended], options[analysis.baseline]
    # The alternative page one talks about when the baseline stays.
    focus = options[featured_option(analysis)]
    summary = simulated_options(simulation)
    switch = rec.index != base.index
    return Decision(
        sentence=_sentence(analysis, rec, base, focus, risk, summary, fmt),
        verdict=rec.name if switch else f"Keep {base.name}",
        switch=switch,
        key_numbers=_key_numbers(analysis, rec, base, rec if switch else focus, summary, fmt),
        risks=main_risks(analysis, rec, base, focus, risk, factors, summary, fmt))


def _sentence(analysis: Analysis, rec: OptionView, base: OptionView, focus: OptionView,
              risk: RiskPicture | None, summary: Summary, fmt: Formatter) -> str:
    s = analysis.book.scenario
    horizon = f"{s.horizon_days:,}-day horizon"
    rec_savings = analysis.option_value("savings_vs_baseline", rec.index)
    chance = ""
    if summary:
        iterations = risk.iterations if risk else ""
        p = summary[rec.name]["p_cheapest"]
        chance = (f" In {iterations} simulated scenarios it is the cheapest option "
                  f"{fmt.percent(p, 0)} of the time.")
    if rec.index != base.index and rec_savings >= 0:
        payback = ("it is cheaper from day 1"
                   if analysis.option_value("break_even_day", rec.index) == 0 else
                   f"it pays back on {rec.break_even_day} ({rec.break_even_date})")
        return (f"Move from {base.name} to {rec.name} ({rec.approach}): over the "
                f"{horizon} it saves {rec.savings} ({rec.savings_pct} of the baseline's "
                f"cost), about {rec.savings_per_month} a month, and {payback}.{chance}")
    if rec.index != base.index:
        return (f"Choose {rec.name} ({rec.approach}): it has the lowest present value of "
                f"cost among the options that qualify, although over the {horizon} it "
                f"costs {fmt.money(-rec_savings)} more than {base.name}.{chance}")
    if focus.index != base.index:
        gap = analysis.option_value("savings_vs_baseline", focus.index)
        closest = (f"the closest alternative, {focus.name}, would cost "
                   f"{fmt.money(-gap)} more" if gap < 0 else
                   f"the closest alternative, {focus.name}, saves {focus.savings} in cash "
                   f"but costs more in present value at a {fmt.percent(s.discount_rate)} "
                   "discount rate")
        return (f"Keep {base.name} ({base.approach}): no alternative is cheaper over the "
                f"{horizon}; {closest}.{chance}")
    return f"{base.name} is the only option; there is nothing to compare it with."


def _key_numbers(analysis: Analysis, rec: OptionView, base: OptionView, shown: OptionView,
                 summary: Summary, fmt: Formatter) -> list[KeyNumber]:
    """Page one's eight figures; ``shown`` is the recommendation, or the closest
    alternative when the baseline stays."""
    s = analysis.book.scenario
    switch = rec.index != base.index
    invested = (analysis.option_value("upfront_cost", shown.index)
                + analysis.option_value("training_cost_per_run", shown.index))
    return [
        KeyNumber("Recommended", rec.name, f"{rec.approach}" + (
            f", {rec.model}" if rec.model != MISSING else "")),
        KeyNumber(f"Total cost over {fmt.days(s.horizon_days)}", rec.total_cost,
                  f"baseline {base.name}: {base.total_cost}" if switch else
                  f"present value {rec.npv_cost}"),
        KeyNumber("Savings over the horizon" if switch else f"Savings of {shown.name}",
                  shown.savings, f"{shown.savings_pct} of the baseline's cost"),
        KeyNumber("Savings per month", shown.savings_per_month, "average over the horizon"),
        KeyNumber("Payback", shown.break_even_day, shown.break_even_date
                  if shown.break_even_date != MISSING else ""),
        KeyNumber("Up-front investment", fmt.money(invested),
                  f"return on it {shown.roi}" if shown.roi != MISSING else ""),
        KeyNumber("Present value of cost", rec.npv_cost,
                  f"at {fmt.percent(s.discount_rate)} a year"),
        KeyNumber("Chance of being cheapest", rec.p_cheapest,
                  "in the simulation" if summary else "no simulation was run"),
    ]


def main_risks(analysis: Analysis, rec: OptionView, base: OptionView, focus: OptionView,
               risk: RiskPicture | None, factors: Factors, summary: Summary,
               fmt: Formatter) -> list[str]:
    """The few things most likely to make the recommendation wrong, most telling first."""
    risks: list[str] = []
    horizon = analysis.book.scenario.horizon_days
    if summary and focus.index != base.index:
        sim = summary[focus.name]
        worse = 1 - sim["p_beats_baseline"]
        p5 = sim["savings_vs_baseline"]["p5"]
        if rec.index == focus.index and worse > 0:
            risks.append(f"In {fmt.percent(worse)} of simulated scenarios {focus.name} costs "
                         f"more than {base.name}; in the worst 5% the savings are "
                         f"{fmt.money(p5)} or less.")
        elif rec.index != focus.index and sim["p_beats_baseline"] > 0:
            risks.append(f"In {fmt.percent(sim['p_beats_baseline'])} of simulated scenarios "
                         f"{focus.name} would be cheaper than {base.name}.")
    if risk and risk.sensitivity:
        top = risk.sensitivity[0]
        risks.append(f"The savings depend most on {top.input}: {top.savings_at_low} at its "
                     f"P10 ({top.low_value}) against {top.savings_at_high} at its P90 "
                     f"({top.high_value}).")
    day = analysis.option_value("break_even_day", rec.index)
    if rec.index != base.index and day is not None and day > horizon / 2:
        risks.append(f"Payback comes late, on day {day:,} of {horizon:,}: lower volume or a "
                     "shorter life of the system would turn the savings into a loss.")
    for w in analysis.warnings:
        if w.option in (None, rec.name) and w.code not in ("quality_floor", *INPUT_WARNINGS):
            risks.append(w.message)
    against = "prompting" if rec.approach != "prompting" else "fine-tuning"
    risks.extend(f"Qualitative factor against {rec.approach}: {f.question} "
                 f"({f.answer})." for f in factors.rows if f.leaning == against)
    open_questions = sum(f.leaning == "open" for f in factors.rows)
    if open_questions:
        risks.append(f"{open_questions} qualitative factor"
                     f"{' is' if open_questions == 1 else 's are'} still unknown.")
    # Inputs that look mistyped come first and are never cut: the numbers rest on them.
    checks = [w.message for w in analysis.warnings if w.code in INPUT_WARNINGS]
    return checks + risks[:max(0, MAX_RISKS - len(checks))] or [
        "The model finds no material risk to this recommendation; check the qualitative "
        "factors before committing."]
