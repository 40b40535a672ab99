"""Page one of the memo: the decision sentence, the key numbers and the main risks.

Each clause is a claim written only when its condition holds: the cost model's tie
rule decides "the same", the quality floor is named when it is the reason, and the
simulation's median stands beside the figure computed from the inputs as entered.
"""

from __future__ import annotations

from collections.abc import Mapping

from ftreport.engine.analysis import qualifying, ties_lowest
from ftreport.engine.compare import incremental_investment, same_cost
from ftreport.engine.simulation import featured_option
from ftreport.model.format import MISSING, Formatter
from ftreport.model.results import Analysis, SimulatedOption, SimulationResult
from ftreport.report.options import DAYS_PER_MONTH
from ftreport.report.risk import simulated_options
from ftreport.report.views import Decision, Factors, KeyNumber, OptionView, RiskPicture

MAX_RISKS = 5

Summary = Mapping[str, SimulatedOption]  # each option's simulation summary by name

# Warnings about the inputs themselves (implausible, inconsistent, stale): page 1 shows
# each of them, whichever option it concerns.
INPUT_WARNINGS = ("high_growth", "outside_uncertainty", "stale_price")
# Warnings page 1 lists whichever option they name: they explain the recommendation.
REASON_WARNINGS = ("quality_floor", "no_option_qualifies")


def decision(analysis: Analysis, simulation: SimulationResult | None,
             options: list[OptionView], risk: RiskPicture | None,
             factors: Factors, fmt: Formatter) -> Decision:
    rec, base = options[analysis.recommended], options[analysis.baseline]
    # The alternative page one talks about when the baseline stays.
    focus = options[featured_option(analysis)]
    summary = simulated_options(simulation)
    switch = rec.index != base.index
    shown = rec if switch else focus
    return Decision(
        sentence=_sentence(analysis, rec, base, focus, fmt),
        verdict=rec.name if switch else f"Keep {base.name}",
        switch=switch,
        key_numbers=_key_numbers(analysis, rec, base, shown, summary, fmt),
        risks=main_risks(analysis, rec, base, focus, risk, factors, summary, fmt),
        notes=_notes(analysis, rec, base, shown, risk, summary, fmt)
        + ([factors.page_one] if factors.page_one else []))


def pv_saving(analysis: Analysis, option: int) -> float:
    """The baseline's present value of cost less the option's."""
    npv = analysis.results["npv_cost"]
    return float(npv[analysis.baseline] - npv[option])


def investment(analysis: Analysis, option: int) -> float:
    """What the option spends beyond the baseline up front and on its training runs."""
    res = analysis.results
    return float(incremental_investment(res["upfront_cost"], res["training_runs"],
                                        res["training_cost_per_run"],
                                        analysis.baseline)[option])


def qualifies(analysis: Analysis, option: int) -> bool:
    floor = analysis.book.scenario.min_quality
    score = analysis.options[option].quality_score
    return floor is None or (score is not None and score >= floor)


def _lowest_among(analysis: Analysis) -> str:
    """Where the recommendation's present value is lowest: among the options that meet
    the quality floor when one is set and met, else among all of them."""
    floor = analysis.book.scenario.min_quality
    if floor is not None and any(qualifies(analysis, i) for i in range(len(analysis.options))):
        return f"among the options that meet the minimum quality of {floor:g}"
    return "of all the options"


def _per_month(analysis: Analysis, option: OptionView) -> str:
    """", about $1,234 a month" when the horizon is a month or longer, else nothing."""
    if analysis.book.scenario.horizon_days < DAYS_PER_MONTH:
        return ""
    return f", about {option.savings_per_month} a month,"


