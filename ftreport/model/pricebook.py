"""The price book: effective-dated model prices, each row with its source and check date.

No network at run time: prices come from ``ftreport/data/pricebook.json`` (or a user
book in the same format). A row is in force from ``valid_from`` up to, not including,
``valid_to`` (blank: still in force), so a superseded row's ``valid_to`` is its
successor's ``valid_from``. Rows of one model that are in force at the same time differ
by ``deployment`` (Azure ``global-standard`` / ``standard`` / ``developer``...); the
model's first-listed deployment is its default. Old model names resolve through the
book's ``aliases``; an alias names a model and the date whose price it stood for.

``PriceBook.models`` and ``PRICE_COLUMNS`` are the one-row-per-model view the template's
Prices sheet and the analysis read (the rows in force on the book's newest check date,
plus one row per old name).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from functools import cache, cached_property
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from ftreport.model.problems import InputError, Problem, describe

FORMAT = 2
KINDS = ("base", "fine-tuned", "self-hosted", "commitment")
PRICE_FIELDS = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
                "price_training_per_1m", "price_per_training_hour", "hosting_per_hour")
LIMIT_FIELDS = ("context_window", "max_output_tokens")


@dataclass(frozen=True)
class ModelPrice:
    """One model's prices as the template's Prices sheet shows them."""

    model: str  # the name an analyst picks in the Options table
    provider: str
    kind: str  # one of KINDS
    price_input_per_1m: float = 0.0
    price_cached_input_per_1m: float = 0.0
    price_output_per_1m: float = 0.0
    price_training_per_1m: float = 0.0
    price_per_training_hour: float = 0.0
    hosting_per_hour: float = 0.0
    context_window: int | None = None
    max_output_tokens: int | None = None
    source: str = ""
    as_of: str = ""  # the date the price was checked, ISO 8601
    notes: str = ""
    batch_discount: float = 0.0  # share off the token prices through the batch interface
    valid_from: date | None = None  # None: in force from the start (an old name's row)
    valid_to: date | None = None  # first day no longer in force; None: still in force

    def in_force(self, on: date) -> bool:
        """Whether the template's lookup takes this row on ``on`` (blank dates: always)."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to)


PRICE_COLUMNS = tuple(f.name for f in fields(ModelPrice))


