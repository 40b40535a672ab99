"""No value in the memo's risk and Uncertain inputs tables is broken across lines: every
cell's value (and each standard error, a line of its own under its value by design) is
found whole on one line of the printed PDF (pdftotext -layout) of the support sample."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ftreport.engine.analysis import analyse
from ftreport.engine.simulation import simulate
from ftreport.model.results import RunResult
from ftreport.report import render_html, write_memo
from ftreport.workbook.reader import read_workbook
from tests.test_memo import tool
from tests.test_memo_truth import EPOCH

SAMPLE = Path(__file__).resolve().parents[1] / "sample_inputs" / "customer-support.xlsx"
# The tables whose values are numbers a reader copies (class of the <table>).
VALUE_TABLES = ("percentiles", "sensitivity", "uncertain")


class CellValues(HTMLParser):
    """The value pieces of each <td> of the VALUE_TABLES: the cell's text line by line
    (a line break in the text is a deliberate one, as in white-space: pre), and the text
    of a standard error's own element (span.se) apart from its value."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.table: str | None = None
        self.cell: list[str] | None = None
        self.se: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.table = next((c for c in classes if c in VALUE_TABLES), None)
        elif tag == "td" and self.table:
            self.cell = []
        elif tag == "span" and self.cell is not None and "se" in classes:
            self.se = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.se is not None:
            self.pieces.append("".join(self.se))
            self.se = None
        elif tag == "td" and self.cell is not None:
            self.pieces.extend("".join(self.cell).split("\n"))
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        target = self.se if self.se is not None else self.cell
        if target is not None:
            target.append(data)


def layout_lines(pdf: Path) -> list[str]:
    out = subprocess.run([tool("pdftotext"), "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [" ".join(line.split()) for line in out.splitlines()]


@pytest.fixture(scope="module")
def sample_memo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """The support sample's memo: its HTML and the printed PDF's lines."""
    book = read_workbook(SAMPLE)
    analysis = analyse(book)
    result = RunResult(analysis, simulate(book, analysis))
    target = tmp_path_factory.mktemp("cells") / "memo.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        write_memo(result, target)
    markup = render_html(result, generated_at=datetime.fromtimestamp(int(EPOCH), UTC))
    return markup, layout_lines(target)


def test_every_value_of_the_risk_and_uncertainty_tables_is_on_one_line(sample_memo) -> None:
    markup, lines = sample_memo
    parser = CellValues()
    parser.feed(markup)
    values = [" ".join(p.split()) for p in parser.pieces if re.search(r"[0-9]", p)]
    assert len(values) > 40  # the three tables were found and have their numbers
    broken = [v for v in values if not any(v in line for line in lines)]
    assert broken == []


def line_under(lines: list[str], label: str, value: str) -> str:
    """The line under the table row that starts with ``label`` and holds ``value``."""
    row = next(i for i, line in enumerate(lines)
               if line.startswith(label + " ") and f" {value} " in f"{line} ")
    return lines[row + 1]


def test_a_standard_error_sits_on_the_line_under_its_value(sample_memo) -> None:
    markup, lines = sample_memo
    # Two options' chance of being cheapest (each beats the baseline always: no error) and
    # four swings.
    assert markup.count('<span class="se">') == 2 + 4
    assert line_under(lines, "Fine-tuned gpt-4.1-mini", "99%").startswith("± ")
    assert line_under(lines, "Azure hosted fine-tune", "0.83%").startswith("± ")
    assert re.fullmatch(r"± \$[0-9,]+", line_under(lines, "Requests per day", "$30,341"))
