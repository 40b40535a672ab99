"""The workbook's own Prices rows and their dates: why an Options lookup found no price.

The template's lookups give #N/A when the option's model is in the Prices sheet but no
row of it is in force on the price date. That is one error naming the model, the date
and the periods the sheet does cover, in place of one formula error per price cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook

from ftreport.model import schema
from ftreport.workbook import PRICES_TABLE
from ftreport.workbook._tables import locate_table
from ftreport.workbook._values import InputCell, is_blank_option, text_of

Report = Callable[..., None]  # _Reader.problem
NOT_AVAILABLE = "#N/A"
LOOKUP_FIELDS = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
                 "price_training_per_1m", "price_per_training_hour", "hosting_per_hour",
                 "batch_discount")


def price_periods(wb: Workbook) -> dict[str, list[tuple[date | None, date | None]]]:
    """(valid_from, valid_to) of each row of the Prices table, by model (case folded);
    empty when the workbook has no Prices table or it has no model column."""
    located = locate_table(wb, PRICES_TABLE)
    if located is None:
        return {}
    ws, table = located
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    if max_row - min_row > schema.MAX_TABLE_ROWS:
        return {}
    columns = {text_of(ws.cell(row=min_row, column=c).value).lower(): c
               for c in range(min_col, max_col + 1)}
    if "model" not in columns:
        return {}
    periods: dict[str, list[tuple[date | None, date | None]]] = {}
    for r in range(min_row + 1, max_row + 1):
        model = text_of(ws.cell(row=r, column=columns["model"]).value).casefold()
        if model:
            periods.setdefault(model, []).append(
                tuple(_day(ws.cell(row=r, column=columns[k]).value) if k in columns else None
                      for k in ("valid_from", "valid_to")))  # type: ignore[arg-type]
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
                      given: str, problem: Report) -> set[str]:
    """One error for each option whose lookups found no Prices row of its model in force
    on ``on`` (``given`` says where that date comes from); its price cells are marked as
    failed because of it. Returns their addresses (their own errors are dropped)."""
    explained: set[str] = set()
    periods = None
    for row in (r for r in table_rows if not is_blank_option(r)):
        cells = [row[f] for f in LOOKUP_FIELDS if f in row and _not_found(row[f])]
        if not cells:
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
