"""The shipped price book: complete, dated, sourced, effective-dated without overlaps, and
consistent with the seed study."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest

from ftreport.model.pricebook import (
    KINDS,
    PRICE_COLUMNS,
    PRICE_FIELDS,
    ROW_FIELDS,
    NoPriceInForce,
    load_pricebook,
    parse_pricebook,
)
from ftreport.model.problems import InputError

CURRENT = ("gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo")
ISO = r"\d{4}-\d{2}-\d{2}"


def _raw() -> dict:
    return json.loads(resources.files("ftreport").joinpath("data/pricebook.json").read_text())


def test_every_entry_has_every_field_a_source_and_a_date():
    raw = _raw()
    book = load_pricebook()
    assert re.fullmatch(ISO, book.as_of)
    assert raw["currency"] == "USD" and raw["format"] == 2
    for entry in raw["rows"]:
        assert list(entry) == list(ROW_FIELDS), entry["model"]
        assert entry["source"].startswith("https://"), entry["model"]
        assert re.fullmatch(ISO, entry["checked"]), entry["model"]
        assert re.fullmatch(ISO, entry["valid_from"]), entry["model"]
        assert entry["valid_to"] is None or re.fullmatch(ISO, entry["valid_to"])
        assert entry["checked"] <= book.as_of
        assert entry["kind"] in KINDS


def test_every_price_is_a_number_at_least_zero_and_every_period_is_ordered():
    for row in load_pricebook().rows:
        for name in (*PRICE_FIELDS, "batch_discount"):
            value = getattr(row, name)
            assert isinstance(value, float) and value >= 0, (row.model, name)
        assert row.batch_discount <= 1
        assert row.valid_to is None or row.valid_from <= row.valid_to, row.model


def test_no_two_rows_of_a_model_and_deployment_overlap():
    groups: dict[tuple[str, str], list] = {}
    for row in load_pricebook().rows:
        groups.setdefault((row.model, row.deployment), []).append(row)
    for key, rows in groups.items():
        rows.sort(key=lambda r: r.valid_from)
        for before, after in pairwise(rows):
            assert before.valid_to is not None and before.valid_to <= after.valid_from, key


def test_unconfirmed_and_example_rows_say_so_in_their_notes():
    rows = load_pricebook().rows
    for row in rows:
        if row.example:
            assert row.notes.startswith("EXAMPLE") and not row.confirmed, row.model
        elif not row.confirmed:
            assert "unconfirmed" in row.notes.lower(), row.model
    assert any(r.example for r in rows) and any(not r.confirmed for r in rows)


def test_no_row_prices_training_at_a_placeholder_zero():
    # Custom Nova training has no known price: its rows are left out, not zero-priced.
    assert not [r for r in load_pricebook().rows if r.model.startswith("bedrock:ft:nova")]
    for row in load_pricebook().rows:
        if row.kind == "fine-tuned":
            assert row.price_training_per_1m > 0 or row.price_per_training_hour > 0, row.model


def test_a_model_s_default_deployment_is_never_an_example():
    book = load_pricebook()
    for row in book.rows:
        assert not book.history(row.model)[0].example, row.model


def test_names_are_unique_ignoring_case():
    names = [m.model.lower() for m in load_pricebook().models]
    assert len(names) == len(set(names))


def test_models_are_the_rows_in_force_on_the_newest_check_date_with_the_sheet_columns():
    book = load_pricebook()
    assert PRICE_COLUMNS[:3] == ("model", "provider", "kind")
    assert PRICE_COLUMNS[-6:] == ("source", "as_of", "notes", "batch_discount", "valid_from",
                                  "valid_to")
    on = date.fromisoformat(book.as_of)
    for m in book.models:
        row = book.at(m.model, on)
        assert (m.price_input_per_1m, m.hosting_per_hour) == (row.price_input_per_1m,
                                                              row.hosting_per_hour)
        assert m.as_of == row.checked.isoformat()


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


def test_azure_developer_deployments_have_no_hosting_fee():
    book = load_pricebook()
    developer = book.at("azure:ft:gpt-4.1", "2026-06-01", deployment="developer")
    standard = book.at("azure:ft:gpt-4.1", "2026-06-01", deployment="standard")
    assert developer.hosting_per_hour == 0 and standard.hosting_per_hour == 1.7
    assert book.at("azure:ft:gpt-4.1", "2026-06-01").deployment == "global-standard"


def test_a_self_hosted_gpu_rate_is_per_hour_not_per_token():
    gpus = [m for m in load_pricebook().models if m.kind == "self-hosted"]
    assert gpus
    for m in gpus:
        assert m.hosting_per_hour > 0 and m.price_per_training_hour > 0
        assert m.price_input_per_1m == m.price_output_per_1m == 0


def test_each_rented_gpu_type_has_at_least_two_providers():
    rows = load_pricebook().in_force("2026-12-01")
    for gpu in ("a100-80gb", "h100", "h200"):
        providers = {r.provider for r in rows if r.model.startswith(f"gpu:{gpu}")}
        assert len(providers) >= 2, gpu


def test_seed_000_prices_are_the_2023_list_per_1m():
    book = load_pricebook()
    ft = book.get("ft:gpt-3.5-turbo-2023")
    assert (ft.price_training_per_1m, ft.price_input_per_1m, ft.price_output_per_1m) == (8, 12, 16)
    pe = book.get("gpt-3.5-turbo-16k")
    assert (pe.price_input_per_1m, pe.price_output_per_1m, pe.context_window) == (3, 4, 16_385)


def test_lookup_ignores_case_and_spaces():
    assert load_pricebook().get("  GPT-4.1-Mini ").model == "gpt-4.1-mini"
    assert load_pricebook().get("no-such-model") is None


def test_two_dates_give_the_two_rows_numbers():
    book = load_pricebook()
    launch = book.at("ft:gpt-3.5-turbo", date(2023, 9, 1))
    later = book.at("ft:gpt-3.5-turbo", "2025-01-01")
    assert (launch.price_input_per_1m, launch.price_output_per_1m) == (12, 16)
    assert (later.price_input_per_1m, later.price_output_per_1m) == (3, 6)
    # valid_to is the successor's first day: the old row ends the day before.
    assert book.at("gpu:a100-80gb", "2026-09-19").hosting_per_hour == 1.79
    assert book.at("gpu:a100-80gb", "2026-09-20").hosting_per_hour == 2.79


def test_a_date_before_any_row_is_an_error_naming_the_model_and_the_date():
    with pytest.raises(NoPriceInForce) as caught:
        load_pricebook().at("gpt-4.1", "2020-01-01")
    message = str(caught.value)
    assert "gpt-4.1" in message and "2020-01-01" in message and "2025-04-14" in message
    assert caught.value.exit_code == 2
    problem = caught.value.problem("plan.xlsx", "Options", "C4")
    assert problem.code == "out-of-range" and str(problem).startswith("plan.xlsx: Options!C4")


def test_an_unknown_model_is_none_not_an_error():
    assert load_pricebook().at("no-such-model", "2026-01-01") is None


def test_old_names_resolve_to_the_price_they_meant():
    book = load_pricebook()
    assert book.resolve("FT:GPT-3.5-Turbo-2023") == ("ft:gpt-3.5-turbo", date(2023, 8, 22))
    for old, now, price in (("ft:gpt-3.5-turbo-2023", "ft:gpt-3.5-turbo", 12),
                            ("gpt-3.5-turbo-4k", "gpt-3.5-turbo", 1.5),
                            ("gpt-4-8k", "gpt-4", 30)):
        row = book.at(old, "2026-12-01")  # an old name keeps its date's price
        assert (row.model, row.price_input_per_1m) == (now, price)
        assert book.get(old).price_input_per_1m == price
    assert book.at("gpt-3.5-turbo", "2026-12-01").price_input_per_1m == 0.5


def test_in_force_gives_one_row_per_model_and_deployment():
    rows = load_pricebook().in_force("2026-12-01")
    keys = [(r.model, r.deployment) for r in rows]
    assert len(keys) == len(set(keys))
    assert ("azure:ft:o4-mini", "developer") in keys
    assert all(r.model != "ft:gpt-3.5-turbo" or r.price_input_per_1m == 3 for r in rows)


def test_providers_cover_the_issue_s_list():
    providers = load_pricebook().providers()
    for name in ("OpenAI", "Azure OpenAI", "Google Vertex AI", "AWS Bedrock", "Together AI",
                 "Fireworks AI"):
        assert name in providers


def test_the_book_round_trips_through_its_json_format():
    book = load_pricebook()
    again = parse_pricebook(json.loads(json.dumps(book.to_dict())), "copy")
    assert again.rows == book.rows and dict(again.aliases) == dict(book.aliases)


def _one_row(**changes) -> dict:
    row = {**load_pricebook().rows[0].to_dict(), **changes}
    return {"format": 2, "currency": "USD", "rows": [row]}


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"price_input_per_1m": -1}, "price_input_per_1m", "type-error"),
    ({"price_output_per_1m": "2"}, "price_output_per_1m", "type-error"),
    ({"batch_discount": 1.5}, "batch_discount", "out-of-range"),
    ({"valid_to": "2020-01-01"}, "valid_to", "out-of-range"),
    ({"checked": "yesterday"}, "checked", "type-error"),
    ({"kind": "magic"}, "kind", "out-of-range"),
])
def test_a_bad_row_is_a_problem_naming_the_row_and_field(changes, field, code):
    with pytest.raises(InputError) as caught:
        parse_pricebook(_one_row(**changes), "mine.json")
    (problem,) = caught.value.problems
    assert problem.code == code and problem.field == f'rows[0] ("gpt-4.1").{field}'


def test_overlapping_rows_are_refused():
    raw = _one_row()
    raw["rows"].append({**raw["rows"][0], "valid_from": "2026-01-01"})
    with pytest.raises(InputError, match="overlap"):
        parse_pricebook(raw, "mine.json")


def test_the_docs_list_every_provider_in_the_book():
    text = (Path(__file__).resolve().parent.parent / "docs" / "prices.md").read_text(
        encoding="utf-8")
    for provider in load_pricebook().providers():
        assert provider.removesuffix(" (self-hosted)") in text, provider


def test_an_alias_must_lead_to_a_row_in_force_on_its_date():
    raw = {**_one_row(), "aliases": {"gpt-4.1-old": {"model": "gpt-4.1", "on": "2020-01-01"}}}
    with pytest.raises(InputError, match=re.escape("aliases.gpt-4.1-old")):
        parse_pricebook(raw, "mine.json")


def test_every_text_model_row_has_its_context_window():
    # A named model that serves tokens has a published context window; size tiers
    # (together:ft:<=16b), rented GPUs and model-unit commitments serve no one model.
    tiers = re.compile(r"<=|\d+b-\d+b|\d+\.\d+b-")
    missing = [(r.model, r.valid_from.isoformat()) for r in load_pricebook().rows
               if r.kind in ("base", "fine-tuned") and not tiers.search(r.model)
               and not r.context_window]
    assert missing == []


def test_the_context_warnings_use_the_limits_of_the_row_in_force(tmp_path):
    # ft:gpt-3.5-turbo had a 4,096-token window in August 2023, 16,385 from November.
    from ftreport.engine.analysis import analyse
    from ftreport.model import Option, Scenario, ScenarioBook

    book = load_pricebook()
    old, new = (book.at("ft:gpt-3.5-turbo", on) for on in ("2023-09-01", "2024-06-01"))
    assert old.context_window < 5_000 < new.context_window

    def codes(on: str) -> list[str]:
        option = Option(name="Tuned", approach="fine-tuning", model="ft:gpt-3.5-turbo",
                        input_tokens=5_000, output_tokens=100, price_input_per_1m=1.0)
        scenario = Scenario(requests_per_day=10, price_date=date.fromisoformat(on))
        found = analyse(ScenarioBook(tmp_path / "x.xlsx", "", scenario, [option])).warnings
        return [w.code for w in found]

    assert "context_window" in codes("2023-09-01")
    assert "context_window" not in codes("2024-06-01")
