"""The result sheets' formulas, recalculated by real headless LibreOffice, against the engine.

Before LibreOffice sees a report, every cached value on Results and Timeline
is overwritten with a wrong sentinel, so a match proves the formulas computed
it (not that LibreOffice kept our cached numbers). LibreOffice costs ~3 s a
file: independent files are recalculated in parallel, and hypothesis keeps to
a few examples.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftreport.engine import periods
from ftreport.engine.analysis import analyse
from ftreport.model import Option, Scenario
from ftreport.model.schema import APPROACHES
from ftreport.workbook._xlsx import sheet_parts
from ftreport.workbook.sheets_checks import FIRST_ROW
from ftreport.workbook.sheets_periods import FIRST_COST_COLUMN, FIRST_MONTH_ROW, FY_HEAD
from ftreport.workbook.sheets_summary import AGAINST_ITSELF, HEAD_ROW, METRICS
from ftreport.workbook.writer import write_report
from tests.support.libreoffice import recalculate
from tests.test_writer import (
    Run,
    assert_results,
    assert_timeline,
    close,
    read_results,
    read_timeline,
    save_scenario_workbook,
)

pytestmark = pytest.mark.libreoffice

SAMPLES = sorted((Path(__file__).parent.parent / "sample_inputs").glob("*.xlsx"))
SENTINEL = "987654.321"  # a valid date serial too (the date cells are made stale)


def stale_copy(report: Path, copy: Path,
               sheets: tuple[str, ...] = ("Results", "Timeline", "Periods", "Checks",
                                          "Summary")) -> Path:
    """``report`` with every cached formula value on ``sheets`` made wrong."""
    with zipfile.ZipFile(report) as source, zipfile.ZipFile(copy, "w") as target:
        parts = {part for sheet, part in sheet_parts(source).items() if sheet in sheets}
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in parts:
                text = data.decode("utf-8")
                text = re.sub(r'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?)(?: t="[a-z]+")?>'
                              r"(<f>[^<]*</f>)<v>[^<]*</v>",
                              rf"\1>\2<v>{SENTINEL}</v>", text)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return copy


def recalculated(report: Path) -> Path:
    """A stale copy of ``report`` after LibreOffice recalculated it; checks it did."""
    stale = stale_copy(report, report.with_name("stale-" + report.name))
    assert float(read_results(stale)[0]["total_cost"]) == float(SENTINEL)
    result = recalculate(stale, report.parent / ("lo-" + report.stem))
    return result


def recalculate_all(reports: list[Path]) -> list[Path]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(recalculated, reports))


def serial(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def assert_periods(ws: Any, book: Any) -> None:
    found = periods.periods(book)
    for k, period in enumerate(found.months):
        row = FIRST_MONTH_ROW + k
        assert serial(ws.cell(row, 2).value) == period.start
        assert serial(ws.cell(row, 3).value) == period.end
        for i in range(len(book.options)):
            assert close(ws.cell(row, FIRST_COST_COLUMN + i).value, float(found.monthly[k, i]),
                         scale=float(found.fiscal[:, i].sum()))
    for j, period in enumerate(found.fiscal_years, start=1):
        assert ws.cell(FY_HEAD + j, 1).value == period.label
        for i in range(len(book.options)):
            assert close(ws.cell(FY_HEAD + j, FIRST_COST_COLUMN + i).value,
                         float(found.fiscal[j - 1, i]), scale=float(found.fiscal[:, i].sum()))


def checks(wb: Any) -> dict[str, Any]:
    """The tie-out checks (LibreOffice saves a logical as 1 or 0)."""
    found = {}
    for row in wb["Checks"].iter_rows(min_row=FIRST_ROW):
        if not row[0].value:
            return found
        found[row[0].value] = row[2].value
    return found


def check(run: Run, recalculated_report: Path) -> None:
    assert_results(read_results(recalculated_report), run)
    assert_timeline(read_timeline(recalculated_report, len(run.book.options)), run)
    from openpyxl import load_workbook

    wb = load_workbook(recalculated_report, data_only=True)
    found = checks(wb)
    assert found and all(v == 1 for v in found.values()), found
    assert wb["Checks"]["B6"].value == 1  # checks_ok
    assert_periods(wb["Periods"], run.book)
    assert_summary(wb["Summary"], read_results(recalculated_report), run)


def expected_reason(run: Run) -> str:
    """Summary's "Why", worked out from the inputs."""
    book, analysis = run.book, run.analysis
    floor = book.scenario.min_quality
    meets = [floor is None or (o.quality_score is not None and o.quality_score >= floor)
             for o in book.options]
    if not any(meets):
        text = "No option meets the minimum quality: lowest present value of cost overall"
    elif floor is None:
        text = "Lowest present value of cost"
    else:
        text = "Lowest present value of cost among the options meeting the minimum quality"
    if analysis.recommended == analysis.baseline:
        return text + "; it is the baseline: keep it"
    # cost-model.md "Ties", worked from the present values: another recommendable option
    # within 1e-9 relative of the recommended one's (the lowest, or equal to it).
    npv = [float(v) for v in analysis.results["npv_cost"]]
    may = [m or not any(meets) for m in meets]
    lowest = min(v for v, m in zip(npv, may, strict=True) if m)
    equal = sum(m and v - lowest <= 1e-9 * max(abs(v), abs(lowest))
                for v, m in zip(npv, may, strict=True))
    return text + ("; another option's present value is equal (within 1e-9): the first "
                   "listed in Options is recommended" if equal > 1 else "")


