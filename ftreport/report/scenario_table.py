"""The memo's named-scenarios section: the base case and each scenario of the `Scenarios`
table side by side (what it changes, what it recommends at what cost), and each option's
total cost in every scenario. Numbers are the engine's (ftreport.engine.scenarios)."""

from __future__ import annotations

from dataclasses import dataclass

from ftreport.model.format import MISSING, Formatter
from ftreport.model.inputs import Override
from ftreport.model.results import Analysis, RunResult
from ftreport.report.input_values import input_label, input_value

BASE_CASE = "Base case"


@dataclass(frozen=True)
class ScenarioRow:
    name: str
    changes: str  # the inputs it overrides, with their values ("" for the base case)
    recommended: str
    total_cost: str  # of the recommended option
    savings: str  # of the recommended option against the baseline
    break_even: str  # of the recommended option ("-" when it is the baseline)
    recommendation_changes: bool


@dataclass(frozen=True)
class ScenariosView:
    summary: str  # one sentence: whether the recommendation holds in every scenario
    rows: list[ScenarioRow]
    columns: list[str]  # the scenarios' names, base case first, for ``costs``
    costs: list[tuple[str, list[str]]]  # per option: its name, its total cost per scenario


def scenarios_view(result: RunResult, fmt: Formatter) -> ScenariosView | None:
    """The section's view, None when the workbook names no scenario."""
    if not result.scenarios:
        return None
    base = result.analysis
    base_choice = base.options[base.recommended].name
    cases = [(BASE_CASE, base, [])] + [(s.name, s.analysis, s.overrides)
                                       for s in result.scenarios]
    rows = [_row(name, analysis, overrides, base_choice, fmt)
            for name, analysis, overrides in cases]
    changed = [r for r in rows if r.recommendation_changes]
    n = len(result.scenarios)
    if not changed:
        summary = (f"{base_choice} stays the recommendation in "
                   f"{_every(n)}.")
    else:
        which = "; ".join(f"{r.name}: {r.recommended}" for r in changed)
        summary = (f"The recommendation changes from {base_choice} in {len(changed)} of {n} "
                   f"named scenario{'s' if n != 1 else ''} ({which}).")
    costs = [(option.name, [fmt.money(float(a.results["total_cost"][i])) for _, a, _ in cases])
             for i, option in enumerate(base.options)]
    return ScenariosView(summary, rows, [name for name, _, _ in cases], costs)


def _every(n: int) -> str:
    return {1: "the named scenario", 2: "both named scenarios"}.get(n, f"all {n} named scenarios")


def _row(name: str, analysis: Analysis, overrides: list[Override], base_choice: str,
         fmt: Formatter) -> ScenarioRow:
    rec = analysis.recommended
    option = analysis.options[rec].name
    is_baseline = rec == analysis.baseline
    return ScenarioRow(
        name=name,
        changes="; ".join(_change(o, fmt) for o in overrides),
        recommended=option,
        total_cost=fmt.money(float(analysis.results["total_cost"][rec])),
        savings=fmt.money(float(analysis.results["savings_vs_baseline"][rec])),
        break_even=MISSING if is_baseline else _break_even(analysis, rec, fmt),
        recommendation_changes=option != base_choice,
    )


def _break_even(analysis: Analysis, option: int, fmt: Formatter) -> str:
    day = analysis.option_value("break_even_day", option)
    return "no payback within the horizon" if day is None else fmt.output("break_even_day", day)


def _change(o: Override, fmt: Formatter) -> str:
    return f"{input_label(o.input, o.option)} {input_value(o.input, o.value, fmt, exact=True)}"
