"""Seed 000's study (teron131/Finetune-Cost-Analysis, CostAnalysis.ipynb), reproduced.

    python bench/seed000_study.py [--samples 200000] [--seed 0]

Same distributions as the notebook (tokens = int(words * 4/3); requests per day
= int(P99 of Poisson(lambda)) x hours), drawn with ftreport's samplers; costs
through ftreport's engine (prices per 1M tokens: the notebook's per-1K prices x
1000, so absolute costs are the notebook's / 1000 and the ratios are equal);
then the notebook's trim (strictly inside P5..P95 of T_max, then of D_min) and
its "realistic" filter (T_max < 3e7, D_min < 500). The study's D_min is the raw
ratio C_FTTrain / (C_PEUse - C_FTUse), negative when fine-tuned usage costs
more; ftreport's steady_state_break_even_days clamps that to "never", so the
raw ratio comes from compare.raw_break_even_days (the definition trim_mode
seed-000 uses). The same samples then go through the engine's trim
(statistics.seed_000_kept), and the replica workbook's simulation (its
requests per day a normal approximation of the driver) is run beside it.
scipy is used here only for the Poisson quantile, as in the notebook.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ftreport.engine import compare, distributions
from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import simulate
from ftreport.engine.statistics import seed_000_kept
from ftreport.model.schema import OPTION_NUMBERS
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template

DAYS = 90
PUBLISHED_KEPT = 31_870
CONTEXT = 16_385  # gpt-3.5-16k


def words_to_tokens(words: float) -> int:
    return int(words * 4 / 3)


def draw_inputs(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """The notebook's draws, vectorised, in its order per quantity."""
    def d(name: str, *p: float) -> np.ndarray:
        return distributions.draw(name, p, rng, n)

    t_data = d("uniform", 3e6, 5e7)
    epochs = d("integer", 5, 30)
    ft_in = np.minimum(d("uniform", words_to_tokens(100), words_to_tokens(800)), CONTEXT)
    out = np.minimum(d("uniform", words_to_tokens(300), words_to_tokens(2000)), CONTEXT)
    pe_in = np.minimum(np.maximum(d("normal", 0.8 * CONTEXT, 0.08 * CONTEXT), ft_in), CONTEXT)
    lam = d("normal", 50 / 3, 5 / 3)
    hours = d("normal", 8, 0.8)
    volume = np.floor(stats.poisson.ppf(0.99, lam)) * hours
    return {"t_data": t_data, "epochs": epochs, "ft_in": ft_in, "out": out, "pe_in": pe_in,
            "volume": volume}