def assert_summary(ws: Any, results: list[dict[str, Any]], run: Run) -> None:
    """Summary: the recommendation and the Results numbers, metrics down."""
    assert ws["B5"].value == run.book.options[run.analysis.recommended].name
    assert ws["B6"].value == expected_reason(run)
    assert ws["B7"].value == 1  # checks_ok
    for row, output in enumerate(METRICS, start=HEAD_ROW + 1):
        for i, values in enumerate(results):
            found, want = ws.cell(row, 2 + i).value, values[output.key]
            if output.key in AGAINST_ITSELF and i == run.analysis.baseline:
                want = "baseline"  # the baseline's own break-even day, in words
            if output.unit == "flag":
                assert bool(found) == bool(want), output.key
            else:
                assert close(found, want), output.key


def test_sample_workbooks_recalculate_to_the_engine(tmp_path: Path) -> None:
    assert SAMPLES, "sample_inputs/ is empty: run scripts/make_samples.py"
    from ftreport.api import run

    results = []
    for sample in SAMPLES:
        outdir = tmp_path / sample.stem
        results.append(run(sample, outdir, iterations=0, pdf=False))
    recalculated_reports = recalculate_all([Path(r.outputs["workbook"]) for r in results])
    for result, report in zip(results, recalculated_reports, strict=True):
        check(Run(result.analysis), report)  # type: ignore[arg-type]


def test_template_examples_end_to_end(tmp_path: Path) -> None:
    from ftreport.workbook._examples import EXAMPLES
    from ftreport.workbook.reader import read_workbook
    from ftreport.workbook.template import write_template

    runs, reports = [], []
    for name, example in EXAMPLES.items():
        if example is None:
            continue
        path = tmp_path / f"{name}.xlsx"
        write_template(path, example=name)
        run = Run(analyse(read_workbook(path)))
        report = tmp_path / f"{name}.report.xlsx"
        write_report(run, report)  # type: ignore[arg-type]
        runs.append(run)
        reports.append(report)
    for run, report in zip(runs, recalculate_all(reports), strict=True):
        check(run, report)


