"""Mergeable tallies, standard errors, percentile bounds, the tie rule, sketch mode,
target probabilities and the early stop of the Monte Carlo."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from ftreport.engine.analysis import analyse
from ftreport.engine.precision import order_statistic_ranks
from ftreport.engine.sampling import BLOCK
from ftreport.engine.simulation import (
    CHECK_EVERY,
    EXACT_BUDGET_BYTES,
    accumulate,
    exact_fits,
    finish,
    plan,
    simulate,
    tallies,
)
from ftreport.engine.statistics import percentile_bounds, sorted_valid
from ftreport.engine.tally import STORED_BYTES, merged
from ftreport.model.outputs import PERCENTILES, SIMULATED_KEYS
from tests.support.scenarios import support_book


def with_scenario(book, **values):
    return replace(book, scenario=replace(book.scenario, **values))


def stored(run, total, key: str, option: int) -> np.ndarray:
    """An output's samples straight from an exact tally (savings from the totals)."""
    if key == "savings_vs_baseline":
        return (total.columns["total_cost"][run.analysis.baseline].values()
                - total.columns["total_cost"][option].values())
    return total.columns[key][option].values()


def one_pass(book, **kwargs):
    run = plan(book, analyse(book), **kwargs)
    total, _ = accumulate(run, tallies(run, 0, run.iterations))
    return run, total


@pytest.mark.parametrize("exact", [True, False])
def test_tallies_of_block_ranges_merge_associatively_into_the_one_pass_result(exact) -> None:
    book = support_book(mc_iterations=7 * BLOCK + 123)
    run = plan(book, analyse(book), exact=exact)
    a, b, c = (next(tallies(run, start, stop)) for start, stop in
               ((0, 2 * BLOCK), (2 * BLOCK, 5 * BLOCK), (5 * BLOCK, run.iterations)))
    left = finish(run, merged(merged(a, b), c), "iterations").to_dict()
    right = finish(run, merged(a, merged(b, c)), "iterations").to_dict()
    whole = simulate(book, run.analysis, exact=exact).to_dict()
    if exact:
        assert left == right == whole
        return
    # Sketches merge with random compaction: the counts and exact sums still agree.
    for found in (left, right):
        for mine, theirs in zip(found["options"], whole["options"], strict=True):
            for key in ("p_cheapest", "p_recommended", "p_beats_baseline"):
                assert mine[key] == theirs[key] and mine[f"{key}_se"] == theirs[f"{key}_se"]
            for key in SIMULATED_KEYS:
                assert mine[key]["mean"] == theirs[key]["mean"]
                assert mine[key]["mean_se"] == theirs[key]["mean_se"]


def test_a_tally_refuses_blocks_out_of_order() -> None:
    book = support_book(mc_iterations=3 * BLOCK)
    run = plan(book, analyse(book))
    first, last = next(tallies(run, 0, BLOCK)), next(tallies(run, 2 * BLOCK, 3 * BLOCK))
    with pytest.raises(ValueError, match="block order"):
        merged(first, last)


def test_standard_errors_are_those_of_the_samples() -> None:
    run, total = one_pass(support_book(mc_iterations=30_000))
    result = finish(run, total, "iterations")
    n = total.filled
    for i, entry in enumerate(result.summary):
        p = entry["p_beats_baseline"]
        assert entry["p_beats_baseline_se"] == pytest.approx(math.sqrt(p * (1 - p) / n))
        for key in ("total_cost", "savings_vs_baseline", "break_even_day"):
            x = stored(run, total, key, i)
            x = x[np.isfinite(x)]
            expected = np.std(x, ddof=1) / math.sqrt(x.size)
            assert entry[key]["mean_se"] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_standard_errors_match_the_spread_over_independent_seeds() -> None:
    book = support_book(mc_iterations=BLOCK)
    analysis = analyse(book)
    runs = [simulate(with_scenario(book, mc_seed=seed), analysis).summary[1]
            for seed in range(40)]
    for value, se in ((lambda o: o["p_cheapest"], lambda o: o["p_cheapest_se"]),
                      (lambda o: o["savings_vs_baseline"]["mean"],
                       lambda o: o["savings_vs_baseline"]["mean_se"])):
        spread = np.std([value(o) for o in runs], ddof=1)
        # 40 runs estimate a standard deviation to about 11%: 4 of those either way.
        assert 0.55 < spread / np.mean([se(o) for o in runs]) < 1.45


def binomial_cdf(k: int, n: int, q: float) -> float:
    return sum(math.comb(n, j) * q ** j * (1 - q) ** (n - j) for j in range(k + 1))


