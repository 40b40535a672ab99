"""The template's price lookups: the Options cells that take a price from the Prices
sheet's row of the option's model in force on the price date, and the value each gives.

docs/workbook.md ("Options table columns") shows the formula; docs/prices.md the rows.
"""

from __future__ import annotations

from datetime import date

from openpyxl.utils import get_column_letter

from ftreport.model.pricebook import PRICE_COLUMNS, PriceBook

HEADER_ROW = 3  # the Prices table's header row, as every table's of the template
FIRST_ROW = HEADER_ROW + 1
PRICE_ROWS = 300  # the lookup ranges reach below the price book, for models an analyst adds
# The model drop-down's list: the filled rows of the Prices sheet's model column, however
# many an analyst adds (a fixed range would stop at the book's last row).
PRICE_MODELS_NAME = "price_models"

# Option columns filled by a lookup of the option's model in the Prices table.
LOOKED_UP = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
             "price_training_per_1m", "price_per_training_hour", "hosting_per_hour")
# Looked up too, but a share: not converted at fx_rate.
SHARE_LOOKED_UP = ("batch_discount",)
PRICE_NOTES = {
    "model": "The name to pick in the Options table's model column.",
    "provider": "Who sells it.",
    "kind": "base, fine-tuned, self-hosted or commitment.",
    "price_input_per_1m": "Price per 1M input tokens.",
    "price_cached_input_per_1m": "Price per 1M cached input tokens (0: no discount).",
    "price_output_per_1m": "Price per 1M output tokens.",
    "price_training_per_1m": "Price per 1M trained tokens (file tokens x epochs).",
    "price_per_training_hour": "Price per training compute hour.",
    "hosting_per_hour": "Hourly fee while deployed, used or not.",
    "context_window": "Most tokens per request (input + output).",
    "max_output_tokens": "Most output tokens per request.",
    "source": "The provider's pricing page.",
    "as_of": "The date the price was read.",
    "notes": "Tier, caveats, and whether the price is confirmed.",
    "batch_discount": "Share off the token prices through the provider's batch interface.",
    "valid_from": "First day the row is in force (blank: always). The Options lookups take "
                  "the row in force on price_date (blank: today).",
    "valid_to": "First day the row is no longer in force (blank: still in force).",
}


def price_lookup(field: str, row: int) -> str:
    """The formula of an option's price cell: from the Prices row of the option's model in
    force on price_date (blank: today), the price (USD) times fx_rate (blank: 1); 0 when
    the model is blank or not in Prices; #N/A when it is there but no row of it is in
    force on that date (the reader names the model and the date).

    A row is in force from valid_from (blank: always) up to, not including, valid_to
    (blank: still); of several, the lowest on the sheet wins, so a row an analyst adds
    below the book's overrides it. SUMPRODUCT, MAX, ROW, INDEX and MATCH only (no array
    entry, no XLOOKUP), so Excel, LibreOffice 7.4 and the reader's evaluator compute it.
    """
    model = f"$C{row}"
    names, values = _price_range("model"), _price_range(field)
    # The price date's rule (Scenario.prices_on): price_date, else start_date, else today.
    on = "IF(ISNUMBER(price_date),price_date,IF(ISNUMBER(start_date),start_date,TODAY()))"
    in_force = (f"({names}={model})*({_price_range('valid_from')}<={on})"
                f"*(({_price_range('valid_to')}=\"\")+({_price_range('valid_to')}>{on}))")
    found = f"SUMPRODUCT(MAX({in_force}*ROW({names})))"
    value = f"INDEX({values},{found}-{HEADER_ROW})"
    if field in LOOKED_UP:
        rate = "IF(ISNUMBER(fx_rate),fx_rate,1)"  # blank (or text, an error the reader gives)
        value = f"{value}*{rate}"
    return (f'=IF({model}="",0,IF(ISNA(MATCH({model},{names},0)),0,'
            f'IF({found}=0,NA(),{value})))')


def _price_range(column: str) -> str:
    col = get_column_letter(PRICE_COLUMNS.index(column) + 1)
    return f"Prices!${col}${FIRST_ROW}:${col}${HEADER_ROW + PRICE_ROWS}"


def price_lookup_value(book: PriceBook, field: str, model: object, rate: float, on: date
                       ) -> float | str:
    """What :func:`price_lookup` computes for ``model`` at fx_rate ``rate`` on the price
    date ``on`` over the Prices rows the template writes from ``book``."""
    wanted = str(model or "").strip().casefold()
    rows = [m for m in book.sheet_rows if m.model.casefold() == wanted]
    if not wanted or not rows:
        return 0.0
    found = [m for m in rows if m.in_force(on)]
    if not found:
        return "#N/A"
    price = float(getattr(found[-1], field) or 0.0)
    return price * rate if field in LOOKED_UP else price
