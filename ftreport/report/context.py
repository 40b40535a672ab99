"""The data handed to the memo templates: a plain view model built from a RunResult.

Every number is the engine's number (taken from ``RunResult.to_dict()`` and the
simulation's arrays), already formatted for the workbook's currency, so the
templates hold no arithmetic and a firm's own templates cannot get a figure
wrong. Strings from the analyst's workbook are passed through as they are; the
template environment escapes them.

Calendar dates: day 1 of the horizon is the day after the memo is generated
(generation time is ``SOURCE_DATE_EPOCH`` when set, for reproducible output).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from ftreport import __version__
from ftreport.engine import compare
from ftreport.engine.analysis import option_arrays
from ftreport.engine.simulation import featured_option
from ftreport.model import Factor, Option, ScenarioBook
from ftreport.model.format import MISSING, Formatter, calendar_date, date_of_day, is_number
from ftreport.model.pricebook import load_pricebook
from ftreport.model.schema import OPTION, OPTION_FIELDS, SCENARIO, SCENARIO_FIELDS
from ftreport.report import charts

DAYS_PER_MONTH = 365 / 12
# Fixed-cost or price inputs, whose unit column reads in the workbook's currency.
MONEY_INPUTS = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
                "price_training_per_1m", "price_per_training_hour", "hosting_per_hour",
                "monthly_fixed_cost", "one_time_cost", "data_generation_cost")
MAX_CHART_POINTS = 800
MAX_TORNADO_BARS = 8
MAX_RISKS = 5


# --- view model ---------------------------------------------------------------------

@dataclass(frozen=True)
class Meta:
    title: str
    scenario_name: str
    prepared_by: str
    currency: str
    horizon: str
    horizon_days: int
    requests_per_day: str
    monthly_growth: str
    discount_rate: str
    generated_at: str  # "2026-03-14 09:30 UTC"
    generated_iso: str  # for the PDF's creation date
    generated_date: str
    first_day: str  # calendar date of day 1
    last_day: str  # calendar date of the horizon's last day
    version: str
    input_file: str
    input_sha256: str
    seed: str
    pricebook_date: str
    simulated: bool


@dataclass(frozen=True)
class OptionView:
    index: int
    name: str
    approach: str
    model: str
    notes: str
    is_baseline: bool
    is_recommended: bool
    colour: str
    rank: str
    cost_per_request: str
    daily_fixed_cost: str
    training_cost_per_run: str
    training_runs: str
    upfront_cost: str
    total_cost: str
    npv_cost: str
    savings: str
    savings_pct: str
    savings_per_month: str
    break_even_day: str  # "day 123", "day 0", or "none within the horizon"
    break_even_date: str
    steady_state_break_even: str
    max_training_tokens: str
    break_even_volume: str
    break_even_tokens_per_hour: str
    roi: str
    quality_score: str
    training_examples: str
    p_cheapest: str
    p_beats_baseline: str


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Decision:
    sentence: str
    verdict: str  # short headline: "Fine-tune: Fine-tuned gpt-4.1-mini"
    switch: bool  # the recommendation is not the baseline
    key_numbers: list[KeyNumber]
    risks: list[str]


@dataclass(frozen=True)
class PercentileRow:
    name: str
    p_cheapest: str
    p_beats_baseline: str
    total_cost: tuple[str, str, str]  # P5, P50, P95
    savings: tuple[str, str, str]
    break_even_day: tuple[str, str, str]


@dataclass(frozen=True)
class SensitivityRow:
    input: str
    low_value: str
    high_value: str
    savings_at_low: str
    savings_at_high: str
    swing: str


@dataclass(frozen=True)
class RiskPicture:
    iterations: str
    seed: str
    trimmed: str
    trim_range: str
    focus: str  # the option whose savings the histogram and tornado show
    focus_base: str  # its savings as entered
    focus_savings: tuple[str, str, str]
    histogram: str  # SVG
    rows: list[PercentileRow]
    tornado: str  # SVG, empty when there is no sensitivity
    sensitivity: list[SensitivityRow]


@dataclass(frozen=True)
class FactorView:
    question: str
    answer: str
    notes: str
    leaning: str  # "fine-tuning", "prompting", "open" or "neutral"
    guidance: str


@dataclass(frozen=True)
class Factors:
    rows: list[FactorView]
    summary: str


@dataclass(frozen=True)
class InputRow:
    label: str
    unit: str
    values: list[tuple[str, str]]  # (value, cell) per column


@dataclass(frozen=True)
class UncertainRow:
    input: str
    option: str
    distribution: str
    parameters: str
    clip: str
    notes: str
    cell: str


@dataclass(frozen=True)
class Appendix:
    scenario: list[InputRow]
    option_names: list[str]
    options: list[InputRow]
    uncertainty: list[UncertainRow]


@dataclass(frozen=True)
class Warning:
    option: str
    message: str


@dataclass(frozen=True)
class MemoContext:
    meta: Meta
    decision: Decision
    options: list[OptionView]
    recommended: OptionView
    baseline: OptionView
    cumulative_chart: str  # SVG
    risk: RiskPicture | None
    factors: Factors
    warnings: list[Warning]
    appendix: Appendix
    methodology: dict[str, str] = field(default_factory=dict)

    def as_template_vars(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --- building it --------------------------------------------------------------------

def generation_time(environ: Mapping[str, str] = os.environ) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now; UTC, whole seconds."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def build_context(result: Any, generated_at: datetime) -> MemoContext:
    """The memo's view model for ``result`` (an ftreport.api.RunResult)."""
    data = result.to_dict()
    analysis = result.analysis
    book = analysis.book
    s = book.scenario
    fmt = Formatter(s.currency)
    first_day = generated_at.date() + timedelta(days=1)
    sim = result.simulation
    summary = {o["name"]: o for o in data["simulation"]["options"]} if sim is not None else {}
    rows = data["options"]
    options = [_option_view(i, row, book.options[i], rows[analysis.baseline],
                            summary.get(row["name"]), fmt, first_day, s.horizon_days)
               for i, row in enumerate(rows)]
    rec, base = options[analysis.recommended], options[analysis.baseline]
    meta = Meta(
        title=f"Decision memo: {s.scenario_name}" if s.scenario_name else "Decision memo",
        scenario_name=s.scenario_name or "Untitled scenario",
        prepared_by=s.prepared_by or "",
        currency=fmt.currency,
        horizon=fmt.days(s.horizon_days),
        horizon_days=s.horizon_days,
        requests_per_day=fmt.count(s.requests_per_day),
        monthly_growth=fmt.percent(s.monthly_growth),
        discount_rate=fmt.percent(s.discount_rate),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        generated_iso=generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        generated_date=calendar_date(generated_at.date()),
        first_day=calendar_date(first_day),
        last_day=calendar_date(date_of_day(first_day, s.horizon_days)),
        version=__version__,
        input_file=book.path.name,
        input_sha256=book.sha256,
        seed=str(sim.seed if sim is not None else s.mc_seed),
        pricebook_date=load_pricebook().as_of,
        simulated=sim is not None,
    )
    risk = _risk_picture(result, data, fmt) if sim is not None else None
    factors = _factors(book.factors, rec)
    warnings = [Warning(w["option"] or "", w["message"]) for w in data["warnings"]]
    return MemoContext(
        meta=meta,
        decision=_decision(analysis, rows, options, rec, base, risk, factors, fmt, summary),
        options=options,
        recommended=rec,
        baseline=base,
        cumulative_chart=_cumulative_chart(analysis, options, fmt, first_day),
        risk=risk,
        factors=factors,
        warnings=warnings,
        appendix=_appendix(book, fmt),
        methodology={
            "days_per_month": f"{DAYS_PER_MONTH:.4g}",
            "trim_low": f"{s.trim_low_pct:g}",
            "trim_high": f"{s.trim_high_pct:g}",
            "first_day": meta.first_day,
            "tolerance": f"{compare.COST_TOLERANCE:g}",
        },
    )


