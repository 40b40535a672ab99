"""Checks that catch inputs which are allowed one by one but silently wrong together:
a model no price list knows, an option that costs nothing per request, growth typed
as a percentage (5 for 5%), a volume that grows past any finite total, USD prices
from the price book in a scenario of another currency.

Each adds a problem naming the cell through the reader's ``problem`` callback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from ftreport.engine import plausibility
from ftreport.model import Option, Scenario, Uncertain, schema
from ftreport.model.pricebook import load_pricebook
from ftreport.model.problems import describe
from ftreport.workbook import PRICES_TABLE
from ftreport.workbook._tables import locate_table
from ftreport.workbook._values import (
    InputCell,
    Unfit,
    blank,
    convert,
    is_blank_option,
    spelled_as,
    text_of,
)

Report = Callable[..., None]  # _Reader.problem
PRICE_FIELDS = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
                "price_training_per_1m", "price_per_training_hour", "hosting_per_hour")
REQUEST_COST_FIELDS = ("input_tokens", "output_tokens", "price_input_per_1m",
                       "price_cached_input_per_1m", "price_output_per_1m")


def known_models(wb: object) -> tuple[set[str], str]:
    """The models of the workbook's own Prices table, and where they come from; the
    shipped price book when the workbook has no Prices table (a workbook made by a
    script, or one whose Prices sheet was removed)."""
    located = locate_table(wb, PRICES_TABLE)  # type: ignore[arg-type]
    if located is not None:
        ws, table = located
        from openpyxl.utils import range_boundaries

        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        column = next((c for c in range(min_col, max_col + 1)
                       if text_of(ws.cell(row=min_row, column=c).value).lower() == "model"),
                      None)
        if column is not None and max_row - min_row <= schema.MAX_TABLE_ROWS:
            models = {text_of(ws.cell(row=r, column=column).value)
                      for r in range(min_row + 1, max_row + 1)}
            return models - {""}, "the Prices sheet"
    return {m.model for m in load_pricebook().models}, "ftreport's price book"


def is_lookup(cell: InputCell) -> bool:
    """Whether a price cell still holds the template's lookup (0 for an unknown model)."""
    text = str(getattr(cell.raw, "text", cell.raw)).upper()
    return cell.is_formula and "PRICES!" in text and "MATCH(" in text


def check_models(rows: Iterable[dict[str, InputCell]], known: set[str], where: str,
                 problem: Report) -> set[int]:
    """An error for each option whose model is unknown and whose prices are not typed in
    (blank, or the lookup that gives 0); returns the indices of those rows."""
    unknown = set()
    folded = {m.casefold(): m for m in known}
    for i, row in enumerate(rows):
        cell = row["model"]
        model = text_of(cell.value)
        if not model or model.casefold() in folded or cell.failed:
            continue
        prices = [row[f] for f in PRICE_FIELDS if f in row]
        if any(not blank(c.raw) and not is_lookup(c) for c in prices):
            continue  # typed prices: the model needs no price list
        import difflib  # only for a model not in the price book: kept off every other run

        close = difflib.get_close_matches(model.casefold(), folded, n=1, cutoff=0.6)
        hint = f" (did you mean {folded[close[0]]}?)" if close else ""
        problem("unknown-model", cell, f"a model of {where}{hint}, or this row's prices "
                "typed in (an unknown model's lookup gives 0)", cell.shown, field_name="model")
        unknown.add(i)
    return unknown


def uses_price_book(row: dict[str, InputCell]) -> bool:
    """Whether an Options row takes prices from the price book: a price cell still holds
    the lookup, or a model is given and no price is typed."""
    prices = [row[f] for f in PRICE_FIELDS if f in row]
    if any(is_lookup(c) for c in prices):
        return True
    return not blank(row["model"].raw) and all(blank(c.raw) for c in prices)


def check_currency(scenario: Scenario, cells: dict[str, InputCell],
                   table_rows: list[dict[str, InputCell]], problem: Report) -> list[bool]:
    """An unknown ISO code, or a non-USD scenario taking USD prices from the price book
    without fx_rate, is an error; converts old lookups' prices at fx_rate; returns which
    options take book prices."""
    rows = [row for row in table_rows if not is_blank_option(row)]
    convert_old_lookups(rows, scenario.price_rate)
    priced = [uses_price_book(row) for row in rows]
    currency, rate = cells.get("currency"), cells.get("fx_rate")
    code = scenario.currency.strip().upper()
    if rate is not None and scenario.fx_rate is not None and _bad_rate(scenario.fx_rate, code):
        problem("out-of-range", rate, f"blank or 1 (the scenario currency is {code}, as the "
                "price book's)" if code == schema.BOOK_CURRENCY else f"an exchange rate "
                f"greater than 0 ({code} per 1 USD)", rate.shown, field_name="fx_rate")
        for c in (row[f] for row in rows for f in PRICE_FIELDS if f in row):
            if is_lookup(c):  # its price is this rate's fault: one problem, not one a row
                c.failed = f"depends on {rate.address}"
    if currency is None:
        return priced
    if code not in schema.currency_codes():
        problem("unknown-name", currency, "an ISO 4217 currency code (USD, EUR, GBP, CHF...)",
                currency.shown, field_name="currency")
    elif code != schema.BOOK_CURRENCY and any(priced) and (
            rate is None or (blank(rate.value) and not rate.failed)):
        first = rows[priced.index(True)]
        where = rate.address if rate else "a Scenario name the template adds"
        problem("missing-value", currency, f"USD, or an exchange rate in fx_rate ({where}): "
                f"the prices of {text_of(first['name'].value)} ({first['model'].address}) come "
                f"from the price book in USD; give fx_rate in {code} per 1 USD, or type the "
                f"prices in {code}", currency.shown, field_name="currency")
    return priced


