"""A user price book (``--prices FILE``) layered over the shipped one.

FILE is JSON in the shipped book's format (what ``ftreport prices export`` and
``import-litellm`` write), or an .xlsx workbook with a Prices table (a scenario
workbook's Prices sheet, or one laid out the same way). Its rows of a model and
deployment replace the shipped rows of it; a scenario workbook's own Prices-sheet edits
still win over both (ftreport.workbook._price_dates).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ftreport.model.pricebook import (
    LIMIT_FIELDS,
    PRICE_FIELDS,
    PriceBook,
    PriceRow,
    load_pricebook,
    parse_pricebook,
    read_pricebook,
    row_problems,
)
from ftreport.model.problems import InputError, Problem

ALWAYS = date.min  # a Prices-sheet row with a blank valid_from is in force from the start


def layered_pricebook(path: str | Path | None) -> PriceBook:
    """The shipped book, with the user book at ``path`` over it (none: the shipped one)."""
    base = load_pricebook()
    return base if path is None else layered(base, read_user_prices(path))


def layered(base: PriceBook, user: PriceBook) -> PriceBook:
    """``user`` over ``base``: the user's rows of a model and deployment replace all of the
    base's rows of it, in the base's place (so a model's default deployment stays the
    same); rows of models or deployments the base lacks come after; the user's aliases win.
    """
    def key(r: PriceRow) -> tuple[str, str]:
        return r.model.casefold(), r.deployment

    replacing: dict[tuple[str, str], list[PriceRow]] = {}
    for row in user.rows:
        replacing.setdefault(key(row), []).append(row)
    rows: list[PriceRow] = []
    placed: set[tuple[str, str]] = set()
    for row in base.rows:
        if key(row) not in replacing:
            rows.append(row)
        elif key(row) not in placed:
            rows += replacing[key(row)]
            placed.add(key(row))
    rows += [r for r in user.rows if key(r) not in placed]
    return PriceBook(base.currency, tuple(rows), {**base.aliases, **user.aliases})


def read_user_prices(path: str | Path) -> PriceBook:
    """The user book at ``path``: JSON, or an .xlsx with a Prices table; every problem
    (a missing file, a bad row) is an InputError naming the file and the entry."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        return read_pricebook(path)
    from ftreport.workbook._opening import open_workbook, read_bytes
    from ftreport.workbook._price_dates import sheet_prices

    rows = sheet_prices(open_workbook(path, read_bytes(path)))
    if not rows:
        raise InputError([Problem(str(path), "Prices", None, code="missing-table",
                                  expected="an Excel table named Prices with a model column "
                                           "and at least one row")])
    entries, problems = [], []
    for values in rows:
        entry = _entry(values)
        found = row_problems(entry, str(path), int(values["_row"]))  # type: ignore[arg-type]
        problems += [Problem(p.file, "Prices", f"row {values['_row']}", p.expected, p.found,
                             p.field, code=p.code) for p in found]
        entries.append(entry)
    if problems:
        raise InputError(problems)
    return parse_pricebook({"format": 2, "currency": "USD", "rows": entries}, str(path))


def _entry(values: dict[str, object]) -> dict[str, object]:
    """A Prices-sheet row as a book entry: blank prices are 0 (as the lookups read them),
    a blank valid_from is "always", and the row counts as unconfirmed."""
    model = str(values["model"]).strip()
    shipped = load_pricebook().history(model)

    def text(key: str, default: str) -> object:
        value = values.get(key)
        return default if value is None or str(value).strip() == "" else value

    entry: dict[str, object] = {
        "model": model, "provider": text("provider", "user"), "kind": text("kind", "base"),
        "deployment": text("deployment", shipped[0].deployment if shipped else "standard"),
        "valid_from": _iso(values.get("valid_from")) or ALWAYS.isoformat(),
        "valid_to": _iso(values.get("valid_to")),
        "source": text("source", ""), "checked": _iso(values.get("as_of")) or "",
        "confirmed": False, "example": False, "notes": str(text("notes", "")),
    }
    for key in (*PRICE_FIELDS, "batch_discount"):
        entry[key] = text(key, 0.0)
    for key in LIMIT_FIELDS:
        value = values.get(key)
        entry[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    return entry


def _iso(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() if value not in (None, "") else None