@pytest.mark.parametrize("n", [1, 2, 5, 19, 60, 200])
@pytest.mark.parametrize("q", [0.05, 0.25, 0.5, 0.75, 0.95])
def test_order_statistic_ranks_are_the_binomial_ones(n: int, q: float) -> None:
    # By the definition: the largest l (1-based) with P(B <= l-1) <= 2.5%, the smallest
    # u with P(B <= u-1) >= 97.5%, B ~ Binomial(n, q) samples below the quantile.
    low = max(r for r in range(n + 1) if r == 0 or binomial_cdf(r - 1, n, q) <= 0.025)
    high = min(r for r in range(1, n + 2) if r == n + 1 or binomial_cdf(r - 1, n, q) >= 0.975)
    assert order_statistic_ranks(n, q) == (low - 1 if low else None,
                                           high - 1 if high <= n else None)


def test_percentile_bounds_hold_the_true_percentile_at_least_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(3)
    covered = np.zeros(len(PERCENTILES))
    trials = 600
    for _ in range(trials):
        bounds = percentile_bounds(np.sort(rng.exponential(size=400)))
        truth = [-math.log(1 - p / 100) for p in PERCENTILES]
        covered += [lo <= t <= hi for (lo, hi), t in zip(bounds, truth, strict=True)]
    # At least 95% by construction; 600 trials see 93% or more but for bad luck (3 SE).
    assert (covered / trials >= 0.93).all()


def test_bounds_are_null_where_no_sample_is_far_enough_out() -> None:
    (low5, high5), *_ = percentile_bounds(sorted_valid(np.arange(10.0)))
    assert low5 is None and high5 == 2.0  # P(no sample below P5 of 10) is 60%


def identical_twin(book, *, before: bool):
    """``book`` with a copy of its baseline option, before or after it, cheaper by 1e-12
    relative (equal by the tie rule, cheaper by a plain minimum)."""
    base = book.options[book.baseline_index]
    twin = replace(base, name="Twin of the baseline",
                   price_output_per_1m=base.price_output_per_1m * (1 - 1e-12))
    options = [twin, *book.options] if before else [*book.options, twin]
    return replace(book, options=options,
                   scenario=replace(book.scenario, baseline_option=base.name))


@pytest.mark.parametrize("before", [False, True])
def test_an_option_identical_to_the_baseline_never_takes_its_place(before: bool) -> None:
    book = support_book(mc_iterations=20_000, horizon_days=35)  # the baseline often wins
    alone = simulate(book, analyse(book)).summary
    assert 0.1 < alone[book.baseline_index]["p_cheapest"] < 0.9
    twin_book = identical_twin(book, before=before)
    found = {o["name"]: o for o in simulate(twin_book, analyse(twin_book)).summary}
    assert found["Twin of the baseline"]["p_cheapest"] == 0
    assert found["Twin of the baseline"]["p_recommended"] == 0
    for entry in alone:  # the others' shares are those of the book without the twin
        assert found[entry["name"]]["p_cheapest"] == entry["p_cheapest"]
        assert found[entry["name"]]["p_recommended"] == entry["p_recommended"]


def test_equal_present_values_go_to_the_earlier_row_when_neither_is_the_baseline() -> None:
    book = support_book(mc_iterations=10_000)
    hosted = book.options[2]  # drawn only by the "*" row, which the copy shares
    # Within 1e-9 relative counts as equal: a price lower by 1e-12 is the same cost.
    near = replace(hosted, name="Same again", price_output_per_1m=hosted.price_output_per_1m
                   * (1 - 1e-12))
    twins = replace(book, options=[*book.options, near])
    found = simulate(twins, analyse(twins)).summary
    alone = simulate(book, analyse(book)).summary
    assert found[3]["p_cheapest"] == 0 < found[2]["p_cheapest"] == alone[2]["p_cheapest"]


