"""The `Scenarios` sheet: every output of every named scenario, as live formulas.

One block per scenario, laid out like the base case's sheets: the scenario's inputs
(a link to its value cell on the `Named scenarios` sheet where it overrides one, else
to the base input), its Workings quantities, a per-option workings table and a
results table with the Results sheet's columns. Each formula is the base case's
own (ftreport.workbook.formulas) pointed at the block's cells: ``_BlockRefs`` gives
the inputs and results, and ``retarget`` swaps the defined names a formula uses
(``volume_factor_horizon``, ``res_total_cost``, ``wk_fixed_part``...) for the
block's (the rank too, so equal present values share a rank as on Results). Only the
break-even day, which the base case reads off the Timeline, has a formula of its own
here. Cached values are the engine's (ftreport.engine.scenarios).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import SimpleNamespace

from openpyxl.worksheet.worksheet import Worksheet

from ftreport.engine import workings
from ftreport.model import schema
from ftreport.model.outputs import SHEET_OUTPUTS
from ftreport.model.results import NamedScenario
from ftreport.workbook import formulas
from ftreport.workbook.cells import absolute, column_letter
from ftreport.workbook.context import ReportContext
from ftreport.workbook.layout import OPTION_WORKINGS, SCENARIO_WORKINGS, Column, OptionRefs
from ftreport.workbook.styles import bold, header_row, heading, widths

SHEET = "Scenarios"
VARIED = schema.UNCERTAIN_SCENARIO_INPUTS  # the Scenario inputs a scenario may override
# The Workings rows a block repeats (the chart helpers belong to the base case's chart).
BLOCK_WORKINGS = tuple(w for w in SCENARIO_WORKINGS if not w.name.startswith("chart_"))
# The largest payback mark (d+1 for the last day d on which the option is dearer than the
# baseline, 0 if none): the break-even day, or "dearer on the last day" when above horizon.
RETRAIN = Column("retrain_every_days", "0", "The option's retrain_every_days in this "
                 "scenario (its training runs day by day).")
MARK = Column("payback_mark", "0", "Largest payback mark over days 0..horizon_days: the day "
              "after the last day this option costs more than the baseline (0 = never "
              "dearer); above horizon_days = dearer on the last day.")
BLOCK_COLUMNS = (*OPTION_WORKINGS, RETRAIN, MARK)
SUMMARY_ROW = 4  # the side-by-side table's header; the blocks follow below it
SUMMARY_KEYS = tuple(o.key for o in SHEET_OUTPUTS if o.source != "input")
_NAME = re.compile(r"(?<![A-Za-z0-9_$.!'\"])([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_(!'\"])")


def retarget(formula: str, names: Mapping[str, str]) -> str:
    """``formula`` with each defined name in ``names`` replaced by its reference (function
    names, sheet names and quoted text are left alone)."""
    return _NAME.sub(lambda m: names.get(m.group(1), m.group(1)), formula)


class _Block:
    """Where one scenario's quantities are on the sheet."""

    def __init__(self, ctx: ReportContext, scenario: NamedScenario, top: int) -> None:
        self.ctx, self.scenario, self.n = ctx, scenario, ctx.n
        self.inputs_row = top + 2
        self.overrides = [o for o in scenario.overrides if o.option is not None]
        self.option_inputs_row = self.inputs_row + len(VARIED) + 1
        self.workings_row = self.option_inputs_row + len(self.overrides) + 1
        self.options_header = self.workings_row + len(BLOCK_WORKINGS) + 1
        self.results_header = self.options_header + self.n + 2
        self.bottom = self.results_header + self.n
        self.names = {w.name: f"$B${self.workings_row + i}"
                      for i, w in enumerate(BLOCK_WORKINGS)}
        for col_no, c in enumerate(BLOCK_COLUMNS, start=1):
            self.names[f"wk_{c.key}"] = self._range(col_no, self.options_header)
        for col_no, o in enumerate(SHEET_OUTPUTS, start=1):
            self.names[f"res_{o.key}"] = self._range(col_no, self.results_header)
        self.scenario_refs = dict(ctx.refs.scenario)
        self.scenario_refs.update({k: f"$B${self.inputs_row + i}" for i, k in enumerate(VARIED)})

    def _range(self, col_no: int, header: int) -> str:
        col = column_letter(col_no)
        return f"${col}${header + 1}:${col}${header + self.n}"

    def option_input(self, i: int, field: str) -> str:
        """The block's cell for option ``i``'s ``field`` when the scenario overrides it
        (a row for the option wins over a * row), else the Options cell."""
        name = self.ctx.book.options[i].name
        for wanted in (name, "*"):
            for k, o in enumerate(self.overrides):
                if o.input == field and o.option == wanted:
                    return f"$B${self.option_inputs_row + k}"
        return self.ctx.refs.input(i, field)


