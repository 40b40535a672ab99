"""`ftreport batch` on a real Dask LocalCluster (two worker processes), read back with real
readers: openpyxl for the portfolio table, pypdf and pdftotext for its PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Real parts: a missing Dask is a failure here, not a skip (.ci/run installs it).
import distributed
import openpyxl
import pypdf
import pytest
from click.testing import CliRunner

import ftreport
from ftreport.batch import BatchResult, WorkbookOutcome
from ftreport.batch.inputs import find_workbooks
from ftreport.batch.portfolio import write_portfolio
from ftreport.batch.runner import LOCAL_HTTP
from ftreport.cli import main
from ftreport.model.format import Formatter
from ftreport.model.problems import InputError
from tests.test_cli import HEAVY, imported_modules
from tests.test_memo import pdf_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_inputs").glob("*.xlsx"))
ITERATIONS = "2000"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=LOCAL_HTTP) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def first_batch(cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The three samples and a corrupt file, run once through the command line."""
    inputs = tmp_path_factory.mktemp("inputs")
    for sample in SAMPLES:
        shutil.copy(sample, inputs)
    (inputs / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is no workbook" * 40)
    (inputs / "~$customer-support.xlsx").write_bytes(b"lock")
    outdir = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["batch", str(inputs), "-o", str(outdir),
                                       "--scheduler", cluster.scheduler_address,
                                       "--iterations", ITERATIONS])
    return outdir, result


def table_rows(path: Path) -> dict[str, dict[str, Any]]:
    sheet = openpyxl.load_workbook(path)["Portfolio"]
    table = sheet.tables["Portfolio"]
    cells = [[c.value for c in row] for row in sheet[table.ref]]
    return {Path(row[0]).name: dict(zip(cells[0], row, strict=True)) for row in cells[1:]}


def test_a_corrupt_file_is_one_clear_problem_and_the_others_still_run(first_batch):
    outdir, result = first_batch
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "corrupt.xlsx" in errors[0]
    for sample in SAMPLES:
        folder = outdir / sample.stem
        assert (folder / f"{sample.stem}.report.xlsx").is_file()
        assert (folder / f"{sample.stem}.memo.pdf").is_file()
    closing = [line for line in result.stdout.splitlines() if line.startswith(("ok", "bad"))]
    assert len(closing) == 4  # one per workbook; the lock file is not one
    assert sum(line.startswith("bad-input") and "corrupt.xlsx" in line
               for line in closing) == 1


def test_portfolio_numbers_equal_each_workbooks_own_json(first_batch):
    outdir, _ = first_batch
    rows = table_rows(outdir / "portfolio.xlsx")
    entries = {Path(e["file"]).name: e
               for e in json.loads((outdir / "portfolio.json").read_text())["workbooks"]}
    assert rows["corrupt.xlsx"]["status"] == entries["corrupt.xlsx"]["status"] == "bad-input"
    for sample in SAMPLES:
        done = CliRunner().invoke(main, ["run", str(sample), "--json",
                                         "--iterations", ITERATIONS])
        run = json.loads(done.stdout)
        options = {o["name"]: o for o in run["options"]}
        chosen, baseline = options[run["recommended"]], options[run["baseline"]]
        simulated = {o["name"]: o for o in run["simulation"]["options"]}
        expected = {"scenario": run["scenario"]["scenario_name"], "status": "ok",
                    "recommended": run["recommended"], "baseline": run["baseline"],
                    "savings": chosen["savings_vs_baseline"],
                    "pv_savings": baseline["npv_cost"] - chosen["npv_cost"],
                    "payback_day": chosen["break_even_day"],
                    "p_cheapest": simulated[run["recommended"]]["p_cheapest"],
                    "warnings": len(run["warnings"])}
        row, entry = rows[sample.name], entries[sample.name]
        assert {k: row[k] for k in expected} == expected
        assert {k: entry[k] for k in expected} == expected
        assert row["memo"] == "memo" and row["report"] == "report"


