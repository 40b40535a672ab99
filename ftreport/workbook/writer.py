"""Write the result sheets back into a copy of the analyst's workbook (issue 5).

Every number on `Results` and `Timeline` is a live Excel formula over the
input cells, so an analyst who changes an input sees the results move; each
formula cell also carries the engine's value as its cached result, so readers
that never recalculate (pandas, previews) see numbers. The layout and every
formula are described in docs/results-sheets.md.

Sheets written (replaced on a re-run, never duplicated): `Results`,
`Timeline`, `Workings` (intermediate quantities), `Constants` (the named
365, 12, 1e6, 24 and the 1e-9 tolerance) and `Run`; plus `Simulation` and
`Sensitivity` from ftreport.workbook.simulation_sheets when a simulation ran.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ftreport.model.problems import ReportError
from ftreport.workbook import OUTPUT_SHEETS, REPORT_SHEETS
from ftreport.workbook._xlsx import (
    Cached,
    add_cached_values,
    formula_values,
    unsafe_content,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ftreport.model.results import RunResult

RECOMMENDED_NAMES = ("recommended_option", "recommended_total_cost", "recommended_savings",
                     "recommended_break_even_day")

HEADER_FILL = "DDEBF7"
RECOMMENDED_FILL = "C6EFCE"
NOTE_AUTHOR = "ftreport"

# Constants sheet: (defined name, value, unit, meaning). The engine's numbers.
CONSTANTS = (
    ("days_per_year", 365, "days", "Days in a year: a month is days_per_year / "
     "months_per_year days; discount rates are per year."),
    ("months_per_year", 12, "months", "Months in a year, for monthly growth and monthly "
     "fixed cost."),
    ("tokens_per_price_unit", 1_000_000, "tokens", "Prices are quoted per 1M tokens."),
    ("hours_per_day", 24, "hours", "Hours in a day, for break-even volume as tokens per hour."),
    ("cost_tolerance", 1e-9, "share", "Two cumulative costs closer than this share of the "
     "larger count as equal (break-even day)."),
)


# ----------------------------------------------------------------------------------------
# Cell references


def absolute(ref: str) -> str:
    """``Options!E4`` -> ``Options!$E$4`` (sheet quoted when it needs to be)."""
    sheet, _, cell = ref.rpartition("!")
    col, row = re.fullmatch(r"\$?([A-Z]+)\$?([0-9]+)", cell.upper()).groups()  # type: ignore[union-attr]
    if not sheet:
        return f"${col}${row}"
    sheet = sheet.strip("'").replace("''", "'")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!${col}${row}"


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@dataclass(frozen=True)
class Column:
    """One column of a formula table: its header, number format and explanation."""

    key: str
    fmt: str
    note: str


class Cells:
    """Writes formula cells and remembers the value each should cache."""

    def __init__(self) -> None:
        self.cached: dict[str, dict[str, Cached]] = {}

    def formula(self, ws: Worksheet, ref: str, formula: str, value: Cached,
                fmt: str | None = None) -> None:
        cell = ws[ref]
        cell.value = "=" + formula
        if fmt:
            cell.number_format = fmt
        self.cached.setdefault(ws.title, {})[ref] = blank_if_undefined(value)


def blank_if_undefined(value: Any) -> Cached:
    """NaN, infinity and None become the blank the formulas show ("")."""
    if value is None or isinstance(value, bool | str):
        return value
    number = float(value)
    return number if math.isfinite(number) else None


# ----------------------------------------------------------------------------------------
# The engine's numbers for the working cells (Results values come straight from the engine)


@dataclass
class Mirror:
    """Engine-side values of every cell the formulas compute."""

    scalars: dict[str, Cached]
    workings: list[dict[str, Cached]]
    days: Any  # numpy arrays
    volume: Any
    cumulative: Any
    marks: Any


def mirror(result: RunResult) -> Mirror:
    import numpy as np

    from ftreport.engine import compare, costs
    from ftreport.engine.analysis import option_arrays, qualifying

    analysis, book = result.analysis, result.book
    s, res, b = book.scenario, analysis.results, analysis.baseline
    horizon = int(s.horizon_days)
    arrays = option_arrays(book.options)
    g, r = float(s.monthly_growth), float(s.discount_rate)
    log_g = math.log1p(g) * costs.MONTHS_PER_YEAR / costs.DAYS_PER_YEAR
    log_d = -math.log1p(r) / costs.DAYS_PER_YEAR
    eligible = qualifying(book)
    rec = analysis.recommended

    def geo(y: float, m: float) -> float:
        return float(costs.geometric_sum(y, m))

    be_day = blank_if_undefined(res["break_even_day"][rec])
    cumulative_days = np.arange(horizon + 1, dtype=float)
    blocks = compare.option_costs(arrays)
    cumulative = compare.cumulative_costs(cumulative_days[:, None], blocks,
                                          arrays["retrain_every_days"], s.requests_per_day, g)
    dearer = compare.more_expensive(cumulative, cumulative[:, b:b + 1])
    marks = np.where(dearer, cumulative_days[:, None] + 1, 0.0)
    scalars: dict[str, Cached] = {
        "growth_log1p": math.log1p(g), "daily_log_growth": log_g,
        "discount_log1p": math.log1p(r), "daily_log_discount": log_d,
        "daily_growth_factor": math.exp(log_g), "growth_over_horizon": math.exp(log_g * horizon),
        "volume_factor_horizon": float(costs.volume_factor(g, horizon)),
        "discount_per_day": math.exp(log_d), "discount_over_horizon": math.exp(log_d * horizon),
        "fixed_pv_factor": math.exp(log_d) * geo(log_d, horizon),
        "usage_step": math.exp(log_g + log_d),
        "usage_over_horizon": math.exp((log_g + log_d) * horizon),
        "usage_pv_factor": math.exp(log_d) * geo(log_g + log_d, horizon),
        "baseline_row": b + 1, "any_qualifying": int(any(eligible)),
        "recommended_row": rec + 1, "recommended_option": book.options[rec].name,
        "recommended_total_cost": float(res["total_cost"][rec]),
        "recommended_savings": float(res["savings_vs_baseline"][rec]),
        "recommended_break_even_day": be_day,
    }
    u, fixed = res["cost_per_request"], res["daily_fixed_cost"]
    train, upfront, runs = res["training_cost_per_run"], res["upfront_cost"], res["training_runs"]
    investment = upfront + train
    fixed_part = upfront + runs * train + fixed * horizon
    workings = []
    for i, option in enumerate(book.options):
        workings.append({
            "option_no": i + 1, "name": option.name, "approach": option.approach,
            "qualifies": int(eligible[i]),
            "recommend_score": (float(res["npv_cost"][i])
                                if eligible[i] or not any(eligible) else None),
            "training_pv_factor": geo(log_d * option.retrain_every_days, float(runs[i])),
            "investment": float(investment[i]),
            "extra_investment": float(investment[i] - investment[b]),
            "daily_saving": float((u[b] - u[i]) * s.requests_per_day + fixed[b] - fixed[i]),
            "fixed_part": float(fixed_part[i]),
            "unit_gap": float(u[b] - u[i]),
            "training_token_cost": float(runs[i] * option.epochs * option.price_training_per_1m
                                         / costs.TOKENS_PER_PRICE_UNIT),
        })
    return Mirror(scalars, workings, cumulative_days,
                  costs.volume_factor(g, cumulative_days), cumulative, marks)


# ----------------------------------------------------------------------------------------
# The report


class ReportBuilder:
    """Adds the output sheets to an open workbook; ``cells.cached`` holds their values."""

    def __init__(self, wb: Workbook, result: RunResult) -> None:
        self.wb, self.result = wb, result
        self.book = result.book
        self.n = len(self.book.options)
        self.cells = Cells()
        self.mirror = mirror(result)
        code = re.sub(r"[^A-Za-z]", "", self.book.scenario.currency or "") or "USD"
        self.money = f'#,##0.00 "{code}"'
        self.money_fine = f'#,##0.000000 "{code}"'
        self.scenario = self.scenario_refs()
        self.names: list[tuple[str, str]] = []

    # -- references ------------------------------------------------------------------

    def scenario_refs(self) -> dict[str, str]:
        """The defined name of each Scenario input (the contract), else its cell."""
        refs = {}
        for field, cell in self.book.scenario_cells.items():
            refs[field] = field if field in self.wb.defined_names else absolute(cell)
        for field in ("horizon_days", "requests_per_day", "monthly_growth", "discount_rate",
                      "baseline_option", "min_quality"):
            refs.setdefault(field, field)
        return refs

    def option(self, i: int, field: str) -> str:
        try:
            return absolute(self.book.option_cells[i][field])
        except (IndexError, KeyError):
            raise ReportError(f"{self.book.path}: the reader gave no cell for option "
                              f"{i + 1}'s {field}; cannot write live formulas") from None

    def name(self, name: str, ref: str) -> None:
        self.names.append((name, ref))

    # -- sheets ----------------------------------------------------------------------

    def build(self) -> None:
        for title in REPORT_SHEETS:  # in the order an analyst reads them
            self.wb.create_sheet(title)
        self.constants_sheet()
        self.workings_sheet()
        self.results_sheet()
        self.timeline_sheet()
        self.run_sheet()
        if self.result.simulation is not None:
            from ftreport.workbook.simulation_sheets import add_simulation_sheets

            add_simulation_sheets(self.wb, self.result)
        self.define_names()
        self.keep_text_as_text()

    def keep_text_as_text(self) -> None:
        """Names and notes from the analyst's file that start with "=" stay text.

        openpyxl takes any string starting with "=" for a formula; in an output
        sheet only the formulas we built are formulas, so an option called
        "=WEBSERVICE(...)" cannot run in the analyst's Excel.
        """
        for title in OUTPUT_SHEETS:
            if title not in self.wb.sheetnames:
                continue
            ours = self.cells.cached.get(title, {})
            for row in self.wb[title].iter_rows():
                for cell in row:
                    if cell.data_type == "f" and cell.coordinate not in ours:
                        cell.data_type = "s"

    def new_sheet(self, title: str) -> Worksheet:
        return self.wb[title]

    def constants_sheet(self) -> None:
        ws = self.new_sheet("Constants")
        heading(ws, "Constants", "Fixed numbers the formulas use, named so no formula hides "
                "a constant. Do not change them: the engine uses the same values.")
        header_row(ws, 3, ("name", "value", "unit", "meaning"))
        for row, (name, value, unit, meaning) in enumerate(CONSTANTS, start=4):
            ws.cell(row, 1, name)
            ws.cell(row, 2, value).number_format = "0.E+00" if value < 1 else "#,##0"
            ws.cell(row, 3, unit)
            ws.cell(row, 4, meaning)
            self.name(name, f"Constants!$B${row}")
        widths(ws, (24, 14, 10, 90))

    # Workings: scenario-level quantities. (name, label, unit, formula, format)
    def scalar_rows(self) -> list[tuple[str, str, str, str, str]]:
        sc = self.scenario
        g, r, d = sc["monthly_growth"], sc["discount_rate"], sc["horizon_days"]

        def log1p(x: str) -> str:
            # ln(1+x) without losing digits for tiny x (Kahan's trick; Excel has no LOG1P).
            return f"IF(1+{x}=1,{x},LN(1+{x})*{x}/((1+{x})-1))"

        def geometric(step: str, over: str) -> str:
            # sum of step^j for j=0..D-1 = (step^D-1)/(step-1), with Kahan's correction
            # (w-1)/LN(w) so it stays exact when the step is within a hair of 1.
            return (f"IF({step}=1,{d},{d}*(({over}-1)/LN({over}))/(({step}-1)/LN({step})))")

        be = "recommended_break_even_day"
        last = column_letter(3 + self.n)
        top = f"MAX(Timeline!$C$2:${last}${self.mirror.days.size + 1})"
        money, fine = self.money, "0.000000000000"
        return [
            ("growth_log1p", "ln(1 + monthly growth)", "", log1p(g), fine),
            ("daily_log_growth", "Daily log growth ln q", "per day",
             "growth_log1p*months_per_year/days_per_year", fine),
            ("discount_log1p", "ln(1 + discount rate)", "", log1p(r), fine),
            ("daily_log_discount", "Daily log discount ln δ", "per day",
             "-discount_log1p/days_per_year", fine),
            ("daily_growth_factor", "Daily growth factor q", "", "EXP(daily_log_growth)", fine),
            ("growth_over_horizon", "q to the power horizon", "",
             f"EXP(daily_log_growth*{d})", fine),
            ("volume_factor_horizon", "Requests over the horizon per request on day 1 (V(D)/N0)",
             "days", geometric("daily_growth_factor", "growth_over_horizon"), "#,##0.000000"),
            ("discount_per_day", "Daily discount factor δ", "", "EXP(daily_log_discount)", fine),
            ("discount_over_horizon", "δ to the power horizon", "",
             f"EXP(daily_log_discount*{d})", fine),
            ("fixed_pv_factor", "Present value of 1 a day over the horizon", "days",
             "discount_per_day*" + geometric("discount_per_day", "discount_over_horizon"),
             "#,##0.000000"),
            ("usage_step", "Growth times discount per day qδ", "",
             "EXP(daily_log_growth+daily_log_discount)", fine),
            ("usage_over_horizon", "qδ to the power horizon", "",
             f"EXP((daily_log_growth+daily_log_discount)*{d})", fine),
            ("usage_pv_factor", "Present value of the requests per request on day 1", "days",
             "discount_per_day*" + geometric("usage_step", "usage_over_horizon"),
             "#,##0.000000"),
            ("baseline_row", "Baseline: row in Options", "row",
             f'IF({sc["baseline_option"]}="",IFERROR(MATCH("prompting",wk_approach,0),1),'
             f'MATCH({sc["baseline_option"]},wk_name,0))', "0"),
            ("any_qualifying", "Options meeting the minimum quality (1 = some, 0 = none)", "",
             "IF(SUM(wk_qualifies)>0,1,0)", "0"),
            ("recommended_row", "Recommended: row in Options", "row",
             "MATCH(MIN(wk_recommend_score),wk_recommend_score,0)", "0"),
            ("recommended_option", "Recommended option", "",
             "INDEX(res_name,recommended_row)", "@"),
            ("recommended_total_cost", "Recommended option: total cost", "",
             "INDEX(res_total_cost,recommended_row)", money),
            ("recommended_savings", "Recommended option: savings against the baseline", "",
             "INDEX(res_savings_vs_baseline,recommended_row)", money),
            ("recommended_break_even_day", "Recommended option: break-even day", "day",
             "INDEX(res_break_even_day,recommended_row)", "0"),
            ("chart_marker_day", "Chart: day of the break-even line (#N/A = none)", "day",
             f'IF(OR(recommended_row=baseline_row,{be}=""),NA(),{be})', "0"),
            ("chart_marker_top", "Chart: top of the break-even line", "", top, money),
        ]

    SCALAR_NOTES: ClassVar[dict[str, str]] = {
        "growth_log1p": "LN(1+g), written so tiny growth rates keep every digit.",
        "volume_factor_horizon": "Sum of q^(t-1) for t = 1..horizon_days: requests served over "
        "the horizon for each request on day 1. Equals horizon_days without growth.",
        "fixed_pv_factor": "Sum of δ^t for t = 1..horizon_days: today's value of paying 1 a "
        "day. Equals horizon_days without discounting.",
        "usage_pv_factor": "Sum of q^(t-1)·δ^t for t = 1..horizon_days.",
        "baseline_row": "baseline_option's row in Options; blank = the first prompting option, "
        "else the first option.",
        "recommended_row": "Lowest npv_cost among options meeting min_quality (all options "
        "when none does); MATCH finds the earliest row on a tie.",
    }

    def workings_sheet(self) -> None:
        ws = self.new_sheet("Workings")
        self.ws_workings = ws
        heading(ws, "Workings", "Intermediate quantities the Results formulas use. Formulas "
                "only: change inputs on the Scenario and Options sheets.")
        header_row(ws, 3, ("quantity", "value", "unit", "defined name", "how it is computed"))
        row = 4
        for name, label, unit, formula, fmt in self.scalar_rows():
            if name == "chart_marker_day":
                break
            ws.cell(row, 1, label)
            self.cells.formula(ws, f"B{row}", formula, self.mirror.scalars[name], fmt)
            ws.cell(row, 3, unit)
            ws.cell(row, 4, name)
            ws.cell(row, 5, self.SCALAR_NOTES.get(name, "formula: " + formula))
            self.name(name, f"Workings!$B${row}")
            row += 1
        # The break-even line of the Timeline chart: two points on the recommended option's day.
        row += 1
        ws.cell(row, 1, "Chart helper: break-even line").font = bold()
        self.chart_rows = (row + 1, row + 2)
        scalars = dict((s[0], s) for s in self.scalar_rows())
        for k, r in enumerate(self.chart_rows):
            ws.cell(r, 1, "bottom" if k == 0 else "top")
            day = scalars["chart_marker_day"]
            value = self.mirror.scalars["recommended_break_even_day"]
            marker = ("#N/A" if value is None or self.result.analysis.recommended
                      == self.result.analysis.baseline else value)
            self.cells.formula(ws, f"B{r}", day[3], marker, "0")
            if k == 0:
                ws.cell(r, 3, 0)
            else:
                self.cells.formula(ws, f"C{r}", scalars["chart_marker_top"][3],
                                   float(self.mirror.cumulative.max()), self.money)
        ws.cell(self.chart_rows[0] - 1, 2, "day")
        ws.cell(self.chart_rows[0] - 1, 3, "cost")

        # Per-option block.
        self.wk_first = self.chart_rows[1] + 3
        ws.cell(self.wk_first - 2, 1, "Per option (rows in Options order)").font = bold()
        self.wk_cols = {c.key: i + 1 for i, c in enumerate(WORKING_COLUMNS)}
        header_row(ws, self.wk_first - 1, [c.key for c in WORKING_COLUMNS],
                   notes=[c.note for c in WORKING_COLUMNS])
        last = self.wk_first + self.n - 1
        for c in WORKING_COLUMNS:
            col = column_letter(self.wk_cols[c.key])
            self.name(f"wk_{c.key}", f"Workings!${col}${self.wk_first}:${col}${last}")
        for i in range(self.n):
            r = self.wk_first + i
            ws.cell(r, 1, i + 1)
            for c in WORKING_COLUMNS[1:]:
                ref = f"{column_letter(self.wk_cols[c.key])}{r}"
                self.cells.formula(ws, ref, self.working_formula(c.key, i),
                                   self.mirror.workings[i][c.key], self.fmt(c.fmt))
        widths(ws, (44, 20, 10, 28, 80, 18, 18, 18, 18, 18, 18, 18))

    def fmt(self, kind: str) -> str:
        return {"money": self.money, "money_fine": self.money_fine}.get(kind, kind)

    def res(self, key: str, i: int) -> str:
        return f"Results!${column_letter(RESULT_INDEX[key])}${i + 2}"

    def wk(self, key: str, i: int) -> str:
        return f"Workings!${column_letter(self.wk_cols[key])}${self.wk_first + i}"

    def working_formula(self, key: str, i: int) -> str:
        o = lambda f: self.option(i, f)  # noqa: E731
        res = lambda k: self.res(k, i)  # noqa: E731
        base = lambda k: f"INDEX(res_{k},baseline_row)"  # noqa: E731
        sc = self.scenario
        if key == "name":
            return o("name")
        if key == "approach":
            return o("approach")
        if key == "qualifies":
            q = o("quality_score")
            return (f'IF({sc["min_quality"]}="",1,IF(AND(ISNUMBER({q}),'
                    f'{q}>={sc["min_quality"]}),1,0))')
        if key == "recommend_score":
            return f'IF(OR(any_qualifying=0,{self.wk("qualifies", i)}=1),{res("npv_cost")},"")'
        if key == "training_pv_factor":
            # Runs are paid at days 0, R, 2R, ...: sum of δ^(kR) for k < runs.
            step, over = f"EXP(daily_log_discount*{o('retrain_every_days')})", \
                f"EXP(daily_log_discount*{o('retrain_every_days')}*{res('training_runs')})"
            n = res("training_runs")
            return f"IF({step}=1,{n},{n}*(({over}-1)/LN({over}))/(({step}-1)/LN({step})))"
        if key == "investment":
            return f"{res('upfront_cost')}+{res('training_cost_per_run')}"
        if key == "extra_investment":
            return f"{self.wk('investment', i)}-INDEX(wk_investment,baseline_row)"
        if key == "daily_saving":
            return (f"({base('cost_per_request')}-{res('cost_per_request')})"
                    f"*{sc['requests_per_day']}+{base('daily_fixed_cost')}"
                    f"-{res('daily_fixed_cost')}")
        if key == "fixed_part":
            return (f"{res('upfront_cost')}+{res('training_runs')}*{res('training_cost_per_run')}"
                    f"+{res('daily_fixed_cost')}*{sc['horizon_days']}")
        if key == "unit_gap":
            return f"{base('cost_per_request')}-{res('cost_per_request')}"
        if key == "training_token_cost":
            return (f"{res('training_runs')}*{o('epochs')}*{o('price_training_per_1m')}"
                    "/tokens_per_price_unit")
        raise KeyError(key)

    def results_sheet(self) -> None:
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import Font, PatternFill
        from openpyxl.worksheet.table import Table, TableStyleInfo

        ws = self.new_sheet("Results")
        header_row(ws, 1, [c.key for c in RESULT_COLUMNS], notes=[c.note for c in RESULT_COLUMNS])
        for i in range(self.n):
            for c in RESULT_COLUMNS:
                ref = f"{column_letter(RESULT_INDEX[c.key])}{i + 2}"
                self.cells.formula(ws, ref, self.result_formula(c.key, i),
                                   self.result_value(c.key, i), self.fmt(c.fmt))
        last_col = column_letter(len(RESULT_COLUMNS))
        last_row = self.n + 1
        for c in RESULT_COLUMNS:
            col = column_letter(RESULT_INDEX[c.key])
            self.name(f"res_{c.key}", f"Results!${col}$2:${col}${last_row}")
        table = Table(displayName="Results", ref=f"A1:{last_col}{last_row}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        rec = column_letter(RESULT_INDEX["recommended"])
        basecol = column_letter(RESULT_INDEX["is_baseline"])
        area = f"A2:{last_col}{last_row}"
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f"${rec}2=TRUE"], fill=PatternFill("solid", bgColor=RECOMMENDED_FILL),
            font=Font(bold=True)))
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f"${basecol}2=TRUE"], font=Font(italic=True, color="595959")))
        ws.freeze_panes = "B2"
        widths(ws, [28, 13] + [18] * (len(RESULT_COLUMNS) - 2))

    def result_value(self, key: str, i: int) -> Cached:
        analysis = self.result.analysis
        option = self.book.options[i]
        if key in ("name", "approach"):
            return getattr(option, key)
        if key == "is_baseline":
            return i == analysis.baseline
        if key == "recommended":
            return i == analysis.recommended
        return blank_if_undefined(analysis.results[key][i])

    def result_formula(self, key: str, i: int) -> str:
        o = lambda f: self.option(i, f)  # noqa: E731
        own = lambda k: f"{column_letter(RESULT_INDEX[k])}{i + 2}"  # noqa: E731
        wk = lambda k: self.wk(k, i)  # noqa: E731
        sc = self.scenario
        base_total = "INDEX(res_total_cost,baseline_row)"
        if key in ("name", "approach"):
            return o(key)
        if key == "cost_per_request":
            inp, s = o("input_tokens"), o("cached_input_share")
            return (f"({inp}*(1-{s})*{o('price_input_per_1m')}"
                    f"+{inp}*{s}*{o('price_cached_input_per_1m')}"
                    f"+{o('output_tokens')}*{o('price_output_per_1m')})/tokens_per_price_unit")
        if key == "daily_fixed_cost":
            return (f"{o('hosting_per_hour')}*{o('hosting_hours_per_day')}"
                    f"+{o('monthly_fixed_cost')}*months_per_year/days_per_year")
        if key == "training_cost_per_run":
            return (f"{o('training_tokens')}*{o('epochs')}*{o('price_training_per_1m')}"
                    f"/tokens_per_price_unit+{o('training_hours')}"
                    f"*{o('price_per_training_hour')}")
        if key == "training_runs":
            r = o("retrain_every_days")
            return f"IF({r}>0,MAX(1,1+INT(({sc['horizon_days']}-1)/{r})),1)"
        if key == "upfront_cost":
            return f"{o('one_time_cost')}+{o('data_generation_cost')}"
        if key == "total_cost":
            return (f"{own('upfront_cost')}+{own('training_runs')}*{own('training_cost_per_run')}"
                    f"+{own('daily_fixed_cost')}*{sc['horizon_days']}"
                    f"+{own('cost_per_request')}*{sc['requests_per_day']}*volume_factor_horizon")
        if key == "npv_cost":
            return (f"{own('upfront_cost')}+{own('training_cost_per_run')}"
                    f"*{wk('training_pv_factor')}+{own('daily_fixed_cost')}*fixed_pv_factor"
                    f"+{own('cost_per_request')}*{sc['requests_per_day']}*usage_pv_factor")
        if key == "savings_vs_baseline":
            return f"{base_total}-{own('total_cost')}"
        if key == "savings_pct":
            return f'IF({base_total}>0,{own("savings_vs_baseline")}/{base_total},"")'
        if key == "break_even_day":
            marks = self.mark_range(i)
            return f'IF(INDEX({marks},{sc["horizon_days"]}+1)>0,"",MAX({marks}))'
        if key == "steady_state_break_even_days":
            return (f'IF({wk("daily_saving")}>0,MAX({wk("extra_investment")}'
                    f'/{wk("daily_saving")},0),"")')
        if key == "max_training_tokens":
            return (f'IF({wk("training_token_cost")}>0,{o("training_tokens")}'
                    f'+{own("savings_vs_baseline")}/{wk("training_token_cost")},"")')
        if key == "break_even_requests_per_day":
            return (f'IF({wk("unit_gap")}<>0,({wk("fixed_part")}-INDEX(wk_fixed_part,'
                    f'baseline_row))/({wk("unit_gap")}*volume_factor_horizon),"")')
        if key == "break_even_tokens_per_hour":
            volume = own("break_even_requests_per_day")
            return (f'IF(ISNUMBER({volume}),{volume}*({o("input_tokens")}'
                    f'+{o("output_tokens")})/hours_per_day,"")')
        if key == "roi":
            return (f'IF({wk("investment")}>0,{own("savings_vs_baseline")}'
                    f'/{wk("investment")},"")')
        if key == "rank":
            npv = own("npv_cost")
            col = column_letter(RESULT_INDEX["npv_cost"])
            return (f"SUMPRODUCT(--(res_npv_cost<{npv}))"
                    f"+SUMPRODUCT(--(${col}$2:{npv}={npv}))")
        if key == "is_baseline":
            return f"{wk('option_no')}=baseline_row"
        if key == "recommended":
            return f"{wk('option_no')}=recommended_row"
        raise KeyError(key)

    # Timeline: A day, B volume factor, C baseline cost, then one cost column per option,
    # a gap for the chart, then one payback-mark column per option.
    def timeline_layout(self) -> tuple[int, int]:
        first_cost = 4
        first_mark = first_cost + self.n + 14
        return first_cost, first_mark

    def mark_range(self, i: int) -> str:
        col = column_letter(self.timeline_layout()[1] + i)
        return f"Timeline!${col}$2:${col}${self.mirror.days.size + 1}"

    def timeline_sheet(self) -> None:
        ws = self.new_sheet("Timeline")
        m, sc = self.mirror, self.scenario
        first_cost, first_mark = self.timeline_layout()
        notes = {
            1: "Day t of the horizon (day 0 = before the first request: up-front cost and the "
               "first training run).",
            2: "V(d)/N0: requests through day d per request on day 1 = previous row + "
               "q^(d-1), with q = EXP(daily_log_growth).",
            3: "Cumulative cost of the baseline option (INDEX on baseline_row): the dashed line "
               "of the chart.",
        }
        header_row(ws, 1, ("day", "volume_factor", ""), notes=list(notes.values()))
        self.cells.formula(ws, "C1", '"baseline: "&INDEX(res_name,baseline_row)',
                           "baseline: " + self.book.options[self.result.analysis.baseline].name)
        cost_cols = [column_letter(first_cost + i) for i in range(self.n)]
        mark_cols = [column_letter(first_mark + i) for i in range(self.n)]
        from openpyxl.comments import Comment

        for i, option in enumerate(self.book.options):
            for col, prefix in ((cost_cols[i], ""), (mark_cols[i], "payback mark: ")):
                cell = ws[f"{col}1"]
                self.cells.formula(ws, f"{col}1", (f'"{prefix}"&' if prefix else "")
                                   + self.res("name", i), prefix + option.name)
                style_header(cell)
            ws[f"{cost_cols[i]}1"].comment = note(
                "Cumulative cost C(d) = upfront_cost + n(d)·training_cost_per_run + "
                "daily_fixed_cost·d + cost_per_request·requests_per_day·volume_factor, with "
                "n(d) = 1 + INT((d-1)/retrain_every_days) training runs (at least 1; 1 when "
                "retrain_every_days is 0).", Comment)
            ws[f"{mark_cols[i]}1"].comment = note(
                "d+1 when the option is dearer than the baseline on day d (by more than "
                "cost_tolerance of the larger cost) and d <= horizon_days, else 0. The largest "
                "mark is the break-even day; a mark on the last day means no payback.", Comment)
        cached = self.cells.cached.setdefault("Timeline", {})
        money = self.money
        width = len(self.book.options)
        costs_row = (f"${column_letter(first_cost)}{{r}}:"
                     f"${column_letter(first_cost + width - 1)}{{r}}")
        runs_of = [self.option(i, "retrain_every_days") for i in range(self.n)]
        res_refs = [{k: self.res(k, i) for k in ("upfront_cost", "training_cost_per_run",
                                                 "daily_fixed_cost", "cost_per_request")}
                    for i in range(self.n)]
        n0 = sc["requests_per_day"]
        for d in range(m.days.size):
            r = d + 2
            ws.cell(r, 1, d)
            if d == 0:
                ws.cell(r, 2, 0)
            else:
                put(ws, r, 2, f"=B{r - 1}+EXP(daily_log_growth*(A{r}-1))", "#,##0.00")
                cached[f"B{r}"] = float(m.volume[d])
            put(ws, r, 3, f"=INDEX({costs_row.format(r=r)},baseline_row)", money)
            cached[f"C{r}"] = float(m.cumulative[d, self.result.analysis.baseline])
            for i in range(self.n):
                x = res_refs[i]
                rr = runs_of[i]
                put(ws, r, first_cost + i,
                    f"={x['upfront_cost']}+IF({rr}>0,MAX(1,1+INT(($A{r}-1)/{rr})),1)"
                    f"*{x['training_cost_per_run']}+{x['daily_fixed_cost']}*$A{r}"
                    f"+{x['cost_per_request']}*{n0}*$B{r}", money)
                cached[f"{cost_cols[i]}{r}"] = float(m.cumulative[d, i])
                c = f"{cost_cols[i]}{r}"
                put(ws, r, first_mark + i,
                    f"=IF(AND($A{r}<={sc['horizon_days']},{c}-$C{r}>cost_tolerance"
                    f"*MAX(ABS({c}),ABS($C{r}))),$A{r}+1,0)", "0")
                cached[f"{mark_cols[i]}{r}"] = float(m.marks[d, i])
        ws.freeze_panes = "B2"
        widths(ws, [8, 14, 30] + [18] * self.n)
        self.timeline_chart(ws, first_cost, first_mark)

    def timeline_chart(self, ws: Worksheet, first_cost: int, first_mark: int) -> None:
        from openpyxl.chart import Reference, ScatterChart, Series

        last = self.mirror.days.size + 1
        chart = ScatterChart()
        chart.title = "Cumulative cost by day (dashed: baseline; red: recommended break-even)"
        chart.style = 2
        chart.x_axis.title = "Day"
        chart.y_axis.title = f"Cumulative cost ({self.money.split(chr(34))[1]})"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 12, 24
        days = Reference(ws, min_col=1, min_row=2, max_row=last)

        def line(series: Series, color: str | None, width: int, dash: str | None = None) -> None:
            series.marker.symbol = "none"
            series.smooth = False
            props = series.graphicalProperties.line
            props.width = width
            if color:
                props.solidFill = color
            if dash:
                props.dashStyle = dash
            chart.series.append(series)

        for i in range(self.n):
            values = Reference(ws, min_col=first_cost + i, min_row=1, max_row=last)
            line(Series(values, days, title_from_data=True), None, 22000)
        baseline = Reference(ws, min_col=3, min_row=1, max_row=last)
        line(Series(baseline, days, title_from_data=True), "000000", 38000, "dash")
        top, bottom = self.chart_rows
        marker = Series(Reference(self.ws_workings, min_col=3, min_row=top, max_row=bottom),
                        Reference(self.ws_workings, min_col=2, min_row=top, max_row=bottom),
                        title="Break-even day of the recommended option")
        line(marker, "C00000", 28000, "sysDash")
        ws.add_chart(chart, f"{column_letter(first_cost + self.n + 1)}3")

    def run_sheet(self) -> None:
        from ftreport import __version__
        from ftreport.model.pricebook import load_pricebook

        ws = self.new_sheet("Run")
        s, a = self.book.scenario, self.result.analysis
        heading(ws, "Run", "How and from what this report was made.")
        rows = [
            ("tool", "ftreport"), ("tool_version", __version__),
            ("generated_at_utc", datetime.now(UTC).replace(tzinfo=None).isoformat(
                timespec="seconds")),
            ("input_file", Path(self.book.path).name), ("input_sha256", self.book.sha256),
            ("mc_seed", s.mc_seed),
            ("mc_iterations", self.result.simulation.iterations
             if self.result.simulation is not None else 0),
            ("pricebook_as_of", load_pricebook().as_of), ("currency", s.currency),
            ("baseline_at_run", a.options[a.baseline].name),
            ("recommended_at_run", a.options[a.recommended].name),
            ("formulas", "Results, Timeline and Workings are live formulas over the Scenario "
             "and Options sheets; the cached values are ftreport's engine at run time. "
             "Timeline covers days 0..horizon_days of this run: a longer horizon needs a re-run."),
        ]
        for row, (key, value) in enumerate(rows, start=3):
            ws.cell(row, 1, key).font = bold()
            ws.cell(row, 2, value)
        widths(ws, (22, 100))

    def define_names(self) -> None:
        from openpyxl.workbook.defined_name import DefinedName

        for name, ref in self.names:
            self.wb.defined_names[name] = DefinedName(name, attr_text=ref)


def put(ws: Worksheet, row: int, col: int, value: object, fmt: str) -> None:
    cell = ws.cell(row, col, value)
    cell.number_format = fmt


def bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def note(text: str, comment: Callable[..., Any]) -> Any:
    made = comment(text, NOTE_AUTHOR)
    made.width, made.height = 320, 160
    return made


def style_header(cell: Any) -> None:
    from openpyxl.styles import Alignment, PatternFill

    cell.font = bold()
    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def header_row(ws: Worksheet, row: int, keys: Sequence[str],
               notes: Sequence[str] | None = None) -> None:
    from openpyxl.comments import Comment

    for col, key in enumerate(keys, start=1):
        cell = ws.cell(row, col, key or None)
        style_header(cell)
        if notes and col <= len(notes) and notes[col - 1]:
            cell.comment = note(notes[col - 1], Comment)


def heading(ws: Worksheet, title: str, text: str) -> None:
    from openpyxl.styles import Font

    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.cell(2, 1, text)


def widths(ws: Worksheet, values: Sequence[float]) -> None:
    for col, width in enumerate(values, start=1):
        ws.column_dimensions[column_letter(col)].width = width


M, FINE, DAYS, TOKENS, PCT = "money", "money_fine", '#,##0.0 "days"', '#,##0 "tokens"', "0.00%"
RESULT_COLUMNS = (
    Column("name", "@", "The option's name, from Options (name)."),
    Column("approach", "@", "prompting, fine-tuning, distillation or self-hosted, from Options."),
    Column("cost_per_request", FINE, "Cost of one request u = (input_tokens·(1-cached_input_"
           "share)·price_input_per_1m + input_tokens·cached_input_share·price_cached_input_per_"
           "1m + output_tokens·price_output_per_1m) / tokens_per_price_unit."),
    Column("daily_fixed_cost", M, "Fixed cost per day F = hosting_per_hour·hosting_hours_per_"
           "day + monthly_fixed_cost·months_per_year/days_per_year."),
    Column("training_cost_per_run", M, "Cost of one training run T = training_tokens·epochs·"
           "price_training_per_1m/tokens_per_price_unit + training_hours·price_per_training_"
           "hour."),
    Column("training_runs", "0", "Training runs over the horizon n = 1 + INT((horizon_days-1)"
           "/retrain_every_days); 1 when retrain_every_days is 0."),
    Column("upfront_cost", M, "Up-front cost U = one_time_cost + data_generation_cost."),
    Column("total_cost", M, "Everything spent over the horizon C = U + n·T + F·horizon_days + "
           "u·requests_per_day·volume_factor_horizon (Workings: requests over the horizon per "
           "request on day 1, with monthly growth)."),
    Column("npv_cost", M, "Present value of the costs at discount_rate a year: U + T·(sum of "
           "δ^(k·R) over the training runs) + F·fixed_pv_factor + u·requests_per_day·usage_pv_"
           "factor (Workings). Equals total_cost when discount_rate is 0. Ranks the options."),
    Column("savings_vs_baseline", M, "Baseline's total_cost minus this option's total_cost "
           "(positive = cheaper than the baseline)."),
    Column("savings_pct", PCT, "savings_vs_baseline / baseline's total_cost. Blank when the "
           "baseline costs nothing."),
    Column("break_even_day", '0 "days"', "Payback day: the first day from which this option's "
           "cumulative cost stays at or below the baseline's to the end of the horizon (the "
           "largest payback mark on Timeline). 0 = cheaper from the start; blank = dearer on the "
           "last day (no payback within the horizon)."),
    Column("steady_state_break_even_days", DAYS, "D_min = extra up-front and training "
           "investment / daily saving, ignoring growth and retraining: (U+T-U_b-T_b) / "
           "((u_b-u)·requests_per_day + F_b-F), at least 0. Blank = never (no daily saving)."),
    Column("max_training_tokens", TOKENS, "T_max: training tokens at which savings fall to "
           "zero, all else equal = training_tokens + savings_vs_baseline / (training_runs·"
           "epochs·price_training_per_1m/tokens_per_price_unit). Negative: not cost-effective at "
           "any size. Blank when training is not priced per token."),
    Column("break_even_requests_per_day", "#,##0.0", "Requests on day 1 at which this option's "
           "total equals the baseline's: (A - A_b) / ((u_b - u)·volume_factor_horizon) with A = U"
           " + n·T + F·horizon_days. Cheaper above it when its requests are cheaper than the "
           "baseline's, below it otherwise. Blank when both cost the same per request."),
    Column("break_even_tokens_per_hour", "#,##0", "break_even_requests_per_day·(input_tokens"
           " + output_tokens)/hours_per_day: the same volume as tokens per hour."),
    Column("roi", PCT, "Return on investment = savings_vs_baseline / (upfront_cost + training_"
           "cost_per_run). Blank when nothing is invested."),
    Column("rank", "0", "1 = lowest npv_cost; ties go to the earlier row."),
    Column("is_baseline", "General", "TRUE for the baseline option (baseline_option; blank = the"
           " first prompting option)."),
    Column("recommended", "General", "TRUE for the recommended option: lowest npv_cost among "
           "the options meeting min_quality (all when none does), ties to the earlier row. "
           "Highlighted green."),
)
RESULT_INDEX = {c.key: i + 1 for i, c in enumerate(RESULT_COLUMNS)}
WORKING_COLUMNS = (
    Column("option_no", "0", "Row of the option in Options (1 = first)."),
    Column("name", "@", "The option's name."),
    Column("approach", "@", "The option's approach (finds the default baseline)."),
    Column("qualifies", "0", "1 when min_quality is blank or quality_score >= min_quality, "
           "else 0."),
    Column("recommend_score", M, "npv_cost when the option may be recommended (qualifies, or no"
           " option does), else blank. The recommended option has the smallest."),
    Column("training_pv_factor", "0.000000", "Sum of δ^(k·retrain_every_days) for k = 0..n-1:"
           " present value of 1 paid at every training run."),
    Column("investment", M, "upfront_cost + training_cost_per_run (the ROI denominator)."),
    Column("extra_investment", M, "investment minus the baseline's (D_min numerator)."),
    Column("daily_saving", M, "(u_b - u)·requests_per_day + F_b - F: saving per day at day-1 "
           "volume (D_min denominator)."),
    Column("fixed_part", M, "A = U + n·T + F·horizon_days: total cost apart from requests."),
    Column("unit_gap", FINE, "Baseline's cost_per_request minus this option's."),
    Column("training_token_cost", FINE, "training_runs·epochs·price_training_per_1m / "
           "tokens_per_price_unit: cost of one more training token over the horizon."),
)


# ----------------------------------------------------------------------------------------
# Safety and the write itself


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (``~$name``) or LibreOffice (``.~lock.name#``) leave for an open file."""
    candidates = [path.with_name("~$" + path.name), path.with_name(".~lock." + path.name + "#")]
    if len(path.name) > 2:  # Excel shortens long names: ~$ replaces the first two characters
        candidates.append(path.with_name("~$" + path.name[2:]))
    return [p for p in candidates if p.exists()]