@dataclass(frozen=True)
class PriceRow:
    """One price of one model and deployment over one period."""

    model: str
    provider: str
    kind: str
    deployment: str
    price_input_per_1m: float
    price_cached_input_per_1m: float
    price_output_per_1m: float
    price_training_per_1m: float
    price_per_training_hour: float
    hosting_per_hour: float
    batch_discount: float  # share off the token prices through the batch interface
    context_window: int | None
    max_output_tokens: int | None
    valid_from: date
    valid_to: date | None  # first day no longer in force; None: still in force
    source: str
    checked: date
    confirmed: bool  # read in the vendor's own page (or a dated verbatim copy)
    example: bool  # a vendor's illustration, not a price
    notes: str

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def model_price(self, name: str | None = None, notes: str | None = None) -> ModelPrice:
        """This row as the Prices sheet shows it (under ``name``, for an old name)."""
        values = {f: getattr(self, f) for f in PRICE_COLUMNS if hasattr(self, f)}
        values.update(model=name or self.model, as_of=self.checked.isoformat(),
                      notes=self.notes if notes is None else notes)
        return ModelPrice(**values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


ROW_FIELDS = tuple(f.name for f in fields(PriceRow))


@dataclass(frozen=True)
class Alias:
    """An old model name: the model it is now, and the date whose price it meant."""

    model: str
    on: date


class NoPriceInForce(InputError):
    """The book knows ``model`` but none of its rows is in force on ``on``."""

    def __init__(self, model: str, on: date, periods: str):
        self.model, self.on, self.periods = model, on, periods
        super().__init__([self.problem("price book")])

    def problem(self, file: str, sheet: str | None = None, cell: str | None = None
                ) -> Problem:
        """The same error placed where the caller found the model (a workbook cell)."""
        return Problem(file, sheet, cell, code="out-of-range",
                       expected=f"a price date on which {self.model} has a price "
                                f"({self.periods})",
                       found=self.on.isoformat())


@dataclass(frozen=True)
class PriceBook:
    currency: str
    rows: tuple[PriceRow, ...]
    aliases: Mapping[str, Alias]

    @property
    def as_of(self) -> str:
        """The newest check date of any row, ISO 8601."""
        return max(r.checked for r in self.rows).isoformat() if self.rows else ""

    def resolve(self, model: str) -> tuple[str, date | None]:
        """The book's name for ``model`` (case and spaces ignored) and, for an old name,
        the date whose price it stands for."""
        wanted = model.strip().lower()
        alias = self._aliases.get(wanted)
        if alias:
            return alias.model, alias.on
        return self._names.get(wanted, wanted), None

    def history(self, model: str) -> list[PriceRow]:
        """Every row of ``model`` (aliases honoured), in book order."""
        name, _ = self.resolve(model)
        return [r for r in self.rows if r.model == name]

    def at(self, model: str, on_date: date | str, deployment: str | None = None
           ) -> PriceRow | None:
        """The row of ``model`` in force on ``on_date``: None for a model the book does
        not know; :class:`NoPriceInForce` when it knows the model but not on that date.

        An old name is priced at its alias's date whatever ``on_date`` (it meant that
        price); ``deployment`` None is the model's default (first-listed) deployment.
        """
        name, pinned = self.resolve(model)
        on = pinned or _date(on_date)
        rows = [r for r in self.rows if r.model == name]
        if not rows:
            return None
        wanted = deployment.strip().lower() if deployment else rows[0].deployment
        rows = [r for r in rows if r.deployment == wanted]
        found = next((r for r in rows if r.in_force(on)), None)
        if found is None:
            label = name if deployment is None else f"{name} ({wanted})"
            raise NoPriceInForce(label, on, _periods(rows) or "no such deployment")
        return found

    def in_force(self, on_date: date | str) -> list[PriceRow]:
        """One row per model and deployment: those in force on ``on_date``, book order."""
        on = _date(on_date)
        return [r for r in self.rows if r.in_force(on)]

    def providers(self) -> list[str]:
        return sorted({r.provider for r in self.rows}, key=str.lower)

    @cached_property
    def models(self) -> tuple[ModelPrice, ...]:
        """One row per model name: each model's default deployment in force on the
        newest check date, then each old name at its alias's date."""
        on = date.fromisoformat(self.as_of)
        current, seen = [], set()
        for row in self.in_force(on):
            if row.model not in seen and row.deployment == self.history(row.model)[0].deployment:
                seen.add(row.model)
                current.append(row.model_price())
        for old, alias in self.aliases.items():
            row = self.at(old, alias.on)
            if row is not None:
                note = (f"Old name of {row.model} at its price of {alias.on.isoformat()} "
                        f"(kept so existing workbooks resolve). {row.notes}")
                current.append(row.model_price(old, note))
        return tuple(current)

    @cached_property
    def sheet_rows(self) -> tuple[ModelPrice, ...]:
        """The template's Prices sheet: every dated row of each model's default deployment
        (so a lookup can take the row in force on the price date), then each old name,
        undated, at its alias's price."""
        rows = [r.model_price() for r in self.rows
                if r.deployment == self.history(r.model)[0].deployment]
        named = {m.model for m in self.models}
        rows += [replace(m, valid_from=None, valid_to=None) for m in self.models
                 if m.model in self.aliases and m.model in named]
        return tuple(rows)

    def get(self, model: str) -> ModelPrice | None:
        wanted = model.strip().lower()
        return next((m for m in self.models if m.model.lower() == wanted), None)

    def to_dict(self, rows: list[PriceRow] | None = None) -> dict[str, Any]:
        """The book (or some of its rows) in the JSON format it is read from."""
        return {"format": FORMAT, "currency": self.currency,
                "aliases": {k: {"model": a.model, "on": a.on.isoformat()}
                            for k, a in self.aliases.items()},
                "rows": [r.to_dict() for r in (self.rows if rows is None else rows)]}

    @cached_property
    def _aliases(self) -> dict[str, Alias]:
        return {k.lower(): a for k, a in self.aliases.items()}

    @cached_property
    def _names(self) -> dict[str, str]:
        return {r.model.lower(): r.model for r in self.rows}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value).strip())


def _periods(rows: list[PriceRow]) -> str:
    return ", ".join(f"{r.valid_from.isoformat()} to "
                     f"{r.valid_to.isoformat() if r.valid_to else 'now'}" for r in rows)


@cache
def load_pricebook() -> PriceBook:
    """The book shipped with the package."""
    text = resources.files("ftreport").joinpath("data/pricebook.json").read_text(
        encoding="utf-8")
    return parse_pricebook(json.loads(text), "ftreport/data/pricebook.json")


