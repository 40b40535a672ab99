"""The Scenarios sheet's formulas, recalculated by real headless LibreOffice, against the
engine's outputs for each named scenario.

Every cached value of the sheet is overwritten with a wrong sentinel first, so a match
proves LibreOffice computed it. The scenarios are drawn at random (seeded) over every
kind of input a scenario may override, a named row beside a * row for the same input.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from ftreport.api import run
from ftreport.engine.analysis import evaluate_book
from ftreport.engine.scenarios import scenario_book
from ftreport.model.outputs import SHEET_OUTPUTS
from ftreport.workbook import SCENARIOS_INPUT_SHEET
from ftreport.workbook._examples import SUPPORT
from ftreport.workbook._xlsx import add_cached_values
from ftreport.workbook.sheets_scenarios import SUMMARY_KEYS
from ftreport.workbook.template import build_workbook
from tests.support.libreoffice import recalculate
from tests.test_writer import DIFFERENCE_KEYS, close
from tests.test_writer_libreoffice import SENTINEL, stale_copy

pytestmark = pytest.mark.libreoffice

FT, AZURE, BASE = "Fine-tuned gpt-4.1-mini", "Azure hosted fine-tune", "Few-shot gpt-4.1"


def random_scenarios(seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for k in range(3):
        name = f"Case {k + 1}"
        rows += [
            {"scenario": name, "input": "requests_per_day", "value": float(rng.uniform(500, 6e4))},
            {"scenario": name, "input": "monthly_growth", "value": float(rng.uniform(-0.05, 0.2))},
            {"scenario": name, "input": "discount_rate", "value": float(rng.uniform(0, 0.3))},
            {"scenario": name, "input": "output_tokens", "option": "*",
             "value": float(rng.integers(50, 2_000))},
            {"scenario": name, "input": "retrain_every_days", "option": FT,
             "value": float(rng.integers(0, 200))},
            {"scenario": name, "input": "price_input_per_1m", "option": "*",
             "value": float(rng.uniform(0.1, 5))},
            {"scenario": name, "input": "price_input_per_1m", "option": BASE,
             "value": float(rng.uniform(0.5, 10))},
            {"scenario": name, "input": "hosting_hours_per_day", "option": AZURE,
             "value": float(rng.uniform(0, 24))},
        ]
    return rows


def write_workbook(path: Path, rows: list[dict[str, object]]) -> Path:
    wb, lookups = build_workbook(replace(SUPPORT, scenarios=rows))
    wb.save(path)
    add_cached_values(path, {"Options": lookups})
    return path


def read_blocks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Each scenario's results table on the Scenarios sheet, by scenario name."""
    ws = load_workbook(path, data_only=True)["Scenarios"]
    rows = list(ws.iter_rows(values_only=True))
    blocks: dict[str, list[dict[str, Any]]] = {}
    name = None
    for i, row in enumerate(rows):
        if isinstance(row[0], str) and row[0].startswith("Scenario: "):
            name = row[0].removeprefix("Scenario: ")
        elif name and row[0] == "name":
            header = [h for h in row if h]
            body = []
            for values in rows[i + 1:]:
                if values[0] in (None, ""):
                    break
                body.append(dict(zip(header, values, strict=False)))
            blocks[name] = body
            name = None
    return blocks


def engine_rows(book: Any, name: str) -> list[dict[str, Any]]:
    analysis = evaluate_book(scenario_book(book, name))
    rows = []
    for i in range(len(book.options)):
        row = {}
        for o in SHEET_OUTPUTS:
            value = analysis.option_value(o.key, i)
            row[o.key] = value
        rows.append(row)
    return rows


def is_number(value: object) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


def assert_blocks(found: dict[str, list[dict[str, Any]]], book: Any) -> None:
    names = list(dict.fromkeys(o.scenario for o in book.overrides))
    assert list(found) == names
    for name in names:
        expected = engine_rows(book, name)
        for got, want in zip(found[name], expected, strict=True):
            for key, value in want.items():
                scale = max((abs(float(r[key])) for r in expected if is_number(r[key])),
                            default=0.0) * 1e-3 if key in DIFFERENCE_KEYS else 0.0
                if is_number(value):
                    value = float(value)
                assert close(got[key], value, scale), (name, want["name"], key, got[key], value)


def recalculated_report(tmp_path: Path, source: Path) -> tuple[Any, Path]:
    result = run(source, tmp_path / "out", pdf=False, iterations=0)
    report = Path(result.outputs["workbook"])
    stale = stale_copy(report, tmp_path / "stale.xlsx", sheets=("Scenarios",))
    assert any(r.get("total_cost") == float(SENTINEL)
               for block in read_blocks(stale).values() for r in block)
    return result, recalculate(stale, tmp_path / "lo")


def assert_summary(path: Path, result: Any) -> None:
    """The side-by-side table: base case and every scenario, each output of each option."""
    ws = load_workbook(path, data_only=True)["Scenarios"]
    header = [c.value for c in ws[4]]
    names = [s.name for s in result.scenarios]
    assert header[:3 + len(names)] == ["output", "option", "Base case", *names]
    analyses = [result.analysis, *(s.analysis for s in result.scenarios)]
    option_names = [o.name for o in result.book.options]
    rows = 0
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] in (None, ""):
            break
        key, option = row[0], option_names.index(row[1])
        for found, analysis in zip(row[2:2 + len(analyses)], analyses, strict=True):
            want = analysis.option_value(key, option)
            want = float(want) if is_number(want) else want
            scale = 1.0 if key in DIFFERENCE_KEYS else 0.0
            assert close(found, want, scale), (key, row[1], found, want)
        rows += 1
    assert rows == len(SUMMARY_KEYS) * len(option_names)


@pytest.mark.parametrize("seed", [1, 2])
def test_scenarios_sheet_recalculates_to_the_engine(tmp_path: Path, seed: int) -> None:
    source = write_workbook(tmp_path / "scenarios.xlsx", random_scenarios(seed))
    result, lo = recalculated_report(tmp_path, source)
    assert_blocks(read_blocks(lo), result.book)
    assert_summary(lo, result)
    # The break-even days differ between scenarios: the day formula is exercised.
    days = {r["break_even_day"] for block in read_blocks(lo).values() for r in block}
    assert len(days) > 2


def test_editing_a_scenario_value_moves_its_outputs(tmp_path: Path) -> None:
    """The sheet is live: a value changed on the Named scenarios sheet after the run gives
    the engine's outputs for the changed value once recalculated."""
    source = write_workbook(tmp_path / "scenarios.xlsx", SUPPORT.scenarios)
    result = run(source, tmp_path / "out", pdf=False, iterations=0)
    report = Path(result.outputs["workbook"])
    wb = load_workbook(report)
    cell = wb[SCENARIOS_INPUT_SHEET]["D4"]
    assert wb[SCENARIOS_INPUT_SHEET]["B4"].value == "requests_per_day"
    cell.value = 2_500
    wb.save(report)
    lo = recalculate(report, tmp_path / "lo")
    first = result.book.overrides[0]
    changed = replace(result.book, overrides=[replace(first, value=2_500.0),
                                              *result.book.overrides[1:]])
    assert_blocks(read_blocks(lo), changed)
    before = evaluate_book(scenario_book(result.book, first.scenario))
    after = evaluate_book(scenario_book(changed, first.scenario))
    assert after.results["total_cost"][0] < before.results["total_cost"][0]