def study_outputs(x: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """T_max and the raw D_min through ftreport's engine (option 0 prompting, 1 fine-tune)."""
    n = x["volume"].size
    opts = {k: np.zeros((2, n)) for k in OPTION_NUMBERS}
    opts["input_tokens"][:] = x["pe_in"], x["ft_in"]
    opts["output_tokens"][:] = x["out"]
    opts["price_input_per_1m"][:] = [[3.0], [12.0]]  # $0.003 and $0.012 per 1K
    opts["price_output_per_1m"][:] = [[4.0], [16.0]]
    opts["training_tokens"][1] = x["t_data"]
    opts["epochs"][1] = x["epochs"]
    opts["price_training_per_1m"][1] = 8.0
    res = compare.evaluate(opts, 0, horizon_days=DAYS, requests_per_day=x["volume"],
                           with_break_even_day=False)
    return res["max_training_tokens"][1], compare.raw_break_even_days(res, x["volume"], 0)[1]


def notebook_filter(t_max: np.ndarray, d_min: np.ndarray) -> int:
    """The notebook's trim and realistic filter (pandas quantile = numpy linear)."""
    keep = (t_max > np.quantile(t_max, 0.05)) & (t_max < np.quantile(t_max, 0.95))
    t, d = t_max[keep], d_min[keep]
    keep = (d > np.quantile(d, 0.05)) & (d < np.quantile(d, 0.95))
    t, d = t[keep], d[keep]
    return int(((t < 3e7) & (d < 500)).sum())


def replica_run(n: int, seed: int) -> dict[str, float]:
    """The shipped replica workbook's simulation at ``n`` iterations and ``seed``: its
    kept count and the fine-tuned option's raw D_min percentiles."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "replica.xlsx"
        write_template(path, example="seed-000")
        book = read_workbook(path)
    book = replace(book, scenario=replace(book.scenario, mc_iterations=n, mc_seed=seed))
    result = simulate(book, analyse(book))
    raw = result.summary[1]["raw_break_even_days"]
    return {"kept": result.iterations - result.trimmed, **{k: raw[k] for k in ("p5", "p50",
                                                                               "p95")}}


def notebook_loop(n: int, seed: int) -> None:
    """The notebook's per-sample approach: scalar draws, a Poisson quantile, appends."""
    rng = np.random.default_rng(seed)
    t_list, d_list = [], []
    for _ in range(n):
        t_data = rng.uniform(3e6, 5e7)
        e = rng.integers(5, 31)
        ft_in = min(rng.uniform(133, 1066), CONTEXT)
        ft_out = min(rng.uniform(400, 2666), CONTEXT)
        pe_in = min(max(rng.normal(0.8 * CONTEXT, 0.08 * CONTEXT), ft_in), CONTEXT)
        volume = int(stats.poisson.ppf(0.99, rng.normal(50 / 3, 5 / 3))) * rng.normal(8, 0.8)
        ft_use = (ft_in * 0.012 + ft_out * 0.016) * volume
        pe_use = (pe_in * 0.003 + ft_out * 0.004) * volume
        t_list.append((pe_use - ft_use) * DAYS / (e * 0.008))
        d_list.append(t_data * e * 0.008 / (pe_use - ft_use))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.samples
    start = time.perf_counter()
    x = draw_inputs(np.random.Generator(np.random.PCG64(args.seed)), n)
    t_max, d_min = study_outputs(x)
    kept = notebook_filter(t_max, d_min)
    elapsed = time.perf_counter() - start
    print(f"seed 000 study, {n:,} samples, seed {args.seed}")
    print(f"  kept after trim + realistic filter: {kept:,} / {n:,} = {kept / n:.2%}   "
          f"published {PUBLISHED_KEPT:,} / 200,000 = {PUBLISHED_KEPT / 200_000:.2%}   "
          f"ratio {kept / n / (PUBLISHED_KEPT / 200_000):.3f}")
    engine_kept = int(seed_000_kept(t_max, d_min, (5.0, 95.0)).sum())
    print(f"  the engine's trim_mode seed-000 trim of the same samples keeps {engine_kept:,}"
          f" ({'the same' if engine_kept == kept else 'DIFFERENT'})")
    replica = replica_run(n, args.seed)
    print(f"  the replica workbook (trim_mode seed-000, requests/day normal(215, 28)), "
          f"seed {args.seed}: kept {replica['kept']:,} / {n:,}; raw D_min P5/P50/P95 "
          f"{replica['p5']:,.0f} / {replica['p50']:,.0f} / {replica['p95']:,.0f} days")
    print(f"  requests/day: P5 {np.percentile(x['volume'], 5):.0f}, mean "
          f"{x['volume'].mean():.0f}, P95 {np.percentile(x['volume'], 95):.0f}   "
          "(study: 171 / ~215 / 262)")
    tp = np.percentile(t_max, (5, 50, 95)) / 1e6
    dp = np.percentile(d_min, (5, 50, 95))
    print(f"  T_max P5/P50/P95: {tp[0]:.2f}M / {tp[1]:.2f}M / {tp[2]:.2f}M tokens   "
          "(study: -0.20M / 1.87M / 7.3M)")
    print(f"  D_min P5/P50/P95: {dp[0]:,.0f} / {dp[1]:,.0f} / {dp[2]:,.0f} days   "
          "(study: -3,200 / 970 / 8,000)")
    print(f"  D_min <= {DAYS} (negatives included, as the study's ~9% counts them): "
          f"{(d_min <= DAYS).mean():.1%}; of which really paying back (0 <= D_min <= {DAYS}): "
          f"{((d_min >= 0) & (d_min <= DAYS)).mean():.1%}; fine-tune usage cheaper: "
          f"{(d_min > 0).mean():.1%} (study ~93%)")
    loop_n = min(n, 2_000)
    loop_time = time.perf_counter()
    notebook_loop(loop_n, args.seed)
    loop_time = time.perf_counter() - loop_time
    print(f"  speed: vectorised {n / elapsed:,.0f} samples/s (whole study {elapsed:.2f} s); "
          f"notebook-style loop {loop_n / loop_time:,.0f} samples/s on {loop_n:,}; "
          f"speed-up {(n / elapsed) / (loop_n / loop_time):,.0f}x")


if __name__ == "__main__":
    main()
