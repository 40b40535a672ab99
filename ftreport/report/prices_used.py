"""The memo's list of the price-book rows the options use: each row's model, the dates
it is in force, its source and check date, and a flag when it is stale at the price
date (the rows come from ftreport.engine.plausibility.prices_in_use, as on the Run
sheet)."""

from __future__ import annotations

from dataclasses import dataclass

from ftreport.engine.plausibility import prices_in_use
from ftreport.model.inputs import ScenarioBook
from ftreport.model.pricebook import PriceBook
from ftreport.model.schema import STALE_PRICE_MONTHS


@dataclass(frozen=True)
class PriceRowView:
    model: str  # "gpt-4.1 (standard)"
    used_by: str  # the options, comma-separated
    in_force: str  # "from 2025-04-14" or "2023-08-22 to 2023-11-06"
    source: str
    checked: str
    stale: str  # "" or "checked more than 12 months before the price date"


@dataclass(frozen=True)
class PricesUsedView:
    price_date: str  # "2026-12-01 (the run date)"
    rows: list[PriceRowView]


def prices_used(book: ScenarioBook, pricebook: PriceBook) -> PricesUsedView:
    given = "price_date" if book.scenario.price_date else "the run date"
    rows = []
    for item in prices_in_use(book, pricebook):
        r = item.row
        period = (f"{r.valid_from.isoformat()} to {r.valid_to.isoformat()}" if r.valid_to
                  else f"from {r.valid_from.isoformat()}")
        rows.append(PriceRowView(
            model=f"{r.model} ({r.deployment})", used_by=", ".join(item.options),
            in_force=period, source=r.source, checked=r.checked.isoformat(),
            stale=(f"checked more than {STALE_PRICE_MONTHS} months before the price date"
                   if item.stale else "")))
    return PricesUsedView(f"{book.price_date.isoformat()} ({given})", rows)
