"""`ftreport prices`: look through, export and refresh the price book (GitHub issue 18).

- ``listing``: the rows a listing shows (by provider, text, date), as a text table or
  JSON, one model's dated rows (``show``), and the book or its rows in force exported as
  JSON or CSV.
- ``litellm``: reads LiteLLM's ``model_prices_and_context_window.json`` (a file given,
  or the copy inside an installed ``litellm`` package, found without importing it),
  converts its per-token prices to per-1M rows, and compares them with the shipped book
  before a user price book is written.

docs/prices.md describes the commands and the book's rules.
"""

from ftreport.prices.listing import (
    export_text,
    rows_table,
    select_rows,
    show_model,
)
from ftreport.prices.litellm import (
    MAX_LITELLM_BYTES,
    ImportDiff,
    diff_table,
    import_litellm,
    locate_litellm_json,
    read_litellm,
    write_user_book,
)

__all__ = ["MAX_LITELLM_BYTES", "ImportDiff", "diff_table", "export_text", "import_litellm",
           "locate_litellm_json", "read_litellm", "rows_table", "select_rows", "show_model",
           "write_user_book"]
