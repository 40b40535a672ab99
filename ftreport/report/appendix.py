"""The memo's appendix: every Scenario and Options input with its unit and cell, and the
Uncertainty, Correlations and Named scenarios rows (those the workbook has)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from ftreport.model import Correlation, ScenarioBook, Uncertain
from ftreport.model.format import MISSING, Formatter
from ftreport.model.inputs import Override
from ftreport.model.schema import DISTRIBUTION_PARAMS, OPTION_FIELDS, SCENARIO_FIELDS
from ftreport.report.input_values import MONEY_INPUTS, input_label, input_value
from ftreport.report.views import (
    Appendix,
    CorrelationInput,
    InputRow,
    OverrideRow,
    UncertainRow,
)


def appendix(book: ScenarioBook, fmt: Formatter) -> Appendix:
    """The appendix's view: the inputs that were set in tables, those left blank (and the
    option inputs zero for every option) each named in one sentence with its cell."""
    def unit(name: str, unit_text: str) -> str:
        return f"{fmt.currency} {unit_text}".strip() if name in MONEY_INPUTS else unit_text

    def shown(name: str, value: Any) -> str:
        return input_value(name, value, fmt, exact=True)

    set_fields = [f for f in SCENARIO_FIELDS if not _blank(getattr(book.scenario, f.name))]
    scenario = [InputRow(f.label, unit(f.name, f.unit), [(
        shown(f.name, getattr(book.scenario, f.name)),
        book.scenario_cells.get(f.name, MISSING))]) for f in set_fields]
    blank = [(f.label, book.scenario_cells.get(f.name, MISSING))
             for f in SCENARIO_FIELDS if f not in set_fields]
    cells = book.option_cells or [{} for _ in book.options]
    # The name heads each option's column; an input zero or blank for every option is
    # named in a sentence instead of a row of zeros.
    fields = [f for f in OPTION_FIELDS if f.name != "name"]
    unused = {f.name for f in fields
              if all(_blank(getattr(o, f.name)) or getattr(o, f.name) == 0 for o in book.options)}
    options = [InputRow(f.label, unit(f.name, f.unit), [
        (shown(f.name, getattr(o, f.name)), c.get(f.name, MISSING))
        for o, c in zip(book.options, cells, strict=True)],
        column=_column(c.get(f.name, "") for c in cells)) for f in fields if f.name not in unused]
    uncertainty = [uncertain_row(u, fmt) for u in book.uncertainty]
    rows = [_shared(c.values())[1] for c in cells]
    return Appendix(scenario, [o.name for o in book.options], options, uncertainty,
                    option_rows=rows,
                    correlations=[correlation_row(c) for c in book.correlations],
                    overrides=override_rows(book.overrides, fmt),
                    blank_scenario=blank,
                    unused_options=[(f.label, _column(c.get(f.name, "") for c in cells))
                                    for f in fields if f.name in unused],
                    unused_words=_unused_words(book, unused),
                    names_column=_column(c.get("name", "") for c in cells))


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _unused_words(book: ScenarioBook, unused: set[str]) -> str:
    """What the option inputs of ``unused`` are for every option: zero, blank, or either."""
    values = [getattr(o, name) for o in book.options for name in unused]
    if all(_blank(v) for v in values):
        return "Blank for every option"
    return "Zero for every option" if not any(_blank(v) for v in values) else \
        "Zero or blank for every option"


CELL = re.compile(r"^(?P<sheet>.+)!\$?(?P<column>[A-Z]+)\$?(?P<row>[0-9]+)$")


def _column(cells: Iterable[str]) -> str:
    return _shared(cells)[0]


def _shared(cells: Iterable[str]) -> tuple[str, str]:
    """The one column ("Options!G") and the one row ("row 5") a set of cell addresses
    share; a dash for either when they do not (or there are none)."""
    found = [m for m in map(CELL.match, cells) if m]
    columns = {f"{m['sheet']}!{m['column']}" for m in found}
    rows = {m["row"] for m in found}
    return (columns.pop() if len(columns) == 1 else MISSING,
            f"row {rows.pop()}" if len(rows) == 1 else MISSING)


def uncertain_row(u: Uncertain, fmt: Formatter) -> UncertainRow:
    """One row of the Uncertainty sheet as the appendix lists it."""
    return UncertainRow(
        input=input_label(u.input, None),
        option=applies_to(u.option),
        distribution=u.distribution,
        parameters=parameter_lines(u, fmt),
        clip=clip_range(u.input, u.clip_min, u.clip_max, fmt),
        notes=u.notes, cell=u.cell or MISSING)


def parameter_lines(u: Uncertain, fmt: Formatter) -> str:
    """The row's parameters named by its distribution and written as its input is
    ("min 12,000", "mode 3%"), one a line."""
    names = DISTRIBUTION_PARAMS.get(u.distribution, ("p1", "p2", "p3"))
    values = (u.p1, u.p2, u.p3)
    return "\n".join(f"{name} {input_value(u.input, value, fmt, exact=True)}"
                     for name, value in zip(names, values, strict=False) if value is not None)


def clip_range(name: str, low: float | None, high: float | None, fmt: Formatter) -> str:
    """An Uncertainty row's clip in words, a bound a line: "at least 50", "at most 900"."""
    bounds = [f"{words} {input_value(name, v, fmt, exact=True)}"
              for words, v in (("at least", low), ("at most", high)) if v is not None]
    return "\n".join(bounds) or MISSING


def applies_to(option: str | None) -> str:
    """What a row's option column addresses, in words."""
    return "scenario" if option is None else "all options" if option == "*" else option


def correlation_row(c: Correlation) -> CorrelationInput:
    """One row of the Correlations table as the appendix lists it."""
    return CorrelationInput(input_label(c.input_a, c.option_a),
                            input_label(c.input_b, c.option_b),
                            f"{c.rank_correlation:g}", c.cell or MISSING)


def override_rows(overrides: list[Override], fmt: Formatter) -> list[OverrideRow]:
    """The Named scenarios table's rows in the workbook's order, each scenario's name once
    over its consecutive rows (``rows`` on the first of them, 0 on the others)."""
    runs = [len(list(run)) for _, run in groupby(overrides, key=lambda o: o.scenario)]
    firsts = {sum(runs[:k]): n for k, n in enumerate(runs)}
    return [OverrideRow(o.scenario, input_label(o.input, None), applies_to(o.option),
                        input_value(o.input, o.value, fmt, exact=True), o.cell or MISSING,
                        rows=firsts.get(i, 0))
            for i, o in enumerate(overrides)]
