"""From a scenario workbook's typed objects to results: the engine plus judgement.

``analyse`` runs the deterministic engine once, picks the recommendation and
collects the warnings a finance reader needs. Numbers stay the engine's; only
their shape changes (NaN and infinity become None).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ftreport.engine import compare
from ftreport.model import Option, ScenarioBook
from ftreport.model.format import Formatter
from ftreport.model.pricebook import PriceBook
from ftreport.model.results import Analysis, ReportWarning, Results
from ftreport.model.schema import OPTION_NUMBERS

# Seed 001: OpenAI suggests 50 to 100 examples as a place to start fine-tuning.
MIN_TRAINING_EXAMPLES = 50
# How far past the horizon we look for a late payback before saying "never".
PAYBACK_SEARCH_DAYS = 10 * 365
TRAINED_APPROACHES = ("fine-tuning", "distillation", "self-hosted")


def option_arrays(options: list[Option]) -> dict[str, np.ndarray]:
    """The numeric option inputs as arrays with the option on axis 0."""
    return {k: np.array([getattr(o, k) for o in options], dtype=float) for k in OPTION_NUMBERS}


def scenario_inputs(book: ScenarioBook) -> dict[str, Any]:
    s = book.scenario
    return {"horizon_days": s.horizon_days, "requests_per_day": s.requests_per_day,
            "monthly_growth": s.monthly_growth, "discount_rate": s.discount_rate}


def qualifying(book: ScenarioBook) -> list[bool]:
    """Which options meet the minimum quality (all of them when none is set)."""
    floor = book.scenario.min_quality
    if floor is None:
        return [True] * len(book.options)
    return [o.quality_score is not None and o.quality_score >= floor for o in book.options]


def ties_lowest(npv: np.ndarray, eligible: list[bool]) -> list[bool]:
    """Which options may be recommended and tie the lowest present value among those that
    may (within the tolerance, cost-model.md "Ties"); all may when none is eligible."""
    may = [ok or not any(eligible) for ok in eligible]
    lowest = min(float(npv[i]) for i, ok in enumerate(may) if ok)
    return [ok and not bool(compare.more_expensive(npv[i], lowest)) for i, ok in enumerate(may)]


def recommend(npv: np.ndarray, eligible: list[bool], baseline: int) -> int:
    """Lowest present value among eligible options (all of them when none is eligible).
    Present values equal within the tolerance tie (cost-model.md, "Ties"): among equals
    the baseline stays when it is one of them, else the earlier row wins."""
    tied = ties_lowest(npv, eligible)
    return baseline if tied[baseline] else tied.index(True)


def evaluate_book(book: ScenarioBook) -> Analysis:
    """Every output, the baseline and the recommendation of ``book``, without warnings
    (the base case's analysis, and each named scenario's)."""
    baseline = book.baseline_index
    values = compare.evaluate(option_arrays(book.options), baseline, **scenario_inputs(book))
    results = Results({**values, "rank": compare.rank(values["npv_cost"])})
    chosen = recommend(results["npv_cost"], qualifying(book), baseline)
    return Analysis(book, baseline, chosen, results)


def analyse(book: ScenarioBook, pricebook: PriceBook | None = None) -> Analysis:
    pricebook = pricebook or book.prices
    analysis = evaluate_book(book)
    analysis.warnings = collect_warnings(analysis, qualifying(book), pricebook)
    return analysis


def cost_curves(book: ScenarioBook, days: ArrayLike) -> np.ndarray:
    """``C(d)`` of every option (axis 1) of ``book`` on each of ``days`` (axis 0)."""
    s = book.scenario
    return compare.cost_curves(option_arrays(book.options), days,
                               requests_per_day=s.requests_per_day,
                               monthly_growth=s.monthly_growth)


def late_payback_day(book: ScenarioBook, option: int, baseline: int) -> int | None:
    """First day after the horizon on which the option's cumulative cost is no higher
    than the baseline's, within PAYBACK_SEARCH_DAYS; None if there is none."""
    horizon = book.scenario.horizon_days
    days = np.arange(horizon + 1, horizon + PAYBACK_SEARCH_DAYS + 1, dtype=float)
    cumulative = cost_curves(book, days)
    dearer = compare.more_expensive(cumulative[:, option], cumulative[:, baseline])
    return int(days[np.argmin(dearer)]) if not dearer.all() else None


