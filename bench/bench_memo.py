"""Time the PDF memo for a sample workbook against a one-page WeasyPrint baseline.

    python bench/bench_memo.py [sample_inputs/customer-support.xlsx] [--repeat 3]

The workbook is read and simulated once (not timed); then the memo is rendered
``repeat`` times and the best time is printed beside the best time of a minimal
one-page HTML document printed by WeasyPrint in the same process, so the ratio
means the same on a fast or a busy machine. Target: well under 2 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ftreport.engine.analysis import analyse  # noqa: E402
from ftreport.engine.simulation import simulate  # noqa: E402
from ftreport.model.results import RunResult  # noqa: E402
from ftreport.report import write_memo  # noqa: E402
from ftreport.workbook.reader import read_workbook  # noqa: E402

BASELINE_HTML = "<!DOCTYPE html><html><body><h1>Baseline</h1><p>One page.</p></body></html>"


def best_of(repeat: int, work: object) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()  # type: ignore[operator]
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path,
                        default=REPO / "sample_inputs" / "customer-support.xlsx")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")

    book = read_workbook(args.workbook)
    result = RunResult(analyse(book))
    if book.scenario.mc_iterations > 0:
        result.simulation = simulate(book, result.analysis)

    from weasyprint import HTML

    HTML(string=BASELINE_HTML).write_pdf()  # loads fonts and Pango once, outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "memo.pdf"
        write_memo(result, target)  # warm-up: template compilation, font subsetting caches
        memo_wall, memo_cpu = best_of(args.repeat, lambda: write_memo(result, target))
        size = target.stat().st_size
    base_wall, base_cpu = best_of(args.repeat, lambda: HTML(string=BASELINE_HTML).write_pdf())

    print(f"memo for {args.workbook.name}: {memo_wall:.3f} s wall, {memo_cpu:.3f} s CPU "
          f"({size:,} bytes)")
    print(f"baseline one-page HTML: {base_wall:.3f} s wall, {base_cpu:.3f} s CPU")
    print(f"ratio memo/baseline (CPU): {memo_cpu / base_cpu:.1f}x")
    print(f"target < 2 s: {'met' if memo_wall < 2.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