def _option_view(index: int, row: dict[str, Any], option: Option, base_row: dict[str, Any],
                 sim: dict[str, Any] | None, fmt: Formatter, first_day: date,
                 horizon: int) -> OptionView:
    day = row["break_even_day"]
    if row["is_baseline"]:
        be_day, be_date = "baseline", MISSING
    elif day is None:
        be_day, be_date = "none within the horizon", MISSING
    else:
        be_day = f"day {day:,}"
        be_date = calendar_date(date_of_day(first_day, day))
    months = horizon / DAYS_PER_MONTH
    savings = row["savings_vs_baseline"]
    volume = row["break_even_requests_per_day"]
    volume_text = MISSING
    if is_number(volume) and not row["is_baseline"]:
        # Cheaper above the volume when its per-request cost is the lower one.
        side = "above" if row["cost_per_request"] < base_row["cost_per_request"] else "below"
        volume_text = (f"cheaper {side} {fmt.count(volume)} requests/day" if volume > 0
                       else "cheaper at any volume" if side == "above"
                       else "dearer at any volume")
    d_min = row["steady_state_break_even_days"]
    return OptionView(
        index=index,
        name=row["name"],
        approach=row["approach"],
        model=row["model"] or MISSING,
        notes=option.notes,
        is_baseline=row["is_baseline"],
        is_recommended=row["recommended"],
        colour=charts.colour(index),
        rank=fmt.count(row["rank"]),
        cost_per_request=fmt.unit_money(row["cost_per_request"]),
        daily_fixed_cost=fmt.money(row["daily_fixed_cost"]),
        training_cost_per_run=fmt.money(row["training_cost_per_run"]),
        training_runs=fmt.count(row["training_runs"]),
        upfront_cost=fmt.money(row["upfront_cost"]),
        total_cost=fmt.money(row["total_cost"]),
        npv_cost=fmt.money(row["npv_cost"]),
        savings=fmt.money(savings),
        savings_pct=fmt.percent(row["savings_pct"]),
        savings_per_month=fmt.money(savings / months) if is_number(savings) else MISSING,
        break_even_day=be_day,
        break_even_date=be_date,
        steady_state_break_even=(MISSING if row["is_baseline"] else
                                 "never" if d_min is None else fmt.days(d_min)),
        max_training_tokens=(f"{fmt.count(row['max_training_tokens'])} tokens"
                             if is_number(row["max_training_tokens"]) else MISSING),
        break_even_volume=volume_text,
        break_even_tokens_per_hour=(f"{fmt.count(row['break_even_tokens_per_hour'])} tokens/h"
                                    if is_number(row["break_even_tokens_per_hour"])
                                    and not row["is_baseline"] else MISSING),
        roi=fmt.ratio(row["roi"]),
        quality_score=fmt.number(option.quality_score),
        training_examples=fmt.count(option.training_examples),
        p_cheapest=fmt.percent(sim["p_cheapest"]) if sim else MISSING,
        p_beats_baseline=(fmt.percent(sim["p_beats_baseline"])
                          if sim and not row["is_baseline"] else MISSING),
    )




