"""Time `ftreport batch` on a 2-worker LocalCluster against a shell loop of `ftreport run`.

    python bench/bench_batch.py [--copies 50] [--workers 2] [--iterations N]

Makes ``copies`` copies of the support sample, then runs, in one go and on the same
files, a shell loop of ``ftreport run FILE -o OUT`` (one process per workbook, as a
nightly script would) and ``ftreport batch FOLDER -o OUT --workers W`` (cluster start
included), and prints both wall-clock times and their ratio. Without
``--iterations`` each workbook's own mc_iterations are used. Goal: at least 2.5x
with 50 copies on 2 workers. Use fewer copies for a quick run. The CPU seconds of
both sides and the load average are printed too: the wall-clock ratio needs the
cores free.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_inputs" / "customer-support.xlsx"
FTREPORT = Path(sys.executable).with_name("ftreport")


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds of the processes it started."""
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--iterations", type=int)
    args = parser.parse_args()
    extra = ["--iterations", str(args.iterations)] if args.iterations is not None else []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for n in range(args.copies):
            shutil.copy(SAMPLE, inputs / f"support-{n:03d}.xlsx")
        quoted = " ".join(shlex.quote(a) for a in extra)
        loop = (f"for f in {shlex.quote(str(inputs))}/*.xlsx; do "
                f"{shlex.quote(str(FTREPORT))} run \"$f\" -o {shlex.quote(tmp)}/loop {quoted}"
                " || exit 1; done")
        load = os.getloadavg()[0]
        loop_seconds, loop_cpu = timed(["bash", "-c", loop])
        batch_seconds, batch_cpu = timed([str(FTREPORT), "batch", str(inputs), "-o",
                                          f"{tmp}/batch", "--workers", str(args.workers),
                                          *extra])
        written = len(list(Path(tmp, "batch").glob("*/*.memo.pdf")))
        assert written == args.copies, f"batch wrote {written} memos of {args.copies}"
    print(f"{args.copies} workbooks: shell loop {loop_seconds:.1f} s, "
          f"batch on {args.workers} workers {batch_seconds:.1f} s, "
          f"{loop_seconds / batch_seconds:.2f}x faster (goal >= 2.5x)")
    # Other work on the machine slows either side: the CPU seconds and the load say how
    # much of the ratio is the work saved and how much the cores were free.
    print(f"CPU seconds: shell loop {loop_cpu:.1f}, batch {batch_cpu:.1f} "
          f"({loop_cpu / batch_cpu:.2f}x less); load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