def _sentence(analysis: Analysis, rec: OptionView, base: OptionView, focus: OptionView,
              fmt: Formatter) -> str:
    horizon = f"{analysis.book.scenario.horizon_days:,}-day horizon"
    cash = analysis.option_value("savings_vs_baseline", rec.index)
    if rec.index != base.index and cash >= 0:
        payback = ("it is cheaper from day 1"
                   if analysis.option_value("break_even_day", rec.index) == 0 else
                   f"it pays back on {rec.break_even_day} ({rec.break_even_date})")
        return (f"Move from {base.name} to {rec.name} ({rec.approach}): over the "
                f"{horizon} it saves {rec.savings} in cash ({_pv_words(analysis, fmt)[0]}; "
                f"{rec.savings_pct} of the baseline's cost){_per_month(analysis, rec)} and "
                f"{payback}.")
    if rec.index != base.index:
        return (f"Choose {rec.name} ({rec.approach}): {reason(analysis, fmt)}, although over "
                f"the {horizon} it costs {fmt.money(-cash)} more in cash.")
    if focus.index != base.index:
        return (f"Keep {base.name} ({base.approach}): {reason(analysis, fmt)}. "
                f"{_closest(analysis, focus, base, fmt)}")
    return f"{base.name} is the only option; there is nothing to compare it with."


def reason(analysis: Analysis, fmt: Formatter) -> str:
    """Why the recommendation stands where the cash figures do not say it, as the memo's
    sentence and the email put it: why the baseline stays, or why an option dearer in cash
    is chosen; empty when the recommendation saves cash."""
    rec = analysis.recommended
    if rec == analysis.baseline:
        return _keep_reason(analysis)
    if analysis.option_value("savings_vs_baseline", rec) >= 0:
        return ""
    pv, dearer = _pv_words(analysis, fmt)
    versus = pv if dearer else f"{pv} less than {analysis.options[analysis.baseline].name}"
    return f"it has the lowest present value of cost {_lowest_among(analysis)} ({versus})"


def _pv_words(analysis: Analysis, fmt: Formatter) -> tuple[str, bool]:
    """The recommendation's present value against the baseline's, "$613 in present value"
    (saved), and whether it is dearer: a baseline below the quality floor may cost less in
    present value, and the words then say "more", and why."""
    gap = pv_saving(analysis, analysis.recommended)
    if gap < 0 and fmt.money(-gap) != fmt.money(0):
        s, base = analysis.book.scenario, analysis.baseline
        below = (f", which does not meet the minimum quality of {s.min_quality:g}"
                 if not qualifies(analysis, base) else "")
        return (f"{fmt.money(-gap)} more in present value than "
                f"{analysis.options[base].name}{below}"), True
    return f"{fmt.money(gap)} in present value", False


def _keep_reason(analysis: Analysis) -> str:
    """Why the baseline stays: no alternative (meeting the quality floor, when that is
    what decided) has a lower present value of cost."""
    if len(analysis.options) == 1:
        return "it is the only option"
    floor = analysis.book.scenario.min_quality
    which = ("no alternative that meets the minimum quality of "
             f"{floor:g}" if _lowest_among(analysis).startswith("among") else "no alternative")
    return (f"{which} has a lower present value of cost over the "
            f"{analysis.book.scenario.horizon_days:,}-day horizon")


def _gap_words(gap: float, tied: bool, fmt: Formatter) -> str:
    """A cost difference (the baseline's less the option's) as "$613 less", "$20 more" or
    "the same" (equal within the tolerance)."""
    if tied:
        return "the same"
    return f"{fmt.money(abs(gap))} {'less' if gap > 0 else 'more'}"


def _closest(analysis: Analysis, focus: OptionView, base: OptionView, fmt: Formatter) -> str:
    """Why the closest alternative is not recommended, in words that hold."""
    res, s = analysis.results, analysis.book.scenario
    f, b = focus.index, base.index
    cash = _gap_words(float(res["savings_vs_baseline"][f]),
                      bool(same_cost(res["total_cost"][f], res["total_cost"][b])), fmt)
    pv_tied = bool(same_cost(res["npv_cost"][f], res["npv_cost"][b]))
    pv = _gap_words(pv_saving(analysis, f), pv_tied, fmt)
    text = (f"The closest alternative, {focus.name}, would cost {cash} in cash and {pv} in "
            f"present value (at {fmt.percent(s.discount_rate)} a year)")
    if not qualifies(analysis, f):
        score = analysis.options[f].quality_score
        return (text + f", but it does not meet the minimum quality of {s.min_quality:g} "
                f"(its quality score: {'none' if score is None else f'{score:g}'}).")
    if pv_tied:
        return text + "; between equal present values the baseline stays."
    return text + "."


