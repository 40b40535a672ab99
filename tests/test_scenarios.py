"""Named scenarios: the Scenarios table as the reader reads and checks it, and the engine's
outputs for each scenario (cost-model.md, "Scenarios")."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ftreport.engine import compare
from ftreport.engine.analysis import evaluate_book, option_arrays
from ftreport.engine.errors import EngineError
from ftreport.engine.scenarios import analyse_scenarios, scenario_book, scenario_names
from ftreport.model.inputs import Override
from ftreport.model.problems import InputError
from ftreport.model.results import RunResult
from ftreport.workbook import SCENARIOS_INPUT_SHEET
from ftreport.workbook._examples import SUPPORT
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template
from tests.support.scenarios import support_book

FT = "Fine-tuned gpt-4.1-mini"


def support_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "support.xlsx"
    write_template(path, example="support")
    return path


def test_the_support_sample_reads_its_scenarios_as_written(tmp_path: Path) -> None:
    book = read_workbook(support_workbook(tmp_path))
    assert [(o.scenario, o.input, o.option, o.value) for o in book.overrides] == [
        (r["scenario"], r["input"], r.get("option"), float(r["value"]))  # type: ignore[arg-type]
        for r in SUPPORT.scenarios]
    assert book.overrides[0].cell == f"'{SCENARIOS_INPUT_SHEET}'!D4"


def test_a_workbook_without_the_table_has_only_the_base_case(tmp_path: Path) -> None:
    path = support_workbook(tmp_path)
    wb = load_workbook(path)
    del wb[SCENARIOS_INPUT_SHEET]
    wb.save(path)
    assert read_workbook(path).overrides == []


# (row typed into the table's first row: scenario, input, option, value), the code, the
# cell the problem names and a word of what is expected.
BAD_ROWS = [
    (("S", "tokens_in", None, 1), "unknown-name", "B4", "an input that may vary"),
    (("S", "requests_per_day", "*", 1), "unknown-name", "C4", "blank"),
    (("S", "output_tokens", None, 1), "missing-value", "C4", "or * for every option"),
    (("S", "output_tokens", "No such option", 1), "unknown-name", "C4", "Options table"),
    (("S", "output_tokens", "*", "many"), "type-error", "D4", "a number"),
    (("S", "cached_input_share", "*", 1.5), "out-of-range", "D4", "share"),
    (("S", "requests_per_day", None, None), "missing-value", "D4", "not blank"),
    ((None, "requests_per_day", None, 5), "missing-value", "A4", "a scenario name"),
    (("S", "monthly_growth", None, 5), "implausible-value", "D4", "100% a month"),
]


@pytest.mark.parametrize(("row", "code", "cell", "words"), BAD_ROWS)
def test_a_bad_row_is_an_error_naming_its_cell(tmp_path: Path, row: tuple, code: str,
                                               cell: str, words: str) -> None:
    path = support_workbook(tmp_path)
    wb = load_workbook(path)
    ws = wb[SCENARIOS_INPUT_SHEET]
    for col, value in zip("ABCD", row, strict=True):
        ws[f"{col}4"] = value
    wb.save(path)
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    found = [p for p in caught.value.problems if p.code == code]
    assert [(p.sheet, p.cell) for p in found] == [(SCENARIOS_INPUT_SHEET, cell)], \
        caught.value.problems
    assert words in found[0].expected


def test_a_repeated_row_is_a_duplicate(tmp_path: Path) -> None:
    path = support_workbook(tmp_path)
    wb = load_workbook(path)
    ws = wb[SCENARIOS_INPUT_SHEET]
    for col in "ABCD":
        ws[f"{col}5"] = ws[f"{col}4"].value
    wb.save(path)
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    assert [(p.code, p.cell) for p in caught.value.problems] == [("duplicate", "B5")]


def test_a_named_row_wins_over_a_star_row_in_either_order() -> None:
    book = support_book()
    own, shared = Override("S", "one_time_cost", FT, 1.0), Override("S", "one_time_cost", "*", 7.0)
    for rows in ([own, shared], [shared, own]):
        changed = scenario_book(replace(book, overrides=rows), "S")
        assert [o.one_time_cost for o in changed.options] == [7.0, 1.0, 7.0]
    assert [o.one_time_cost for o in book.options] == [0.0, 4000.0, 4000.0]  # unchanged


def test_a_scenario_that_changes_nothing_is_the_base_case() -> None:
    book = support_book()
    book = replace(book, overrides=[Override("Same", "requests_per_day", None,
                                             book.scenario.requests_per_day)])
    (same,) = analyse_scenarios(book)
    base = evaluate_book(book)
    for key, values in base.results.items():
        assert [v for v in same.analysis.results[key]] == pytest.approx(list(values), nan_ok=True,
                                                                       rel=0, abs=0), key
    assert same.analysis.recommended == base.recommended


def test_scenario_totals_match_a_hand_computation() -> None:
    """Flat volume, no discounting: C = U + n·T + F·D + u·N0·D by hand, per option."""
    book = support_book(monthly_growth=0.0, discount_rate=0.0)
    rows = [Override("Half", "requests_per_day", None, 10_000.0),
            Override("Half", "output_tokens", "*", 500.0),
            Override("Half", "retrain_every_days", FT, 30.0)]
    (half,) = analyse_scenarios(replace(book, overrides=rows))
    days = 365
    totals = []
    for o in book.options:
        out = 500.0
        u = (o.input_tokens * (1 - o.cached_input_share) * o.price_input_per_1m
             + o.input_tokens * o.cached_input_share * o.price_cached_input_per_1m
             + out * o.price_output_per_1m) / 1e6
        train = (o.training_tokens * o.epochs * o.price_training_per_1m / 1e6
                 + o.training_hours * o.price_per_training_hour)
        retrain = 30.0 if o.name == FT else o.retrain_every_days
        runs = 1 + math.floor((days - 1) / retrain) if retrain > 0 else 1
        fixed = o.hosting_per_hour * o.hosting_hours_per_day + o.monthly_fixed_cost * 12 / 365
        totals.append(o.one_time_cost + o.data_generation_cost + runs * train + fixed * days
                      + u * 10_000 * days)
    assert list(half.analysis.results["total_cost"]) == pytest.approx(totals, rel=1e-12)
    assert half.analysis.results["training_runs"][1] == 13
    assert list(half.analysis.results["savings_vs_baseline"]) == pytest.approx(
        [totals[0] - t for t in totals], rel=1e-9, abs=1e-6)


def test_the_json_lists_each_scenario_in_table_order() -> None:
    book = support_book()
    rows = [Override("Up", "requests_per_day", None, 30_000.0),
            Override("Down", "requests_per_day", None, 5_000.0),
            Override("Up", "monthly_growth", None, 0.05)]
    book = replace(book, overrides=rows)
    assert scenario_names(rows) == ["Up", "Down"]
    result = RunResult(evaluate_book(book), scenarios=analyse_scenarios(book))
    listed = result.to_dict()["scenarios"]
    assert [s["name"] for s in listed] == ["Up", "Down"]
    assert listed[0]["options"][1].keys() == result.to_dict()["options"][1].keys()
    down = compare.evaluate(option_arrays(book.options), book.baseline_index,
                            horizon_days=365, requests_per_day=5_000, monthly_growth=0.03,
                            discount_rate=0.08)
    assert [o["total_cost"] for o in listed[1]["options"]] == pytest.approx(
        list(down["total_cost"]), rel=1e-15)
    assert RunResult(evaluate_book(support_book())).to_dict()["scenarios"] == []


def test_a_scenario_whose_totals_are_not_finite_is_an_error_naming_it() -> None:
    book = replace(support_book(), overrides=[Override("Huge", "requests_per_day", None, 1e306,
                                                       cell="'Named scenarios'!D9")])
    with pytest.raises(EngineError) as caught:
        analyse_scenarios(book)
    (problem,) = caught.value.problems
    assert problem.code == "non-finite"
    assert "'Huge'" in problem.expected and "D9" in problem.expected
