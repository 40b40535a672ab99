"""`ftreport run --trials` and `--sipmath`: every iteration's inputs and outputs, the
same as the simulation's, and a SIPmath 3.0 library of them."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import ftreport
from ftreport.cli import main
from ftreport.engine.analysis import analyse
from ftreport.engine.sampling import draw_chunk, resolve
from ftreport.engine.simulation import simulate
from ftreport.export import write_exports
from ftreport.export.sipmath import metalog_basis
from ftreport.model import Correlation
from ftreport.model.outputs import SIMULATED_KEYS
from ftreport.model.problems import InputError
from ftreport.workbook.template import write_template
from tests.support.scenarios import support_book

TUNE = "Fine-tuned gpt-4.1-mini"
N = 9_000  # not a whole number of blocks


def correlated_book():
    book = support_book(mc_iterations=N, mc_sampling="latin-hypercube")
    book.correlations = [Correlation("requests_per_day", None, "output_tokens", "*", 0.7)]
    return book


def read_csv(path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return header, {name: np.array([float(r[j]) if r[j] else math.nan for r in body])
                    for j, name in enumerate(header)}


def test_the_csv_rows_are_the_simulations_iterations(tmp_path: Path) -> None:
    book = correlated_book()
    analysis = analyse(book)
    target = tmp_path / "trials.csv"
    assert write_exports(book, analysis.baseline, trials=target) == {"trials": str(target)}
    header, columns = read_csv(target)
    names = [o.name for o in book.options]
    inputs = ["requests_per_day", "output_tokens[*]", f"training_tokens[{TUNE}]"]
    assert header == ["iteration", *inputs, *(f"{k}[{o}]" for k in SIMULATED_KEYS
                                              for o in names)]
    assert columns["iteration"].tolist() == list(range(N))
    # The inputs are the simulation's draws (same blocks, method and correlation)...
    for name, drawn in zip(inputs, draw_chunk(resolve(book), book.scenario.mc_seed, 0, N),
                           strict=True):
        np.testing.assert_array_equal(columns[name], drawn)
    # ... and the outputs give the simulation's statistics.
    result = simulate(book, analysis)
    for entry in result.summary:
        for key in SIMULATED_KEYS:
            values = columns[f"{key}[{entry['name']}]"]
            stats = entry[key]
            finite = values[np.isfinite(values)]
            if stats["mean"] is None:
                assert finite.size == 0
                continue
            assert finite.mean() == pytest.approx(stats["mean"], rel=1e-9, abs=1e-9)
            assert finite.size / N == pytest.approx(stats["finite_share"], abs=1e-12)
            if key in ("total_cost", "savings_vs_baseline"):
                assert float(np.percentile(values, 50)) == pytest.approx(stats["p50"],
                                                                        rel=1e-12)
        savings = columns[f"savings_vs_baseline[{entry['name']}]"]
        assert (savings > 0).mean() == pytest.approx(entry["p_beats_baseline"], abs=1e-12)


def test_the_sipmath_library_has_one_sip_per_input_and_key_output(tmp_path: Path) -> None:
    book = correlated_book()
    analysis = analyse(book)
    target = tmp_path / "lib.json"
    write_exports(book, analysis.baseline, sipmath=target)
    library = json.loads(target.read_text(encoding="utf-8"))
    assert (library["libraryType"], library["objectType"]) == ("SIPmath_3_0", "sipModel")
    names = [o.name for o in book.options]
    expected = ["requests_per_day", "output_tokens[*]", f"training_tokens[{TUNE}]",
                *(f"{k}[{o}]" for k in ("total_cost", "savings_vs_baseline") for o in names)]
    assert [s["name"] for s in library["sips"]] == expected
    rngs = library["U01"]["rng"]
    assert len(rngs) == len(expected)
    assert {r["arguments"]["seed3"] for r in rngs} == {book.scenario.mc_seed}
    assert f"mc_seed {book.scenario.mc_seed}" in library["provenance"]
    [copula] = library["U01"]["copula"]
    assert copula["function"] == "GaussianCopula"
    assert copula["arguments"]["rng"] == [r["name"] for r in rngs]
    assert [s["ref"]["copulaLayer"] for s in library["sips"]] == copula["copulaLayer"]
    matrix = library["globalVariables"][0]["value"]
    assert matrix["rows"] == expected
    entries = {(e["row"], e["col"]): e["value"] for e in matrix["matrix"]}
    assert len(entries) == len(expected) * (len(expected) + 1) // 2
    assert all(entries[(n, n)] == 1.0 for n in expected)
    assert entries[("requests_per_day", "output_tokens[*]")] == pytest.approx(0.7, abs=0.05)
    result = simulate(book, analysis)
    tune = next(e for e in result.summary if e["name"] == TUNE)
    sip = next(s for s in library["sips"] if s["name"] == f"total_cost[{TUNE}]")
    assert sip["metadata"]["mean"] == pytest.approx(tune["total_cost"]["mean"], rel=1e-9)
    assert sip["metadata"]["count"] == N
    # The fitted metalog's median and P95 are near the trials' own.
    coefficients = np.array(sip["arguments"]["aCoefficients"])
    at = metalog_basis(np.array([0.5, 0.95]), coefficients.size) @ coefficients
    spread = tune["total_cost"]["p95"] - tune["total_cost"]["p5"]
    assert abs(at[0] - tune["total_cost"]["p50"]) < 0.02 * spread
    assert abs(at[1] - tune["total_cost"]["p95"]) < 0.05 * spread


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "support.xlsx"
    write_template(path, example="support")
    return path


def test_run_writes_both_and_says_so(workbook: Path, tmp_path: Path) -> None:
    trials, library = tmp_path / "out" / "t.csv", tmp_path / "lib.json"
    result = CliRunner().invoke(main, ["run", str(workbook), "--iterations", "5000",
                                       "--trials", str(trials), "--sipmath", str(library)])
    assert result.exit_code == 0, result.output
    assert f"wrote trials: {trials}" in result.output
    assert f"wrote sipmath: {library}" in result.output
    assert len(read_csv(trials)[1]["iteration"]) == 5000
    assert json.loads(library.read_text(encoding="utf-8"))["libraryType"] == "SIPmath_3_0"


def test_parquet_needs_pyarrow_and_other_files_are_refused(workbook: Path,
                                                           tmp_path: Path) -> None:
    target = tmp_path / "t.parquet"
    if importlib.util.find_spec("pyarrow") is None:
        result = CliRunner().invoke(main, ["run", str(workbook), "--iterations", "100",
                                           "--trials", str(target)])
        assert result.exit_code == 2
        assert "pip install pyarrow" in result.output and "Traceback" not in result.output
        assert not target.exists()
    else:
        import pyarrow.parquet as pq

        ftreport.run(workbook, iterations=100, trials=target)
        assert pq.read_table(target).num_rows == 100
    for bad, option in ((tmp_path / "t.xlsx", "trials"), (tmp_path / "lib.csv", "sipmath")):
        with pytest.raises(InputError) as caught:
            ftreport.run(workbook, iterations=100, **{option: bad})
        assert caught.value.problems[0].code == "invalid-option"
        assert not bad.exists()


def test_no_simulation_no_export(workbook: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        ftreport.run(workbook, iterations=0, trials=tmp_path / "t.csv")
    assert "mc_iterations" in caught.value.problems[0].expected
    assert not (tmp_path / "t.csv").exists()


def test_a_run_stopped_at_its_target_exports_the_iterations_it_ran(workbook: Path,
                                                                   tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from ftreport.engine.simulation import CHECK_EVERY

    wb = load_workbook(workbook)
    ws = wb["Scenario"]
    row = next(c.row for c in ws["B"] if c.value == "mc_target_se")
    ws.cell(row, 3, 1e6)  # met at the first check
    wb.save(workbook)
    trials, library = tmp_path / "t.csv", tmp_path / "lib.json"
    result = ftreport.run(workbook, tmp_path / "out", workbook=False, pdf=False,
                          iterations=3 * CHECK_EVERY, trials=trials, sipmath=library)
    assert result.simulation is not None and result.simulation.iterations == CHECK_EVERY
    assert len(read_csv(trials)[1]["iteration"]) == CHECK_EVERY
    sips = json.loads(library.read_text(encoding="utf-8"))
    assert f"{CHECK_EVERY:,} iterations" in sips["provenance"]
    assert all(s["metadata"]["count"] == CHECK_EVERY for s in sips["sips"])