def _key_numbers(analysis: Analysis, rec: OptionView, base: OptionView, shown: OptionView,
                 summary: Summary, fmt: Formatter) -> list[KeyNumber]:
    """Page one's eight figures; ``shown`` is the recommendation, or the closest
    alternative when the baseline stays."""
    s = analysis.book.scenario
    switch = rec.index != base.index
    invested = investment(analysis, shown.index)
    short = s.horizon_days < DAYS_PER_MONTH
    # The alternative's own figures, when the baseline stays, say whose they are.
    named = shown.name if shown.index != rec.index else None
    return [
        KeyNumber("Recommended", rec.name, f"{rec.approach}" + (
            f", {rec.model}" if rec.model != MISSING else "")),
        KeyNumber(f"Total cost over {fmt.days(s.horizon_days)}", rec.total_cost,
                  f"baseline {base.name}: {base.total_cost}" if switch else
                  f"present value {rec.npv_cost}"),
        KeyNumber("Savings over the horizon" if switch else f"Savings of {shown.name}",
                  shown.savings, f"{shown.savings_pct} of the baseline's cost; "
                  f"{fmt.money(pv_saving(analysis, shown.index))} in present value"),
        KeyNumber("Savings per month", MISSING if short else shown.savings_per_month,
                  "the horizon is shorter than a month" if short else
                  "average over the horizon"),
        KeyNumber("Payback" if named is None else f"Payback of {named}",
                  shown.break_even_day, shown.break_even_date
                  if shown.break_even_date != MISSING else ""),
        KeyNumber("Investment beyond the baseline" if named is None else
                  f"Investment in {named} beyond the baseline", fmt.money(invested),
                  f"return on it {shown.roi}" if shown.roi != MISSING else
                  "up front and on training, over the horizon"),
        KeyNumber("Present value of cost", rec.npv_cost,
                  f"at {fmt.percent(s.discount_rate)} a year"),
        KeyNumber("Chance of being cheapest", rec.p_cheapest,
                  "in the simulation" if summary else "no simulation was run"),
    ]


def _notes(analysis: Analysis, rec: OptionView, base: OptionView, shown: OptionView,
           risk: RiskPicture | None, summary: Summary, fmt: Formatter) -> list[str]:
    """What page one adds to the sentence: a lower quality than the baseline's, and how
    the simulation compares with the figures computed from the inputs as entered."""
    notes: list[str] = []
    scores = (analysis.options[rec.index].quality_score,
              analysis.options[base.index].quality_score)
    if rec.index != base.index and None not in scores and scores[0] < scores[1]:
        notes.append(f"{rec.name} has a lower quality score than {base.name}: "
                     f"{scores[0]:g} against {scores[1]:g}.")
    notes.extend(_equals_note(analysis, rec))
    if not summary:
        return notes
    iterations = risk.iterations if risk else ""
    if len(analysis.options) > 1:  # the only option is the cheapest by definition
        notes.append(f"In {iterations} simulated samples {rec.name} is the cheapest option "
                     f"{fmt.percent(summary[rec.name]['p_cheapest'])} of the time.")
    if shown.index != base.index:
        notes.append(_median_note(summary[shown.name]["savings_vs_baseline"]["p50"],
                                  analysis.option_value("savings_vs_baseline", shown.index),
                                  shown.name, fmt))
    return notes