def _decision(analysis: Any, rows: list[dict[str, Any]], options: list[OptionView],
              rec: OptionView, base: OptionView, risk: RiskPicture | None, factors: Factors,
              fmt: Formatter, summary: dict[str, dict[str, Any]]) -> Decision:
    iterations = risk.iterations if risk else ""
    s = analysis.book.scenario
    horizon = f"{s.horizon_days:,}-day horizon"
    rec_row = rows[rec.index]
    switch = rec.index != base.index
    focus = options[featured_option(analysis)]
    focus_row = rows[focus.index]
    chance = ""
    if summary:
        p = summary[rec.name]["p_cheapest"]
        chance = (f" In {iterations} simulated scenarios it is the cheapest option "
                  f"{fmt.percent(p, 0)} of the time.")
    if switch and rec_row["savings_vs_baseline"] >= 0:
        day = rec_row["break_even_day"]
        payback = ("it is cheaper from day 1" if day == 0 else
                   f"it pays back on {rec.break_even_day} ({rec.break_even_date})")
        sentence = (f"Move from {base.name} to {rec.name} ({rec.approach}): over the "
                    f"{horizon} it saves {rec.savings} ({rec.savings_pct} of the baseline's "
                    f"cost), about {rec.savings_per_month} a month, and {payback}.{chance}")
    elif switch:
        sentence = (f"Choose {rec.name} ({rec.approach}): it has the lowest present value of "
                    f"cost among the options that qualify, although over the {horizon} it "
                    f"costs {fmt.money(-rec_row['savings_vs_baseline'])} more than "
                    f"{base.name}.{chance}")
    elif focus.index != base.index:
        gap = focus_row["savings_vs_baseline"]
        closest = (f"the closest alternative, {focus.name}, would cost "
                   f"{fmt.money(-gap)} more" if gap < 0 else
                   f"the closest alternative, {focus.name}, saves {focus.savings} in cash "
                   f"but costs more in present value at a {fmt.percent(s.discount_rate)} "
                   "discount rate")
        sentence = (f"Keep {base.name} ({base.approach}): no alternative is cheaper over the "
                    f"{horizon}; {closest}.{chance}")
    else:
        sentence = f"{base.name} is the only option; there is nothing to compare it with."
    verdict = rec.name if switch else f"Keep {base.name}"
    shown = rec if switch else focus
    key_numbers = [
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
        KeyNumber("Up-front investment",
                  fmt.money(rows[shown.index]["upfront_cost"]
                            + rows[shown.index]["training_cost_per_run"]),
                  f"return on it {shown.roi}" if shown.roi != MISSING else ""),
        KeyNumber("Present value of cost", rec.npv_cost,
                  f"at {fmt.percent(s.discount_rate)} a year"),
        KeyNumber("Chance of being cheapest", rec.p_cheapest,
                  "in the simulation" if summary else "no simulation was run"),
    ]
    return Decision(sentence=sentence, verdict=verdict, switch=switch, key_numbers=key_numbers,
                    risks=_main_risks(analysis, rows, rec, base, focus, risk, factors, fmt,
                                      summary))


