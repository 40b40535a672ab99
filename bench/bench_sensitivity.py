"""The sensitivity analysis's cost against the simulation it belongs to.

    python bench/bench_sensitivity.py [--iterations 20000]

Scenario: tests/support/scenarios.py's support book (3 options, its three Uncertainty
rows) at ``--iterations``. Prints, each as a ratio to ``simulate()`` at the same
iteration count in this same process (``simulate()`` includes the tornado and the joint
sensitivity): the tornado (``sensitivity``: P10/P90 from the run's own draws, with the
sectioning standard error), the same tornado computed the old way (100,000 fresh draws
per row, one cost-model call per value), the joint sensitivity (rank correlations over
the joint sample plus the spider), each drawing its samples afresh, and those draws
alone (``row_samples``), which ``simulate()`` now draws once for all of them (the
tornado and the joint sensitivity drew them once each, and the achieved correlations a
third time).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ftreport.engine import distributions
from ftreport.engine.analysis import analyse
from ftreport.engine.joint_sensitivity import rank_correlations, spider
from ftreport.engine.sampling import resolve
from ftreport.engine.sensitivity import row_samples, sample_count, savings_at, sensitivity
from ftreport.engine.simulation import simulate
from tests.support.scenarios import support_book


def best_of(repeats: int, fn, *args) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def old_tornado(book, draws, option) -> None:
    """What sensitivity did before: 100,000 fresh draws per row, two scalar evaluations."""
    for number, d in enumerate(draws):
        r = d.row
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
            book.scenario.mc_seed, spawn_key=(0x5E45, number))))
        values = distributions.clip(distributions.draw(r.distribution, (r.p1, r.p2, r.p3),
                                                       rng, 100_000),
                                    r.input, r.clip_min, r.clip_max)
        for value in np.percentile(values, (10, 90)):
            savings_at(book, d, np.array([value]), option)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=20_000)
    args = parser.parse_args()
    book = support_book(mc_iterations=args.iterations)
    analysis = analyse(book)
    draws = resolve(book)
    option = analysis.recommended
    base = best_of(3, simulate, book, analysis)
    rows = {
        "sensitivity (tornado, with standard errors)": best_of(3, sensitivity, book, draws,
                                                                option),
        "old tornado (100,000 fresh draws per row)": best_of(3, old_tornado, book, draws,
                                                              option),
        "rank correlations (joint sample)": best_of(3, rank_correlations, book, draws, option),
        "spider (P10..P90)": best_of(3, spider, book, draws, option),
        "the draws they share (row_samples)": best_of(
            3, row_samples, draws, book.scenario.mc_seed, sample_count(args.iterations)),
    }
    print(f"simulate() at {args.iterations:,} iterations: {base * 1e3:.1f} ms (baseline)")
    for name, seconds in rows.items():
        print(f"{name:48s} {seconds * 1e3:8.1f} ms   RATIO {seconds / base:.2f}x simulate()")


if __name__ == "__main__":
    main()
