"""The memo's dated view: what each option spends in each of the first twelve calendar
months and in each fiscal year of the horizon (ftreport.engine.periods), formatted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ftreport.engine.costs import Array
from ftreport.engine.periods import Period, periods
from ftreport.model.format import MONTH_NAMES, Formatter, calendar_date
from ftreport.model.results import Analysis


@dataclass(frozen=True)
class PeriodRow:
    label: str  # "Dec 2026", "FY2027"
    span: str  # "2 Dec 2026 to 31 Dec 2026"
    costs: list[str]  # per option, whole currency units


@dataclass(frozen=True)
class DatedView:
    option_names: list[str]
    months: list[PeriodRow]
    fiscal_years: list[PeriodRow]
    totals: list[str]  # per option: the sum of the fiscal years (the total cost)
    fiscal_year_start: str  # "January"
    # Where the up-front cost and the training runs fall, said only of those some option has.
    spend_note: str
    retrains: bool  # some option shown retrains within the horizon (the chart's jumps)
    partial_months: bool  # the first twelve months do not cover the whole horizon
    currency: str
    # Which options the tables show when not all fit (ftreport.report.ranking); blank else.
    shown_note: str = ""


MONTH_WORDS = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def _rows(found: tuple[Period, ...], costs: Array, fmt: Formatter,
          label: Callable[[Period], str]) -> list[PeriodRow]:
    return [PeriodRow(label(p), f"{calendar_date(p.start)} to {calendar_date(p.end)}",
                      [fmt.money(float(v), 0) for v in costs[k]])
            for k, p in enumerate(found)]


def dated_view(analysis: Analysis, fmt: Formatter, first_day: date,
               shown: list[int] | None = None) -> DatedView:
    """The monthly and fiscal-year cash flow of the options ``shown`` (indices, in their
    order; all of them by default), day 1 on ``first_day``."""
    book = analysis.book
    found = periods(book, first_day)
    every = list(range(len(book.options)))
    columns = every if shown is None else shown
    months = _rows(found.months, found.monthly[:, columns], fmt,
                   lambda p: f"{MONTH_NAMES[p.start.month - 1]} {p.start.year}")
    years = _rows(found.fiscal_years, found.fiscal[:, columns], fmt, lambda p: p.label)
    return DatedView(
        option_names=[book.options[i].name for i in columns],
        months=months,
        fiscal_years=years,
        totals=[fmt.money(float(v), 0) for v in found.fiscal[:, columns].sum(axis=0)],
        fiscal_year_start=MONTH_WORDS[found.fiscal_year_start_month - 1],
        spend_note=spend_note(analysis, columns),
        retrains=retrains(analysis, columns),
        partial_months=bool(found.months)
        and found.months[-1].last_day < book.scenario.horizon_days,
        currency=fmt.currency,
        shown_note="" if columns == every else _shown_note(len(columns), len(every)),
    )


def spend_note(analysis: Analysis, columns: list[int]) -> str:
    """Which month holds the up-front cost and the training runs of the options shown:
    the first month (day 0), a retraining run the month it starts; empty when none has
    them."""
    res = analysis.results
    trained = res["training_cost_per_run"][columns] > 0
    first = [words for words, present in (
        ("the up-front cost", bool((res["upfront_cost"][columns] > 0).any())),
        ("the first training run", bool(trained.any()))) if present]
    if not first:  # no training run at all, so no retraining either
        return ""
    return (f"The first month also holds {' and '.join(first)}"
            + ("; a retraining run counts in the month it starts."
               if retrains(analysis, columns) else "."))


def retrains(analysis: Analysis, columns: list[int]) -> bool:
    """Whether any of the options ``columns`` pays for a training run after the first."""
    res = analysis.results
    return bool(((res["training_cost_per_run"][columns] > 0)
                 & (res["training_runs"][columns] > 1)).any())


def _shown_note(shown: int, count: int) -> str:
    return (f"These tables show the same {shown} of the {count} options as \"The options side "
            "by side\"; its ranking table gives every option's total cost, and the report's "
            "Periods sheet every option's months and fiscal years.")
