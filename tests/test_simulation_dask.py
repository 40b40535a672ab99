"""The Monte Carlo on a real Dask LocalCluster (two worker processes) equals the local run."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import distributed
import pytest
from click.testing import CliRunner

from ftreport.cli import main
from ftreport.cluster import LOCAL_HTTP, simulate_on_dask
from ftreport.cluster.simulation import task_ranges
from ftreport.engine.analysis import analyse
from ftreport.engine.sampling import BLOCK
from ftreport.engine.simulation import CHECK_EVERY, simulate
from ftreport.model.outputs import PERCENTILES, SIMULATED_KEYS
from tests.support.scenarios import support_book
from tests.test_cli import imported_modules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_inputs" / "customer-support.xlsx"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=LOCAL_HTTP) as cluster, \
            distributed.Client(cluster) as connected:
        yield connected


def test_tasks_are_whole_blocks_covering_every_iteration() -> None:
    ranges = task_ranges(50_001, 2)
    assert ranges[0][0] == 0 and ranges[-1][1] == 50_001 and len(ranges) > 2
    assert all(a % BLOCK == 0 and b == c for (a, b), (c, _) in itertools.pairwise(ranges))


def test_dask_run_equals_the_local_run_bit_for_bit_in_exact_mode(client: Any) -> None:
    book = support_book(mc_iterations=50_001)
    analysis = analyse(book)
    local = simulate(book, analysis)
    progress: list[tuple[int, int]] = []
    on_dask = simulate_on_dask(client, book, analysis,
                               progress=lambda done, total: progress.append((done, total)))
    assert on_dask.quantiles == "exact"
    assert on_dask.to_dict() == local.to_dict()
    assert on_dask.histogram == local.histogram and on_dask.sensitivity == local.sensitivity
    assert progress[-1] == (50_001, 50_001) and len(progress) > 2


def test_latin_hypercube_and_correlated_inputs_on_dask_equal_the_local_run(client: Any) -> None:
    # The workers redraw each block from the plan they are sent: the sampling method and
    # the Correlations rows must travel with it.
    from ftreport.model.inputs import Correlation

    book = support_book(mc_iterations=20_001, mc_sampling="latin-hypercube")
    first, second = book.uncertainty[0], book.uncertainty[1]
    book.correlations = [Correlation(first.input, first.option, second.input, second.option,
                                     0.6, cell="Correlations!E4")]
    analysis = analyse(book)
    local = simulate(book, analysis)
    assert local.sampling_method == "latin-hypercube" and local.correlations
    assert simulate_on_dask(client, book, analysis).to_dict() == local.to_dict()
    plain = simulate(replace(book, correlations=[]), analysis)
    assert plain.to_dict() != local.to_dict()  # the correlation did change the draws


def test_dask_sketch_run_has_the_local_counts_and_means_and_percentiles_within_the_bound(
        client: Any) -> None:
    book = support_book(mc_iterations=60_000)
    analysis = analyse(book)
    exact = simulate(book, analysis)
    sketched = simulate_on_dask(client, book, analysis, exact=False)
    assert sketched.quantiles == "sketch" and 0 < sketched.rank_error < 0.01
    for e, s in zip(exact.summary, sketched.summary, strict=True):
        for key in ("p_cheapest", "p_recommended", "p_beats_baseline", "p_cheapest_se"):
            assert s[key] == e[key]
        for key in SIMULATED_KEYS:
            if e[key]["mean"] is None:
                assert s[key]["mean"] is None
            else:
                assert s[key]["mean"] == pytest.approx(e[key]["mean"], rel=1e-12, abs=1e-9)
            assert s[key]["mean_se"] == e[key]["mean_se"]
            for p in PERCENTILES:
                # Within the sketch's rank error: between the exact percentiles at
                # ranks p -+ (error + one sample).
                low, high = (e[key][f"p{p}_lower"], e[key][f"p{p}_upper"])
                if s[key][f"p{p}"] is not None and low is not None and high is not None:
                    assert low - 1e-9 <= s[key][f"p{p}"] <= high + 1e-9 or \
                        e[key][f"p{p}"] == s[key][f"p{p}"]


def test_dask_run_stops_at_the_same_check_as_the_local_run(client: Any) -> None:
    book = support_book(mc_iterations=20 * CHECK_EVERY)
    analysis = analyse(book)
    local = simulate(book, analysis)
    featured = [o["name"] for o in local.summary].index(local.featured_option)
    se_at_end = local.summary[featured]["savings_vs_baseline"]["mean_se"]
    # A target met after about a quarter of the run: SE falls as 1/sqrt(n).
    target = replace(book, scenario=replace(book.scenario, mc_target_se=2.1 * se_at_end))
    here = simulate(target, analysis, chunk_size=3 * BLOCK)
    there = simulate_on_dask(client, target, analysis)
    assert here.stopped == there.stopped == "target_se"
    assert here.iterations == there.iterations < 20 * CHECK_EVERY
    assert here.iterations % CHECK_EVERY == 0
    assert here.to_dict() == there.to_dict()


def test_run_command_on_a_scheduler_gives_the_local_json(client: Any, tmp_path: Path) -> None:
    args = ["run", str(SAMPLE), "--json", "--iterations", "30000", "--no-pdf"]
    local = CliRunner().invoke(main, args)
    remote = CliRunner().invoke(main, [*args, "--scheduler", client.scheduler.address])
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert json.loads(remote.output) == json.loads(local.output)


def test_library_run_takes_a_client(client: Any) -> None:
    import ftreport

    local = ftreport.run(SAMPLE, iterations=20_000)
    remote = ftreport.run(SAMPLE, iterations=20_000, client=client)
    assert remote.to_dict() == local.to_dict()


def test_run_dask_starts_its_own_local_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    started: list[Any] = []
    real = distributed.LocalCluster

    def counting(*args: Any, **kwargs: Any) -> Any:
        started.append(kwargs)
        return real(*args, **{**kwargs, "n_workers": 2})

    monkeypatch.setattr(distributed, "LocalCluster", counting)
    result = CliRunner().invoke(main, ["run", str(SAMPLE), "--json", "--iterations", "10000",
                                       "--dask"])
    assert result.exit_code == 0, result.output
    assert len(started) == 1 and started[0]["processes"]
    assert json.loads(result.output)["simulation"]["iterations"] == 10_000


def test_run_without_dask_says_how_to_install_it(tmp_path: Path) -> None:
    code = ("import sys\nsys.modules['distributed'] = None\nfrom ftreport.cli import main\n"
            f"main(['run', {str(SAMPLE)!r}, '--json', '--iterations', '1000', '--dask'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 1
    assert "pip install 'ftreport[batch]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_help_does_not_load_dask_and_names_the_options() -> None:
    assert "distributed" not in imported_modules("run", "--help")
    text = CliRunner().invoke(main, ["run", "--help"]).output
    assert "--dask" in text and "--scheduler ADDRESS" in text
