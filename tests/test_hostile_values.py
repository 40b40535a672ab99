"""Any value in any input cell gives a result or a clear problem: `validate` and
`run --no-pdf --json` exit 0 or 2, never with a traceback or an "unexpected" error.

The examples are few, so this runs in seconds; the time and memory of the hostile
cases are measured by bench/bench_hostile.py, not asserted here.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ftreport.cli import main
from ftreport.workbook.template import write_template

SCENARIO_CELLS = [f"Scenario!C{row}" for row in range(4, 18)]
OPTION_CELLS = [f"Options!{col}{row}" for col in "ABCDEFGHIJKLMNOPQRSTUV" for row in (4, 5, 6)]
UNCERTAINTY_CELLS = [f"Uncertainty!{col}{row}" for col in "ABCDEFGH" for row in (4, 5, 6)]

TEXT = st.one_of(
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "5%", "1,000", "yes", "TRUE", "",
                     " ", "=1/0", "#N/A", "*", "gpt-4.1", "prompting", "uniform"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30),
    st.integers(32_000, 40_000).map(lambda n: "x" * n),
)
VALUES = st.one_of(
    st.none(), st.booleans(), TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 100, 1e9, 1e12, 1e15, 1e300, 36_500, 36_501, 2**63]),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
)


def _support() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "support.xlsx"
        write_template(path, example="support")
        return path.read_bytes()


SUPPORT = _support()


def _assert_clean(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 2), (args, result.output, result.exception)
    assert "Traceback" not in result.output and "unexpected" not in result.output, result.output


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SCENARIO_CELLS + OPTION_CELLS + UNCERTAINTY_CELLS),
                       VALUES, min_size=1, max_size=6))
def test_any_values_give_a_result_or_a_clear_problem(cells: dict[str, object]) -> None:
    wb = load_workbook(io.BytesIO(SUPPORT))
    for address, value in cells.items():
        sheet, coord = address.split("!")
        wb[sheet][coord] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.xlsx"
        wb.save(path)
        _assert_clean(["validate", "--json", str(path)])
        # A small simulation keeps each example fast; its size is not what is tested.
        _assert_clean(["run", str(path), "--no-pdf", "--json", "--iterations", "200"])
