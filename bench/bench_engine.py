"""The engine's closed forms, the simulation and the break-even search, each against a
baseline measured in the same run.

    .venv/bin/python bench/bench_engine.py [--samples 1000000] [--repeat 3]

Prints:

- ``compare.evaluate`` on options x samples (the Monte Carlo's keys) against a plain
  numpy implementation of the same closed forms on the same arrays (goal >= 0.8x);
- ``simulate()`` end to end on sample_inputs/customer-support.xlsx with ``--samples``
  iterations, first call in the process (cold) and best of the others (warm), in
  M option-iterations/s (goal >= 5);
- the break-even search with the retraining interval uncertain against the same book
  with it shared (goal within 1.5x), in CPU seconds (the machine may be shared), each
  chunk searched right after it is drawn and evaluated, as ``simulate()`` does: holding
  every chunk's inputs first makes the allocator hand back and re-fault the search's
  temporaries, which measures page faults rather than the search.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ftreport.engine import compare  # noqa: E402
from ftreport.engine.analysis import analyse, option_arrays  # noqa: E402
from ftreport.engine.breakeven import break_even_from_blocks  # noqa: E402
from ftreport.engine.simulation import EVALUATED, simulate  # noqa: E402
from ftreport.model import Uncertain  # noqa: E402
from ftreport.workbook.reader import read_workbook  # noqa: E402
from tests.support.scenarios import support_book  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_simulation import evaluated_chunks  # noqa: E402

SAMPLE = ROOT / "sample_inputs" / "customer-support.xlsx"


def best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_numpy(o: dict[str, np.ndarray], b: int, horizon: int, n0: float, g: float,
                r: float) -> dict[str, np.ndarray]:
    """The same closed forms written straight out (docs/cost-model.md)."""
    u = (o["input_tokens"] * (1 - o["cached_input_share"]) * o["price_input_per_1m"]
         + o["input_tokens"] * o["cached_input_share"] * o["price_cached_input_per_1m"]
         + o["output_tokens"] * o["price_output_per_1m"]) / 1e6
    fixed = o["hosting_per_hour"] * o["hosting_hours_per_day"] + o["monthly_fixed_cost"] * 12 / 365
    train = (o["training_tokens"] * o["epochs"] * o["price_training_per_1m"] / 1e6
             + o["training_hours"] * o["price_per_training_hour"])
    upfront = o["one_time_cost"] + o["data_generation_cost"]
    rt = o["retrain_every_days"]
    safe = np.where(rt > 0, rt, 1)
    runs = np.where(rt > 0, np.maximum(1.0, 1.0 + np.floor((horizon - 1) / safe)), 1.0)
    lq = np.log1p(g) * 12 / 365
    ld = -np.log1p(r) / 365
    total = (upfront + runs * train + fixed * horizon
             + u * n0 * (np.expm1(horizon * lq) / np.expm1(lq)))
    pv_train = train * np.expm1(runs * ld * rt) / np.expm1(ld * rt)
    pv = (upfront + pv_train + fixed * np.exp(ld) * np.expm1(horizon * ld) / np.expm1(ld)
          + u * n0 * np.exp(ld) * np.expm1(horizon * (lq + ld)) / np.expm1(lq + ld))
    savings = total[b] - total
    gap = (u[b] - u) * n0 + fixed[b] - fixed
    d_min = np.where(gap > 0, np.maximum((upfront + train - upfront[b] - train[b]) / gap, 0.0),
                     np.inf)
    per_token = runs * o["epochs"] * o["price_training_per_1m"] / 1e6
    t_max = np.where(per_token > 0, o["training_tokens"] + savings / per_token, np.nan)
    return {"u": u, "F": fixed, "T": train, "U": upfront, "total": total, "pv": pv,
            "savings": savings, "d_min": d_min, "t_max": t_max}


def bench_evaluate(samples: int, repeat: int) -> None:
    book = support_book()
    s = book.scenario
    rng = np.random.default_rng(1)
    options = {k: np.repeat(v[:, None], samples, axis=1) for k, v in
               option_arrays(book.options).items()}
    options["output_tokens"] = rng.normal(400, 80, (len(book.options), samples)).clip(50)
    options["training_tokens"][1] = rng.uniform(1e6, 5e6, samples)
    kwargs = {"requests_per_day": s.requests_per_day, "monthly_growth": s.monthly_growth,
              "discount_rate": s.discount_rate}
    with np.errstate(all="ignore"):
        t_engine = best(repeat, lambda: compare.evaluate(
            options, 0, horizon_days=s.horizon_days, with_break_even_day=False,
            keys=EVALUATED, **kwargs))
        t_plain = best(repeat, lambda: plain_numpy(options, 0, s.horizon_days,
                                                    s.requests_per_day, s.monthly_growth,
                                                    s.discount_rate))
    print(f"compare.evaluate {len(book.options)} x {samples:,}: {t_engine * 1e3:7.1f} ms;  "
          f"plain numpy {t_plain * 1e3:7.1f} ms;  ratio plain/engine {t_plain / t_engine:.2f}x "
          "(goal >= 0.8x)")


def bench_simulate(samples: int, repeat: int) -> None:
    book = read_workbook(SAMPLE)
    book.scenario.mc_iterations = samples
    analysis = analyse(book)
    n_opt = len(book.options)
    start = time.perf_counter()
    simulate(book, analysis)
    cold = time.perf_counter() - start
    warm = best(repeat, lambda: simulate(book, analysis))
    print(f"simulate() {SAMPLE.name}, {n_opt} options x {samples:,}: cold {cold:.3f} s "
          f"({n_opt * samples / cold / 1e6:.2f} M/s), warm {warm:.3f} s "
          f"({n_opt * samples / warm / 1e6:.2f} M/s) (goal >= 5 M/s)")


def break_even_only(book, samples: int) -> float:
    """CPU seconds of the break-even search alone over ``samples``, chunk by chunk."""
    s = book.scenario
    analysis = analyse(book)
    seconds = 0.0
    for res, options, scenario, shape in evaluated_chunks(book, analysis, samples):
        begin = time.process_time()
        break_even_from_blocks(res, options["retrain_every_days"], analysis.baseline,
                               s.horizon_days, scenario["requests_per_day"],
                               scenario["monthly_growth"], shape)
        seconds += time.process_time() - begin
    return seconds


def bench_break_even(samples: int, repeat: int) -> None:
    shared = support_book(mc_iterations=samples)
    uncertain = dataclasses.replace(shared, uncertainty=[
        *shared.uncertainty,
        Uncertain("retrain_every_days", "Fine-tuned gpt-4.1-mini", "uniform", 60, 120,
                  cell="Uncertainty!A8")])
    t_shared = min(break_even_only(shared, samples) for _ in range(repeat))
    t_uncertain = min(break_even_only(uncertain, samples) for _ in range(repeat))
    print(f"break-even search {samples:,}: shared retraining {t_shared * 1e3:7.1f} ms, "
          f"uncertain {t_uncertain * 1e3:7.1f} ms;  ratio {t_uncertain / t_shared:.2f}x "
          "(goal <= 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_evaluate(args.samples, args.repeat)
    bench_simulate(args.samples, args.repeat)
    bench_break_even(args.samples, args.repeat)


if __name__ == "__main__":
    main()
