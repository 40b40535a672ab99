"""The memo's appendix lists the Correlations and Named scenarios rows the workbook has,
each table only when the workbook has such rows (the PDF read back with pdftotext)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ftreport.engine.analysis import analyse
from ftreport.engine.scenarios import analyse_scenarios
from ftreport.model import Correlation
from ftreport.model.inputs import Override
from ftreport.model.results import RunResult
from ftreport.report import write_memo
from tests.support.scenarios import support_book
from tests.test_memo import pdf_text
from tests.test_memo_truth import EPOCH

FT = "Fine-tuned gpt-4.1-mini"


def appendix_text(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    target = tmp_path / f"memo-{len(list(tmp_path.glob('*.pdf')))}.pdf"
    write_memo(RunResult(analyse(book), scenarios=analyse_scenarios(book)), target)
    text = pdf_text(target)
    return text[text.rindex("Appendix: the inputs"):]


def test_correlations_are_listed_and_no_scenarios_table_without_scenarios(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = support_book(mc_iterations=0)
    book.correlations = [Correlation("requests_per_day", None, "output_tokens", "*", 0.45,
                                     cell="Correlations!A4"),
                         Correlation("monthly_growth", None, "training_tokens", FT, -0.3,
                                     cell="Correlations!A5")]
    text = appendix_text(book, tmp_path, monkeypatch)
    # (pdftotext without -layout puts the h3 headings after their page's tables.)
    assert ("Input Correlated with Rank correlation Cell "
            "Requests per day Output tokens (all options) 0.45 Correlations!A4 "
            f"Monthly growth of volume Training tokens ({FT}) -0.3 Correlations!A5") in text
    assert "Correlated inputs" in text
    assert "Named scenarios" not in text and "Applies to Value Cell" not in text


def test_named_scenarios_are_listed_and_no_correlations_table_without_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [Override("Downside", "requests_per_day", None, 10_000,
                     cell="'Named scenarios'!D4"),
            Override("Downside", "one_time_cost", FT, 6_000, cell="'Named scenarios'!D5")]
    book = replace(support_book(mc_iterations=0), overrides=rows)
    text = appendix_text(book, tmp_path, monkeypatch)
    assert ("Scenario Input Applies to Value Cell "
            "Downside Requests per day scenario 10,000 'Named scenarios'!D4 "
            f"One-time cost {FT} 6,000 'Named scenarios'!D5") in text  # the name once
    # The h3: after its page's tables, or before its table when that starts the page.
    assert ("Named scenarios Prices used" in text
            or "Named scenarios Scenario Input Applies to" in text)
    assert "Correlated inputs" not in text and "Rank correlation" not in text