def _main_risks(analysis: Any, rows: list[dict[str, Any]], rec: OptionView, base: OptionView,
                focus: OptionView, risk: RiskPicture | None, factors: Factors,
                fmt: Formatter, summary: dict[str, dict[str, Any]]) -> list[str]:
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
    day = rows[rec.index]["break_even_day"]
    if rec.index != base.index and day is not None and day > horizon / 2:
        risks.append(f"Payback comes late, on day {day:,} of {horizon:,}: lower volume or a "
                     "shorter life of the system would turn the savings into a loss.")
    for w in analysis.warnings:
        if w.option in (None, rec.name) and w.code != "quality_floor":
            risks.append(w.message)
    against = "prompting" if rec.approach != "prompting" else "fine-tuning"
    risks.extend(f"Qualitative factor against {rec.approach}: {f.question} "
                 f"({f.answer})." for f in factors.rows if f.leaning == against)
    open_questions = sum(f.leaning == "open" for f in factors.rows)
    if open_questions:
        risks.append(f"{open_questions} qualitative factor"
                     f"{' is' if open_questions == 1 else 's are'} still unknown.")
    return risks[:MAX_RISKS] or ["The model finds no material risk to this recommendation; "
                                 "check the qualitative factors before committing."]


def _risk_picture(result: Any, data: dict[str, Any], fmt: Formatter) -> RiskPicture:
    sim = result.simulation
    analysis = result.analysis
    s = analysis.book.scenario
    summary = data["simulation"]["options"]
    names = [o.name for o in analysis.options]
    # The simulation picks the option its histogram and tornado describe.
    focus = names.index(sim.featured_option)
    focus_name = names[focus]
    savings = summary[focus]["savings_vs_baseline"]
    histogram = charts.histogram_chart(
        sim.histogram.get("edges", []), sim.histogram.get("counts", []),
        [(v, f"{k.upper()} {fmt.compact_money(v)}") for k in ("p5", "p50", "p95")
         if is_number(v := savings[k])],
        x_label=f"Savings of {focus_name} vs {names[analysis.baseline]} over "
                f"{fmt.days(s.horizon_days)} ({fmt.currency})",
        money=fmt.compact_money,
        title=f"Distribution of simulated savings of {focus_name}")

    def three(stats: dict[str, Any] | None, show: Any) -> tuple[str, str, str]:
        if stats is None:
            return (MISSING, MISSING, MISSING)
        return tuple(show(stats[k]) for k in ("p5", "p50", "p95"))  # type: ignore[return-value]

    def day_text(v: float | None) -> str:
        return "none" if v is None else f"day {v:,.0f}"

    def whole(v: float | None) -> str:
        return fmt.money(v, 0)  # percentiles are estimates: cents would be false precision

    rows = [PercentileRow(
        name=o["name"], p_cheapest=fmt.percent(o["p_cheapest"]),
        p_beats_baseline=MISSING if i == analysis.baseline else fmt.percent(
            o["p_beats_baseline"]),
        total_cost=three(o["total_cost"], whole),
        savings=three(o["savings_vs_baseline"], whole),
        break_even_day=three(o["break_even_day"], day_text) if i != analysis.baseline
        else (MISSING, MISSING, MISSING),
    ) for i, o in enumerate(summary)]

    bars = sim.sensitivity[:MAX_TORNADO_BARS]
    sensitivity = [SensitivityRow(
        input=_input_label(b.input, b.option),
        low_value=_input_value(b.input, b.low_value, fmt),
        high_value=_input_value(b.input, b.high_value, fmt),
        savings_at_low=fmt.money(b.savings_at_low),
        savings_at_high=fmt.money(b.savings_at_high),
        swing=fmt.money(b.swing)) for b in bars]
    tornado = charts.tornado_chart(
        [charts.Bar(row.input, b.savings_at_low, b.savings_at_high, row.low_value,
                    row.high_value) for row, b in zip(sensitivity, bars, strict=True)],
        float(analysis.results["savings_vs_baseline"][focus]),
        x_label=f"Savings of {focus_name} vs {names[analysis.baseline]} ({fmt.currency})",
        money=fmt.compact_money,
        title=f"What moves the savings of {focus_name}") if bars else ""
    return RiskPicture(
        iterations=fmt.count(sim.iterations), seed=str(sim.seed), trimmed=fmt.count(sim.trimmed),
        trim_range=f"P{s.trim_low_pct:g} to P{s.trim_high_pct:g}",
        focus=focus_name, focus_base=fmt.money(analysis.results["savings_vs_baseline"][focus]),
        focus_savings=three(savings, fmt.money), histogram=histogram,
        rows=rows, tornado=tornado, sensitivity=sensitivity)


