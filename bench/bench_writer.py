"""Time write_report on a 10-year (3,650-day) horizon with 6 options.

Prints the time per formula cell written (formula, style and cached value),
as a ratio against openpyxl writing the same number of plain numbers in the
same process, so the figure means the same on a fast or a slow machine.

    python bench/bench_writer.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def plain_values(path: Path, cells: int, columns: int = 15) -> float:
    """Seconds for openpyxl to write ``cells`` plain numbers and save them."""
    from openpyxl import Workbook

    start = time.perf_counter()
    wb = Workbook()
    ws = wb.active
    for k in range(cells):
        ws.cell(k // columns + 1, k % columns + 1, k * 0.5)
    wb.save(path)
    return time.perf_counter() - start


def main() -> None:
    from ftreport.engine.analysis import analyse
    from ftreport.workbook._xlsx import sheet_parts
    from ftreport.workbook.writer import write_report
    from tests.test_writer import Run
    from tests.test_writer_libreoffice import long_horizon_run

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        run = long_horizon_run(tmp)
        run = Run(analyse(run.book))
        report = tmp / "report.xlsx"
        start = time.perf_counter()
        write_report(run, report)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start

        import zipfile

        with zipfile.ZipFile(report) as z:
            formulas = sum(z.read(part).count(b"<f>") for part in sheet_parts(z).values())
        baseline = min(plain_values(tmp / f"plain{k}.xlsx", formulas) for k in range(3))
    print(f"write_report: {len(run.book.options)} options, {run.book.scenario.horizon_days} "
          f"days, {formulas:,} formula cells in {seconds:.2f} s "
          f"({seconds / formulas * 1e6:.1f} µs per formula cell)")
    print(f"openpyxl, same number of plain values: {baseline:.2f} s "
          f"({baseline / formulas * 1e6:.1f} µs per cell)")
    print(f"ratio (formula cell with cached value / plain value): {seconds / baseline:.2f}")


if __name__ == "__main__":
    main()
