"""Named scenarios (cost-model.md, "Scenarios"): the base case with some inputs overridden.

A scenario is the workbook's own inputs with the `Scenarios` table's rows for its
name applied: a Scenario input (option None) replaces that input; an option input
replaces it for every option ("*") or for the named one, a named row winning over
a "*" row whatever their order. Every output is then computed exactly as for the
base case (``analysis.evaluate_book``), so a scenario that overrides nothing equals
the base case number for number.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ftreport.engine.analysis import evaluate_book
from ftreport.engine.errors import EngineError
from ftreport.model.inputs import Override, ScenarioBook
from ftreport.model.problems import Problem
from ftreport.model.results import NamedScenario


def scenario_names(overrides: list[Override]) -> list[str]:
    """The scenarios' names in the order they first appear in the table."""
    return list(dict.fromkeys(o.scenario for o in overrides))


def scenario_book(book: ScenarioBook, name: str) -> ScenarioBook:
    """``book`` with the overrides of scenario ``name`` applied (``book`` is unchanged)."""
    rows = [o for o in book.overrides if o.scenario == name]
    scenario_values = {o.input: o.value for o in rows if o.option is None}
    options = []
    for option in book.options:
        shared = {o.input: o.value for o in rows if o.option == "*"}
        own = {o.input: o.value for o in rows if o.option == option.name}
        options.append(replace(option, **{**shared, **own}))
    return replace(book, scenario=replace(book.scenario, **scenario_values), options=options,
                   overrides=[])


def analyse_scenarios(book: ScenarioBook) -> list[NamedScenario]:
    """Every output of every named scenario, in table order; EngineError naming the
    scenario's rows when one of its totals is not finite."""
    found = []
    for name in scenario_names(book.overrides):
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            analysis = evaluate_book(scenario_book(book, name))
        _require_finite(book, name, analysis.results["total_cost"],
                        analysis.results["npv_cost"])
        found.append(NamedScenario(name, analysis,
                                   [o for o in book.overrides if o.scenario == name]))
    return found


def _require_finite(book: ScenarioBook, name: str, *totals: object) -> None:
    if all(math.isfinite(float(v)) for values in totals for v in values):  # type: ignore[attr-defined]
        return
    cells = ", ".join(o.cell for o in book.overrides if o.scenario == name and o.cell)
    raise EngineError([Problem(str(book.path), None, None,
                               f"inputs whose total cost is finite in scenario {name!r}: a "
                               f"total or present value is too large to compute; check the "
                               f"scenario's values ({cells or 'its rows'})", code="non-finite")])