def check_in_place(result: RunResult, target: Path, load_warnings: list[str]) -> None:
    """Raise ReportError unless writing into the analyst's own file loses nothing."""
    import hashlib

    source = Path(result.book.path)
    if target.resolve() != source.resolve():
        raise ReportError(f"in-place writing goes into the input file {source}, not {target}")
    why: list[str] = []
    locks = lock_files(source)
    if locks:
        why.append(f"it is open in Excel or LibreOffice (lock file {locks[0].name})")
    if source.suffix.lower() != ".xlsx":
        why.append(f"it is a {source.suffix} file; only .xlsx can be rewritten safely")
    if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != result.book.sha256:
        why.append("it changed after ftreport read it")
    why += [f"it holds {what}" for what in unsafe_content(source, OUTPUT_SHEETS)]
    why += [f"openpyxl would drop content: {w}" for w in load_warnings]
    if why:
        raise ReportError(f"{source}: not written in place because " + "; ".join(why)
                          + ". Nothing was changed; write a separate report instead "
                          "(ftreport run without --in-place).")


def load(path: Path) -> tuple[Workbook, list[str]]:
    """The workbook with everything openpyxl keeps, and its warnings about what it drops."""
    from openpyxl import load_workbook

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(path, rich_text=True)
    return wb, sorted({str(w.message) for w in caught})


