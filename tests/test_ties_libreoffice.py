"""cost-model.md "Ties" in the workbook's live formulas, recalculated by real headless
LibreOffice: present values within 1e-9 relative are equal; among equals the baseline
stays when it is one of them, else the earlier row. Results, Workings, Summary and every
Scenarios block must recommend (and rank) as the engine does.

One workbook: a twin of the baseline before it and one after it, and two other options a
hair (1e-12 relative) apart. The base case has the earlier of the two a hair dearer (the
earlier row wins, not the lower one); named scenarios reverse the pair and make the
baseline and its twins the cheapest.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ftreport.api import run
from ftreport.workbook._examples import SUPPORT
from ftreport.workbook._xlsx import add_cached_values
from ftreport.workbook.template import build_workbook
from tests.support.libreoffice import recalculate
from tests.test_scenarios_libreoffice import assert_blocks, assert_summary, read_blocks
from tests.test_writer import read_results
from tests.test_writer_libreoffice import SENTINEL, check, stale_copy

pytestmark = pytest.mark.libreoffice

PRICES = {"price_input_per_1m": 2.0, "price_cached_input_per_1m": 0.5,
          "price_output_per_1m": 8.0, "price_training_per_1m": 0.0, "hosting_per_hour": 0.0,
          "price_per_training_hour": 0.0}
NAMES = ("Twin before", "Base", "Hair dearer", "Hair cheaper", "Twin after")
CHEAP, HAIR = 6.0, 1e-12  # the pair's output price, and their relative gap


def option(name: str, price_output: float) -> dict[str, object]:
    return {"name": name, "approach": "prompting", "input_tokens": 1000, "output_tokens": 200,
            **PRICES, "price_output_per_1m": price_output}


def tie_workbook(path: Path) -> Path:
    options = [option("Twin before", 8.0), option("Base", 8.0),
               option("Hair dearer", CHEAP * (1 + HAIR)), option("Hair cheaper", CHEAP),
               option("Twin after", 8.0)]
    scenarios = [
        {"scenario": "Pair reversed", "input": "price_output_per_1m", "option": "Hair dearer",
         "value": CHEAP * (1 - HAIR)},
        {"scenario": "Baseline cheapest", "input": "price_output_per_1m", "option": "*",
         "value": 10.0},
        {"scenario": "Baseline cheapest", "input": "price_output_per_1m", "option": "Base",
         "value": 8.0},
        {"scenario": "Baseline cheapest", "input": "price_output_per_1m",
         "option": "Twin before", "value": 8.0},
        {"scenario": "Baseline cheapest", "input": "price_output_per_1m",
         "option": "Twin after", "value": 8.0 * (1 - HAIR)},
    ]
    example = replace(SUPPORT, options=options, uncertainty=[], correlations=[],
                      scenarios=scenarios,
                      scenario={**SUPPORT.scenario, "baseline_option": "Base",
                                "min_quality": None, "mc_iterations": 0})
    wb, lookups = build_workbook(example)
    wb.save(path)
    add_cached_values(path, {"Options": lookups})
    return path


def test_ties_recalculate_to_the_engine_everywhere(tmp_path: Path) -> None:
    result = run(tie_workbook(tmp_path / "ties.xlsx"), tmp_path / "out", pdf=False,
                 iterations=0)
    # The rule worked by hand: the earlier of the near-equal pair, then the earlier again
    # (now also the lower), then the baseline among its twins.
    recommended = {s.name: NAMES[s.analysis.recommended] for s in result.scenarios}
    assert NAMES[result.analysis.recommended] == "Hair dearer"
    assert recommended == {"Pair reversed": "Hair dearer", "Baseline cheapest": "Base"}
    report = Path(result.outputs["workbook"])
    stale = stale_copy(report, tmp_path / "stale.xlsx",
                       sheets=("Results", "Timeline", "Periods", "Checks", "Summary",
                               "Workings", "Scenarios"))
    assert float(read_results(stale)[0]["total_cost"]) == float(SENTINEL)
    lo = recalculate(stale, tmp_path / "lo")
    check(result, lo)  # Results (rank, recommended), Timeline, Summary with its reason
    rows = read_results(lo)
    assert [r["recommended"] for r in rows] == [n == "Hair dearer" for n in NAMES]
    assert [r["rank"] for r in rows] == [3, 3, 1, 1, 3]
    assert_blocks(read_blocks(lo), result.book)
    assert_summary(lo, result)
    blocks = read_blocks(lo)
    for name, want in recommended.items():
        assert [r["name"] for r in blocks[name] if r["recommended"]] == [want]
    # Summary's reason says why the earlier of two equals won (the base case's tie).
    assert load_workbook(lo, data_only=True)["Summary"]["B6"].value == (
        "Lowest present value of cost; another option's present value is equal (within "
        "1e-9): the first listed in Options is recommended")
