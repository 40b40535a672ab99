"""The workbook's own Prices rows and their dates, and what they mean for the lookups.

With a user price book (``--prices``), the options that still look their prices up take
its rows, except where the workbook's own Prices sheet has an edited or added row of the
model, which wins. The template's lookups give #N/A when the option's model is in the
Prices sheet but no row of it is in force on the price date: that is one error naming
the model, the date and the periods the sheet covers, in place of one formula error per
price cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook

from ftreport.model import Scenario, schema
from ftreport.model.inputs import run_time
from ftreport.model.pricebook import ModelPrice, NoPriceInForce, PriceBook, load_pricebook
from ftreport.workbook import PRICES_TABLE
from ftreport.workbook._guards import is_lookup
from ftreport.workbook._price_lookups import LOOKED_UP, SHARE_LOOKED_UP
from ftreport.workbook._tables import locate_table
from ftreport.workbook._values import InputCell, is_blank_option, text_of

Report = Callable[..., None]  # _Reader.problem
NOT_AVAILABLE = "#N/A"
LOOKUP_FIELDS = LOOKED_UP + SHARE_LOOKED_UP


def sheet_prices(wb: Workbook) -> list[dict[str, object]]:
    """The rows of the workbook's Prices table that name a model, by column header
    (dates as dates); empty when there is no Prices table or it has no model column."""
    located = locate_table(wb, PRICES_TABLE)
    if located is None:
        return []
    ws, table = located
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    if max_row - min_row > schema.MAX_TABLE_ROWS:
        return []
    columns = {text_of(ws.cell(row=min_row, column=c).value).lower(): c
               for c in range(min_col, max_col + 1)}
    if "model" not in columns:
        return []
    rows = []
    for r in range(min_row + 1, max_row + 1):
        values = {name: ws.cell(row=r, column=c).value for name, c in columns.items() if name}
        values["_row"] = r  # for messages
        if text_of(values["model"]):
            for key in ("valid_from", "valid_to"):
                values[key] = _day(values.get(key))
            rows.append(values)
    return rows


def price_periods(wb: Workbook) -> dict[str, list[tuple[date | None, date | None]]]:
    """(valid_from, valid_to) of each row of the Prices table, by model (case folded)."""
    periods: dict[str, list[tuple[date | None, date | None]]] = {}
    for row in sheet_prices(wb):
        periods.setdefault(text_of(row["model"]).casefold(), []).append(
            (row["valid_from"], row["valid_to"]))  # type: ignore[arg-type]
    return periods


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _shown(periods: Iterable[tuple[date | None, date | None]]) -> str:
    return ", ".join(f"{start.isoformat() if start else 'always'} to "
                     f"{end.isoformat() if end else 'now'}" for start, end in periods)


def _not_found(cell: InputCell) -> bool:
    return cell.value == NOT_AVAILABLE or NOT_AVAILABLE in (cell.failed or "")


def check_price_dates(wb: Workbook, table_rows: list[dict[str, InputCell]], on: date,
                      given: str, problem: Report, refused: InputCell | None = None
                      ) -> set[str]:
    """One error for each option whose lookups found no Prices row of its model in force
    on ``on`` (``given`` says where that date comes from); its price cells are marked as
    failed because of it. Returns their addresses (their own errors are dropped).
    ``refused``: a date cell already reported (a time, text): the lookups looked up
    whatever it holds, so they depend on it and no date of ours explains them."""
    explained: set[str] = set()
    periods = None
    for row in (r for r in table_rows if not is_blank_option(r)):
        cells = [row[f] for f in LOOKUP_FIELDS if f in row and _not_found(row[f])]
        if not cells:
            continue
        if refused is not None:
            for c in cells:
                c.failed = f"depends on {refused.address}"
                explained.add(c.address)
            continue
        periods = price_periods(wb) if periods is None else periods
        model = row["model"]
        name = text_of(model.value)
        covered = _shown(periods.get(name.casefold(), [])) or "none"
        problem("out-of-range", model, f"a model with a Prices row in force on the price date "
                f"{on.isoformat()} ({given}): the rows of {name} cover {covered}; change "
                "price_date, add a row to the Prices sheet, or type the prices in",
                f"{name} on {on.isoformat()}", field_name="model")
        for c in cells:
            c.failed = f"depends on {model.address}"
            explained.add(c.address)
    return explained


def apply_user_prices(wb: Workbook, table_rows: list[dict[str, InputCell]], book: PriceBook,
                      on: date, rate: float) -> set[str]:
    """With a user price book (``book``, layered over the shipped one): each option whose
    price cells still hold the template's lookup takes the book's row of its model in
    force on ``on``, unless the workbook's own Prices sheet has an edited (or added) row
    of that model in force then, which wins. Returns the addresses of the cells set."""
    shipped = load_pricebook().sheet_rows
    sheet = sheet_prices(wb)
    filled: set[str] = set()
    for row in (r for r in table_rows if not is_blank_option(r)):
        model = text_of(row["model"].value).casefold()
        cells = [row[f] for f in LOOKUP_FIELDS if f in row and is_lookup(row[f])
                 and not (row[f].failed or "").startswith("depends on")]
        if not model or not cells:
            continue
        own = [r for r in sheet if text_of(r["model"]).casefold() == model
               and _sheet_row_in_force(r, on)]
        if own and not any(_same_prices(own[-1], m) for m in shipped
                           if m.model.casefold() == model):
            continue  # the analyst's own row
        try:
            found = book.at(model, on)
        except NoPriceInForce:
            continue
        if found is None:
            continue
        for c in cells:
            field = next(f for f in LOOKUP_FIELDS if row.get(f) is c)
            value = float(getattr(found, field))
            c.value, c.failed = (value * rate if field in LOOKED_UP else value), None
            filled.add(c.address)
    return filled


def _sheet_row_in_force(row: dict[str, object], on: date) -> bool:
    start, end = row.get("valid_from"), row.get("valid_to")
    return (start is None or start <= on) and (end is None or on < end)  # type: ignore[operator]


def _same_prices(row: dict[str, object], shipped: ModelPrice) -> bool:
    """Whether a Prices-sheet row holds the shipped book's figures (not edited)."""
    for field in LOOKUP_FIELDS:
        value = 0.0 if row.get(field) is None else row.get(field)  # blank: 0, as looked up
        if not isinstance(value, int | float) or float(value) != getattr(shipped, field):
            return False
    return (row.get("valid_from"), row.get("valid_to")) == (shipped.valid_from,
                                                            shipped.valid_to)


def resolve_price_lookups(wb: Workbook, table_rows: list[dict[str, InputCell]],
                          scenario: Scenario, pricebook: PriceBook | None, problem: Report,
                          refused: InputCell | None = None) -> set[str]:
    """A user price book's rows for the lookups it applies to, then one error per option
    whose lookups found no Prices row in force on the price date (``refused``: the date
    cell already reported, which the lookups then depend on). Returns the cells whose
    own formula errors these replace."""
    on = scenario.prices_on(run_time().date())
    given = scenario.prices_on_source
    explained = (apply_user_prices(wb, table_rows, pricebook, on, scenario.price_rate)
                 if pricebook else set())
    return explained | check_price_dates(wb, table_rows, on, given, problem, refused)
