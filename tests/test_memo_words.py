"""The memo's methodology, appendix and risk sections say only what the run holds: no
example figure that could disagree with the run's own, booleans as yes/no, the whole text
of every cell, and blank inputs named in one sentence (the HTML the PDF is printed from;
tests/test_memo_cells.py reads the printed PDF)."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import UTC, date, datetime

from ftreport.engine.analysis import analyse
from ftreport.model import Uncertain
from ftreport.model.format import Formatter
from ftreport.model.results import RunResult
from ftreport.report import render_html
from tests.support.scenarios import support_book

GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
USD = Formatter("USD")


def section(book, section_id: str) -> str:
    """The text of the memo's section ``section_id``, tags removed, spaces collapsed."""
    markup = render_html(RunResult(analyse(book)), generated_at=GENERATED)
    start = markup.index(f'id="{section_id}"')
    body = markup[start:markup.index("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --- Methodology: the ROI example is the run's own figure -------------------------------

def test_methodology_shows_the_recommended_options_own_roi() -> None:
    book = support_book()
    analysis = analyse(book)
    rec = analysis.recommended
    assert rec != analysis.baseline
    roi = USD.ratio(analysis.option_value("roi", rec))
    text = section(book, "methodology")
    assert f"shown as a multiple ({roi} for {analysis.options[rec].name}), as in the " \
           "Results sheet" in text
    assert "9.7x" not in text or roi == "9.7x"


def test_methodology_shows_no_roi_figure_when_the_baseline_is_recommended() -> None:
    book = support_book()
    book = dataclasses.replace(book, options=book.options[:1])  # the baseline alone
    text = section(book, "methodology")
    assert "shown as a multiple, as in the Results sheet" in text
    assert not re.search(r"multiple \([^)]*x", text)


def test_methodology_names_where_day_one_comes_from() -> None:
    generated = section(support_book(), "methodology")
    assert "Day 1 is 2 Jan 2026, the day after this memo was generated." in generated
    dated = section(support_book(start_date=date(2026, 7, 1)), "methodology")
    assert "Day 1 is 1 Jul 2026, the start date on the Scenario sheet." in dated
    assert "the day after this memo was generated" not in dated


UNBOUNDED = Uncertain("output_tokens", "*", "normal", 400, 80, clip_min=50)


# --- Appendix: yes/no, and the whole text of each Uncertainty row -----------------------

def test_a_yes_no_input_reads_yes_or_no() -> None:
    for flag, word in ((False, "no"), (True, "yes")):
        text = section(support_book(allow_extreme_growth=flag), "appendix")
        assert f"Allow extreme growth yes/no {word} " in text
        assert "False" not in text and "True" not in text


def test_an_uncertainty_row_names_its_parameters_and_its_clip_in_words() -> None:
    book = support_book()
    book.uncertainty = [UNBOUNDED, Uncertain("monthly_growth", None, "triangular", 0, 0.03,
                                             0.08, clip_max=0.05, cell="Uncertainty!A9")]
    text = section(book, "appendix")
    assert "Output tokens all options normal mean 400 sd 80 at least 50 " in text
    assert ("Monthly growth of volume scenario triangular min 0% mode 3% max 8% at most 5% "
            in text)
    assert "…" not in text and " to …" not in text


def test_an_uncertainty_row_with_both_bounds_lists_both() -> None:
    book = support_book()
    book.uncertainty = [dataclasses.replace(UNBOUNDED, clip_max=900)]
    assert "mean 400 sd 80 at least 50 at most 900 " in section(book, "appendix")


def test_standard_errors_of_money_show_the_digits_that_show_them() -> None:
    assert [USD.money_se(v) for v in (172.08, 40.52, 0.84, 0.004, 0.0, None, 1234.5)] == [
        "$172", "$41", "$0.84", "< $0.01", "", "", "$1,234"]
    assert Formatter("JPY").money_se(0.4) == "< ¥1"