def test_changed_input_moves_the_results(tmp_path: Path) -> None:
    """Edit inputs in the written report, recalculate: the engine's numbers for the edit."""
    from openpyxl import load_workbook

    from tests.test_writer import make_run

    run = make_run(tmp_path)
    report = tmp_path / "report.xlsx"
    write_report(run, report)  # type: ignore[arg-type]
    wb = load_workbook(report)
    book = run.book
    changes = {"requests_per_day": 55_000, "monthly_growth": 0.07, "discount_rate": 0.12}
    for field, value in changes.items():
        sheet, cell = book.scenario_cells[field].split("!")
        wb[sheet][cell] = value
        setattr(book.scenario, field, value)
    sheet, cell = book.option_cells[1]["price_output_per_1m"].split("!")
    wb[sheet][cell] = 9.5
    book.options[1].price_output_per_1m = 9.5
    sheet, cell = book.option_cells[2]["retrain_every_days"].split("!")
    wb[sheet][cell] = 30
    book.options[2].retrain_every_days = 30
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    changed = Run(analyse(book))
    assert changed.analysis.results["total_cost"][0] != run.analysis.results["total_cost"][0]
    check(changed, recalculate(edited, tmp_path / "lo"))


def long_horizon_run(tmp_path: Path) -> Run:
    options = [
        Option(name=f"Option {k}", approach=APPROACHES[k % 4], input_tokens=500 + 300 * k,
               output_tokens=200 + 50 * k, cached_input_share=0.1 * k,
               price_input_per_1m=3.0 / (k + 1), price_cached_input_per_1m=0.3,
               price_output_per_1m=12.0 / (k + 1), training_tokens=1e6 * k, epochs=k % 3,
               price_training_per_1m=8.0 if k else 0.0, training_hours=2.0 * k,
               price_per_training_hour=50.0, hosting_per_hour=0.5 * (k % 2),
               hosting_hours_per_day=24, monthly_fixed_cost=100.0 * k,
               one_time_cost=1000.0 * k, data_generation_cost=300.0 * (k == 3),
               retrain_every_days=[0, 90, 0, 30, 365, 7][k], quality_score=0.8 + 0.02 * k)
        for k in range(6)
    ]
    scenario = Scenario(scenario_name="long", horizon_days=3650, requests_per_day=8000,
                        monthly_growth=1e-9, discount_rate=1e-10, min_quality=0.83,
                        mc_iterations=0)
    book = save_scenario_workbook(tmp_path / "long.xlsx", scenario, options)
    return Run(analyse(book))


def test_ten_year_horizon_with_tiny_rates(tmp_path: Path) -> None:
    run = long_horizon_run(tmp_path)
    report = tmp_path / "long.report.xlsx"
    write_report(run, report)  # type: ignore[arg-type]
    check(run, recalculated(report))


def test_ties_and_roi_recalculate_to_the_engine(tmp_path: Path) -> None:
    """cost-model.md "Ties": a twin of the baseline ahead of it, and one cheaper by a hair,
    share the baseline's rank and leave it recommended; ROI over the incremental
    investment (every training run) agrees, blank where nothing more is invested."""
    base = Option(name="Prompted", approach="prompting", input_tokens=1000, output_tokens=200,
                  price_input_per_1m=2.0, price_output_per_1m=8.0)
    twin = Option(**{**base.__dict__, "name": "Twin", "approach": "fine-tuning"})
    hair = Option(**{**base.__dict__, "name": "Hair", "price_output_per_1m": 8.0 * (1 - 1e-13)})
    tuned = Option(name="Tuned", approach="fine-tuning", input_tokens=300, output_tokens=200,
                   price_input_per_1m=0.8, price_output_per_1m=3.2, training_tokens=1e6,
                   epochs=3, price_training_per_1m=25.0, one_time_cost=2000,
                   retrain_every_days=90)
    scenario = Scenario(scenario_name="ties", horizon_days=365, requests_per_day=100,
                        baseline_option="Prompted", discount_rate=0.08, mc_iterations=0)
    book = save_scenario_workbook(tmp_path / "ties.xlsx", scenario, [twin, base, hair, tuned])
    run = Run(analyse(book))
    res = run.analysis.results
    assert run.analysis.recommended == 1 and list(res["rank"][:3]) == [1.0, 1.0, 1.0]
    assert res["roi"][3] == res["savings_vs_baseline"][3] / (2000 + 5 * 75.0)
    report = tmp_path / "ties.report.xlsx"
    write_report(run, report)  # type: ignore[arg-type]
    lo = recalculated(report)
    check(run, lo)
    rows = read_results(lo)
    assert [r["recommended"] for r in rows] == [False, True, False, False]