def read_pricebook(path: str | Path) -> PriceBook:
    """A user price book in the shipped format; every problem found is an InputError."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, None, "an existing price book file",
                                  code="file-not-found")]) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), None, None, "a price book in JSON",
                                  found=str(exc), code="wrong-format")]) from None
    return parse_pricebook(raw, str(path))


def parse_pricebook(raw: object, file: str) -> PriceBook:
    """A book from its JSON data, checked field by field (see :func:`row_problems`)."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT \
            or not isinstance(raw.get("rows"), list):
        raise InputError([Problem(file, None, None, code="wrong-format",
                                  expected=f'a price book: an object with "format": {FORMAT} '
                                           'and a list of "rows"')])
    problems: list[Problem] = []
    rows = []
    for i, entry in enumerate(raw["rows"]):
        found = row_problems(entry, file, i)
        problems += found
        if not found:
            rows.append(_row(entry))
    problems += overlap_problems(rows, file)
    aliases = {}
    for old, target in (raw.get("aliases") or {}).items():
        try:
            aliases[old] = Alias(str(target["model"]), date.fromisoformat(target["on"]))
        except (TypeError, KeyError, ValueError):
            problems.append(Problem(file, None, None, code="type-error", field=f"aliases.{old}",
                                    expected='{"model": NAME, "on": DATE}',
                                    found=describe(str(target))))
    book = PriceBook(str(raw.get("currency", "USD")), tuple(rows), aliases)
    for old, alias in aliases.items():
        try:
            found = book.at(old, alias.on)
        except NoPriceInForce:
            found = None
        if found is None:
            problems.append(Problem(file, None, None, code="unknown-name",
                                    field=f"aliases.{old}", found=alias.model,
                                    expected=f"a model with a row in force on {alias.on}"))
    if problems:
        raise InputError(problems)
    return book


def row_problems(entry: object, file: str, index: int) -> list[Problem]:
    """What is wrong with one row: a missing field, a price that is not a number >= 0,
    a share outside 0..1, a date that is not ISO 8601, an end before the start."""
    if not isinstance(entry, dict):
        return [Problem(file, None, None, code="type-error", field=f"rows[{index}]",
                        expected="an object", found=describe(str(entry)))]
    name = f'rows[{index}] ("{entry.get("model", "?")}")'

    def bad(key: str, expected: str, code: str = "type-error") -> Problem:
        return Problem(file, None, None, code=code, field=f"{name}.{key}", expected=expected,
                       found=describe(entry.get(key)) if key in entry else "nothing")

    problems = [bad(k, "present", "missing-value") for k in ROW_FIELDS
                if k not in entry and k != "valid_to"]
    if problems:
        return problems
    for key in ("model", "provider", "deployment", "source"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            problems.append(bad(key, "a text"))
    if entry["kind"] not in KINDS:
        problems.append(bad("kind", "one of " + ", ".join(KINDS), "out-of-range"))
    for key in (*PRICE_FIELDS, "batch_discount"):
        if not finite_number(entry[key]) or entry[key] < 0:
            problems.append(bad(key, "a number >= 0"))
    if finite_number(entry["batch_discount"]) and entry["batch_discount"] > 1:
        problems.append(bad("batch_discount", "a share from 0 to 1", "out-of-range"))
    for key in LIMIT_FIELDS:
        if entry[key] is not None and (not isinstance(entry[key], int) or entry[key] <= 0):
            problems.append(bad(key, "a whole number > 0 or null"))
    for key in ("confirmed", "example"):
        if not isinstance(entry[key], bool):
            problems.append(bad(key, "true or false"))
    dates: dict[str, date | None] = {"valid_to": None}
    for key in ("valid_from", "valid_to", "checked"):
        if key == "valid_to" and entry[key] is None:
            continue
        try:
            dates[key] = date.fromisoformat(entry[key])
        except (TypeError, ValueError):
            problems.append(bad(key, "a date YYYY-MM-DD"))
    start, end = dates.get("valid_from"), dates["valid_to"]
    if start and end and end <= start:
        problems.append(bad("valid_to", "after valid_from", "out-of-range"))
    return problems


def overlap_problems(rows: list[PriceRow], file: str) -> list[Problem]:
    """Two rows of one model and deployment in force on the same day."""
    problems = []
    by_key: dict[tuple[str, str], list[PriceRow]] = {}
    for row in rows:
        by_key.setdefault((row.model.lower(), row.deployment), []).append(row)
    for group in by_key.values():
        group.sort(key=lambda r: r.valid_from)
        for before, after in pairwise(group):
            if before.valid_to is None or before.valid_to > after.valid_from:
                problems.append(Problem(
                    file, None, None, code="duplicate",
                    field=f"{after.model} ({after.deployment})",
                    expected="one row in force on any day",
                    found=f"rows from {before.valid_from} and {after.valid_from} overlap"))
    return problems


def finite_number(value: object) -> bool:
    """A JSON number that is a price could be: int or float, not bool, not NaN or inf."""
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _row(entry: dict[str, Any]) -> PriceRow:
    values = {k: entry.get(k) for k in ROW_FIELDS}
    for key in (*PRICE_FIELDS, "batch_discount"):
        values[key] = float(values[key])
    for key in ("valid_from", "checked"):
        values[key] = date.fromisoformat(values[key])
    values["valid_to"] = date.fromisoformat(values["valid_to"]) if values["valid_to"] else None
    values["deployment"] = values["deployment"].strip().lower()
    return PriceRow(**values)