def remove_outputs(wb: Workbook) -> None:
    """Drop a previous run's sheets and names so a re-run replaces them."""
    owned = re.compile(r"^'?(" + "|".join(OUTPUT_SHEETS) + r")'?!")
    for name in list(wb.defined_names):
        if owned.match(wb.defined_names[name].attr_text or "") or name in RECOMMENDED_NAMES:
            del wb.defined_names[name]
    for title in OUTPUT_SHEETS:
        if title in wb.sheetnames:
            wb.remove(wb[title])
    if wb.active is None:
        wb.active = 0


def write_report(result: RunResult, target: Path, *, in_place: bool = False) -> None:
    """Write the analyst's workbook plus the result sheets to ``target``.

    A normal run never touches the input file. ``in_place=True`` writes into
    the input file itself, and refuses (ReportError, the file untouched) when
    that could lose anything. Either way the file appears whole or not at all.
    """
    from ftreport.fileio import atomic_write

    source, target = Path(result.book.path), Path(target)
    if not source.exists():
        raise ReportError(f"{source}: the input workbook is gone; cannot write the report")
    if not in_place and target.exists() and target.resolve() == source.resolve():
        raise ReportError(f"{target}: is the input workbook; use in_place to write into it")
    wb, load_warnings = load(source)
    if in_place:
        check_in_place(result, target, load_warnings)
    remove_outputs(wb)
    builder = ReportBuilder(wb, result)
    builder.build()
    from openpyxl.workbook.properties import CalcProperties

    # Excel and LibreOffice recompute every formula on open; the cached values are for
    # readers that never calculate.
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    if in_place and lock_files(source):  # opened while we were computing
        raise ReportError(f"{source}: opened in Excel or LibreOffice meanwhile; not written")
    # The analyst's own formulas keep the values their file had (openpyxl drops them).
    kept = {sheet: cells for sheet, cells in formula_values(source).items()
            if sheet not in OUTPUT_SHEETS and sheet in wb.sheetnames}
    with atomic_write(target) as temp:
        wb.save(temp)
        add_cached_values(temp, builder.cells.cached)
        add_cached_values(temp, kept, complete=False)
