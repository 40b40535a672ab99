"""The price book shipped with the package: dated model prices with their sources.

No network at run time: prices come from ``ftreport/data/pricebook.json``,
which says when each price was read and where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ModelPrice:
    model: str  # the name an analyst picks in the Options table
    provider: str
    kind: str  # "base", "fine-tuned" or "self-hosted"
    price_input_per_1m: float = 0.0
    price_cached_input_per_1m: float = 0.0
    price_output_per_1m: float = 0.0
    price_training_per_1m: float = 0.0
    price_per_training_hour: float = 0.0
    hosting_per_hour: float = 0.0
    context_window: int | None = None
    max_output_tokens: int | None = None
    source: str = ""
    as_of: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PriceBook:
    as_of: str  # the date of the newest price, ISO 8601
    currency: str
    models: tuple[ModelPrice, ...]

    def get(self, model: str) -> ModelPrice | None:
        wanted = model.strip().lower()
        return next((m for m in self.models if m.model.lower() == wanted), None)


PRICE_COLUMNS = tuple(f.name for f in fields(ModelPrice))


@cache
def load_pricebook() -> PriceBook:
    raw = json.loads(resources.files("ftreport").joinpath("data/pricebook.json").read_text(
        encoding="utf-8"))
    return PriceBook(as_of=raw["as_of"], currency=raw["currency"],
                     models=tuple(ModelPrice(**m) for m in raw["models"]))
