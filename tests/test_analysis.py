"""Recommendation, warnings and the JSON shape of results (issue 4)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ftreport.engine import compare
from ftreport.engine.analysis import analyse
from ftreport.model.results import RunResult
from tests.support.scenarios import support_book


def codes(analysis) -> dict[str, set[str | None]]:
    found: dict[str, set[str | None]] = {}
    for w in analysis.warnings:
        found.setdefault(w.code, set()).add(w.option)
    return found


def test_recommends_the_lowest_present_value_and_ranks_by_it() -> None:
    a = analyse(support_book())
    npv = a.results["npv_cost"]
    assert a.recommended == int(np.argmin(npv))
    assert a.results["rank"][a.recommended] == 1
    assert sorted(a.results["rank"].tolist()) == [1.0, 2.0, 3.0]


def test_quality_floor_excludes_options_and_says_what_it_changed() -> None:
    book = support_book()
    cheapest = int(np.argmin(analyse(book).results["npv_cost"]))
    book.scenario.min_quality = book.options[cheapest].quality_score + 0.001
    a = analyse(book)
    assert a.recommended != cheapest
    assert book.options[a.recommended].quality_score >= book.scenario.min_quality
    assert book.options[cheapest].name in codes(a)["quality_floor"]


def test_no_qualifying_option_recommends_the_cheapest_with_a_warning() -> None:
    book = support_book(min_quality=2.0)
    a = analyse(book)
    assert a.recommended == int(np.argmin(a.results["npv_cost"]))
    assert "no_option_qualifies" in codes(a)


def test_blank_quality_score_does_not_qualify() -> None:
    book = support_book(min_quality=0.5)
    book.options[1].quality_score = None
    a = analyse(book)
    assert a.recommended != 1
    assert codes(a)["quality_unknown"] == {book.options[1].name}


def test_few_training_examples_are_flagged() -> None:
    book = support_book()
    a = analyse(book)
    assert codes(a)["few_examples"] == {"Azure hosted fine-tune"}  # 40 < 50


def test_context_window_of_a_priced_model_is_checked() -> None:
    from ftreport.model.pricebook import load_pricebook

    known = next(m for m in load_pricebook().models if m.context_window)
    book = support_book()
    book.options[0].model = known.model
    book.options[0].input_tokens = known.context_window + 1
    assert codes(analyse(book))["context_window"] == {book.options[0].name}


def test_payback_after_the_horizon_names_the_day() -> None:
    book = support_book(horizon_days=30, monthly_growth=0.0, discount_rate=0.0,
                        requests_per_day=20_000)
    book.options[1].one_time_cost = 40_000  # pays back later than 30 days, but does
    a = analyse(book)
    assert math.isnan(a.results["break_even_day"][1])
    late = [w for w in a.warnings if w.code == "late_payback" and w.option == book.options[1].name]
    assert late, a.warnings
    # The day named is the first day after the horizon on which it is no dearer.
    day = int(late[0].message.split("on day ")[1].rstrip("."))
    from ftreport.engine.analysis import option_arrays

    arrays = option_arrays(book.options)
    blocks = compare.option_costs(arrays)
    days = np.array([[day - 1.0], [float(day)]])
    c = compare.cumulative_costs(days, blocks, arrays["retrain_every_days"], 20_000, 0.0)
    assert c[0, 1] > c[0, 0] and c[1, 1] <= c[1, 0] * (1 + 1e-9)


def test_never_paying_back_is_said_so() -> None:
    book = support_book(requests_per_day=0)
    a = analyse(book)
    assert {o.name for o in book.options[1:]} <= codes(a)["no_payback"]


def test_json_has_every_results_key_and_no_nan_or_infinity() -> None:
    book = support_book(requests_per_day=0)  # D_min "never", break-even none: nulls
    data = RunResult(analyse(book)).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    row = data["options"][1]
    for key in ("name", "approach", *compare.RESULT_KEYS, "rank"):
        assert key in row
    assert row["break_even_day"] is None and row["steady_state_break_even_days"] is None
    assert isinstance(data["options"][0]["rank"], int)
    assert data["baseline"] == "Few-shot gpt-4.1"
    assert data["simulation"] is None


@pytest.mark.parametrize("baseline", ["Fine-tuned gpt-4.1-mini", None])
def test_baseline_is_named_or_the_first_prompting_option(baseline: str | None) -> None:
    book = support_book(baseline_option=baseline)
    a = analyse(book)
    expected = 1 if baseline else 0
    assert a.baseline == expected
    assert a.results["savings_vs_baseline"][expected] == 0.0