def test_the_exact_mode_keeps_samples_within_its_budget() -> None:
    assert STORED_BYTES == 28
    assert exact_fits(EXACT_BUDGET_BYTES // (3 * STORED_BYTES), 3)
    assert not exact_fits(EXACT_BUDGET_BYTES // (3 * STORED_BYTES) + 1, 3)
    assert not exact_fits(10_000_000, 20)  # 5.6 GB of samples: the sketch
    book = support_book(mc_iterations=1000)
    assert simulate(book, analyse(book)).quantiles == "exact"


def test_sketch_percentiles_are_within_the_stated_rank_error_of_the_samples() -> None:
    book = support_book(mc_iterations=80_000)
    run, total = one_pass(book)
    sketched = simulate(book, run.analysis, exact=False)
    error = sketched.rank_error
    assert sketched.quantiles == "sketch" and sketched.to_dict()["sampling"] == {
        "method": "random", "quantiles": "sketch", "rank_error": error, "sketch_k": 4000}
    for i, entry in enumerate(sketched.summary):
        for key in ("total_cost", "savings_vs_baseline", "max_training_tokens"):
            x = np.sort(stored(run, total, key, i))
            x = x[~np.isnan(x)]
            for p in PERCENTILES:
                value = entry[key][f"p{p}"]
                if value is None:
                    assert x.size == 0
                    continue
                below = np.searchsorted(x, value, "left") / x.size
                at_or_below = np.searchsorted(x, value, "right") / x.size
                assert below - error <= p / 100 <= at_or_below + error
                assert entry[key][f"p{p}_lower"] <= value <= entry[key][f"p{p}_upper"]


def test_sketch_trim_count_and_histogram_follow_the_sketch_quantiles() -> None:
    book = support_book(mc_iterations=40_000)
    exact = simulate(book, analyse(book))
    sketched = simulate(book, analyse(book), exact=False)
    slack = 2 * sketched.rank_error * 40_000 + 2
    assert abs(sketched.trimmed - exact.trimmed) <= slack
    assert abs(sum(sketched.histogram["counts"]) - (40_000 - sketched.trimmed)) <= 30
    i = sketched.option_names.index(sketched.featured_option)
    assert sketched.summary[i]["savings_vs_baseline"]["trimmed_mean"] == pytest.approx(
        exact.summary[i]["savings_vs_baseline"]["trimmed_mean"], rel=1e-3)


def test_target_probabilities_count_the_samples_that_reach_the_targets() -> None:
    book = support_book(mc_iterations=30_000, target_savings=40_000.0, target_payback_days=30)
    run, total = one_pass(book)
    result = finish(run, total, "iterations")
    for i, entry in enumerate(result.summary):
        savings = stored(run, total, "savings_vs_baseline", i)
        day = stored(run, total, "break_even_day", i)
        for key, expected in (("p_savings_at_least_target", np.mean(savings >= 40_000)),
                              ("p_payback_within_target", np.mean(day <= 30))):
            assert entry[key] == expected
            assert entry[f"{key}_se"] == pytest.approx(
                math.sqrt(expected * (1 - expected) / 30_000))
    assert 0 < result.summary[1]["p_savings_at_least_target"] < 1
    assert 0 < result.summary[1]["p_payback_within_target"] < 1
    untargeted = simulate(support_book(mc_iterations=1000), run.analysis).summary[1]
    assert "p_savings_at_least_target" not in untargeted
    assert "p_payback_within_target" not in untargeted


def test_the_run_stops_at_the_first_check_with_the_standard_error_below_the_target() -> None:
    book = support_book(mc_iterations=12 * CHECK_EVERY)
    analysis = analyse(book)
    full = simulate(book, analysis)
    featured = full.option_names.index(full.featured_option)
    target = 1.8 * full.summary[featured]["savings_vs_baseline"]["mean_se"]
    stopped = simulate(with_scenario(book, mc_target_se=target), analysis)
    n = stopped.iterations
    assert stopped.stopped == "target_se" and n % CHECK_EVERY == 0 and n < 12 * CHECK_EVERY
    assert stopped.summary[featured]["savings_vs_baseline"]["mean_se"] < target
    # The check before did not meet it: the same first n - CHECK_EVERY iterations.
    before = simulate(with_scenario(book, mc_iterations=n - CHECK_EVERY), analysis)
    assert before.summary[featured]["savings_vs_baseline"]["mean_se"] >= target
    # Whatever the chunks: the same stop and the same numbers.
    again = simulate(with_scenario(book, mc_target_se=target), analysis, chunk_size=5 * BLOCK)
    assert again.to_dict() == stopped.to_dict()
    assert stopped.to_dict()["stopping"] == {
        "requested_iterations": 12 * CHECK_EVERY, "iterations": n, "reason": "target_se",
        "target_se": target, "check_every": CHECK_EVERY}


def test_a_target_never_met_runs_every_iteration() -> None:
    book = support_book(mc_iterations=3 * CHECK_EVERY + 5, mc_target_se=1e-9)
    result = simulate(book, analyse(book))
    assert result.stopped == "iterations" and result.iterations == 3 * CHECK_EVERY + 5


def test_datasketches_is_imported_only_by_a_sketch_run() -> None:
    code = ("import sys\nfrom tests.support.scenarios import support_book\n"
            "from ftreport.engine.analysis import analyse\n"
            "from ftreport.engine.simulation import simulate\n"
            "book = support_book(mc_iterations=2000)\n"
            "simulate(book, analyse(book))\nprint('datasketches' in sys.modules)\n"
            "simulate(book, analyse(book), exact=False)\nprint('datasketches' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]