class _BlockRefs(OptionRefs):
    """An option's references inside a block (the base case's OptionRefs, moved)."""

    def __init__(self, block: _Block, i: int) -> None:
        super().__init__(block.ctx.refs, i)
        self.block = block
        self.scenario = block.scenario_refs

    def input(self, field: str) -> str:
        return self.block.option_input(self.i, field)

    def own(self, key: str) -> str:
        return self.result(key)

    def result(self, key: str) -> str:
        col = next(n for n, o in enumerate(SHEET_OUTPUTS, start=1) if o.key == key)
        return f"${column_letter(col)}${self.block.results_header + 1 + self.i}"

    def working(self, key: str) -> str:
        col = next(n for n, c in enumerate(BLOCK_COLUMNS, start=1) if c.key == key)
        return f"${column_letter(col)}${self.block.options_header + 1 + self.i}"


def scenarios_sheet(ctx: ReportContext) -> None:
    """The sheet, when the workbook names scenarios."""
    ws = ctx.wb.create_sheet(SHEET)
    heading(ws, "Scenarios", "Every output of each named scenario: the base case's formulas "
            "over the scenario's inputs. Change a scenario's values on the Named scenarios "
            "sheet (linked cells below), the base inputs on Scenario and Options.")
    top = SUMMARY_ROW + 1 + len(SUMMARY_KEYS) * ctx.n + 3
    blocks = []
    for scenario in ctx.result.scenarios:
        block = _Block(ctx, scenario, top)
        _write_block(ws, block)
        blocks.append(block)
        top = block.bottom + 3
    _summary(ws, ctx, blocks)
    widths(ws, [30, 18] + [18] * (len(SHEET_OUTPUTS) - 2))


def _summary(ws: Worksheet, ctx: ReportContext, blocks: list[_Block]) -> None:
    """Side by side at the top: each output of each option in the base case (its Results
    cell) and in every scenario (its block's cell)."""
    header_row(ws, SUMMARY_ROW, ["output", "option", "Base case",
                                 *(b.scenario.name for b in blocks)])
    row = SUMMARY_ROW + 1
    for key in SUMMARY_KEYS:
        output = next(o for o in SHEET_OUTPUTS if o.key == key)
        for i, option in enumerate(ctx.book.options):
            ws.cell(row, 1, key)
            ws.cell(row, 2, option.name)
            fmt = ctx.formats.of_unit(output.unit)
            ctx.cells.formula(ws, f"C{row}", ctx.refs.result(key, i),
                              _value(ctx.analysis, key, i), fmt)
            for k, block in enumerate(blocks):
                ctx.cells.formula(ws, f"{column_letter(4 + k)}{row}",
                                  _BlockRefs(block, i).result(key),
                                  _value(block.scenario.analysis, key, i), fmt)
            row += 1


def _write_block(ws: Worksheet, block: _Block) -> None:
    ctx, analysis = block.ctx, block.scenario.analysis
    ws.cell(block.inputs_row - 2, 1, f"Scenario: {block.scenario.name}").font = bold()
    header_row(ws, block.inputs_row - 1, ("input", "value", "", "from"))
    own = {o.input: o for o in block.scenario.overrides if o.option is None}
    s = analysis.book.scenario
    for row, key in enumerate(VARIED, start=block.inputs_row):
        ws.cell(row, 1, key)
        link = absolute(own[key].cell) if key in own else ctx.refs.scenario[key]
        ctx.cells.formula(ws, f"B{row}", link, getattr(s, key), _input_format(ctx, key))
        ws.cell(row, 4, f"this scenario ({own[key].cell})" if key in own else "base case")
    for k, o in enumerate(block.overrides):
        row = block.option_inputs_row + k
        ws.cell(row, 1, f"{o.input} ({o.option})")
        ctx.cells.formula(ws, f"B{row}", absolute(o.cell), o.value, _input_format(ctx, o.input))
        ws.cell(row, 4, f"this scenario ({o.cell})")
    values = workings.scenario_workings(analysis)
    scenario_refs = SimpleNamespace(scenario=block.scenario_refs)  # what formulas read
    for i, w in enumerate(BLOCK_WORKINGS):
        row = block.workings_row + i
        ws.cell(row, 1, w.label)
        formula = retarget(formulas.SCENARIO_WORKINGS[w.name](scenario_refs), block.names)
        ctx.cells.formula(ws, f"B{row}", formula, values[w.name], ctx.formats(w.fmt))
        ws.cell(row, 3, w.unit)
        ws.cell(row, 4, w.name)
    _option_tables(ws, block)


