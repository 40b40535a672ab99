"""Warnings about the inputs themselves reach page 1 of the memo, whichever option they
concern; page 1 says nothing of the kind when there is none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import ftreport
from ftreport.report.decision import INPUT_WARNINGS

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"


def page_one(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.mark.parametrize("sample", ["distillation", "customer-support"])
def test_input_warnings_are_on_page_one_only_when_there_are_some(sample: str,
                                                                  tmp_path: Path) -> None:
    result = ftreport.run(SAMPLES / f"{sample}.xlsx", tmp_path, iterations=0, workbook=False)
    checks = [w for w in result.analysis.warnings if w.code in INPUT_WARNINGS]
    first = page_one(Path(result.outputs["memo"]))
    for w in checks:
        assert " ".join(w.message.split())[:80] in first
    assert bool(checks) == (sample == "distillation")  # the samples as shipped
