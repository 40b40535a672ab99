"""Costs by calendar month and by fiscal year (cost-model.md, "Additions": Dates).

Day ``t`` of the horizon is ``start_date + (t-1)``. A period's cost is
``C(last day in it) - C(day before it)``: a training run falls in the period
in which it starts. Day 0 (the up-front cost and the first training run, spent
before the first request) belongs to the first period, so the periods of the
horizon add up to the total cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from ftreport.engine.analysis import cost_curves
from ftreport.engine.costs import Array
from ftreport.model import ScenarioBook

MONTHS_SHOWN = 12  # the dated view's monthly table: the first twelve months


@dataclass(frozen=True)
class Period:
    """One month or fiscal year, clipped to the horizon."""

    label: str  # "2027-01" or "FY2027"
    start: date  # its first date within the horizon
    end: date  # its last date within the horizon
    first_day: int  # day numbers of the horizon (day 1 = start_date)
    last_day: int


@dataclass(frozen=True)
class Periods:
    """What each option (axis 1) spends in each period (axis 0)."""

    start_date: date
    fiscal_year_start_month: int
    months: tuple[Period, ...]
    monthly: Array
    fiscal_years: tuple[Period, ...]
    fiscal: Array


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (0: its own month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_start(day: date, first_month: int) -> date:
    """The first day of the fiscal year that holds ``day``."""
    year = day.year if day.month >= first_month else day.year - 1
    return date(year, first_month, 1)


def fiscal_year_label(first: date) -> str:
    """A fiscal year is named by the calendar year it ends in."""
    return f"FY{first.year + (1 if first.month > 1 else 0)}"


def _clip(label: str, first: date, following: date, start: date, horizon: int) -> Period:
    first_day = max(1, (first - start).days + 1)
    last_day = min(horizon, (following - start).days)
    return Period(label, start + timedelta(first_day - 1), start + timedelta(last_day - 1),
                  first_day, last_day)


def months_of(start: date, horizon: int, count: int = MONTHS_SHOWN) -> tuple[Period, ...]:
    """The calendar months of the horizon from ``start``'s month, at most ``count``."""
    found = []
    for k in range(count):
        first = add_months(start, k)
        if (first - start).days + 1 > horizon:
            break
        found.append(_clip(f"{first:%Y-%m}", first, add_months(start, k + 1), start, horizon))
    return tuple(found)


def fiscal_years_of(start: date, horizon: int, first_month: int) -> tuple[Period, ...]:
    """Every fiscal year the horizon touches, in order."""
    first = fiscal_year_start(start, first_month)
    found = []
    while (first - start).days + 1 <= horizon:
        following = date(first.year + 1, first.month, 1)
        found.append(_clip(fiscal_year_label(first), first, following, start, horizon))
        first = following
    return tuple(found)


def period_costs(book: ScenarioBook, periods: tuple[Period, ...]) -> Array:
    """``C(last day) - C(day before)`` of every option in each period; the first period
    also holds day 0."""
    if not periods:
        return np.zeros((0, len(book.options)))
    last = np.array([p.last_day for p in periods], dtype=float)
    before = np.array([p.first_day - 1 for p in periods], dtype=float)
    costs = cost_curves(book, last) - cost_curves(book, before)
    if periods[0].first_day == 1:
        costs[0] = cost_curves(book, last[:1])[0]
    return costs


def periods(book: ScenarioBook, start: date | None = None) -> Periods:
    """The monthly costs of the first twelve months and the fiscal-year totals of ``book``
    (day 1 = ``start``, else the book's start date)."""
    s = book.scenario
    start, horizon = start or book.start_date, int(s.horizon_days)
    first_month = int(s.fiscal_year_start_month)
    months = months_of(start, horizon)
    years = fiscal_years_of(start, horizon, first_month)
    return Periods(start, first_month, months, period_costs(book, months), years,
                   period_costs(book, years))
