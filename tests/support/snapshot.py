"""What a run writes, as plain data: the JSON, every cell of the report workbook
(formula or value, and the value it caches), and the memo's text.

tests/test_outputs_unchanged.py compares a fresh run of each sample with the
snapshot kept in tests/golden/, so a change meant to move code (not numbers or
words) proves it moved nothing. When a change is meant to alter outputs,
regenerate the snapshots and review their diff::

    .venv/bin/python -m tests.support.snapshot --update
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ("customer-support", "seed-000-replica", "distillation")
EPOCH = "1767225600"  # 1 Jan 2026, 00:00 UTC
ITERATIONS = 3000  # enough for every simulation sheet and memo section to appear
# Cells whose value is the wall-clock time of the run.
VOLATILE = {("Run", "generated_at_utc")}


def _cell_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "text"):  # openpyxl's ArrayFormula / rich text
        return str(value.text)
    return value


def workbook_cells(path: Path) -> dict[str, Any]:
    """Every non-empty cell of every sheet: [what is typed or the formula, cached value]."""
    from openpyxl import load_workbook

    typed = load_workbook(path)
    cached = load_workbook(path, data_only=True)
    sheets: dict[str, Any] = {}
    for ws in typed.worksheets:
        values = cached[ws.title]
        cells: dict[str, Any] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                cells[cell.coordinate] = [_cell_value(cell.value),
                                          _cell_value(values[cell.coordinate].value)]
        # Volatile values: the key in column A, the value beside it.
        for sheet, key in VOLATILE:
            if ws.title == sheet:
                for coord, (value, _) in list(cells.items()):
                    if value == key:
                        right = f"B{coord[1:]}"
                        cells[right] = ["<volatile>", "<volatile>"]
        sheets[ws.title] = cells
    names = {name: typed.defined_names[name].attr_text for name in sorted(typed.defined_names)}
    return {"sheets": sheets, "defined_names": names}


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def snapshot(sample: str, outdir: Path) -> dict[str, Any]:
    """Run ``sample`` into ``outdir`` (in a child process, with SOURCE_DATE_EPOCH set)."""
    source = ROOT / "sample_inputs" / f"{sample}.xlsx"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(
        [sys.executable, "-m", "ftreport", "run", str(source), "-o", str(outdir), "--json",
         "--iterations", str(ITERATIONS)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise AssertionError(f"run of {sample} failed: {done.stderr}")
    data = json.loads(done.stdout)
    data["outputs"] = {k: Path(v).name for k, v in data["outputs"].items()}
    found = {
        "json": data,
        "workbook": workbook_cells(outdir / f"{sample}.report.xlsx"),
        "memo": pdf_text(outdir / f"{sample}.memo.pdf"),
    }
    return json.loads(json.dumps(found))  # as the snapshot file holds it


def golden_path(sample: str) -> Path:
    return GOLDEN / f"{sample}.json.gz"


def load_golden(sample: str) -> dict[str, Any]:
    with gzip.open(golden_path(sample), "rt", encoding="utf-8") as f:
        return json.load(f)


def update() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            data = snapshot(sample, Path(tmp))
        # mtime=0: the same snapshot gives the same bytes.
        with gzip.GzipFile(golden_path(sample), "wb", mtime=0) as raw:
            raw.write(json.dumps(data, indent=0, sort_keys=True).encode("utf-8"))
        print(f"wrote {golden_path(sample).relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.support.snapshot --update")
    update()
