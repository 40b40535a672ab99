"""Where every quantity of a report lives: the Workings rows and columns, the Results
columns (the results schema's order) and the Timeline columns, and the references
the formulas use to reach them and the inputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ftreport.model.inputs import ScenarioBook
from ftreport.model.outputs import SHEET_OUTPUTS
from ftreport.model.problems import ReportError
from ftreport.workbook.cells import absolute, column_letter

FINE = "0.000000000000"  # a factor to twelve decimals
FACTOR = "#,##0.000000"


@dataclass(frozen=True)
class ScenarioWorking:
    """One scenario-level row of Workings; ``note`` None shows its formula instead."""

    name: str  # its defined name, and its key in ftreport.engine.workings
    label: str
    unit: str
    fmt: str  # a number format, or "money"
    note: str | None = None


SCENARIO_WORKINGS = (
    ScenarioWorking("growth_log1p", "ln(1 + monthly growth)", "", FINE,
                    "LN(1+g), written so tiny growth rates keep every digit."),
    ScenarioWorking("daily_log_growth", "Daily log growth ln q", "per day", FINE),
    ScenarioWorking("discount_log1p", "ln(1 + discount rate)", "", FINE),
    ScenarioWorking("daily_log_discount", "Daily log discount ln δ", "per day", FINE),
    ScenarioWorking("daily_growth_factor", "Daily growth factor q", "", FINE),
    ScenarioWorking("growth_over_horizon", "q to the power horizon", "", FINE),
    ScenarioWorking("volume_factor_horizon", "Requests over the horizon per request on day 1 "
                    "(V(D)/N0)", "days", FACTOR, "Sum of q^(t-1) for t = 1..horizon_days: "
                    "requests served over the horizon for each request on day 1. Equals "
                    "horizon_days without growth."),
    ScenarioWorking("discount_per_day", "Daily discount factor δ", "", FINE),
    ScenarioWorking("discount_over_horizon", "δ to the power horizon", "", FINE),
    ScenarioWorking("fixed_pv_factor", "Present value of 1 a day over the horizon", "days",
                    FACTOR, "Sum of δ^t for t = 1..horizon_days: today's value of paying 1 a "
                    "day. Equals horizon_days without discounting."),
    ScenarioWorking("usage_step", "Growth times discount per day qδ", "", FINE),
    ScenarioWorking("usage_over_horizon", "qδ to the power horizon", "", FINE),
    ScenarioWorking("usage_pv_factor", "Present value of the requests per request on day 1",
                    "days", FACTOR, "Sum of q^(t-1)·δ^t for t = 1..horizon_days."),
    ScenarioWorking("baseline_row", "Baseline: row in Options", "row", "0",
                    "baseline_option's row in Options; blank = the first prompting option, "
                    "else the first option."),
    ScenarioWorking("any_qualifying", "Options meeting the minimum quality (1 = some, 0 = "
                    "none)", "", "0"),
    ScenarioWorking("recommended_row", "Recommended: row in Options", "row", "0",
                    "Lowest npv_cost among options meeting min_quality (all options when none "
                    "does); MATCH finds the earliest row on a tie."),
    ScenarioWorking("recommended_option", "Recommended option", "", "@"),
    ScenarioWorking("recommended_total_cost", "Recommended option: total cost", "", "money"),
    ScenarioWorking("recommended_savings", "Recommended option: savings against the baseline",
                    "", "money"),
    ScenarioWorking("recommended_break_even_day", "Recommended option: break-even day", "day",
                    "0"),
)
# The contract's names for the recommendation (docs/workbook.md).
RECOMMENDED_NAMES = ("recommended_option", "recommended_total_cost", "recommended_savings",
                     "recommended_break_even_day")


@dataclass(frozen=True)
class Column:
    """One column of a formula table: its header, number format and explanation."""

    key: str
    fmt: str
    note: str


OPTION_WORKINGS = (
    Column("option_no", "0", "Row of the option in Options (1 = first)."),
    Column("name", "@", "The option's name."),
    Column("approach", "@", "The option's approach (finds the default baseline)."),
    Column("qualifies", "0", "1 when min_quality is blank or quality_score >= min_quality, "
           "else 0."),
    Column("recommend_score", "money", "npv_cost when the option may be recommended "
           "(qualifies, or no option does), else blank. The recommended option has the "
           "smallest."),
    Column("training_pv_factor", "0.000000", "Sum of δ^(k·retrain_every_days) for k = "
           "0..n-1: present value of 1 paid at every training run."),
    Column("investment", "money", "upfront_cost + training_cost_per_run (the ROI "
           "denominator)."),
    Column("extra_investment", "money", "investment minus the baseline's (D_min numerator)."),
    Column("daily_saving", "money", "(u_b - u)·requests_per_day + F_b - F: saving per day at "
           "day-1 volume (D_min denominator)."),
    Column("fixed_part", "money", "A = U + n·T + F·horizon_days: total cost apart from "
           "requests."),
    Column("unit_gap", "money_fine", "Baseline's cost_per_request minus this option's."),
    Column("training_token_cost", "money_fine", "training_runs·epochs·price_training_per_1m / "
           "tokens_per_price_unit: cost of one more training token over the horizon."),
    Column("batch_factor", FINE, "1 - batch_share·batch_discount: the average request's "
           "cost per unit of its normal token cost (cost_per_request multiplies by it)."),
    Column("ties_lowest", "0", "1 when recommend_score is within the tolerance of the "
           "smallest recommend_score (cost-model.md, Ties: equal), else 0. The recommended "
           "option is the baseline when it has 1, else the first row with 1."),
)

RESULT_COLUMN = {o.key: i + 1 for i, o in enumerate(SHEET_OUTPUTS)}
WORKING_COLUMN = {c.key: i + 1 for i, c in enumerate(OPTION_WORKINGS)}
FIRST_SCENARIO_ROW = 4  # below the heading and the header row
# Two points of the Timeline chart's break-even line, a blank row and a title below
# the scenario rows; then the per-option block under its own title and header.
CHART_ROWS = (FIRST_SCENARIO_ROW + len(SCENARIO_WORKINGS) + 2,
              FIRST_SCENARIO_ROW + len(SCENARIO_WORKINGS) + 3)
FIRST_OPTION_ROW = CHART_ROWS[1] + 3
# Timeline: A day, B volume factor, C baseline cost, then one cost column per option,
# a gap for the chart, then one payback-mark column per option.
FIRST_COST_COLUMN = 4
CHART_GAP = 14


class References:
    """The cells a report's formulas refer to, for one scenario workbook."""

    def __init__(self, book: ScenarioBook, defined_names: Mapping[str, object]) -> None:
        self.book = book
        self.options = len(book.options)
        self.last_day_row = int(book.scenario.horizon_days) + 2  # Timeline rows 2..D+2
        self.first_mark_column = FIRST_COST_COLUMN + self.options + CHART_GAP
        self.date_column = FIRST_COST_COLUMN + self.options  # right of the cost columns
        self.scenario = self._scenario(defined_names)

    def _scenario(self, defined_names: Mapping[str, object]) -> dict[str, str]:
        """The defined name of each Scenario input (the contract), else its cell."""
        refs = {}
        for field, cell in self.book.scenario_cells.items():
            refs[field] = field if field in defined_names else absolute(cell)
        for field in ("horizon_days", "requests_per_day", "monthly_growth", "discount_rate",
                      "baseline_option", "min_quality"):
            refs.setdefault(field, field)
        return refs

    def input(self, i: int, field: str) -> str:
        """Option ``i``'s input ``field`` on the Options sheet."""
        try:
            return absolute(self.book.option_cells[i][field])
        except (IndexError, KeyError):
            raise ReportError(f"{self.book.path}: the reader gave no cell for option "
                              f"{i + 1}'s {field}; cannot write live formulas") from None

    def result(self, key: str, i: int) -> str:
        return f"Results!${column_letter(RESULT_COLUMN[key])}${i + 2}"

    def working(self, key: str, i: int) -> str:
        return f"Workings!${column_letter(WORKING_COLUMN[key])}${FIRST_OPTION_ROW + i}"

    def cost_column(self, i: int) -> str:
        return column_letter(FIRST_COST_COLUMN + i)

    def mark_column(self, i: int) -> str:
        return column_letter(self.first_mark_column + i)

    def marks(self, i: int) -> str:
        """Option ``i``'s payback marks on Timeline, day 0 to the last day."""
        col = self.mark_column(i)
        return f"Timeline!${col}$2:${col}${self.last_day_row}"


class OptionRefs:
    """The references of one option's formulas: its inputs, its results, its workings."""

    def __init__(self, refs: References, i: int) -> None:
        self.refs, self.i = refs, i
        self.scenario = refs.scenario

    def input(self, field: str) -> str:
        return self.refs.input(self.i, field)

    def has_input(self, field: str) -> bool:
        """Whether the workbook has the option's ``field`` (one made before it has not)."""
        cells = self.refs.book.option_cells
        return self.i < len(cells) and field in cells[self.i]

    def own(self, key: str) -> str:
        """The option's own Results cell of ``key``, from its Results row."""
        return f"{column_letter(RESULT_COLUMN[key])}{self.i + 2}"

    def result(self, key: str) -> str:
        return self.refs.result(key, self.i)

    def working(self, key: str) -> str:
        return self.refs.working(key, self.i)

    def marks(self) -> str:
        return self.refs.marks(self.i)
