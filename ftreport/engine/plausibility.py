"""Results that are computed exactly but are probably not what the analyst meant, and
results too large to compute at all.

``check`` runs after the deterministic engine (from ``analysis.collect_warnings``):
it raises an EngineError naming the inputs when a total or present value is not
finite, and otherwise returns the warnings a reader of page 1 must see: growth
that is allowed but steep, and a point value that its own Uncertainty row could
never draw (page 1 would then contradict the simulation beside it).
"""

from __future__ import annotations

import math

from ftreport.engine.distributions import lognormal_log_parameters
from ftreport.engine.errors import EngineError
from ftreport.model import ScenarioBook, Uncertain
from ftreport.model.problems import Problem
from ftreport.model.results import Analysis, ReportWarning
from ftreport.model.schema import HIGH_GROWTH

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


def check(analysis: Analysis) -> list[ReportWarning]:
    """Raise EngineError when a total is not finite; else the plausibility warnings."""
    _require_finite(analysis)
    return _growth_warnings(analysis.book) + _outside_range_warnings(analysis.book)


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