def _option_tables(ws: Worksheet, block: _Block) -> None:
    ctx, analysis = block.ctx, block.scenario.analysis
    refs = [_BlockRefs(block, i) for i in range(block.n)]
    header_row(ws, block.options_header, [c.key for c in BLOCK_COLUMNS],
               notes=[c.note for c in BLOCK_COLUMNS])
    header_row(ws, block.results_header, [o.key for o in SHEET_OUTPUTS],
               notes=[o.note for o in SHEET_OUTPUTS])
    values = workings.option_workings(analysis)
    horizon = int(analysis.book.scenario.horizon_days)
    days = ctx.timeline.days
    for i, option in enumerate(analysis.book.options):
        row = block.options_header + 1 + i
        ws.cell(row, 1, i + 1)
        texts = {"name": option.name, "approach": option.approach}
        for col_no, c in enumerate(OPTION_WORKINGS[1:], start=2):
            value = texts[c.key] if c.key in texts else values[c.key][i]
            formula = retarget(formulas.OPTION_WORKINGS[c.key](refs[i]), block.names)
            ctx.cells.formula(ws, f"{column_letter(col_no)}{row}", formula, value,
                              ctx.formats(c.fmt))
        ctx.cells.formula(ws, f"{column_letter(len(BLOCK_COLUMNS) - 1)}{row}",
                          refs[i].input("retrain_every_days"),
                          option.retrain_every_days, RETRAIN.fmt)
        day = float(analysis.results["break_even_day"][i])
        ctx.cells.formula(ws, f"{column_letter(len(BLOCK_COLUMNS))}{row}",
                          _payback_mark(refs[i], len(days) - 1),
                          horizon + 1 if day != day else day, MARK.fmt)
        row = block.results_header + 1 + i
        for col_no, output in enumerate(SHEET_OUTPUTS, start=1):
            formula = _result_formula(output.key, refs[i], block)
            ctx.cells.formula(ws, f"{column_letter(col_no)}{row}", formula,
                              _value(analysis, output.key, i), ctx.formats.of_unit(output.unit))


def _result_formula(key: str, o: _BlockRefs, block: _Block) -> str:
    if key == "break_even_day":
        mark = o.working(MARK.key)
        return f'IF({mark}>{o.scenario["horizon_days"]},"",{mark})'
    return retarget(formulas.RESULTS[key](o), block.names)


def _payback_mark(o: _BlockRefs, last_day: int) -> str:
    """SUMPRODUCT(MAX((d+1)·dearer(d))) over the Timeline's days 0..horizon_days, with
    C(d) = U + n(d)·T + F·d + u·N0·V(d) of the option and of the baseline."""
    days = f"Timeline!$A$2:$A${last_day + 2}"
    mine = _cost_on_days(days, *(o.result(k) for k in _COST_PARTS),
                         o.working("retrain_every_days"), o.scenario["requests_per_day"])
    base = _cost_on_days(days, *(f"INDEX(res_{k},baseline_row)" for k in _COST_PARTS),
                         "INDEX(wk_retrain_every_days,baseline_row)",
                         o.scenario["requests_per_day"])
    dearer = (f"(({mine})-({base})>cost_tolerance*IF(ABS({mine})>ABS({base}),"
              f"ABS({mine}),ABS({base})))")
    return retarget(f"SUMPRODUCT(MAX(({days}+1)*{dearer}))", o.block.names)


_COST_PARTS = ("upfront_cost", "training_cost_per_run", "daily_fixed_cost", "cost_per_request")


def _cost_on_days(d: str, upfront: str, train: str, fixed: str, per_request: str,
                  retrain: str, requests: str) -> str:
    """``C(d)`` over the day range ``d`` (an array inside SUMPRODUCT): the training runs
    n(d) and the volume factor V(d) of the Timeline, in closed form (V(d) with the
    Kahan correction of the Workings' geometric sums, 1 in its place where q^d = 1)."""
    runs = f"IF({retrain}>0,1+INT(({d}>0)*({d}-1)/IF({retrain}>0,{retrain},1)),1)"
    over = f"EXP(daily_log_growth*{d})"
    volume = (f"IF(daily_growth_factor=1,{d},{d}*IF({over}=1,1,({over}-1)/LN({over}))"
              f"/((daily_growth_factor-1)/LN(daily_growth_factor)))")
    return f"{upfront}+{runs}*{train}+{fixed}*{d}+{per_request}*{requests}*{volume}"


def _value(analysis: object, key: str, i: int) -> object:
    """The engine's value of one results cell; the option's text or a flag for the rest."""
    results = analysis.results  # type: ignore[attr-defined]
    if key in results:
        return results[key][i]
    return analysis.option_value(key, i)  # type: ignore[attr-defined]


def _input_format(ctx: ReportContext, key: str) -> str:
    field = schema.SCENARIO.get(key) or schema.OPTION[key]
    if field.kind in ("share", "growth") or "%" in field.unit:
        return "0.00%"
    return "General"