def test_portfolio_links_point_at_each_memo_and_report(first_batch):
    outdir, _ = first_batch
    sheet = openpyxl.load_workbook(outdir / "portfolio.xlsx")["Portfolio"]
    targets = [c.hyperlink.target for row in sheet.iter_rows(min_row=2) for c in row
               if c.hyperlink is not None]
    assert len(targets) == 2 * len(SAMPLES)
    assert all((outdir / t).is_file() for t in targets)  # relative to OUTDIR
    assert {Path(t).name for t in targets} >= {f"{s.stem}.memo.pdf" for s in SAMPLES}


def test_portfolio_pdf_is_one_page_showing_each_scenarios_savings(first_batch):
    outdir, _ = first_batch
    assert len(pypdf.PdfReader(outdir / "portfolio.pdf").pages) == 1
    text = pdf_text(outdir / "portfolio.pdf")
    for entry in json.loads((outdir / "portfolio.json").read_text())["workbooks"]:
        if entry["status"] == "ok":
            assert entry["scenario"] in text
            assert Formatter(entry["currency"]).money(entry["savings"]) in text
    assert "corrupt.xlsx" in text


def test_resume_skips_unchanged_files_and_reruns_an_edited_one(client, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for sample in SAMPLES[:2]:
        shutil.copy(sample, inputs)
    outdir = tmp_path / "out"
    first = ftreport.batch([inputs], outdir, client=client, iterations=500)
    assert [o.status for o in first.outcomes] == ["ok", "ok"]

    edited, kept = (inputs / SAMPLES[0].name), (inputs / SAMPLES[1].name)
    kept_report = outdir / kept.stem / f"{kept.stem}.report.xlsx"
    before = kept_report.stat().st_mtime_ns
    book = openpyxl.load_workbook(edited)
    name = book.defined_names["scenario_name"]
    sheet, cell = next(iter(name.destinations))
    book[sheet][cell.replace("$", "")] = "Edited for the nightly run"
    book.save(edited)

    second = ftreport.batch([inputs], outdir, client=client, iterations=500, resume=True)
    statuses = {Path(o.file).name: o.status for o in second.outcomes}
    assert statuses == {edited.name: "ok", kept.name: "unchanged"}
    assert kept_report.stat().st_mtime_ns == before
    rows = table_rows(outdir / "portfolio.xlsx")
    assert rows[edited.name]["scenario"] == "Edited for the nightly run"
    # The skipped workbook keeps its previous numbers in the new portfolio.
    old = next(o for o in first.outcomes if o.file.endswith(kept.name))
    assert rows[kept.name]["savings"] == old.savings and rows[kept.name]["status"] == "unchanged"

    other_settings = ftreport.batch([inputs], outdir, client=client, iterations=400,
                                    resume=True)
    assert [o.status for o in other_settings.outcomes] == ["ok", "ok"]


def test_library_call_returns_a_typed_result(client, tmp_path):
    result = ftreport.batch([SAMPLES[0], tmp_path / "missing.xlsx"], tmp_path / "out",
                            client=client, iterations=0, pdf=False)
    assert isinstance(result, BatchResult)
    assert [o.status for o in result.outcomes] == ["bad-input", "ok"]
    assert result.outcomes[0].problems[0].code == "file-not-found"
    assert result.exit_code == 2
    ran = result.outcomes[1]
    assert "memo" not in ran.outputs and ran.p_cheapest is None
    assert json.loads(Path(result.portfolio["json"]).read_text()) == json.loads(
        json.dumps(result.to_dict()))


def test_portfolio_pdf_stays_one_page_for_sixty_workbooks(tmp_path):
    outcomes = [WorkbookOutcome(f"scenarios/product-line-{n:02d}.xlsx", f"/p/{n}", "ok",
                                scenario=f"Product line {n} with a long descriptive name",
                                currency="EUR", recommended="Fine-tuned gpt-4.1-mini",
                                baseline="Few-shot gpt-4.1", savings=1000.0 * n,
                                pv_savings=900.0 * n, payback_day=n, payback_date="2027-01-01",
                                p_cheapest=0.5, warnings=1) for n in range(50)]
    outcomes += [WorkbookOutcome(f"bad-{n}.xlsx", f"/p/bad-{n}", "failed", error="disk full")
                 for n in range(10)]
    result = BatchResult(str(tmp_path), outcomes)
    write_portfolio(result)
    assert len(pypdf.PdfReader(tmp_path / "portfolio.pdf").pages) == 1
    text = pdf_text(tmp_path / "portfolio.pdf")
    assert "50 scenarios ranked" in text and "€49,000" in text and "And 25 more" in text
    assert "bad-0.xlsx" in text and "and 5 more" in text


def test_the_command_starts_its_own_local_cluster_when_given_none(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(SAMPLES[0]), "-o", str(tmp_path),
                                       "--workers", "1", "--iterations", "0", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"ok        {SAMPLES[0]}")


def test_dask_scheduler_address_names_the_cluster(cluster, tmp_path):
    env = {"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}
    args = ["batch", str(SAMPLES[0]), "-o", str(tmp_path), "--iterations", "0", "--no-pdf"]
    assert CliRunner().invoke(main, args, env=env).exit_code == 0
    mixed = CliRunner().invoke(main, [*args, "--workers", "3"], env=env)
    assert mixed.exit_code == 2 and "--workers" in mixed.stderr


def test_lock_files_reports_and_the_output_folder_are_not_inputs(tmp_path):
    for name in ("a.xlsx", "~$a.xlsx", ".~lock.a.xlsx#", "a.report.xlsx", "notes.csv"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "portfolio.xlsx").write_bytes(b"x")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.xlsx").write_bytes(b"x")
    found = find_workbooks([tmp_path, f"{tmp_path}/**/*.xlsx", tmp_path / "notes.csv"],
                           tmp_path / "out")
    assert [w.shown for w in found.workbooks] == [str(tmp_path / "a.xlsx"), str(sub / "a.xlsx")]
    assert [w.folder for w in found.workbooks] == ["a", "a-2"]
    assert found.skipped == [f"{tmp_path / 'notes.csv'}: not an .xlsx workbook"]


def test_batch_help_does_not_load_dask_or_the_engine():
    assert not set(HEAVY) & imported_modules("batch", "--help")


def test_without_dask_the_command_says_how_to_install_it(tmp_path):
    code = ("import sys\nsys.modules['distributed'] = None\nfrom ftreport.cli import main\n"
            f"main(['batch', {str(SAMPLES[0])!r}, '-o', {str(tmp_path)!r}])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 1
    assert "pip install 'ftreport[batch]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_user_price_book_prices_every_workbook_and_a_bad_one_stops_at_once(client, tmp_path):
    from tests.test_user_prices import _negotiated, _starter

    path, prices = _starter(tmp_path), _negotiated(tmp_path)
    result = ftreport.batch([path], tmp_path / "out", client=client, iterations=0, pdf=False,
                            prices=prices)
    [ran] = result.outcomes
    assert ran.status == "ok", ran.problems
    run_sheet = openpyxl.load_workbook(tmp_path / "out" / ran.outputs["workbook"])["Run"]
    sources = {row[5] for row in run_sheet.iter_rows(values_only=True) if row[0] == "gpt-4.1"}
    assert sources == {"contract 2026-11"}
    (tmp_path / "bad").mkdir()
    bad = _negotiated(tmp_path / "bad", price_input_per_1m="cheap")
    with pytest.raises(InputError) as caught:
        ftreport.batch([path], tmp_path / "out2", client=client, prices=bad)
    assert str(bad) in str(caught.value)