# ----------------------------------------------------------------------------------------
# Generated scenarios

money = st.one_of(st.just(0.0), st.floats(0.01, 50.0))
rates = st.one_of(st.just(0.0), st.floats(1e-12, 1e-6), st.floats(-0.3, 0.5))


@st.composite
def option_specs(draw: Any, k: int) -> Option:
    return Option(
        name=f"opt{k}", approach=draw(st.sampled_from(APPROACHES)),
        input_tokens=draw(st.integers(0, 20_000)), output_tokens=draw(st.integers(0, 4_000)),
        cached_input_share=draw(st.one_of(st.just(0.0), st.floats(0, 1))),
        price_input_per_1m=draw(money), price_cached_input_per_1m=draw(money),
        price_output_per_1m=draw(money),
        training_tokens=draw(st.one_of(st.just(0.0), st.floats(1e4, 1e8))),
        epochs=draw(st.integers(0, 5)), price_training_per_1m=draw(money),
        training_hours=draw(st.one_of(st.just(0.0), st.floats(0.5, 100))),
        price_per_training_hour=draw(money), hosting_per_hour=draw(money),
        hosting_hours_per_day=draw(st.sampled_from([0.0, 8.0, 24.0])),
        monthly_fixed_cost=draw(st.one_of(st.just(0.0), st.floats(1, 5000))),
        one_time_cost=draw(st.one_of(st.just(0.0), st.floats(1, 50_000))),
        data_generation_cost=draw(st.one_of(st.just(0.0), st.floats(1, 20_000))),
        retrain_every_days=draw(st.sampled_from([0, 0, 1, 7, 30, 90, 365])),
        quality_score=draw(st.one_of(st.none(), st.floats(0, 1))),
        batch_share=draw(st.one_of(st.just(0.0), st.floats(0, 1))),
        batch_discount=draw(st.sampled_from([0.0, 0.5, 0.25])),
    )


@st.composite
def scenarios(draw: Any) -> tuple[Scenario, list[Option]]:
    options = [draw(option_specs(k)) for k in range(draw(st.integers(2, 4)))]
    scenario = Scenario(
        horizon_days=draw(st.integers(1, 730)),
        requests_per_day=draw(st.one_of(st.just(0.0), st.floats(1, 1e5))),
        monthly_growth=draw(rates), discount_rate=abs(draw(rates)),
        min_quality=draw(st.one_of(st.none(), st.floats(0, 1))),
        baseline_option=draw(st.one_of(st.none(), st.sampled_from([o.name for o in options]))),
        start_date=draw(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2035, 12, 31)))),
        fiscal_year_start_month=draw(st.integers(1, 12)), mc_iterations=0)
    return scenario, options


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(scenarios(), min_size=4, max_size=4))
def test_generated_scenarios_recalculate_to_the_engine(
        cases: list[tuple[Scenario, list[Option]]]) -> None:
    with tempfile.TemporaryDirectory(prefix="ftreport-writer-") as folder:
        runs, reports = [], []
        for k, (scenario, options) in enumerate(cases):
            book = save_scenario_workbook(Path(folder) / f"case{k}.xlsx", scenario, options)
            run = Run(analyse(book))
            report = Path(folder) / f"case{k}.report.xlsx"
            write_report(run, report)  # type: ignore[arg-type]
            runs.append(run)
            reports.append(report)
        for run, report in zip(runs, recalculate_all(reports), strict=True):
            check(run, report)
