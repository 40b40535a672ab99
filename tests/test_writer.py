"""The result sheets without LibreOffice: cached values, round trips, in-place safety.

The helpers here build scenario workbooks the way the contract describes them
(defined names on the Scenario cells, an `Options` table), so the writer is
tested whatever the template looks like; tests/test_writer_libreoffice.py
uses them too.
"""

from __future__ import annotations

import hashlib
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ftreport.engine.analysis import analyse
from ftreport.model import Option, Scenario, ScenarioBook
from ftreport.model.outputs import SHEET_OUTPUTS
from ftreport.model.problems import ReportError
from ftreport.model.schema import OPTION_FIELDS, SCENARIO_FIELDS
from ftreport.workbook import REPORT_SHEETS
from ftreport.workbook.writer import write_report
from tests.support.scenarios import support_book

FIRST_OPTION_ROW = 5
# Results computed from differences: only as exact as what is subtracted.
DIFFERENCE_KEYS = ("savings_vs_baseline", "break_even_day", "steady_state_break_even_days",
                   "max_training_tokens", "break_even_requests_per_day",
                   "break_even_tokens_per_hour", "roi", "savings_pct")


@dataclass
class Run:
    """What ftreport.api.RunResult gives the writer (the API module needs the reader)."""

    analysis: Any
    simulation: Any = None

    @property
    def book(self) -> ScenarioBook:
        return self.analysis.book


def save_scenario_workbook(path: Path, scenario: Scenario, options: list[Option],
                           extras: bool = False) -> ScenarioBook:
    """A contract-shaped scenario workbook at ``path`` and the book a reader would return."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    ws.title = "Scenario"
    scenario_cells = {}
    for row, f in enumerate(SCENARIO_FIELDS, start=4):
        ws.cell(row, 1, f.label)
        value = getattr(scenario, f.name)
        ws.cell(row, 3, value)
        ws.cell(row, 4, f.unit)
        wb.defined_names[f.name] = DefinedName(f.name, attr_text=f"Scenario!$C${row}")
        scenario_cells[f.name] = f"Scenario!C{row}"
    opt = wb.create_sheet("Options")
    option_cells: list[dict[str, str]] = []
    from openpyxl.utils import get_column_letter

    for col, f in enumerate(OPTION_FIELDS, start=1):
        opt.cell(FIRST_OPTION_ROW - 1, col, f.name)
    for i, option in enumerate(options):
        row = FIRST_OPTION_ROW + i
        cells = {}
        for col, f in enumerate(OPTION_FIELDS, start=1):
            value = getattr(option, f.name)
            opt.cell(row, col, None if value in (0, 0.0, "") else value)
            cells[f.name] = f"Options!{get_column_letter(col)}{row}"
        option_cells.append(cells)
    last = FIRST_OPTION_ROW + len(options) - 1
    last_col = get_column_letter(len(OPTION_FIELDS))
    opt.add_table(Table(displayName="Options", ref=f"A{FIRST_OPTION_ROW - 1}:{last_col}{last}"))
    if extras:
        # The analyst's own work: a sheet with formulas, styles, notes and validation.
        mine = wb.create_sheet("My notes")
        mine["A1"] = "Budget check"
        mine["A1"].font = Font(bold=True, color="FF0000")
        mine["A1"].fill = PatternFill("solid", fgColor="FFFF00")
        mine["A2"] = "=requests_per_day*30"
        mine["B2"] = "=Options!D5*2"
        mine["A2"].comment = Comment("monthly requests", "analyst")
        mine["C3"] = 42.5
        mine["C3"].number_format = "0.000"
        dv = DataValidation(type="list", formula1='"a,b,c"')
        mine.add_data_validation(dv)
        dv.add("D1:D5")
        wb.defined_names["my_budget"] = DefinedName("my_budget", attr_text="'My notes'!$C$3")
    wb.save(path)
    return ScenarioBook(path=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                        scenario=scenario, options=options, scenario_cells=scenario_cells,
                        option_cells=option_cells)


def make_run(tmp_path: Path, name: str = "scenario.xlsx", extras: bool = False,
             **scenario: Any) -> Run:
    template = support_book(**scenario)
    book = save_scenario_workbook(tmp_path / name, template.scenario, template.options,
                                  extras=extras)
    return Run(analyse(book))


def engine_rows(run: Run) -> list[dict[str, Any]]:
    """The engine's Results row per option, blanks as None."""
    rows = []
    for i, option in enumerate(run.book.options):
        row: dict[str, Any] = {"name": option.name, "approach": option.approach}
        for c in SHEET_OUTPUTS[2:]:
            if c.key == "is_baseline":
                row[c.key] = i == run.analysis.baseline
            elif c.key == "recommended":
                row[c.key] = i == run.analysis.recommended
            else:
                value = float(run.analysis.results[c.key][i])
                row[c.key] = value if math.isfinite(value) else None
        rows.append(row)
    return rows