def _bad_rate(rate: float, code: str) -> bool:
    return rate != 1 if code == schema.BOOK_CURRENCY else rate <= 0


def convert_old_lookups(table_rows: list[dict[str, InputCell]], rate: float) -> None:
    """Multiply by ``rate`` the looked-up prices whose lookup formula predates fx_rate
    (the template's own lookups multiply by fx_rate already)."""
    for row in table_rows:
        for c in (row[f] for f in PRICE_FIELDS if f in row):
            text = str(getattr(c.raw, "text", c.raw)).upper()
            if is_lookup(c) and "FX_RATE" not in text and isinstance(c.value, int | float) \
                    and not isinstance(c.value, bool):
                c.value = c.value * rate


def check_options(wb: object, table_rows: list[dict[str, InputCell]], options: list[Option],
                  problem: Report, also_known: set[str] | None = None) -> None:
    """The model and request-cost checks of every non-blank Options row (``also_known``:
    the models of a user price book)."""
    rows = [row for row in table_rows if not is_blank_option(row)]
    known, where = known_models(wb)
    if also_known:
        known, where = known | also_known, f"{where} or the user price book"
    unknown = check_models(rows, known, where, problem)
    if len(options) == len(rows):  # else a row failed to read and they do not pair up
        check_request_costs(options, rows, unknown, problem)


def check_baseline(scenario: Scenario, cells: dict[str, InputCell], options: list[Option],
                   problem: Report) -> None:
    wanted = scenario.baseline_option
    if wanted and options and wanted not in {o.name for o in options}:
        f = schema.SCENARIO["baseline_option"]
        problem("unknown-name", cells["baseline_option"],
                f.expected + spelled_as(wanted, [o.name for o in options]), describe(wanted),
                field_name=f.name)


def check_request_costs(options: list[Option], rows: list[dict[str, InputCell]],
                        skip: set[int], problem: Report) -> None:
    """An error for each option that costs nothing per request and pays no hosting fee:
    it would win every comparison. A self-hosted model pays by the hour instead."""
    for i, (option, row) in enumerate(zip(options, rows, strict=True)):
        fields = [f for f in REQUEST_COST_FIELDS if f in row]
        if i in skip or not all(_readable(row[f], f) for f in fields):
            continue  # a cell already reported: its 0 is not the analyst's
        cells = [row[f] for f in fields]
        per_request = (option.input_tokens * (1 - option.cached_input_share)
                       * option.price_input_per_1m
                       + option.input_tokens * option.cached_input_share
                       * option.price_cached_input_per_1m
                       + option.output_tokens * option.price_output_per_1m)
        hosted = option.hosting_per_hour * option.hosting_hours_per_day > 0
        if per_request > 0 or hosted:
            continue
        span = f"{cells[0].coord}:{cells[-1].coord}" if len(cells) > 1 else cells[0].coord
        problem("implausible-value", None,
                f"{option.name} to cost something per request: its tokens and prices give 0 "
                "and it pays no hosting fee (pick a model of the Prices sheet, type its "
                "prices, or give the hosting fee of a self-hosted model)",
                sheet=cells[0].sheet, where=span)


def _readable(cell: InputCell, name: str) -> bool:
    try:
        convert(schema.OPTION[name], cell.value)
    except Unfit:
        return False
    return not cell.failed


def check_growth(scenario: Scenario, cells: dict[str, InputCell], problem: Report) -> None:
    """Growth of 100% a month or more is refused unless allow_extreme_growth says yes (5
    is almost always 5% typed without its % sign); and no volume may grow past
    MAX_DAILY_REQUESTS a day, where totals stop being finite."""
    growth_cell = cells.get("monthly_growth")
    if growth_cell is None:
        return
    g = scenario.monthly_growth
    if g >= schema.EXTREME_GROWTH and not scenario.allow_extreme_growth:
        flag = cells.get("allow_extreme_growth")
        where = f" ({flag.address})" if flag else " (a Scenario name the template adds)"
        problem("implausible-value", growth_cell,
                f"below 1 (100% a month): {g:g} means {g:.0%} a month; type {g:g}% if that "
                f"is meant, or set allow_extreme_growth{where} to yes",
                growth_cell.shown, field_name="monthly_growth")
        return
    last = plausibility.last_day_requests(scenario.requests_per_day, g, scenario.horizon_days)
    if last > schema.MAX_DAILY_REQUESTS:
        shown = f"{last:.3g}" if math.isfinite(last) else "more than 1e308"
        problem("implausible-value", growth_cell,
                f"a growth that keeps the volume at most {schema.MAX_DAILY_REQUESTS:g} requests "
                f"a day: {scenario.requests_per_day:g} requests a day growing {g:.4g} a month "
                f"for {scenario.horizon_days:,} days reach {shown} on the last day "
                f"(see {cells['requests_per_day'].address} and {cells['horizon_days'].address})",
                growth_cell.shown, field_name="monthly_growth")



