"""The memo's named-scenarios section: each sentence only when its condition holds, the
numbers the engine's, and the PDF read back with pdftotext."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ftreport.engine.analysis import analyse
from ftreport.engine.scenarios import analyse_scenarios
from ftreport.model.format import Formatter
from ftreport.model.inputs import Override
from ftreport.model.results import RunResult
from ftreport.report import render_html, write_memo
from ftreport.report.scenario_table import scenarios_view
from tests.support.scenarios import support_book
from tests.test_memo import pdf_text

FT = "Fine-tuned gpt-4.1-mini"


def result_with(rows: list[Override]) -> RunResult:
    book = replace(support_book(), overrides=rows)
    return RunResult(analyse(book), scenarios=analyse_scenarios(book))


def test_no_scenarios_no_section() -> None:
    result = result_with([])
    assert scenarios_view(result, Formatter("USD")) is None
    assert "<h2>Named scenarios" not in render_html(result)


def test_the_recommendation_holding_everywhere_is_said_only_when_it_does() -> None:
    held = result_with([Override("Up", "requests_per_day", None, 25_000.0),
                        Override("Down", "requests_per_day", None, 15_000.0)])
    view = scenarios_view(held, Formatter("USD"))
    assert view is not None
    recommended = {s.analysis.options[s.analysis.recommended].name for s in held.scenarios}
    assert recommended == {FT}
    assert view.summary == f"{FT} stays the recommendation in both named scenarios."
    assert not any(r.recommendation_changes for r in view.rows)


def test_a_changed_recommendation_names_the_scenario_and_its_choice() -> None:
    # At 100 requests a day the fine-tune's training never pays back: keep prompting.
    flipped = result_with([Override("Up", "requests_per_day", None, 25_000.0),
                           Override("Tiny", "requests_per_day", None, 100.0)])
    tiny = flipped.scenarios[1].analysis
    choice = tiny.options[tiny.recommended].name
    assert choice != FT
    view = scenarios_view(flipped, Formatter("USD"))
    assert view is not None
    assert view.summary == (f"The recommendation changes from {FT} in 1 of 2 named scenarios "
                            f"(Tiny: {choice}).")
    assert [r.recommendation_changes for r in view.rows] == [False, False, True]
    assert "stays the recommendation" not in view.summary


def test_the_pdf_shows_each_scenario_with_the_engines_numbers(tmp_path: Path,
                                                              monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = result_with([Override("Downside", "requests_per_day", None, 10_000.0),
                          Override("Downside", "one_time_cost", "*", 9_000.0)])
    target = tmp_path / "memo.pdf"
    write_memo(result, target)
    text = pdf_text(target)
    assert "Named scenarios" in text
    fmt = Formatter("USD")
    down = result.scenarios[0].analysis
    rec = down.recommended
    assert "Requests per day 10,000; One-time cost (all options) 9,000" in text
    assert fmt.money(float(down.results["total_cost"][rec])) in text
    for i in range(len(down.options)):
        assert fmt.money(float(down.results["total_cost"][i])) in text