def close(found: Any, expected: Any, scale: float = 0.0, rel: float = 1e-9) -> bool:
    """Equal within ``rel`` of the larger value (or of ``scale``, for differences)."""
    if expected is None or found in (None, ""):
        return expected is None and found in (None, "")
    if isinstance(expected, bool | str):
        return found == expected
    return abs(float(found) - expected) <= rel * max(abs(float(found)), abs(expected), scale)


def assert_results(values: list[dict[str, Any]], run: Run, rel: float = 1e-9) -> None:
    expected = engine_rows(run)
    assert len(values) == len(expected)
    scales = {k: max(abs(r[k]) for r in expected if isinstance(r[k], float)) if any(
        isinstance(r[k], float) for r in expected) else 0.0 for k in expected[0]}
    for found, want in zip(values, expected, strict=True):
        for key, value in want.items():
            scale = scales[key] * 1e-3 if key in DIFFERENCE_KEYS else 0
            assert close(found[key], value, scale, rel), (want["name"], key, found[key], value)


def read_results(path: Path) -> list[dict[str, Any]]:
    """The Results table as cached in the file (no calculation)."""
    from openpyxl import load_workbook

    ws = load_workbook(path, data_only=True)["Results"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] is not None]


def read_timeline(path: Path, n: int) -> np.ndarray:
    """The Timeline's day, volume factor, baseline and option costs (cached)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True, read_only=True)
    try:
        return np.array([[np.nan if v in (None, "") else v for v in r[:3 + n]]
                         for r in wb["Timeline"].iter_rows(min_row=2, values_only=True)],
                        dtype=float)
    finally:
        wb.close()


def engine_timeline(run: Run) -> np.ndarray:
    from ftreport.engine import compare
    from ftreport.engine.analysis import option_arrays

    s = run.book.scenario
    arrays = option_arrays(run.book.options)
    days = np.arange(s.horizon_days + 1, dtype=float)
    cumulative = compare.cumulative_costs(days[:, None], compare.option_costs(arrays),
                                          arrays["retrain_every_days"], s.requests_per_day,
                                          s.monthly_growth)
    return cumulative


def assert_timeline(table: np.ndarray, run: Run) -> None:
    expected = engine_timeline(run)
    assert table.shape[0] == expected.shape[0]
    np.testing.assert_array_equal(table[:, 0], np.arange(expected.shape[0]))
    np.testing.assert_allclose(table[:, 3:], expected, rtol=1e-9, atol=0)
    np.testing.assert_allclose(table[:, 2], expected[:, run.analysis.baseline], rtol=1e-9)


def sheet_xml(path: Path, sheet: str) -> bytes:
    from ftreport.workbook._xlsx import sheet_parts

    with zipfile.ZipFile(path) as z:
        return z.read(sheet_parts(z)[sheet])


# ---------------------------------------------------------------------------------------


def test_cached_values_are_the_engines(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    out = tmp_path / "out" / "report.xlsx"
    write_report(run, out)  # type: ignore[arg-type]
    assert_results(read_results(out), run, rel=0)
    assert_timeline(read_timeline(out, len(run.book.options)), run)


def test_every_formula_cell_has_a_cached_value(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    out = tmp_path / "report.xlsx"
    write_report(run, out)  # type: ignore[arg-type]
    for sheet in ("Results", "Timeline", "Workings"):
        xml = sheet_xml(out, sheet).decode()
        assert "<f>" in xml
        assert "<v />" not in xml and "<v/>" not in xml, sheet
    with zipfile.ZipFile(out) as z:
        assert b'fullCalcOnLoad="1"' in z.read("xl/workbook.xml")


def test_pandas_sees_the_numbers(tmp_path: Path) -> None:
    import pandas as pd

    run = make_run(tmp_path)
    out = tmp_path / "report.xlsx"
    write_report(run, out)  # type: ignore[arg-type]
    frame = pd.read_excel(out, sheet_name="Results")
    rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]
    assert_results(rows, run, rel=0)
    timeline = pd.read_excel(out, sheet_name="Timeline")
    names = [o.name for o in run.book.options]
    np.testing.assert_allclose(timeline[names].to_numpy(), engine_timeline(run), rtol=0)


def test_input_file_is_never_modified(tmp_path: Path) -> None:
    run = make_run(tmp_path, extras=True)
    before = run.book.path.read_bytes()
    write_report(run, tmp_path / "report.xlsx")  # type: ignore[arg-type]
    assert run.book.path.read_bytes() == before
    with pytest.raises(ReportError, match="input workbook"):
        write_report(run, run.book.path)  # type: ignore[arg-type]
    assert run.book.path.read_bytes() == before


def snapshot(path: Path, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything an analyst could have put in the non-output sheets."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        cells = {c.coordinate: (c.value, c.number_format, c.font.b, c.font.color and
                                c.font.color.rgb, c.fill.fgColor.rgb,
                                c.comment.text if c.comment else None)
                 for row in ws.iter_rows() for c in row if c.value is not None or c.comment}
        sheets[ws.title] = (cells, [(str(dv.sqref), dv.formula1)
                                    for dv in ws.data_validations.dataValidation],
                            sorted(ws.tables))
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    return {"sheets": sheets, "names": names, "order": wb.sheetnames}


OUTPUTS = REPORT_SHEETS


def test_round_trip_keeps_the_analysts_work_and_rerun_replaces(tmp_path: Path) -> None:
    run = make_run(tmp_path, extras=True)
    original = snapshot(run.book.path)
    first = tmp_path / "first.xlsx"
    write_report(run, first)  # type: ignore[arg-type]
    once = snapshot(first, skip=OUTPUTS)
    assert once["sheets"] == original["sheets"]
    assert {k: v for k, v in once["names"].items() if k in original["names"]} \
        == original["names"]
    assert once["order"] == original["order"] + list(OUTPUTS)

    # A second run on the report itself: output sheets replaced, not duplicated.
    again = Run(analyse(ScenarioBook(**{**run.book.__dict__, "path": first,
                                       "sha256": hashlib.sha256(first.read_bytes())
                                       .hexdigest()})))
    second = tmp_path / "second.xlsx"
    write_report(again, second)  # type: ignore[arg-type]
    twice = snapshot(second)
    assert twice["order"] == once["order"]
    assert snapshot(second, skip=OUTPUTS) == once
    assert twice["names"] == snapshot(first)["names"]
    assert_results(read_results(second), run, rel=0)


def test_in_place_writes_into_the_input(tmp_path: Path) -> None:
    run = make_run(tmp_path, extras=True)
    original = snapshot(run.book.path)
    write_report(run, run.book.path, in_place=True)  # type: ignore[arg-type]
    assert snapshot(run.book.path, skip=OUTPUTS)["sheets"] == original["sheets"]
    assert_results(read_results(run.book.path), run, rel=0)
    # Our own chart on Timeline does not block a second in-place run.
    again = Run(analyse(ScenarioBook(**{**run.book.__dict__, "sha256": hashlib.sha256(
        run.book.path.read_bytes()).hexdigest()})))
    write_report(again, run.book.path, in_place=True)  # type: ignore[arg-type]
    assert snapshot(run.book.path)["order"].count("Results") == 1


def add_chart(path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    wb = load_workbook(path)
    ws = wb["Options"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=4, max_row=6))
    ws.add_chart(chart, "H10")
    wb.save(path)


def test_in_place_refuses_a_workbook_with_a_chart(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    add_chart(run.book.path)
    book = ScenarioBook(**{**run.book.__dict__, "sha256": hashlib.sha256(
        run.book.path.read_bytes()).hexdigest()})
    before = run.book.path.read_bytes()
    with pytest.raises(ReportError, match=r"scenario\.xlsx.*charts"):
        write_report(Run(analyse(book)), book.path, in_place=True)  # type: ignore[arg-type]
    assert run.book.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.xlsx"]


@pytest.mark.parametrize("lock", ["~$scenario.xlsx", ".~lock.scenario.xlsx#"])
def test_in_place_refuses_an_open_workbook(tmp_path: Path, lock: str) -> None:
    run = make_run(tmp_path)
    (tmp_path / lock).write_bytes(b"someone")
    before = run.book.path.read_bytes()
    with pytest.raises(ReportError, match="open in Excel"):
        write_report(run, run.book.path, in_place=True)  # type: ignore[arg-type]
    assert run.book.path.read_bytes() == before


def test_in_place_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    with run.book.path.open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ReportError, match="changed after"):
        write_report(run, run.book.path, in_place=True)  # type: ignore[arg-type]


def test_failure_mid_write_leaves_the_old_file_whole(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from ftreport.workbook import writer

    run = make_run(tmp_path)
    before = run.book.path.read_bytes()

    def broken(path: Path, values: Any, partial: Any = None) -> None:
        path.write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(writer, "add_cached_values", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(run, run.book.path, in_place=True)  # type: ignore[arg-type]
    assert run.book.path.read_bytes() == before
    report = tmp_path / "report.xlsx"
    report.write_bytes(b"old report")
    with pytest.raises(OSError, match="disk full"):
        write_report(run, report)  # type: ignore[arg-type]
    assert report.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx", "scenario.xlsx"]


def test_results_headers_have_notes_and_formats(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    run = make_run(tmp_path, currency="EUR")
    out = tmp_path / "report.xlsx"
    write_report(run, out)  # type: ignore[arg-type]
    wb = load_workbook(out)
    ws = wb["Results"]
    for cell in ws[1]:
        assert cell.comment is not None and len(cell.comment.text) > 20, cell.value
    headers = [c.value for c in ws[1]]
    total = ws.cell(2, headers.index("total_cost") + 1)
    assert total.value.startswith("=") and "EUR" in total.number_format
    assert ws.cell(2, headers.index("savings_pct") + 1).number_format.endswith("%")
    assert "Results" in ws.tables
    assert ws.conditional_formatting
    for name in ("recommended_option", "recommended_total_cost", "recommended_savings",
                 "recommended_break_even_day", "days_per_year", "cost_tolerance"):
        assert name in wb.defined_names
    assert wb["Timeline"]._charts
    run_sheet = {r[0]: r[1] for r in wb["Run"].iter_rows(min_row=3, values_only=True)}
    assert run_sheet["input_sha256"] == run.book.sha256
    assert run_sheet["tool_version"]
    # No constant hidden in a formula: the numbers live on the Constants sheet.
    for sheet in ("Results", "Timeline"):
        for row in wb[sheet].iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    text = re.sub(r"\$?[A-Z]{1,3}\$?[0-9]+", "", c.value)
                    for constant in ("365", "1000000", "24", "1E-09", "1e-9", "12/"):
                        assert constant not in text, (c.coordinate, c.value)


SAMPLES = sorted((Path(__file__).parent.parent / "sample_inputs").glob("*.xlsx"))


def test_run_with_simulation_adds_its_sheets_and_reruns_in_place(tmp_path: Path) -> None:
    assert SAMPLES, "sample_inputs/ is empty: run scripts/make_samples.py"
    import shutil

    from ftreport.api import run

    sample = tmp_path / SAMPLES[0].name
    shutil.copyfile(SAMPLES[0], sample)
    result = run(sample, tmp_path / "out", iterations=500, seed=3, pdf=False)
    report = Path(result.outputs["workbook"])
    from openpyxl import load_workbook

    names = load_workbook(report).sheetnames
    assert {"Results", "Timeline", "Simulation", "Sensitivity", "Run"} <= set(names)
    assert_results(read_results(report), Run(result.analysis), rel=0)
    # In place, twice: the simulation charts are ours, so they do not block a re-run.
    # (write_report directly: re-reading a report through the reader is slow, see the report.)
    result = run(sample, iterations=500, seed=3, pdf=False, in_place=True)
    book = ScenarioBook(**{**result.book.__dict__, "sha256": hashlib.sha256(
        sample.read_bytes()).hexdigest()})
    result.analysis.book = book
    write_report(result, sample, in_place=True)
    assert load_workbook(sample).sheetnames == names


def test_names_starting_with_equals_stay_text_in_every_output_sheet(tmp_path: Path) -> None:
    # An option named like a formula must not become one in the report (formula injection).
    from openpyxl import load_workbook

    from ftreport.api import run
    from ftreport.workbook.template import write_template

    path = tmp_path / "hostile.xlsx"
    write_template(path, example="support")
    wb = load_workbook(path)
    hostile = '=HYPERLINK("http://169.254.169.254/","x")'
    for cell in (wb["Options"]["A6"], wb["Uncertainty"]["B8"]):
        assert cell.value == "Azure hosted fine-tune"
        cell.value, cell.data_type = hostile, "s"  # typed as text, as Excel keeps it
    wb.save(path)
    result = run(path, tmp_path / "out", iterations=500, pdf=False)
    assert hostile in [o["name"] for o in result.to_dict()["options"]]
    report = load_workbook(result.outputs["workbook"])
    texts = [c for ws in report.worksheets for row in ws.iter_rows() for c in row
             if c.value == hostile]
    assert texts and all(c.data_type == "s" for c in texts)
    formulas = [c.value for ws in report.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert not any("HYPERLINK" in str(f) for f in formulas)


def test_every_output_and_working_has_one_formula_and_one_engine_value() -> None:
    # Adding an output: a schema row, its engine expression and one entry in formulas.py.
    from typing import get_args

    from ftreport.engine import workings
    from ftreport.model.outputs import Unit
    from ftreport.workbook import formulas, layout
    from ftreport.workbook.styles import UNIT_FORMATS

    assert list(formulas.RESULTS) == [o.key for o in SHEET_OUTPUTS]
    assert set(UNIT_FORMATS) == set(get_args(Unit))
    analysis = analyse(support_book())
    scenario = [w.name for w in layout.SCENARIO_WORKINGS]
    assert list(workings.scenario_workings(analysis)) == scenario
    assert list(formulas.SCENARIO_WORKINGS) == [*scenario, "chart_marker_day",
                                                "chart_marker_top"]
    columns = [c.key for c in layout.OPTION_WORKINGS]
    assert list(formulas.OPTION_WORKINGS) == [k for k in columns if k != "option_no"]
    assert set(workings.option_workings(analysis)) == set(columns) - {"name", "approach"}
