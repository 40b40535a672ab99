"""Results that are computed exactly but are probably not what the analyst meant, and
results too large to compute at all.

``check`` runs after the deterministic engine (from ``analysis.collect_warnings``):
it raises an EngineError naming the inputs when a total or present value is not
finite, and otherwise returns the warnings a reader of page 1 must see: growth
that is allowed but steep, a point value that its own Uncertainty row could
never draw (page 1 would then contradict the simulation beside it), and a price
from the price book checked more than 12 months before the price date.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date

from ftreport.engine.distributions import lognormal_log_parameters
from ftreport.engine.errors import EngineError
from ftreport.model import ScenarioBook, Uncertain
from ftreport.model.pricebook import NoPriceInForce, PriceBook, PriceRow
from ftreport.model.problems import Problem
from ftreport.model.results import Analysis, ReportWarning
from ftreport.model.schema import HIGH_GROWTH, STALE_PRICE_MONTHS

DAYS_PER_MONTH = 365 / 12
# Distributions whose samples cannot leave [low, high] (before clips), by parameter.
BOUNDED = {"fixed": ("p1", "p1"), "uniform": ("p1", "p2"), "integer": ("p1", "p2"),
           "triangular": ("p1", "p3"), "pert": ("p1", "p3")}
# ln of the largest float: a magnitude beyond it is infinite.
LOG_MAX = math.log(1.7e308)
# A draw beyond 8 standard deviations has a chance below 1e-15: none in 1e9 samples.
TAIL_SDS = 8.0


def last_day_requests(requests_per_day: float, monthly_growth: float, horizon_days: int
                      ) -> float:
    """Requests on the last day, ``N0 * q^(D-1)``, computed in logs: ``inf`` when it is
    beyond a float, never an OverflowError."""
    if requests_per_day <= 0 or monthly_growth <= -1:
        return 0.0
    log = (math.log(requests_per_day)
           + (horizon_days - 1) / DAYS_PER_MONTH * math.log1p(monthly_growth))
    return math.exp(log) if log < LOG_MAX else math.inf


def check(analysis: Analysis, pricebook: PriceBook) -> list[ReportWarning]:
    """Raise EngineError when a total is not finite; else the plausibility warnings."""
    _require_finite(analysis)
    book = analysis.book
    return (_growth_warnings(book) + _outside_range_warnings(book)
            + _stale_price_warnings(book, pricebook))


def price_rows_used(book: ScenarioBook, pricebook: PriceBook) -> list[tuple[str, PriceRow]]:
    """(option name, price-book row) for each option whose prices come from the book: the
    row of its model in force on the price date, or, when the book has none that early,
    the row its Prices sheet shows (in force on the book's date)."""
    priced = book.book_priced or [bool(o.model) for o in book.options]
    used = []
    for option, from_book in zip(book.options, priced, strict=True):
        if not from_book or not option.model:
            continue
        row = (row_at(pricebook, option.model, book.price_date)
               or row_at(pricebook, option.model, pricebook.as_of))
        if row is not None:
            used.append((option.name, row))
    return used


@dataclass(frozen=True)
class PriceInUse:
    """One price-book row the run uses, the options that use it, and whether it was
    checked more than STALE_PRICE_MONTHS before the price date."""

    row: PriceRow
    options: tuple[str, ...]
    stale: bool


def prices_in_use(book: ScenarioBook, pricebook: PriceBook) -> list[PriceInUse]:
    """Each row of :func:`price_rows_used` once, in the order the options first use it:
    what the Run sheet and the memo list."""
    users: dict[PriceRow, list[str]] = {}
    for option, row in price_rows_used(book, pricebook):
        users.setdefault(row, []).append(option)
    limit = stale_before(book.price_date)
    return [PriceInUse(row, tuple(names), row.checked < limit) for row, names in users.items()]


def row_at(pricebook: PriceBook, model: str, on: date | str) -> PriceRow | None:
    """The model's row in force on ``on`` (its default deployment); None when the book has
    none (a warning's question must never stop a run)."""
    try:
        return pricebook.at(model, on)
    except NoPriceInForce:
        return None


def stale_before(on: date) -> date:
    """The date STALE_PRICE_MONTHS before ``on`` (the month's last day when shorter): a
    row checked before it is stale."""
    year, month = divmod(on.year * 12 + on.month - 1 - STALE_PRICE_MONTHS, 12)
    return date(year, month + 1, min(on.day, calendar.monthrange(year, month + 1)[1]))


def _stale_price_warnings(book: ScenarioBook, pricebook: PriceBook) -> list[ReportWarning]:
    on = book.price_date
    given = "price_date" if book.scenario.price_date else "the run date"
    found = []
    for option, row in price_rows_used(book, pricebook):
        if row.checked >= stale_before(on):
            continue
        found.append(ReportWarning("stale_price", (
            f"{option} uses the price-book price of {row.model} checked on "
            f"{row.checked.isoformat()}, more than {STALE_PRICE_MONTHS} months before "
            f"{on.isoformat()} ({given}); check the provider's current price, or type it in."),
            option))
    return found


def _require_finite(analysis: Analysis) -> None:
    book, res = analysis.book, analysis.results
    problems = []
    for i, option in enumerate(book.options):
        if all(math.isfinite(float(res[key][i])) for key in ("total_cost", "npv_cost")):
            continue
        cells = book.option_cells[i] if i < len(book.option_cells) else {}
        names = ("requests_per_day", "monthly_growth", "horizon_days")
        where = ", ".join(f"{n} ({book.scenario_cells.get(n, 'Scenario')})" for n in names)
        sheet, cell = _split(cells.get("name", ""))
        problems.append(Problem(
            str(book.path), sheet, cell,
            f"inputs whose total cost is finite: {option.name}'s total or present value is "
            f"too large to compute; check its tokens and prices and {where}",
            code="non-finite"))
    if problems:
        raise EngineError(problems)


def _split(address: str) -> tuple[str | None, str | None]:
    if "!" not in address:
        return None, None
    sheet, cell = address.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cell


def _growth_warnings(book: ScenarioBook) -> list[ReportWarning]:
    g = book.scenario.monthly_growth
    if g <= HIGH_GROWTH:
        return []
    cell = book.scenario_cells.get("monthly_growth", "Scenario")
    yearly = (1 + g) ** 12
    return [ReportWarning("high_growth", (
        f"monthly_growth ({cell}) is {g:.0%} a month: volume grows {yearly:,.0f}-fold a "
        "year. Check it is not a typo (5 for 5%)."), None)]


def _range_of(u: Uncertain) -> tuple[float, float] | None:
    """The values a row can draw, clips included; None when unbounded both ways."""
    low, high = -math.inf, math.inf
    if u.distribution in BOUNDED:
        first, last = BOUNDED[u.distribution]
        low, high = getattr(u, first), getattr(u, last)
    elif u.distribution == "poisson":
        low = 0.0
    if u.clip_min is not None:
        low = max(low, u.clip_min)
    if u.clip_max is not None:
        high = min(high, u.clip_max)
    if low is None or high is None or (low == -math.inf and high == math.inf):
        return None
    return low, high


def highest_draw(u: Uncertain) -> float:
    """The highest value an Uncertainty row can draw in practice (its bound, or 8 sd out
    for an unbounded distribution), after its clip; ``inf`` when beyond a float."""
    a, b = u.p1 or 0.0, u.p2 or 0.0
    try:
        if u.distribution in BOUNDED:
            high = float(getattr(u, BOUNDED[u.distribution][1]))
        elif u.distribution == "normal":
            high = a + TAIL_SDS * b
        elif u.distribution == "lognormal":
            mu, sigma = lognormal_log_parameters(a, b)
            high = math.exp(mu + TAIL_SDS * sigma) if mu + TAIL_SDS * sigma < LOG_MAX \
                else math.inf
        else:  # poisson
            high = a + TAIL_SDS * math.sqrt(a) + TAIL_SDS
    except (OverflowError, ValueError, ZeroDivisionError):
        high = math.inf
    if u.clip_max is not None:
        high = min(high, u.clip_max)
    return high if math.isfinite(high) else math.inf


def _outside_range_warnings(book: ScenarioBook) -> list[ReportWarning]:
    found = []
    own_rows = {(u.input, u.option) for u in book.uncertainty}
    for u in book.uncertainty:
        bounds = _range_of(u)
        if bounds is None:
            continue
        low, high = bounds
        if u.option is None:
            points = [(None, getattr(book.scenario, u.input),
                       book.scenario_cells.get(u.input, "Scenario"))]
        else:
            points = [(o.name, getattr(o, u.input),
                       book.option_cells[i].get(u.input, "Options")
                       if i < len(book.option_cells) else "Options")
                      for i, o in enumerate(book.options)
                      if u.option == o.name or (u.option == "*"
                                                and (u.input, o.name) not in own_rows)]
        for option, value, cell in points:
            if low <= value <= high:
                continue
            of = f" of {option}" if option else ""
            found.append(ReportWarning("outside_uncertainty", (
                f"{u.input}{of} is {value:,.6g} ({cell}), outside the range its Uncertainty "
                f"row ({u.cell}) draws from, {low:,.6g} to {high:,.6g}: the point results and "
                "the simulation describe different scenarios."), option))
    return found
