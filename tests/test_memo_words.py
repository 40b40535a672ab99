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
    inline = re.sub(r"</?span[^>]*>", "", body)  # words inside a span run on
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


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



def test_page_one_names_where_day_one_comes_from() -> None:
    def assumptions(book) -> str:
        markup = render_html(RunResult(analyse(book)), generated_at=GENERATED)
        start = markup.index('class="assumptions"')
        return " ".join(re.sub(r"<[^>]+>", " ", markup[start:markup.index("</p>", start)])
                        .split())
    assert "Day 1 is the day after this memo was generated (2 Jan 2026)." in assumptions(
        support_book())
    dated = assumptions(support_book(start_date=date(2026, 7, 1)))
    assert "Day 1 is the start date on the Scenario sheet (1 Jul 2026)." in dated
    assert "after this memo was generated" not in dated

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


# --- Appendix: inputs left blank, and option inputs zero for every option ---------------

BLANK_SENTENCE = "Left blank, so their defaults apply:"


def scenario_table(text: str) -> str:
    table = text[text.index("Scenario Input Unit Value Cell"):text.index("Options Input")]
    return table.split(BLANK_SENTENCE)[0]


def test_a_set_input_is_a_row_and_a_blank_one_is_named_in_the_sentence() -> None:
    book = support_book(start_date=date(2026, 7, 1))
    book.scenario_cells = {"start_date": "Scenario!C20", "price_date": "Scenario!C19"}
    text = section(book, "appendix")
    table = scenario_table(text)
    assert "Start date date 2026-07-01 Scenario!C20" in table
    assert "Price date" not in table and "Scenario!C19" not in table
    blank = text[text.index(BLANK_SENTENCE):]
    assert blank.startswith(BLANK_SENTENCE + " Baseline option (—), Minimum quality score (—),")
    assert "Price date (Scenario!C19)," in blank and "Start date" not in blank


def test_no_blank_sentence_when_every_input_is_set() -> None:
    filled = {"baseline_option": "Few-shot gpt-4.1", "min_quality": 0.8, "fx_rate": 1.0,
              "price_date": date(2026, 7, 1), "start_date": date(2026, 7, 1),
              "mc_target_se": 100.0, "target_savings": 1000.0, "target_payback_days": 30,
              "budget_requested": 5000.0, "decision_owner": "CFO", "next_steps": "Pilot",
              "review_date": date(2026, 9, 1)}
    book = support_book(**filled)
    from ftreport.model.schema import SCENARIO_FIELDS
    assert all(getattr(book.scenario, f.name) not in (None, "") for f in SCENARIO_FIELDS)
    text = section(book, "appendix")
    assert "Left blank" not in text
    assert "Review date date 2026-09-01" in scenario_table(text)


def options_part(text: str) -> str:
    return text[text.index("Options Input"):]


def test_option_inputs_zero_for_every_option_are_named_once() -> None:
    text = options_part(section(support_book(), "appendix"))
    # Notes are blank for every option and the rest zero: the sentence says both.
    assert ("Zero or blank for every option: Data generation cost (—), Notes (—), "
            "Batch share (—), Batch discount (—).") in text
    table = text[:text.index("Zero or blank")]
    assert "Data generation cost" not in table and "Batch share" not in table
    assert "Training hours" in table  # the Azure option's 4 hours: a row


def test_an_option_input_set_for_one_option_stays_a_row() -> None:
    book = support_book()
    book.options[2].data_generation_cost = 750.0
    for option in book.options:
        option.notes = "read"
    book.option_cells = [{f: f"Options!{col}{row}" for f, col in
                          (("name", "A"), ("data_generation_cost", "S"), ("batch_share", "X"),
                           ("batch_discount", "Y"), ("notes", "W"))} for row in (4, 5, 6)]
    text = options_part(section(book, "appendix"))
    assert "Data generation cost USD Options!S 0 0 750 " in text
    assert "Zero for every option: Batch share (Options!X), Batch discount (Options!Y)." in text
    assert "(read from Options!A)" in section(book, "appendix")


def test_no_zero_sentence_when_every_option_input_is_used() -> None:
    book = support_book()
    for option in book.options:
        option.data_generation_cost, option.notes = 10.0, "n"
        option.batch_share, option.batch_discount = 0.1, 0.5
    text = section(book, "appendix")
    assert "for every option" not in text


# --- Risk: a target met in every sample has no error to show -----------------------------

def test_a_target_met_in_every_sample_shows_no_empty_standard_error() -> None:
    from tests.test_memo_precision import picture

    _, certain = picture(support_book(mc_iterations=2_000, target_savings=-1e9))
    assert "in 100% of simulated samples." in certain.targets
    assert "(± )" not in certain.targets and "(±" not in certain.targets
    _, unsure = picture(support_book(mc_iterations=2_000, target_savings=45_000.0))
    assert re.search(r"in [0-9.]+% \(± [0-9.]+%\) of simulated samples\.", unsure.targets)


def risk_text(result: RunResult) -> str:
    markup = render_html(result, generated_at=GENERATED)
    start = markup.index('id="risk"')
    inline = re.sub(r"</?span[^>]*>", " ", markup[start:markup.index("</section>", start)])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def test_the_swing_error_is_explained_only_when_a_swing_has_one() -> None:
    from tests.test_memo import simulation_for

    result = RunResult(analyse(support_book()))
    result.simulation = simulation_for(result)  # its bars have no standard error
    assert "± under a swing" not in risk_text(result)
    assert "±" not in risk_text(result).split("Swing", 1)[1]
    bars = result.simulation.sensitivity
    result.simulation.sensitivity = [dataclasses.replace(bars[0], swing_se=12.3), bars[1]]
    text = risk_text(result)
    assert "In the table, the ± under a swing is its standard error" in text
    assert f"{USD.money(bars[0].swing)} ± $12 " in text


# --- Appendix: a named scenario's name once over its rows --------------------------------

def test_a_named_scenarios_name_heads_its_rows_once() -> None:
    from ftreport.model.inputs import Override

    book = dataclasses.replace(support_book(), overrides=[
        Override("Down", "requests_per_day", None, 10_000, cell="'Named scenarios'!D4"),
        Override("Down", "monthly_growth", None, 0.0, cell="'Named scenarios'!D5"),
        Override("Up", "requests_per_day", None, 30_000, cell="'Named scenarios'!D6"),
        Override("Down", "one_time_cost", "*", 6_000, cell="'Named scenarios'!D7")])
    markup = render_html(RunResult(analyse(book)), generated_at=GENERATED)
    table = markup[markup.index("<h3>Named scenarios</h3>"):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<th rowspan="(\d)">(\w+)</th>', table) == [
        ("2", "Down"), ("1", "Up"), ("1", "Down")]  # the rows keep the workbook's order
    assert table.count("<tr>") == 5  # the header and four rows


# --- Risk: the samples draw the appendix's uncertain inputs only when there are some ------

def test_samples_are_said_to_draw_uncertain_inputs_only_when_some_are_listed() -> None:
    from ftreport.engine.simulation import simulate

    for rows in ([], support_book().uncertainty):
        book = dataclasses.replace(support_book(mc_iterations=1_000), uncertainty=rows)
        analysis = analyse(book)
        text = risk_text(RunResult(analysis, simulate(book, analysis)))
        assert ("draw the uncertain inputs listed in the appendix" in text) == bool(rows)
        assert ("No input is uncertain (the Uncertainty sheet lists none), so each of the "
                "1,000 simulated samples equals the inputs as entered." in text) == (not rows)
