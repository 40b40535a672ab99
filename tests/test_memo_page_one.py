"""Warnings about the inputs themselves reach page 1 of the memo, whichever option they
concern; page 1 says nothing of the kind when there is none."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook

import ftreport
from ftreport.report.decision import INPUT_WARNINGS

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"


def page_one(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def input_checks(path: Path, out: Path) -> tuple[list[str], str]:
    result = ftreport.run(path, out, iterations=0, workbook=False)
    return ([" ".join(w.message.split()) for w in result.analysis.warnings
             if w.code in INPUT_WARNINGS], page_one(Path(result.outputs["memo"])))


def test_no_input_warning_no_such_line_on_page_one(tmp_path: Path) -> None:
    checks, first = input_checks(SAMPLES / "customer-support.xlsx", tmp_path)
    assert checks == [] and "outside the range its Uncertainty row" not in first


def test_an_input_warning_about_the_baseline_is_on_page_one(tmp_path: Path) -> None:
    path = tmp_path / "support.xlsx"
    shutil.copyfile(SAMPLES / "customer-support.xlsx", path)
    wb = load_workbook(path)
    ws = wb["Uncertainty"]  # the baseline's output tokens drawn from a range its value is not in
    first_row, last_row = (int(r[1:]) for r in ws.tables["Uncertainty"].ref.split(":"))
    row = next(r for r in range(first_row + 1, last_row + 1) if ws[f"A{r}"].value is None)
    for col, value in zip("ABCDE", ("output_tokens", "Few-shot gpt-4.1", "uniform", 900, 1200),
                          strict=True):
        ws[f"{col}{row}"] = value
    wb.save(path)
    checks, first = input_checks(path, tmp_path / "out")
    assert checks and all(check[:80] in first for check in checks)