def _payback_warning(book: ScenarioBook, option: int, baseline: int,
                     invests: bool) -> ReportWarning:
    """An option dearer than the baseline at the end of the horizon: when, if ever, it
    would be cheaper after it. One that invests nothing beyond the baseline has nothing
    to pay back: it starts no dearer and is dearer by the end."""
    name, horizon = book.options[option].name, book.scenario.horizon_days
    late = late_payback_day(book, option, baseline)
    years = PAYBACK_SEARCH_DAYS // 365
    if invests:
        head = f"{name} does not pay back within the horizon of {horizon:,} days"
        tail = (f", nor within {years} years after it." if late is None else
                f"; {_volumes_continuing(book)} it would first be cheaper on day {late:,}.")
    else:
        head = (f"{name} spends no more than the baseline up front and on training, but "
                f"costs more by the end of the horizon of {horizon:,} days")
        tail = (f", and is not cheaper again within {years} years after it." if late is None
                else f"; {_volumes_continuing(book)} it would first be cheaper again on day "
                f"{late:,}.")
    return ReportWarning("no_payback" if late is None else "late_payback", head + tail, name)


def _volumes_continuing(book: ScenarioBook) -> str:
    """How volume goes on after the horizon in a late payback's search."""
    growth = book.scenario.monthly_growth
    if growth == 0:
        return "at the same volumes"
    return f"if volume keeps {Formatter('').volume_trend(growth)},"


def collect_warnings(analysis: Analysis, eligible: list[bool],
                     pricebook: PriceBook) -> list[ReportWarning]:
    book, res = analysis.book, analysis.results
    # First: it refuses non-finite totals.
    from ftreport.engine.plausibility import check, row_at
    found: list[ReportWarning] = check(analysis, pricebook)
    invested = compare.incremental_investment(res["upfront_cost"], res["training_runs"],
                                              res["training_cost_per_run"], analysis.baseline)
    for i, option in enumerate(book.options):
        if i != analysis.baseline and math.isnan(res["break_even_day"][i]):
            found.append(_payback_warning(book, i, analysis.baseline, invested[i] > 0))
        examples = option.training_examples
        if (option.approach in TRAINED_APPROACHES and examples is not None
                and examples < MIN_TRAINING_EXAMPLES):
            found.append(ReportWarning("few_examples", (
                f"{option.name} has {examples:g} training examples; fine-tuning guidance is to "
                f"start with 50 to 100."), option.name))
        # The limits of the row in force on the price date (the book's current row when
        # it has none that early), so every dated row's limits are used.
        price = (row_at(pricebook, option.model, book.price_date)
                 or pricebook.get(option.model)) if option.model else None
        if price and price.context_window and option.input_tokens > price.context_window:
            found.append(ReportWarning("context_window", (
                f"{option.name}: {option.input_tokens:,.0f} input tokens exceed the "
                f"{price.context_window:,} token context window of {price.model}."),
                option.name))
        if price and price.max_output_tokens and option.output_tokens > price.max_output_tokens:
            found.append(ReportWarning("output_limit", (
                f"{option.name}: {option.output_tokens:,.0f} output tokens exceed the "
                f"{price.max_output_tokens:,} token output limit of {price.model}."),
                option.name))
        if book.scenario.min_quality is not None and option.quality_score is None:
            found.append(ReportWarning("quality_unknown", (
                f"{option.name} has no quality score, so it cannot be shown to meet the "
                f"minimum quality of {book.scenario.min_quality:g}; it is not recommended."),
                option.name))
    cheapest = recommend(res["npv_cost"], [True] * len(eligible), analysis.baseline)
    if cheapest != analysis.recommended:
        name = book.options[cheapest].name
        found.append(ReportWarning("quality_floor", (
            f"{name} has the lowest cost but does not meet the minimum quality of "
            f"{book.scenario.min_quality:g}; without the quality floor it would be "
            "recommended."), name))
    if not any(eligible):
        found.append(ReportWarning("no_option_qualifies", (
            "No option meets the minimum quality; the cheapest option is recommended "
            "regardless."), None))
    return found