def _input_label(name: str, option: str | None) -> str:
    spec = SCENARIO.get(name) or OPTION.get(name)
    label = spec.label if spec else name
    if option is None:
        return label
    return f"{label} (all options)" if option == "*" else f"{label} ({option})"


def _input_value(name: str, value: Any, fmt: Formatter, *, exact: bool = False) -> str:
    """An input value as an analyst would write it, by the input's kind; ``exact`` keeps
    every digit (the appendix), otherwise four significant ones (sampled values)."""
    spec = SCENARIO.get(name) or OPTION.get(name)
    if value is None or value == "":
        return MISSING
    if not is_number(value):
        return str(value)  # text inputs (names, currency) as typed
    if not exact:
        value = float(f"{value:.4g}")
    if spec is not None and (spec.kind in ("share", "growth") or spec.unit.startswith("%")):
        return f"{fmt.number(round(value * 100, 10))}%"
    if name in MONEY_INPUTS and not exact:
        return fmt.unit_money(value)
    return fmt.number(value)


# Seed guidance on when to fine-tune (seeds 001-004), matched to the Factors sheet's
# questions by keywords. ``yes_favours`` is what a "yes" answer argues for.
FACTOR_TOPICS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("tried prompt", "prompt engineering"), "fine-tuning",
     "Try prompt engineering first; fine-tune only when it is not good enough (seeds 001, 004)."),
    (("consisten", "output format"), "fine-tuning",
     "Fine-tuning steers a model to consistent output and fewer hallucinations (seeds 002, "
     "004)."),
    (("change", "evolv"), "prompting",
     "Changing requirements favour prompting: a prompt is edited in minutes, a fine-tune "
     "must be retrained (seed 004)."),
    (("stable",), "fine-tuning",
     "Stable requirements suit a fine-tune that is trained once and reused (seed 004)."),
    (("example", "training data", "labelled", "labeled", "data available", "domain data"),
     "fine-tuning",
     "Fine-tuning needs enough domain examples: 50 to 100 to start (seed 001); a prompt is "
     "worth about 100 examples (seed 003)."),
    (("privacy", "user data", "personal", "confidential", "sensitive"), "prompting",
     "Seed 001 advises against fine-tuning on user data; a self-hosted model that keeps data "
     "in-house is the exception (seed 002)."),
    (("up-to-date", "up to date", "fresh", "current", "recent", "real-time"), "prompting",
     "Knowledge that must stay current is better fed through the prompt or retrieval than "
     "baked into weights (seeds 001, 002)."),
    (("latency", "response time", "fast"), "fine-tuning",
     "A smaller fine-tuned model with a shorter prompt answers faster (seeds 001, 004)."),
    (("general", "many tasks", "multiple use", "several use"), "prompting",
     "General-purpose use favours a large prompted model; fine-tuning specialises "
     "(seeds 001, 002)."),
    (("volume", "scale"), "fine-tuning",
     "High, steady volume is where fine-tuning pays back (seed 004)."),
)
OTHER = {"fine-tuning": "prompting", "prompting": "fine-tuning"}


