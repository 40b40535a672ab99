"""The Correlations table and mc_sampling in the workbook: read, checked at their cells,
optional for older workbooks, and used by the simulation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import simulate
from ftreport.model import Correlation
from ftreport.model.problems import InputError
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template

TUNE = "Fine-tuned gpt-4.1-mini"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def support(tmp_path) -> Path:
    path = tmp_path / "support.xlsx"
    write_template(path, example="support")
    return path


def fill(path: Path, rows: list[tuple], **scenario: object) -> None:
    """Type ``rows`` into the Correlations table from its first data row (A4) and set
    Scenario values by defined name."""
    wb = load_workbook(path)
    ws = wb["Correlations"]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(row=4 + i, column=1 + j, value=value)
    for name, value in scenario.items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")] = value
    wb.save(path)


def problems(path: Path) -> list[tuple[str | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    return [(p.sheet, p.cell, p.code) for p in caught.value.problems]


def test_the_table_is_read_and_the_simulation_correlates(support):
    fill(support, [("requests_per_day", None, "monthly_growth", None, 0.8),
                   ("training_tokens", TUNE, "output_tokens", "*", "-30%")],
         mc_sampling="latin-hypercube", mc_iterations=8192)
    book = read_workbook(support)
    assert book.scenario.mc_sampling == "latin-hypercube"
    assert book.correlations == [
        Correlation("requests_per_day", None, "monthly_growth", None, 0.8,
                    cell="Correlations!A4"),
        Correlation("training_tokens", TUNE, "output_tokens", "*", -0.3,
                    cell="Correlations!A5")]
    analysis = analyse(book)
    correlated = simulate(book, analysis)
    book.correlations = []
    independent = simulate(book, analysis)
    # Volume and growth rising together widen the savings' spread.
    def spread(result) -> float:
        s = next(e for e in result.summary if e["name"] == TUNE)["savings_vs_baseline"]
        return s["p95"] - s["p5"]
    assert spread(correlated) > spread(independent)


def test_each_cause_is_one_problem_at_its_cell(support):
    fill(support, [("requests_per_day", None, "monthly_growth", None, 1.5),
                   ("epochs", TUNE, "monthly_growth", None, 0.2),
                   ("output_tokens", "*", "output_tokens", "*", 0.1)])
    wb = load_workbook(support)
    assert wb["Correlations"].tables["Correlations"].ref == "A3:E6"
    assert problems(support) == [
        ("Correlations", "E4", "out-of-range"),
        ("Correlations", "A5", "not-uncertain"),
        ("Correlations", "C6", "self-correlation"),
    ]


def test_typed_below_the_table_or_not_a_number(support):
    fill(support, [("requests_per_day", None, "monthly_growth", None, "high"),
                   (None, None, None, None, None), (None, None, None, None, None),
                   ("output_tokens", "*", "monthly_growth", None, 0.2)])
    assert problems(support) == [("Correlations", "A7:E7", "outside-table"),
                                 ("Correlations", "E4", "type-error")]


def test_a_duplicate_pair_names_the_first(support):
    fill(support, [("requests_per_day", None, "monthly_growth", None, 0.3),
                   ("monthly_growth", None, "requests_per_day", None, 0.4)])
    with pytest.raises(InputError) as caught:
        read_workbook(support)
    [p] = caught.value.problems
    assert (p.cell, p.code) == ("A5", "duplicate") and "A4 has the same pair" in p.expected


def test_a_matrix_slightly_off_is_offered_its_nearest_valid_one(support):
    fill(support, [("requests_per_day", None, "monthly_growth", None, 0.7),
                   ("monthly_growth", None, "output_tokens", "*", 0.7),
                   ("requests_per_day", None, "output_tokens", "*", -0.05)])
    with pytest.raises(InputError) as caught:
        read_workbook(support)
    [p] = caught.value.problems
    assert (p.sheet, p.cell, p.code) == ("Correlations", "E4:E6",
                                         "invalid-correlation-matrix")
    offered = p.expected.split("the nearest valid set: ")[1].split(", ")
    assert [o.split()[0] for o in offered] == ["E4", "E5", "E6"]
    values = [float(o.split()[1]) for o in offered]
    # Typing in what it offers gives a workbook that reads.
    fill(support, [("requests_per_day", None, "monthly_growth", None, values[0]),
                   ("monthly_growth", None, "output_tokens", "*", values[1]),
                   ("requests_per_day", None, "output_tokens", "*", values[2])])
    assert len(read_workbook(support).correlations) == 3
    assert all(math.isfinite(v) and abs(v) <= 1 for v in values)


def test_a_bad_sampling_method_is_a_problem(support):
    fill(support, [], mc_sampling="lhs")
    assert [code for _, _, code in problems(support)] == ["unknown-name"]


def test_workbooks_without_the_table_or_the_name_still_read(support):
    old = read_workbook(DATA / "template-v1-starter.xlsx")
    assert old.correlations == [] and old.scenario.mc_sampling == "random"
    wb = load_workbook(support)
    del wb["Correlations"]
    wb.save(support)
    assert read_workbook(support).correlations == []
