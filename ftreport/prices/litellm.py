"""Refreshing inference prices from LiteLLM's ``model_prices_and_context_window.json``.

LiteLLM's table gives USD per token (``input_cost_per_token``,
``cache_read_input_token_cost``, ``output_cost_per_token``, their ``*_batches``
variants) and token limits (``max_input_tokens``, ``max_output_tokens``). It has no
training or hosting prices, so those stay the shipped book's. The result is a user price
book holding only the rows that are new or changed, each dated the day of the import and
marked unconfirmed (a third party's copy, not the vendor's page).

Safety: the file is read as data and never executed. Without a file, the copy inside an
installed ``litellm`` package is located with ``importlib.util.find_spec``, which finds
the package folder without running its code; there is never a network call. ftreport does
not depend on litellm (two of its releases, 1.82.7 and 1.82.8, carried a credential
stealer that ran on every Python start).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from ftreport.fileio import atomic_write
from ftreport.model.pricebook import (
    NoPriceInForce,
    PriceBook,
    PriceRow,
    finite_number,
    parse_pricebook,
)
from ftreport.model.problems import InputError, Problem, describe
from ftreport.prices.listing import COLUMNS, rows_table

# LiteLLM's own table is about 1.6 MB (2026); a file ten times that is refused unread.
MAX_LITELLM_BYTES = 16 * 1024 * 1024
FILE_NAMES = ("model_prices_and_context_window.json",
              "model_prices_and_context_window_backup.json")  # the name inside the package
SOURCE = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
NOT_MODELS = frozenset({"sample_spec"})  # LiteLLM's documentation entry
MODEL_MODES = frozenset({"chat", "completion", "responses"})
# Our field -> LiteLLM's per-token field.
TOKEN_PRICES = {"price_input_per_1m": "input_cost_per_token",
                "price_cached_input_per_1m": "cache_read_input_token_cost",
                "price_output_per_1m": "output_cost_per_token"}
BATCH_PRICES = {"input_cost_per_token": "input_cost_per_token_batches",
                "output_cost_per_token": "output_cost_per_token_batches"}
LIMITS = {"context_window": "max_input_tokens", "max_output_tokens": "max_output_tokens"}


@dataclass(frozen=True)
class LiteLLMPrice:
    name: str
    provider: str
    values: dict[str, float | int]  # our row fields LiteLLM gives, per 1M tokens


@dataclass(frozen=True)
class LiteLLMTable:
    path: Path
    sha256: str
    prices: list[LiteLLMPrice]
    skipped: dict[str, str]  # entry -> why it is not imported


@dataclass
class ImportDiff:
    """The imported table against the shipped book."""

    table: LiteLLMTable
    added: list[PriceRow] = field(default_factory=list)
    changed: list[tuple[PriceRow, PriceRow]] = field(default_factory=list)  # (old, new)
    unchanged: int = 0
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[PriceRow]:
        """What the user price book holds: the added and the changed rows."""
        return [*self.added, *(new for _, new in self.changed)]


def locate_litellm_json() -> Path:
    """The price table inside an installed ``litellm`` package, found without importing
    it (``find_spec`` of a top-level name reads the file system only)."""
    try:
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in FILE_NAMES:
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    raise InputError([Problem(
        "litellm", None, None, code="file-not-found",
        expected="a LiteLLM price table: give the path of model_prices_and_context_window.json "
                 "(no installed litellm package carries one)")])


def read_litellm(path: Path) -> LiteLLMTable:
    """The model entries of a LiteLLM-format file, per 1M tokens; every malformed entry
    is a problem naming it (InputError, exit 2). A file over MAX_LITELLM_BYTES is
    refused before it is parsed."""
    data = _bounded_bytes(path)
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), None, None, code="damaged-file",
                                  expected="LiteLLM's price table in JSON",
                                  found=str(exc))]) from None
    if not isinstance(raw, dict):
        raise InputError([Problem(str(path), None, None, code="wrong-format",
                                  expected="a JSON object of model name -> prices",
                                  found=type(raw).__name__)])
    prices, skipped, problems = [], {}, []
    for name, entry in raw.items():
        if name in NOT_MODELS:
            skipped[name] = "not a model"
            continue
        found = _entry_problems(path, name, entry)
        problems += found
        if found:
            continue
        mode = entry.get("mode")
        if mode is not None and mode not in MODEL_MODES:
            skipped[name] = f"mode {mode}, not a text model"
        elif entry.get("input_cost_per_token") is None \
                or entry.get("output_cost_per_token") is None:
            skipped[name] = "no input or output price"
        else:
            prices.append(_price(name, entry))
    if problems:
        raise InputError(problems)
    return LiteLLMTable(path, hashlib.sha256(data).hexdigest(), prices, skipped)


def _bounded_bytes(path: Path) -> bytes:
    def too_large(size: int) -> InputError:
        return InputError([Problem(str(path), None, None, code="too-large",
                                   expected=f"a price table of at most {MAX_LITELLM_BYTES:,} "
                                            "bytes", found=f"{size:,} bytes or more")])

    try:
        size = path.stat().st_size
        if size > MAX_LITELLM_BYTES:
            raise too_large(size)
        with path.open("rb") as f:
            data = f.read(MAX_LITELLM_BYTES + 1)  # bounded even if the size was wrong
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, None, code="file-not-found",
                                  expected="an existing file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), None, None, code="not-a-file",
                                  expected="a file, not a folder")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, None, code="unreadable-file",
                                  expected="a readable file", found=str(exc))]) from None
    if len(data) > MAX_LITELLM_BYTES:
        raise too_large(len(data))
    return data


def _entry_problems(path: Path, name: str, entry: object) -> list[Problem]:
    def bad(key: str | None, expected: str, found: object) -> Problem:
        return Problem(str(path), None, None, code="type-error", expected=expected,
                       field=f'"{name}"' + (f".{key}" if key else ""), found=describe(found))

    if not isinstance(entry, dict):
        return [bad(None, "an object of prices", str(entry))]
    problems = []
    for key in ("mode", "litellm_provider"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            problems.append(bad(key, "a text", entry[key]))
    for key in (*TOKEN_PRICES.values(), *BATCH_PRICES.values()):
        value = entry.get(key)
        if value is not None and (not finite_number(value) or value < 0):
            problems.append(bad(key, "a number >= 0 (USD per token)", value))
    for key in LIMITS.values():
        value = entry.get(key)
        if value is not None and (not finite_number(value) or value <= 0 or value != int(value)):
            problems.append(bad(key, "a whole number of tokens > 0", value))
    return problems


def _per_1m(per_token: float) -> float:
    # Through the decimal of the figure as written, so 3e-07 gives 0.3, not 0.30000000000000004.
    return float(Decimal(repr(per_token)) * 1_000_000)


def _price(name: str, entry: dict[str, object]) -> LiteLLMPrice:
    values: dict[str, float | int] = {}
    for ours, theirs in TOKEN_PRICES.items():
        if entry.get(theirs) is not None:
            values[ours] = _per_1m(entry[theirs])  # type: ignore[arg-type]
    discounts = [1 - Decimal(repr(entry[batch])) / Decimal(repr(entry[normal]))
                 for normal, batch in BATCH_PRICES.items()
                 if entry.get(batch) is not None and entry[normal]]
    if discounts:
        values["batch_discount"] = float(max(Decimal(0), min(discounts)))  # the smaller
    for ours, theirs in LIMITS.items():
        if entry.get(theirs) is not None:
            values[ours] = int(entry[theirs])  # type: ignore[call-overload]
    return LiteLLMPrice(name, str(entry.get("litellm_provider") or "unknown"), values)


def import_litellm(book: PriceBook, table: LiteLLMTable, on: date) -> ImportDiff:
    """Compare ``table`` with the rows of ``book`` in force on ``on``: a model the book
    has gets its inference prices and limits from LiteLLM (training and hosting stay);
    a model it lacks is added as a base model (a fine-tuned one is skipped: LiteLLM has
    no training price for it)."""
    diff = ImportDiff(table, skipped=dict(table.skipped))
    seen: set[str] = set()
    origin = f"LiteLLM's price table ({table.path.name}, sha256 {table.sha256[:12]})"
    for price in table.prices:
        name, pinned = book.resolve(price.name)
        if pinned or name.lower() in seen:
            diff.skipped[price.name] = "an old name or a second entry for a model"
            continue
        seen.add(name.lower())
        try:
            old = book.at(name, on)
        except NoPriceInForce:
            old = None
        common = {"valid_from": on, "valid_to": None, "source": SOURCE, "checked": on,
                  "confirmed": False, "example": False}
        if old is not None:
            if all(getattr(old, k) == v for k, v in price.values.items()):
                diff.unchanged += 1
                continue
            notes = (f"UNCONFIRMED: inference prices and limits from {origin}, imported {on}, "
                     f"not checked against {old.provider}'s page. Training and hosting "
                     f"prices from ftreport's row of {old.valid_from} ({old.source}).")
            diff.changed.append((old, replace(old, **price.values, **common, notes=notes)))
        elif price.name.lower().startswith("ft:"):
            diff.skipped[price.name] = "a fine-tuned model without a training price"
        else:
            notes = (f"UNCONFIRMED: inference prices from {origin}, imported {on}, not "
                     f"checked against the vendor's page (LiteLLM provider {price.provider}).")
            diff.added.append(PriceRow(**{
                "model": price.name, "provider": price.provider, "kind": "base",
                "deployment": "standard", "price_input_per_1m": 0.0,
                "price_cached_input_per_1m": 0.0, "price_output_per_1m": 0.0,
                "price_training_per_1m": 0.0, "price_per_training_hour": 0.0,
                "hosting_per_hour": 0.0, "batch_discount": 0.0, "context_window": None,
                "max_output_tokens": None, **price.values, **common, "notes": notes}))
    return diff


def diff_table(diff: ImportDiff) -> str:
    """What the import would change, in words and a table, for review before writing."""
    heads = {attr: head for head, attr in COLUMNS}
    lines = [f"LiteLLM price table: {diff.table.path} (sha256 {diff.table.sha256[:12]})",
             f"{len(diff.added)} added, {len(diff.changed)} changed, {diff.unchanged} "
             f"unchanged, {len(diff.skipped)} skipped"]
    if diff.changed:
        lines.append("changed (old -> new):")
        for old, new in diff.changed:
            moves = [f"{heads.get(k, k)} {getattr(old, k)} -> {getattr(new, k)}"
                     for k in (*TOKEN_PRICES, "batch_discount", *LIMITS)
                     if getattr(old, k) != getattr(new, k)]
            lines.append(f"  {old.model} [{old.deployment}]: " + ", ".join(moves))
    if diff.added:
        lines += ["added:", rows_table(diff.added)]
    if diff.skipped:
        reasons = Counter(diff.skipped.values())
        lines.append("skipped: " + "; ".join(f"{n} {why}" for why, n in sorted(reasons.items())))
    return "\n".join(lines)


def write_user_book(path: Path, diff: ImportDiff, currency: str = "USD") -> None:
    """The added and changed rows as a user price book, written atomically."""
    data = PriceBook(currency, tuple(diff.rows), {}).to_dict()
    parse_pricebook(data, str(path))  # the same checks a reader of the file will make
    with atomic_write(path) as temp:
        temp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