def classify_factor(factor: Factor) -> FactorView:
    """Which way a Factors row leans, with the seeds' guidance on its topic."""
    question = factor.question.lower()
    answer = (factor.answer or "unknown").strip().lower()
    for keywords, yes_favours, guidance in FACTOR_TOPICS:
        if any(k in question for k in keywords):
            leaning = {"yes": yes_favours, "no": OTHER[yes_favours]}.get(answer, "open")
            return FactorView(factor.question, answer, factor.notes, leaning, guidance)
    leaning = "open" if answer == "unknown" else "neutral"
    return FactorView(factor.question, answer, factor.notes, leaning,
                      "The analyst's own factor: weigh it as the notes say.")


def _factors(factors: Sequence[Factor], rec: OptionView) -> Factors:
    rows = [classify_factor(f) for f in factors]
    if not rows:
        return Factors(rows, "The Factors sheet is empty: the recommendation rests on cost "
                             "alone. Answer the questions there before committing.")
    ft = sum(r.leaning == "fine-tuning" for r in rows)
    pr = sum(r.leaning == "prompting" for r in rows)
    unknown = sum(r.leaning == "open" for r in rows)
    cost_side = "prompting" if rec.approach == "prompting" else "fine-tuning"
    agrees = {"fine-tuning": ft > pr, "prompting": pr > ft}[cost_side]
    verdict = ("They agree with the cost result." if agrees else
               "They do not clearly support the cost result; weigh them before deciding."
               if ft != pr else "They are evenly balanced.")
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    return Factors(rows, f"Cost favours {rec.approach} ({rec.name}). Of "
                         f"{n(len(rows), 'qualitative factor', 'qualitative factors')}, "
                         f"{n(ft, 'favours', 'favour')} fine-tuning, "
                         f"{n(pr, 'favours', 'favour')} prompting and "
                         f"{n(unknown, 'is', 'are')} still open. {verdict}")


