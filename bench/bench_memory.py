"""Peak memory of the Monte Carlo against the number of iterations and of options.

    python bench/bench_memory.py            # every case below (several minutes)
    python bench/bench_memory.py --quick    # 1e5 / 1e6 / 1e7 instead of 1e6 / 1e7 / 1e8

Each case runs in a fresh subprocess and reports its peak RSS (ru_maxrss), so the
cases cannot share memory; ratios are against the smallest case of the same kind,
run by this same command.

- support-sketch N: `ftreport.run` end to end (read the support sample, simulate,
  write the report workbook and memo) with N iterations, sketch mode forced, for three
  N: memory must be flat in N.
- support-exact N: the same in exact mode (every sample kept): grows by the stored
  samples, 28 bytes per option-iteration at most.
- twenty N: 20 options x N iterations through the engine (analyse, simulate, the
  JSON): above the exact budget, so in sketch mode automatically; goal < 2 GB.
- twenty-dask N: the same on a 2-worker LocalCluster: the client's peak (goal < 1 GB)
  and the largest worker's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "sample_inputs" / "customer-support.xlsx"
MIB = 1024 * 1024


def peak_rss() -> int:
    """This process's peak resident set in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def twenty_options_book(iterations: int):
    """The support book with 20 options: copies of its fine-tunes at other prices."""
    from tests.support.scenarios import support_book

    book = support_book(mc_iterations=iterations)
    options = list(book.options)
    while len(options) < 20:
        k = len(options)
        source = options[1 + k % 2]
        options.append(replace(source, name=f"{source.name} at {90 + k}%",
                               price_output_per_1m=source.price_output_per_1m * (90 + k) / 100))
    return replace(book, options=options)


def run_case(case: str, iterations: int) -> dict[str, float]:
    """One case in this process; the numbers the parent prints."""
    started = time.perf_counter()
    found: dict[str, float] = {}
    if case.startswith("support"):
        import ftreport
        from ftreport.engine import simulation

        if case == "support-sketch":  # force the sketch at every N
            simulation.EXACT_BUDGET_BYTES = 0
        elif case == "support-exact":
            simulation.EXACT_BUDGET_BYTES = 1 << 40
        with tempfile.TemporaryDirectory() as out:
            result = ftreport.run(SAMPLE, out, iterations=iterations)
        found["quantiles_exact"] = float(result.simulation.quantiles == "exact")
    else:
        from ftreport.engine.analysis import analyse

        book = twenty_options_book(iterations)
        analysis = analyse(book)
        if case == "twenty":
            from ftreport.engine.simulation import simulate

            sim = simulate(book, analysis)
        else:
            import distributed

            from ftreport.cluster import LOCAL_HTTP, simulate_on_dask

            with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                          dashboard_address=LOCAL_HTTP) as cluster, \
                    distributed.Client(cluster) as client:
                sim = simulate_on_dask(client, book, analysis)
                workers = client.run(peak_rss)
                found["worker_peak_mib"] = max(workers.values()) / MIB
        json.dumps(sim.to_dict(), allow_nan=False)
        found["quantiles_exact"] = float(sim.quantiles == "exact")
    found["seconds"] = time.perf_counter() - started
    found["peak_mib"] = peak_rss() / MIB
    return found


def measure(case: str, iterations: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--case", case, "--iterations",
                          str(iterations)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{case} {iterations:,} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--twenty-iterations", type=int, default=10_000_000)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.iterations)))
        return
    sizes = (100_000, 1_000_000, 10_000_000) if args.quick else (
        1_000_000, 10_000_000, 100_000_000)
    cases = [("support-sketch", n) for n in sizes] + [
        ("support-exact", n) for n in sizes[:2]] + [
        ("twenty", args.twenty_iterations), ("twenty-dask", args.twenty_iterations)]
    first: dict[str, float] = {}
    print(f"{'case':16} {'iterations':>12} {'mode':>6} {'peak RSS':>10} {'ratio':>6} "
          f"{'seconds':>8}  notes")
    for case, n in cases:
        found = measure(case, n)
        first.setdefault(case, found["peak_mib"])
        notes = (f"largest worker {found['worker_peak_mib']:.0f} MiB"
                 if "worker_peak_mib" in found else "")
        print(f"{case:16} {n:>12,} {'exact' if found['quantiles_exact'] else 'sketch':>6} "
              f"{found['peak_mib']:>6.0f} MiB {found['peak_mib'] / first[case]:>6.2f} "
              f"{found['seconds']:>8.1f}  {notes}", flush=True)


if __name__ == "__main__":
    main()
