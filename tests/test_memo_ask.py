"""The decision block, the sign-off, the Factors table's `favours` column and the words
"seed" and "agree": each printed only when its condition holds (pdftotext)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import ftreport
from ftreport.engine.analysis import analyse
from ftreport.model import Factor
from ftreport.model.factors import SHIPPED_FACTORS
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report.factors import factors_view
from ftreport.report.options import option_views
from ftreport.workbook.reader import read_workbook
from ftreport.workbook.template import write_template
from tests.support.scenarios import support_book
from tests.test_memo_truth import memo_text

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"


def test_the_decision_block_is_on_page_one_when_given(tmp_path, monkeypatch):
    book = support_book(budget_requested=25_000, decision_owner="CFO, Dana Reyes",
                        next_steps="Pilot on 10% of tickets for a month",
                        review_date=date(2026, 6, 30))
    first = memo_text(RunResult(analyse(book)), tmp_path, monkeypatch, first_page=True)
    assert "Decision requested" in first
    for words in ("Budget requested $25,000", "Decision owner CFO, Dana Reyes",
                  "Next steps Pilot on 10% of tickets for a month", "Review date 30 Jun 2026"):
        assert words in first


def test_no_decision_block_without_its_inputs(tmp_path, monkeypatch):
    first = memo_text(RunResult(analyse(support_book(decision_owner="CFO"))), tmp_path,
                      monkeypatch, first_page=True)
    assert "Decision owner CFO" in first and "Budget requested" not in first
    first = memo_text(RunResult(analyse(support_book())), tmp_path, monkeypatch,
                      first_page=True)
    assert "Decision requested" not in first


def test_the_sign_off_is_on_the_last_page(tmp_path, monkeypatch):
    text = memo_text(RunResult(analyse(support_book(decision_owner="Dana Reyes"))), tmp_path,
                     monkeypatch)
    pages = text.split(" Page ")
    last = pages[-2]  # the last page's text, up to its page number
    assert "Sign-off" in last and "Approved by" not in " ".join(pages[:-2])
    for words in ("Prepared by Finance", "Reviewed by", "Approved by Dana Reyes", "Signature"):
        assert words in last


def test_the_decision_block_is_read_from_the_workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    write_template(path, example="support")
    wb = load_workbook(path)
    cells = {name: wb.defined_names[name].attr_text for name in
             ("budget_requested", "decision_owner", "next_steps", "review_date")}
    for name, value in zip(cells, (40_000, "Head of support", "Pilot", date(2026, 9, 1)),
                           strict=True):
        sheet, ref = cells[name].split("!")
        wb[sheet.strip("'")][ref.replace("$", "")] = value
    wb.save(path)
    s = read_workbook(path).scenario
    assert (s.budget_requested, s.decision_owner, s.next_steps, s.review_date) == (
        40_000, "Head of support", "Pilot", date(2026, 9, 1))


# --- favours -----------------------------------------------------------------------------

def test_the_template_fills_favours_for_the_shipped_questions(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_template(path)
    factors = read_workbook(path).factors
    assert [(f.question, f.favours) for f in factors] == [
        (f.question, f.favours) for f in SHIPPED_FACTORS]


def _leanings(factors: list[Factor], approach: str = "fine-tuning") -> list[str]:
    book = dataclasses.replace(support_book(), factors=factors)
    analysis = analyse(book)
    rec = option_views(analysis, None, Formatter("USD"), date(2026, 1, 2))[1]
    assert rec.approach == approach
    return [r.leaning for r in factors_view(factors, rec).rows]


def test_an_analysts_own_row_leans_as_its_favours_cell_says_not_by_keywords():
    volume = "Is volume likely to fall next year?"
    assert _leanings([Factor(volume, "yes", "", "prompting"),
                      Factor(volume, "no", "", "prompting"),
                      Factor(volume, "yes", ""),  # no favours: neutral, whatever it says
                      Factor(volume, "unknown", "", "fine-tuning")]) == [
        "prompting", "fine-tuning", "neutral", "open"]


def test_a_shipped_question_without_the_column_keeps_its_direction():
    shipped = SHIPPED_FACTORS[0]
    assert _leanings([Factor(shipped.question, "yes", "")]) == [shipped.favours]
    assert _leanings([Factor(shipped.question + " (edited)", "yes", "")]) == ["neutral"]



def test_the_memo_prints_the_analysts_notes_not_the_templates_hint_twice(tmp_path, monkeypatch):
    first, second = SHIPPED_FACTORS[0], SHIPPED_FACTORS[1]
    book = dataclasses.replace(support_book(), factors=[
        Factor(first.question, "yes", f"House style. ({first.note})", first.favours),
        Factor(second.question, "no", second.note, second.favours),  # the hint alone
        Factor("Own question?", "yes", f"Kept as typed. ({first.note})", "fine-tuning")])
    text = memo_text(RunResult(analyse(book)), tmp_path, monkeypatch)
    hint = " ".join(first.note.split())
    assert "House style." in text and first.guidance in text and second.guidance in text
    assert text.count(hint) == 1  # only in the analyst's own question's notes
    assert f"Kept as typed. ({hint})" in text
    assert " ".join(second.note.split()) not in text

@pytest.mark.parametrize("answers, agree", [
    (("yes", "yes"), True),  # both favour fine-tuning, the cost result
    (("yes", "no"), False),  # one each way
    (("no", "no"), False)])
def test_page_one_says_the_factors_agree_only_when_they_do(tmp_path, monkeypatch, answers,
                                                          agree):
    factors = [Factor("Is consistent output needed?", answers[0], "", "fine-tuning"),
               Factor("Is low latency critical?", answers[1], "", "fine-tuning")]
    book = dataclasses.replace(support_book(), factors=factors)
    first = memo_text(RunResult(analyse(book)), tmp_path, monkeypatch, first_page=True)
    assert ("They agree with the cost result." in first) is agree
    assert "qualitative factors, " in first


def test_a_bad_favours_word_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    write_template(path, example="support")
    wb = load_workbook(path)
    ws = wb["Factors"]
    first_row = int(ws.tables["Factors"].ref.split(":")[0][1:]) + 1
    ws[f"D{first_row}"] = "maybe"
    wb.save(path)
    with pytest.raises(ftreport.InputError) as caught:
        read_workbook(path)
    assert f"D{first_row}" in str(caught.value) and "fine-tuning, prompting, neutral" in str(
        caught.value)


def test_the_memo_says_seed_only_of_the_random_seed(tmp_path, monkeypatch):
    result = ftreport.run(SAMPLES / "customer-support.xlsx", tmp_path, iterations=2000,
                          workbook=False)
    text = memo_text(result, tmp_path, monkeypatch)
    uses = re.findall(r"(\w+ )?seed", text, flags=re.IGNORECASE)
    # "Simulation seed" is the appendix's label of the mc_seed input.
    assert uses and all(u.lower() in ("random ", "simulation ") for u in uses), uses
