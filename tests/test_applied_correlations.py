"""The sampling method and the Correlations rows a run applied, with the rank correlation
its draws achieved: in the SimulationResult (JSON), on the Simulation sheet and in the
memo's risk section, each only when it holds."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from scipy import stats

from ftreport.engine import correlation
from ftreport.engine.analysis import analyse
from ftreport.engine.sampling import draw_chunk, resolve
from ftreport.engine.simulation import simulate
from ftreport.model import Correlation
from ftreport.model.results import RunResult, SimulationResult
from ftreport.workbook.simulation_sheets import add_simulation_sheets
from tests.support.scenarios import support_book
from tests.test_memo_truth import memo_text

N = 20_000
RHO = 0.5
PAIR = ("requests_per_day", None, "output_tokens", "*")


def simulated(sampling: str = "random", correlated: bool = True) -> RunResult:
    book = support_book(mc_iterations=N, mc_sampling=sampling)
    if correlated:
        book.correlations = [Correlation(*PAIR, RHO, cell="Correlations!A4")]
    analysis = analyse(book)
    return RunResult(analysis, simulate(book, analysis))


def test_ranks_and_spearman_agree_with_scipy_on_ties() -> None:
    rng = np.random.default_rng(3)
    # Clipped draws repeat their bound, as a clipped Uncertainty row does.
    a = np.clip(rng.normal(size=2_000), -0.5, 2.0)
    b = np.clip(a + rng.normal(size=2_000), None, 0.3)
    np.testing.assert_allclose(correlation.ranks(a), stats.rankdata(a) - 1)
    assert correlation.spearman(a, b) == pytest.approx(stats.spearmanr(a, b).statistic,
                                                       abs=1e-12)
    assert math.isnan(correlation.spearman(a, np.ones_like(a)))


@pytest.mark.parametrize("sampling", ["random", "latin-hypercube"])
def test_each_row_applied_carries_the_correlation_the_runs_draws_got(sampling: str) -> None:
    result = simulated(sampling)
    sim = result.simulation
    [applied] = sim.correlations
    assert (applied.input_a, applied.option_a, applied.input_b, applied.option_b) == PAIR
    assert applied.requested == RHO and applied.measured_iterations == N
    # The run's own draws, drawn again and measured by scipy.
    draws = resolve(result.book)
    keys = [(d.row.input, d.row.option) for d in draws]
    samples = draw_chunk(draws, result.book.scenario.mc_seed, 0, N)
    want = stats.spearmanr(samples[keys.index(PAIR[:2])], samples[keys.index(PAIR[2:])])
    assert applied.achieved == pytest.approx(want.statistic, abs=1e-12)
    # Within sampling error of the request: SE of Spearman's rho ~ (1 - rho^2)/sqrt(n-1).
    assert abs(applied.achieved - RHO) < 4 * (1 - RHO**2) / math.sqrt(N - 1) + 0.002
    assert sim.to_dict()["correlations"] == [{
        "input_a": "requests_per_day", "option_a": None, "input_b": "output_tokens",
        "option_b": "*", "requested": RHO, "achieved": applied.achieved,
        "measured_iterations": N}]
    assert sim.to_dict()["sampling"]["method"] == sampling


def test_without_a_correlations_table_nothing_is_applied() -> None:
    sim = simulated(correlated=False).simulation
    assert sim.correlations == [] and sim.to_dict()["correlations"] == []


def sheet_rows(sim: SimulationResult, result: RunResult) -> dict[str, list[object]]:
    wb = openpyxl.Workbook()
    add_simulation_sheets(wb, result)
    return {str(r[0]): list(r[1:]) for r in wb["Simulation"].iter_rows(values_only=True)
            if r[0] is not None}


def test_the_simulation_sheet_names_the_method_and_lists_the_rows_applied() -> None:
    result = simulated("latin-hypercube")
    rows = sheet_rows(result.simulation, result)
    assert rows["Sampling"][0].startswith("Latin hypercube sampling")
    [applied] = result.simulation.correlations
    assert rows["requests_per_day"][:6] == ["", "output_tokens", "*", RHO, applied.achieved, N]
    assert "Input a" in rows
    plain = simulated(correlated=False)
    rows = sheet_rows(plain.simulation, plain)
    assert rows["Sampling"][0].startswith("random sampling")
    assert "Input a" not in rows and "requests_per_day" not in rows


def test_the_memo_says_the_method_and_the_correlations_only_when_applied(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = simulated("latin-hypercube")
    [applied] = result.simulation.correlations
    text = memo_text(result, tmp_path, monkeypatch)
    assert "Sampling method: Latin hypercube sampling" in text
    assert ("Rank correlations between inputs were applied (Iman-Conover method: each input "
            "keeps its own distribution); achieved is the Spearman correlation over the first "
            f"{N:,} iterations.") in text
    assert (f"Requests per day Output tokens (all options) {RHO:.2f} "
            f"{applied.achieved:.2f}") in text
    plain = memo_text(simulated(correlated=False), tmp_path, monkeypatch)
    assert "Sampling method: random sampling" in plain
    assert "Rank correlations" not in plain and "Latin hypercube" not in plain
