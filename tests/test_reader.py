"""read_workbook: typed values, formulas computed, exact cell maps, every problem at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ftreport.model import schema
from ftreport.model.problems import InputError
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"


@pytest.fixture
def support(tmp_path) -> Path:
    path = tmp_path / "support.xlsx"
    write_template(path, example="support")
    return path


def _edit(path: Path, **cells: object) -> None:
    """Set cells given as Sheet_A1=value and save (openpyxl: no cached values)."""
    wb = load_workbook(path)
    for key, value in cells.items():
        sheet, coord = key.split("_")
        wb[sheet][coord] = value
    wb.save(path)


def test_values_are_typed_and_lookups_computed(support):
    book = read_workbook(support)
    s = book.scenario
    assert (s.horizon_days, s.requests_per_day, s.monthly_growth) == (365, 20_000.0, 0.03)
    assert isinstance(s.horizon_days, int) and isinstance(s.mc_iterations, int)
    assert s.baseline_option == "Few-shot gpt-4.1" and s.min_quality == 0.85
    azure = book.options[2]
    assert (azure.price_input_per_1m, azure.price_output_per_1m, azure.hosting_per_hour) == (
        0.4, 1.6, 1.7)
    assert book.options[1].price_training_per_1m == 5.0
    assert book.options[0].training_examples is None  # blank optional: not given
    assert book.options[0].training_tokens == 0.0  # blank number: 0
    assert [u.distribution for u in book.uncertainty][:2] == ["triangular", "triangular"]
    assert book.uncertainty[2].option == "*" and book.uncertainty[2].clip_min == 50
    assert book.factors[0].answer == "yes"
    assert book.sha256 == hashlib.sha256(support.read_bytes()).hexdigest()


def test_cell_maps_point_at_the_cells_read(support):
    book = read_workbook(support)
    wb = load_workbook(support)
    assert set(book.scenario_cells) == set(schema.SCENARIO)
    assert book.scenario_cells["requests_per_day"] == "Scenario!C8"
    assert len(book.option_cells) == len(book.options) == 3
    assert book.option_cells[1]["epochs"] == "Options!K5"
    for option, cells in zip(book.options, book.option_cells, strict=True):
        assert set(cells) == set(schema.OPTION)
        sheet, coord = cells["name"].split("!")
        assert wb[sheet][coord].value == option.name
        sheet, coord = cells["input_tokens"].split("!")
        assert wb[sheet][coord].value == option.input_tokens


def test_formulas_without_cached_values_are_computed(support):
    _edit(support, Scenario_C8="=horizon_days*100", Options_D5="=Options!D4/7.5",
          Options_C6='="azure:ft:"&"gpt-4.1-nano"')
    book = read_workbook(support)
    assert book.scenario.requests_per_day == 36_500
    assert book.options[1].input_tokens == 400
    assert book.options[2].model == "azure:ft:gpt-4.1-nano"
    assert book.options[2].price_input_per_1m == 0.1


def test_a_formula_that_fails_is_a_problem_at_its_cell(support):
    _edit(support, Options_D4="=1/0")
    with pytest.raises(InputError) as caught:
        read_workbook(support)
    (problem,) = caught.value.problems
    assert problem.where == "Options!D4" and "=1/0" in problem.found


def test_every_problem_is_reported_at_once(support):
    _edit(support, Scenario_C7=0, Options_D4="abc", Options_E5=1.5, Options_B6="magic",
          Uncertainty_C5="gaussian", Uncertainty_E6=-1)
    with pytest.raises(InputError) as caught:
        read_workbook(support)
    got = [str(p).split(": ", 1)[1] for p in caught.value.problems]
    assert got == [
        "Scenario!C7: horizon_days must be a whole number >= 1, got 0",
        'Options!D4: input_tokens must be a number >= 0, got "abc"',
        "Options!E5: cached_input_share must be a share between 0 and 1 (e.g. 0.25 or 25%), "
        "got 1.5",
        'Options!B6: approach must be one of prompting, fine-tuning, distillation, '
        'self-hosted, got "magic"',
        'Uncertainty!C5: distribution must be one of ' + ", ".join(schema.DISTRIBUTIONS)
        + ', got "gaussian"',
        "Uncertainty!E6: p2 must be the sd, at least 0, got -1",
    ]


def test_distribution_names_ignore_case_and_numeric_text_is_read(support):
    _edit(support, Uncertainty_C4="Triangular", Options_D4=" 3000 ", Options_E4="50%")
    book = read_workbook(support)
    assert book.uncertainty[0].distribution == "triangular"
    assert book.options[0].input_tokens == 3000 and book.options[0].cached_input_share == 0.5


@pytest.mark.libreoffice
def test_cached_values_from_libreoffice_are_used_without_evaluation():
    # A workbook saved by LibreOffice carries its computed values: no evaluation needed.
    from tests.support.libreoffice import recalculate

    saved = recalculate(SAMPLES / "customer-support.xlsx")
    book = read_workbook(saved)
    assert book.options[2].hosting_per_hour == 1.7
    assert "formulas" not in {m.split(".")[0] for m in _modules_loaded_by(saved)}


def _modules_loaded_by(path: Path) -> set[str]:
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from ftreport.workbook.reader import "
            f"read_workbook; read_workbook(Path({str(path)!r})); print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    return set(out.stdout.split())
