"""Latin hypercube sampling and rank correlation: precision per iteration and cost.

    python bench/bench_sampling.py [--iterations 1000000] [--seeds 24] [--small 16384]

Scenario: tests/support/scenarios.py's support book (3 options) with six uncertain
inputs (its three rows plus monthly growth, the shared input tokens and the
fine-tune's one-time cost) and three rank correlations among them. Every ratio is
against a baseline run in this same process:

1. precision: the standard error of the featured option's mean savings, estimated
   across ``--seeds`` runs of ``--small`` iterations each, random against Latin
   hypercube; (SE random / SE LHS)^2 is how many times the iterations random
   sampling needs for the SE that LHS reaches;
2. cost: simulate() at ``--iterations`` with LHS, with correlation and with both,
   against the plain random run (best of three, interleaved), and the draws alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ftreport.engine.analysis import analyse
from ftreport.engine.sampling import draw_chunk, resolve
from ftreport.engine.simulation import simulate
from ftreport.model import Correlation, Uncertain
from tests.support.scenarios import support_book

TUNE = "Fine-tuned gpt-4.1-mini"
CORRELATIONS = [
    Correlation("requests_per_day", None, "monthly_growth", None, 0.6),
    Correlation("output_tokens", "*", "input_tokens", "*", 0.4),
    Correlation("training_tokens", TUNE, "one_time_cost", TUNE, -0.3),
]


def book(iterations: int, sampling: str = "random", correlated: bool = False, seed: int = 7):
    b = support_book(mc_iterations=iterations, mc_seed=seed, mc_sampling=sampling)
    b.uncertainty += [
        Uncertain("monthly_growth", None, "normal", 0.03, 0.01),
        Uncertain("input_tokens", "*", "pert", 300, 400, 700),
        Uncertain("one_time_cost", TUNE, "lognormal", 4000, 1500),
    ]
    b.correlations = list(CORRELATIONS) if correlated else []
    return b


def mean_savings(b, analysis) -> float:
    result = simulate(b, analysis)
    entry = next(e for e in result.summary if e["name"] == result.featured_option)
    return entry["savings_vs_baseline"]["mean"]


def standard_error(sampling: str, iterations: int, seeds: int) -> float:
    b = book(iterations, sampling)
    analysis = analyse(b)
    means = [mean_savings(replace(b, scenario=replace(b.scenario, mc_seed=s)), analysis)
             for s in range(seeds)]
    return statistics.stdev(means)


def best_time(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--seeds", type=int, default=24)
    parser.add_argument("--small", type=int, default=16_384)
    args = parser.parse_args()

    se_random = standard_error("random", args.small, args.seeds)
    se_lhs = standard_error("latin-hypercube", args.small, args.seeds)
    print(f"SE of the mean savings, {args.small:,} iterations x {args.seeds} seeds: "
          f"random {se_random:,.1f}, LHS {se_lhs:,.1f}")
    print(f"  random sampling needs {(se_random / se_lhs) ** 2:.2f}x the iterations "
          "for LHS's standard error")

    variants = {"random": ("random", False), "LHS": ("latin-hypercube", False),
                "correlated": ("random", True), "LHS + correlated": ("latin-hypercube", True)}
    books = {name: book(args.iterations, *v) for name, v in variants.items()}
    analysis = analyse(books["random"])
    run_times = {name: [] for name in books}
    draw_times = {name: [] for name in books}
    for _ in range(3):  # interleaved, so the machine's load falls on each alike
        for name, b in books.items():
            run_times[name].append(best_time(lambda b=b: simulate(b, analysis), 1))
            draws = resolve(b)
            draw_times[name].append(best_time(
                lambda d=draws, b=b: draw_chunk(d, 7, 0, b.scenario.mc_iterations), 1))
    base_run, base_draw = min(run_times["random"]), min(draw_times["random"])
    print(f"\nsimulate(), {args.iterations:,} iterations x 3 options, 6 inputs "
          f"(best of 3): random {base_run:.2f} s; draws alone {base_draw:.3f} s")
    for name in books:
        run, draw = min(run_times[name]), min(draw_times[name])
        print(f"  {name:<17} simulate {run:6.2f} s = {run / base_run:4.2f}x random (goal "
              f"<= 1.5x); draws {draw:6.3f} s = {draw / base_draw:4.2f}x")


if __name__ == "__main__":
    main()
