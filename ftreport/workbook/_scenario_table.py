"""The reader's checks of the `Scenarios` table (named scenarios) and the rule, shared with
the Uncertainty table, for how a row addresses an input: a Scenario input with
``option`` blank, an Options column with ``*`` or an option's name.

Each value is checked as the input's own cell would be (its type and bounds from
ftreport.model.schema), and a scenario's growth as the Scenario sheet's growth is,
so no scenario can hold what the base case may not.
"""

from __future__ import annotations

from dataclasses import replace

from ftreport.model import Scenario, schema
from ftreport.model.inputs import Override
from ftreport.workbook import _guards
from ftreport.workbook._tables import Report
from ftreport.workbook._values import (
    InputCell,
    InputTable,
    Unfit,
    blank,
    convert,
    spelled_as,
    text_of,
)

OVERRIDABLE = schema.UNCERTAIN_SCENARIO_INPUTS + schema.UNCERTAIN_OPTION_INPUTS


def addressing_problem(inp: str, opt: str | None, option_names: set[str] | None
                       ) -> tuple[str, str, str] | None:
    """(column, expected, code) when ``input`` and ``option`` do not address an input that
    may vary; None when they do. ``option_names`` None: the options are unknown."""
    if inp in schema.UNCERTAIN_SCENARIO_INPUTS:
        if opt is not None:
            return ("option", f"blank: {inp} is a Scenario input, the same for every option",
                    "unknown-name")
    elif inp in schema.UNCERTAIN_OPTION_INPUTS:
        if opt is None:
            return ("option", f"an option's name, or * for every option ({inp} is an "
                    "Options column)", "missing-value")
        if opt != "*" and option_names is not None and opt not in option_names:
            return "option", "the name of an option in the Options table, or *" + spelled_as(
                opt, sorted(option_names)), "unknown-name"
    else:
        return "input", "an input that may vary" + (spelled_as(inp, OVERRIDABLE) or (
            ": one of " + ", ".join(OVERRIDABLE))), "unknown-name"
    return None


def read_overrides(table: InputTable, option_names: set[str] | None, scenario: Scenario | None,
                   scenario_cells: dict[str, InputCell], problem: Report) -> list[Override]:
    """The table's rows as Overrides, each checked; a problem per bad cell."""
    found: list[Override] = []
    seen: dict[tuple[str, str, str | None], str] = {}
    for row in table.rows:
        if all(blank(c.value) and not c.failed for c in row.values()):
            continue
        item = _override(row, option_names, problem)
        if item is None:
            continue
        key = (item.scenario, item.input, item.option)
        if key in seen:
            problem("duplicate", row["input"], f"one row per scenario, input and option "
                    f"({seen[key]} has the same)", row["input"].shown, field_name="input")
            continue
        seen[key] = row["input"].coord
        found.append(item)
    names = list(dict.fromkeys(o.scenario for o in found))
    if len(names) > schema.MAX_SCENARIOS:
        problem("too-many-rows", None, f"at most {schema.MAX_SCENARIOS} named scenarios "
                "(ftreport's limit, see docs/workbook.md)", f"{len(names):,}",
                sheet=table.sheet, where=table.header_ref)
    if scenario is not None:
        for name in names:
            _check_volume(name, found, table, scenario, scenario_cells, problem)
    return found


def _override(row: dict[str, InputCell], option_names: set[str] | None,
              problem: Report) -> Override | None:
    ok = True

    def bad(column: str, expected: str, code: str) -> None:
        nonlocal ok
        ok = False
        problem(code, row[column], expected, row[column].shown, field_name=column)

    name = text_of(row["scenario"].value)
    inp = text_of(row["input"].value)
    opt = text_of(row["option"].value) or None
    if not name:
        bad("scenario", "a scenario name (the row has an input or a value)", "missing-value")
    wrong = addressing_problem(inp, opt, option_names)
    if wrong:
        bad(*wrong)
    value = None
    cell = row["value"]
    if inp in OVERRIDABLE and not cell.failed:
        field = schema.SCENARIO.get(inp) or schema.OPTION[inp]
        try:
            value = convert(field, cell.value)
        except Unfit as unfit:
            bad("value", unfit.expected or f"{field.expected} ({inp})", unfit.code)
        else:
            if value is None:
                bad("value", f"{field.expected} ({inp}), not blank", "missing-value")
    if not ok or value is None:
        return None
    return Override(name, inp, opt, float(value), cell.address)  # type: ignore[arg-type]


def _check_volume(name: str, overrides: list[Override], table: InputTable,
                  scenario: Scenario, scenario_cells: dict[str, InputCell],
                  problem: Report) -> None:
    """The scenario's growth and volume pass the Scenario sheet's growth checks, the
    problem placed at the scenario's growth cell (else the base one)."""
    own = {o.input: o for o in overrides if o.scenario == name and o.option is None}
    if not {"monthly_growth", "requests_per_day"} & set(own):
        return
    cells = dict(scenario_cells)
    for key, item in own.items():
        sheet, _, coord = item.cell.rpartition("!")
        cells[key] = InputCell(sheet.strip("'").replace("''", "'"), coord, item.value,
                               value=item.value)
    _guards.check_growth(replace(scenario, **{k: o.value for k, o in own.items()}), cells,
                         problem)