def _median_note(median: float, entered: float, name: str, fmt: Formatter) -> str:
    """The simulation's median saving beside the one from the inputs as entered; a loss is
    an extra cost, not a negative saving."""
    def outcome(saving: float) -> tuple[str, str]:  # ("saving", "$613"), ("extra cost", ...)
        if saving < 0 and fmt.money(-saving, 0) != fmt.money(0, 0):
            return "extra cost", fmt.money(-saving, 0)
        return "saving", fmt.money(abs(saving), 0)  # a loss under a unit: "$0", not "-$0"

    (m_kind, m_amount), (e_kind, e_amount) = outcome(median), outcome(entered)
    if (m_kind, m_amount) == (e_kind, e_amount):
        return f"The simulation's median {m_kind} of {name} is the same, {m_amount}."
    why = ("the simulation draws the uncertain inputs from their ranges, and the median of "
           "the savings is not the saving at the entered values.")
    if m_kind == e_kind:
        return (f"The simulation's median {m_kind} of {name} is {m_amount}, against "
                f"{e_amount} from the inputs as entered: {why}")
    return (f"The simulation's median for {name} is {_an(m_kind)} of {m_amount}, against "
            f"{_an(e_kind)} of {e_amount} from the inputs as entered: {why}")


def _an(kind: str) -> str:
    return f"an {kind}" if kind == "extra cost" else f"a {kind}"


def _equals_note(analysis: Analysis, rec: OptionView) -> list[str]:
    """When another option ties the recommended one's present value away from the baseline,
    the tie rule decided: the earlier row in Options (cost-model.md, "Ties")."""
    if rec.index == analysis.baseline:
        return []  # the sentence itself says the baseline stays between equals
    tied = ties_lowest(analysis.results["npv_cost"], qualifying(analysis.book))
    others = [analysis.options[i].name for i, t in enumerate(tied) if t and i != rec.index]
    if not others:
        return []
    names = ", ".join(others)
    verb = "has" if len(others) == 1 else "have"
    return [f"{names} {verb} the same present value of cost (equal within a relative 1e-9); "
            f"between equal present values the option listed first in Options, {rec.name}, "
            "is recommended."]


def main_risks(analysis: Analysis, rec: OptionView, base: OptionView, focus: OptionView,
               risk: RiskPicture | None, factors: Factors, summary: Summary,
               fmt: Formatter) -> list[str]:
    """The few things most likely to make the recommendation wrong, most telling first."""
    risks: list[str] = [w.message for w in analysis.warnings if w.code in REASON_WARNINGS]
    horizon = analysis.book.scenario.horizon_days
    if summary and focus.index != base.index:
        sim = summary[focus.name]
        worse = 1 - sim["p_beats_baseline"]
        p5 = sim["savings_vs_baseline"]["p5"]
        if rec.index == focus.index and worse > 0:
            risks.append(f"In {fmt.percent(worse)} of simulated samples {focus.name} costs "
                         f"more than {base.name}; in the worst 5% the savings are "
                         f"{fmt.money(p5, 0)} or less.")
        elif rec.index != focus.index and sim["p_beats_baseline"] > 0:
            risks.append(f"In {fmt.percent(sim['p_beats_baseline'])} of simulated samples "
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
    risks.extend(w.message for w in analysis.warnings if w.option in (None, rec.name)
                 and w.code not in (*REASON_WARNINGS, *INPUT_WARNINGS))
    risks.extend(factor_risks(rec, factors))
    # Inputs that look mistyped come first and are never cut: the numbers rest on them.
    checks = [w.message for w in analysis.warnings if w.code in INPUT_WARNINGS]
    return checks + risks[:max(0, MAX_RISKS - len(checks))] or [
        "The model finds no material risk to this recommendation; check the qualitative "
        "factors before committing."]


def factor_risks(rec: OptionView, factors: Factors) -> list[str]:
    """The qualitative factors that argue against the recommendation, and the open ones."""
    against = "prompting" if rec.approach != "prompting" else "fine-tuning"
    risks = [f"Qualitative factor against {rec.approach}: {f.question} ({f.answer})."
             for f in factors.rows if f.leaning == against]
    open_questions = sum(f.leaning == "open" for f in factors.rows)
    if open_questions:
        risks.append(f"{open_questions} qualitative factor"
                     f"{' is' if open_questions == 1 else 's are'} still unknown.")
    return risks
