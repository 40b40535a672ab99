"""The shipped price book: complete, dated, sourced, and consistent with the seed study."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from ftreport.model.pricebook import PRICE_COLUMNS, load_pricebook

CURRENT = ("gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo")


def test_every_entry_has_every_field_a_source_and_a_date():
    raw = json.loads(resources.files("ftreport").joinpath("data/pricebook.json").read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["as_of"])
    assert raw["currency"] == "USD"
    for entry in raw["models"]:
        assert set(entry) == set(PRICE_COLUMNS), entry["model"]
        assert entry["source"].startswith("https://"), entry["model"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["as_of"]), entry["model"]
        assert entry["as_of"] <= raw["as_of"]
        assert entry["kind"] in ("base", "fine-tuned", "self-hosted")


def test_names_are_unique_ignoring_case():
    names = [m.model.lower() for m in load_pricebook().models]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("model", CURRENT)
def test_current_openai_models_have_base_and_fine_tuned_prices(model):
    book = load_pricebook()
    base, tuned = book.get(model), book.get(f"ft:{model}")
    assert base is not None and tuned is not None
    assert base.price_input_per_1m > 0 and base.price_output_per_1m > base.price_input_per_1m
    assert base.price_training_per_1m == 0
    assert tuned.price_training_per_1m > 0
    # A fine-tuned model costs more per token than its base.
    assert tuned.price_input_per_1m > base.price_input_per_1m
    assert tuned.context_window and tuned.max_output_tokens


def test_azure_fine_tunes_charge_an_hourly_hosting_fee():
    azure = [m for m in load_pricebook().models if m.provider == "Azure OpenAI"]
    assert azure and all(m.hosting_per_hour > 0 for m in azure)
    assert any(m.price_per_training_hour > 0 for m in azure)  # compute-hour training


def test_a_self_hosted_gpu_rate_is_per_hour_not_per_token():
    gpus = [m for m in load_pricebook().models if m.kind == "self-hosted"]
    assert gpus
    for m in gpus:
        assert m.hosting_per_hour > 0 and m.price_per_training_hour > 0
        assert m.price_input_per_1m == m.price_output_per_1m == 0


def test_seed_000_prices_are_the_2023_list_per_1m():
    book = load_pricebook()
    ft = book.get("ft:gpt-3.5-turbo-2023")
    assert (ft.price_training_per_1m, ft.price_input_per_1m, ft.price_output_per_1m) == (8, 12, 16)
    pe = book.get("gpt-3.5-turbo-16k")
    assert (pe.price_input_per_1m, pe.price_output_per_1m, pe.context_window) == (3, 4, 16_385)


def test_lookup_ignores_case_and_spaces():
    assert load_pricebook().get("  GPT-4.1-Mini ").model == "gpt-4.1-mini"
    assert load_pricebook().get("no-such-model") is None
