"""What `ftreport prices list`, `show` and `export` print: rows chosen by provider, text
and date, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from ftreport.model.pricebook import ROW_FIELDS, NoPriceInForce, PriceBook, PriceRow
from ftreport.model.problems import InputError, Problem

# (heading, row attribute) of the listing's columns; prices are per 1M tokens or per hour.
COLUMNS = (("model", "model"), ("deployment", "deployment"), ("provider", "provider"),
           ("in/1M", "price_input_per_1m"), ("cached/1M", "price_cached_input_per_1m"),
           ("out/1M", "price_output_per_1m"), ("train/1M", "price_training_per_1m"),
           ("train/h", "price_per_training_hour"), ("host/h", "hosting_per_hour"),
           ("batch", "batch_discount"), ("from", "valid_from"), ("to", "valid_to"),
           ("checked", "checked"))


def select_rows(book: PriceBook, on: date, provider: str | None = None,
                search: str | None = None) -> list[PriceRow]:
    """The rows in force on ``on`` whose provider contains ``provider`` and whose model,
    provider or notes contain ``search`` (both ignoring case)."""
    rows = book.in_force(on)
    if provider:
        rows = [r for r in rows if provider.lower() in r.provider.lower()]
    if search:
        text = search.lower()
        rows = [r for r in rows if text in f"{r.model} {r.provider} {r.notes}".lower()]
    return rows


def flags(row: PriceRow) -> str:
    """The row's standing in words: "example", "unconfirmed" or blank."""
    return "example" if row.example else "" if row.confirmed else "unconfirmed"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return value.isoformat() if isinstance(value, date) else str(value)


def rows_table(rows: list[PriceRow]) -> str:
    """The rows as a fixed-width text table, one line each, with their flags."""
    table = [[head for head, _ in COLUMNS] + ["flags"]]
    table += [[_cell(getattr(r, name)) for _, name in COLUMNS] + [flags(r)] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                     for line in table)


def show_model(book: PriceBook, model: str, on: date | None = None
               ) -> tuple[str, NoPriceInForce | None]:
    """Every dated row of ``model`` with its source and flags; with ``on``, which one is
    in force then, and the error to report when none is. An unknown model is an
    InputError."""
    rows = book.history(model)
    if not rows:
        raise InputError([Problem("price book", None, None, code="unknown-name",
                                  expected="a model in the price book (see ftreport prices "
                                           "list --search)", found=f'"{model}"')])
    name, pinned = book.resolve(model)
    lines = [f"{model} is an old name of {name} at its price of {pinned}"] if pinned else []
    when = on or pinned
    try:
        chosen, missing = (book.at(model, when) if when else None), None
    except NoPriceInForce as exc:
        chosen, missing = None, exc
    for row in rows:
        mark = " (in force)" if row == chosen else ""
        lines.append(f"{row.model} [{row.deployment}] {row.valid_from} to "
                     f"{row.valid_to or 'now'}{mark}")
        lines.append("  " + ", ".join(f"{head} {_cell(getattr(row, attr))}"
                                      for head, attr in COLUMNS[3:10]))
        lines.append(f"  context {_cell(row.context_window)}, max output "
                     f"{_cell(row.max_output_tokens)}; checked {row.checked}"
                     + (f"; {flags(row)}" if flags(row) else ""))
        lines.append(f"  source: {row.source}")
        lines.append(f"  notes: {row.notes}")
    return "\n".join(lines), missing


def export_text(book: PriceBook, fmt: str, on: date | None = None) -> str:
    """The whole book (``on`` None) or its rows in force on ``on``, as JSON in the
    book's own format or as CSV with one column per row field."""
    rows = list(book.rows) if on is None else book.in_force(on)
    if fmt == "json":
        return json.dumps(book.to_dict(rows), indent=1, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROW_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(r.to_dict() for r in rows)
    return out.getvalue()

