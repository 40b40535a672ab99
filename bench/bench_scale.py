"""End to end at scale: the simulation, not I/O, dominates a large run.

    .venv/bin/python bench/bench_scale.py [--repeat 3] [--sample customer-support]

Prints the CPU seconds (user + system of a fresh process, the fastest of ``--repeat``)
of ``ftreport run SAMPLE -o DIR --no-pdf`` with 100,000 and with 1,000,000 iterations,
and their ratio (issue 14's goal: under 3x; ten times the iterations, so a ratio near 1
means start-up, reading and writing dominate and one near 10 that the simulation does).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FTREPORT = Path(sys.executable).with_name("ftreport")


def cpu_seconds(args: list[str]) -> float:
    """CPU time of one fresh ``ftreport`` process running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(FTREPORT), *args], check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", default="customer-support")
    options = parser.parse_args()
    sample = ROOT / "sample_inputs" / f"{options.sample}.xlsx"
    times = {}
    with tempfile.TemporaryDirectory() as out:
        for iterations in (100_000, 1_000_000):
            args = ["run", str(sample), "-o", out, "--no-pdf", "--iterations", str(iterations)]
            times[iterations] = min(cpu_seconds(args) for _ in range(options.repeat))
    for iterations, seconds in times.items():
        print(f"{iterations:>9,} iterations: {seconds:6.2f} s CPU")
    print(f"ratio 1,000,000 / 100,000: {times[1_000_000] / times[100_000]:.2f}x (goal < 3x)")


if __name__ == "__main__":
    main()
