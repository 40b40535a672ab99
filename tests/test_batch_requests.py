"""Batch requests: a share of the requests billed at (1 - batch_discount) of the token
prices, in the engine, the template's lookups, the reader and the report's formulas."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ftreport.engine import compare
from ftreport.engine.analysis import analyse, option_arrays
from ftreport.engine.workings import option_workings
from ftreport.model import Option, Scenario
from ftreport.model.pricebook import load_pricebook
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template
from ftreport.workbook.writer import write_report
from tests.test_writer import Run, assert_results, read_results, save_scenario_workbook
from tests.test_writer_libreoffice import recalculated


def _options() -> list[Option]:
    return [
        Option(name="Prompt", approach="prompting", input_tokens=2_000, output_tokens=500,
               cached_input_share=0.25, price_input_per_1m=2.0, price_cached_input_per_1m=0.5,
               price_output_per_1m=8.0, batch_share=0.4, batch_discount=0.5),
        Option(name="Tuned", approach="fine-tuning", input_tokens=300, output_tokens=500,
               price_input_per_1m=0.8, price_output_per_1m=3.2, training_tokens=1e6,
               epochs=3, price_training_per_1m=5.0),
    ]


def test_cost_per_request_by_hand():
    # Prompt: normal cost (2000*0.75*2 + 2000*0.25*0.5 + 500*8) / 1e6 = 0.00725 per
    # request; 40% of requests at half price: 0.00725 * (1 - 0.4*0.5) = 0.0058.
    # Tuned sends nothing through batch: (300*0.8 + 500*3.2) / 1e6 = 0.00184.
    options = _options()
    values = compare.evaluate(option_arrays(options), 0, horizon_days=30, requests_per_day=1000)
    assert values["cost_per_request"] == pytest.approx([0.0058, 0.00184], rel=1e-12)
    # 30 days of 1,000 requests: the usage part of the total is exactly u * 30,000.
    assert values["total_cost"][0] == pytest.approx(0.0058 * 30_000, rel=1e-12)


def test_no_batch_share_changes_no_number_and_the_factor_is_a_working():
    options = _options()
    options[0].batch_share = 0.0
    plain = compare.evaluate(option_arrays(options), 0, horizon_days=90, requests_per_day=500,
                             monthly_growth=0.02, discount_rate=0.1)
    options[0].batch_discount = 0.0
    again = compare.evaluate(option_arrays(options), 0, horizon_days=90, requests_per_day=500,
                             monthly_growth=0.02, discount_rate=0.1)
    for key, value in plain.items():  # bit for bit: the factor is exactly 1
        assert value.tobytes() == again[key].tobytes(), key


def test_workings_factor(tmp_path):
    book = save_scenario_workbook(tmp_path / "s.xlsx", Scenario(requests_per_day=1000,
                                                                horizon_days=30), _options())
    analysis = analyse(book)
    assert option_workings(analysis)["batch_factor"] == pytest.approx([0.8, 1.0], rel=1e-15)


def test_template_looks_up_batch_discount_and_the_reader_reads_both(tmp_path):
    path = tmp_path / "starter.xlsx"
    write_template(path, example="starter")
    wb = load_workbook(path)
    ws = wb["Options"]
    headers = [c.value for c in ws[3]]
    share = headers.index("batch_share") + 1
    ws.cell(row=4, column=share, value=0.3)
    wb.save(path)  # drops the stored values: the reader computes the lookups itself
    options = read_workbook(path).options
    book = load_pricebook()
    assert [(o.batch_share, o.batch_discount) for o in options] == [
        (0.3, book.get(options[0].model).batch_discount),
        (0.0, book.get(options[1].model).batch_discount)]
    assert options[0].batch_discount == 0.5  # OpenAI's Batch API


def test_a_workbook_without_the_batch_columns_reads_them_as_zero():
    # The version-1 template kept in tests/data predates the columns.
    path = Path(__file__).parent / "data" / "template-v1-starter.xlsx"
    options = read_workbook(path).options
    assert options and all((o.batch_share, o.batch_discount) == (0.0, 0.0) for o in options)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_batch_costs_to_the_engine(tmp_path):
    scenario = Scenario(requests_per_day=12_000, horizon_days=200, monthly_growth=0.03,
                        discount_rate=0.07, mc_iterations=0)
    book = save_scenario_workbook(tmp_path / "batch.xlsx", scenario, _options())
    run = Run(analyse(book))
    report = tmp_path / "batch.report.xlsx"
    write_report(run, report)  # type: ignore[arg-type]
    values = read_results(recalculated(report))  # cached values made wrong first
    assert values[0]["cost_per_request"] == pytest.approx(0.00725 * 0.8, rel=1e-12)
    assert_results(values, run)