def _cumulative_chart(analysis: Any, options: list[OptionView], fmt: Formatter,
                      first_day: date) -> str:
    """C(d) of every option for d = 0..D, from the engine, with break-even points."""
    s = analysis.book.scenario
    horizon = s.horizon_days
    arrays = option_arrays(analysis.options)
    stride = max(1, -(-horizon // MAX_CHART_POINTS))
    days = set(range(0, horizon + 1, stride)) | {horizon}
    # Keep both sides of every retraining step so the jumps stay vertical.
    for r in arrays["retrain_every_days"]:
        if r > 0:
            days |= {d for k in range(1, int(horizon // r) + 1)
                     for d in (int(k * r), int(k * r) + 1) if d <= horizon}
    grid = np.array(sorted(days), dtype=float)
    blocks = compare.option_costs(arrays)
    cumulative = compare.cumulative_costs(grid[:, None], blocks, arrays["retrain_every_days"],
                                          s.requests_per_day, s.monthly_growth)
    series = [charts.Series(o.name, grid.tolist(), cumulative[:, i].tolist(), i,
                            emphasis=o.is_recommended) for i, o in enumerate(options)]
    markers = []
    for o in options:
        day = analysis.results["break_even_day"][o.index]
        if o.is_baseline or not np.isfinite(day) or day < 1:
            continue
        at = compare.cumulative_costs(np.array([[day]]), blocks, arrays["retrain_every_days"],
                                      s.requests_per_day, s.monthly_growth)[0, o.index]
        label = (f"Break-even: {o.break_even_day}, {o.break_even_date}" if o.is_recommended
                 else o.break_even_day)
        markers.append(charts.Marker(float(day), float(at), label, o.index))
    return charts.cumulative_cost_chart(
        series, markers,
        x_label=f"Day of operation (day 1 = {calendar_date(first_day)})",
        y_label=f"Cumulative cost ({fmt.currency})", money=fmt.compact_money,
        title="Cumulative cost of each option")


def _appendix(book: ScenarioBook, fmt: Formatter) -> Appendix:
    def unit(name: str, unit_text: str) -> str:
        return f"{fmt.currency} {unit_text}".strip() if name in MONEY_INPUTS else unit_text

    def shown(name: str, value: Any) -> str:
        return _input_value(name, value, fmt, exact=True)

    scenario = [InputRow(f.label, unit(f.name, f.unit), [(
        shown(f.name, getattr(book.scenario, f.name)),
        book.scenario_cells.get(f.name, MISSING))]) for f in SCENARIO_FIELDS]
    cells = book.option_cells or [{} for _ in book.options]
    options = [InputRow(f.label, unit(f.name, f.unit), [
        (shown(f.name, getattr(o, f.name)), c.get(f.name, MISSING))
        for o, c in zip(book.options, cells, strict=True)]) for f in OPTION_FIELDS]

    def params(u: Any) -> str:
        return ", ".join(fmt.number(p) for p in (u.p1, u.p2, u.p3) if p is not None)

    uncertainty = [UncertainRow(
        input=_input_label(u.input, None),
        option="scenario" if u.option is None else "all options" if u.option == "*"
        else u.option,
        distribution=u.distribution, parameters=params(u),
        clip=(f"{fmt.number(u.clip_min) if u.clip_min is not None else '…'} to "
              f"{fmt.number(u.clip_max) if u.clip_max is not None else '…'}"
              if u.clip_min is not None or u.clip_max is not None else MISSING),
        notes=u.notes, cell=u.cell or MISSING) for u in book.uncertainty]
    return Appendix(scenario, [o.name for o in book.options], options, uncertainty)