def check_discount(scenario: Scenario, cells: dict[str, InputCell], problem: Report) -> None:
    """A discount rate of 1 (100% a year) or more is almost always a percentage typed
    without its % sign (8 for 8%); it stands when the cell says it is a percentage (typed
    with %, or formatted as one, as the template's cell is: then it shows 800%)."""
    cell = cells.get("discount_rate")
    rate = scenario.discount_rate
    if cell is None or rate < 1 or cell.shows_percent or text_of(cell.value).endswith("%"):
        return
    problem("implausible-value", cell, f"below 1 (100% a year): {rate:g} means {rate:.0%} a "
            f"year; type {rate:g}% if that is meant, or format the cell as a percentage to "
            f"confirm {rate:.0%}", cell.shown, field_name="discount_rate")


def check_draws(item: Uncertain, row: dict[str, InputCell], scenario: Scenario | None,
                problem: Report) -> None:
    """An Uncertainty row must not draw what the input itself may not hold: beyond its
    limit, or growth of 100% a month or more (unless allowed), or a volume past
    MAX_DAILY_REQUESTS a day. The simulation would otherwise overflow."""
    f = schema.SCENARIO.get(item.input) or schema.OPTION.get(item.input)
    if f is None:
        return
    high = plausibility.highest_draw(item)
    # The cell of the bound, or of the mean for an unbounded distribution.
    column = {"triangular": "p3", "pert": "p3", "uniform": "p2", "integer": "p2"}.get(
        item.distribution, "p1")
    cell = row[column]
    shown = f"{high:.4g}" if math.isfinite(high) else "more than 1e308"
    advice = "narrow the range or set clip_max"
    highest = 1.0 if f.kind == "share" else f.maximum
    if highest is not None and high > highest:
        at_most = "at most 1 (a share: 0.25 for 25%)" if f.kind == "share" else f.at_most
        problem("implausible-value", cell, f"a distribution whose draws of {item.input} stay "
                f"{at_most}; it can draw {shown}: {advice}", cell.shown, field_name=column)
        return
    if _below_minimum(item, f, row, problem):
        return
    if scenario is None or item.input not in ("monthly_growth", "requests_per_day") or \
            plausibility.last_day_requests(scenario.requests_per_day, scenario.monthly_growth,
                                           scenario.horizon_days) > schema.MAX_DAILY_REQUESTS:
        return  # the point values themselves are reported
    growth = high if item.input == "monthly_growth" else scenario.monthly_growth
    if growth >= schema.EXTREME_GROWTH and not scenario.allow_extreme_growth:
        if item.input == "requests_per_day":
            return  # the growth cell itself is reported
        problem("implausible-value", cell, "a distribution whose draws of monthly_growth stay "
                f"below 1 (100% a month), unless allow_extreme_growth is yes; it can draw "
                f"{shown}: {advice}", cell.shown, field_name=column)
        return
    requests = high if item.input == "requests_per_day" else scenario.requests_per_day
    if plausibility.last_day_requests(requests, growth, scenario.horizon_days
                                      ) > schema.MAX_DAILY_REQUESTS:
        problem("implausible-value", cell, f"a distribution whose draws of {item.input} keep "
                f"the volume at most {schema.MAX_DAILY_REQUESTS:g} requests a day over the "
                f"horizon; it can draw {shown}: {advice}", cell.shown, field_name=column)


def _below_minimum(item: Uncertain, f: schema.Field, row: dict[str, InputCell],
                   problem: Report) -> bool:
    """A bounded distribution (uniform, triangular...) whose min is below what the input
    may hold: its draws there would be clipped to the bound, piling up on it (a share of
    -0.5 to 0.5 is 0 half the time). Unbounded ones are clipped at their tails, as
    documented. Adds the problem; returns whether there was one."""
    lowest = 0.0 if f.kind == "share" else f.minimum
    if lowest is None or item.distribution not in plausibility.BOUNDED:
        return False
    low = item.p1 if item.clip_min is None else max(item.p1 or 0.0, item.clip_min)
    if low is None or low >= lowest:
        return False
    problem("implausible-value", row["p1"], f"a distribution whose draws of {item.input} stay "
            f"at least {lowest:g}; it can draw {low:g}, and every draw below {lowest:g} would "
            f"count as {lowest:g}: raise the min or set clip_min", row["p1"].shown,
            field_name="p1")
    return True
