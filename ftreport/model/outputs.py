"""The results schema: one row per output of one option, in the order of the `Results` sheet.

Everything that shows results is generated from this table: the engine's list
of keys, the `Results` sheet's columns and header notes, the JSON's option
objects, the `Simulation` sheet's outputs, the memo's tables and the email's
summary. A new output is one row here, plus its engine expression
(ftreport/engine/compare.py) and its Excel formula (ftreport/workbook/formulas.py).
docs/architecture.md walks through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a value is written: each unit has one Excel number format (ftreport.workbook)
# and one way of writing it in words (ftreport.model.format).
Unit = Literal["text", "money", "unit_money", "count", "share", "ratio", "day", "days",
               "tokens", "requests", "tokens_per_hour", "flag"]
# Where a value comes from: the Options row itself, the cost engine, or the
# analysis above it (rank, baseline, recommendation).
Source = Literal["input", "engine", "analysis"]


@dataclass(frozen=True)
class Output:
    key: str  # the public name: Results header, JSON key, res_<key> defined name
    label: str  # plain words, for sheets and memo tables
    unit: Unit
    note: str  # what it is and how it is computed: the Results header note
    source: Source = "engine"
    whole: bool = False  # a whole number (an int in the JSON)
    sheet: bool = True  # a column of the Results sheet
    simulated: bool = False  # percentiles in the Simulation sheet, memo and JSON
    summary_key: str | None = None  # the recommended option's value in the email summary

    @property
    def never_is_infinite(self) -> bool:
        """Undefined means "never" (+inf in percentiles), not "not applicable"."""
        return self.unit == "day"


OUTPUTS: tuple[Output, ...] = (
    Output("name", "Option", "text", "The option's name, from Options (name).",
           source="input"),
    Output("approach", "Approach", "text", "prompting, fine-tuning, distillation or "
           "self-hosted, from Options.", source="input"),
    Output("model", "Model", "text", "The model of the Options row.", source="input",
           sheet=False),
    Output("cost_per_request", "Cost per request", "unit_money", "Cost of one request u = "
           "(input_tokens·(1-cached_input_share)·price_input_per_1m + input_tokens·"
           "cached_input_share·price_cached_input_per_1m + output_tokens·price_output_per_1m)"
           " / tokens_per_price_unit."),
    Output("daily_fixed_cost", "Fixed cost per day", "money", "Fixed cost per day F = "
           "hosting_per_hour·hosting_hours_per_day + monthly_fixed_cost·months_per_year/"
           "days_per_year."),
    Output("training_cost_per_run", "Cost of one training run", "money", "Cost of one "
           "training run T = training_tokens·epochs·price_training_per_1m/tokens_per_price_"
           "unit + training_hours·price_per_training_hour."),
    Output("training_runs", "Training runs", "count", "Training runs over the horizon n = 1 "
           "+ INT((horizon_days-1)/retrain_every_days); 1 when retrain_every_days is 0.",
           whole=True),
    Output("upfront_cost", "Up-front cost", "money", "Up-front cost U = one_time_cost + "
           "data_generation_cost."),
    Output("total_cost", "Total cost", "money", "Everything spent over the horizon C = U + "
           "n·T + F·horizon_days + u·requests_per_day·volume_factor_horizon (Workings: "
           "requests over the horizon per request on day 1, with monthly growth).",
           simulated=True, summary_key="total_cost"),
    Output("npv_cost", "Present value of cost", "money", "Present value of the costs at "
           "discount_rate a year: U + T·(sum of δ^(k·R) over the training runs) + F·fixed_pv_"
           "factor + u·requests_per_day·usage_pv_factor (Workings). Equals total_cost when "
           "discount_rate is 0. Ranks the options."),
    Output("savings_vs_baseline", "Savings vs baseline", "money", "Baseline's total_cost "
           "minus this option's total_cost (positive = cheaper than the baseline).",
           simulated=True, summary_key="saving"),
    Output("savings_pct", "Savings share", "share", "savings_vs_baseline / baseline's "
           "total_cost. Blank when the baseline costs nothing.", summary_key="saving_pct"),
    Output("break_even_day", "Break-even day", "day", "Payback day: the first day from which "
           "this option's cumulative cost stays at or below the baseline's to the end of the "
           "horizon (the largest payback mark on Timeline). 0 = cheaper from the start; blank "
           "= dearer on the last day (no payback within the horizon).", whole=True,
           simulated=True, summary_key="break_even_day"),
    Output("steady_state_break_even_days", "Steady-state break-even (days)", "days", "D_min "
           "= extra up-front and training investment / daily saving, ignoring growth and "
           "retraining: (U+T-U_b-T_b) / ((u_b-u)·requests_per_day + F_b-F), at least 0. Blank "
           "= never (no daily saving).", simulated=True),
    Output("max_training_tokens", "Max training tokens", "tokens", "T_max: training tokens at "
           "which savings fall to zero, all else equal = training_tokens + savings_vs_baseline"
           " / (training_runs·epochs·price_training_per_1m/tokens_per_price_unit). Negative: "
           "not cost-effective at any size. Blank when training is not priced per token.",
           simulated=True),
    Output("break_even_requests_per_day", "Break-even volume", "requests", "Requests on day "
           "1 at which this option's total equals the baseline's: (A - A_b) / ((u_b - u)·"
           "volume_factor_horizon) with A = U + n·T + F·horizon_days. Cheaper above it when "
           "its requests are cheaper than the baseline's, below it otherwise. Blank when both "
           "cost the same per request."),
    Output("break_even_tokens_per_hour", "Break-even volume in tokens", "tokens_per_hour",
           "break_even_requests_per_day·(input_tokens + output_tokens)/hours_per_day: the "
           "same volume as tokens per hour."),
    Output("roi", "Return on investment", "ratio", "Return on investment as a multiple "
           "(2.0x: savings twice the investment): savings_vs_baseline / investment, "
           "where investment = (upfront_cost + training_runs·training_cost_per_run) "
           "minus the same for the baseline. Blank when that investment is not positive."),
    Output("rank", "Rank", "count", "1 = lowest npv_cost; present values within "
           "cost_tolerance of each other are equal and share a rank.",
           source="analysis", whole=True),
    Output("is_baseline", "Baseline", "flag", "TRUE for the baseline option (baseline_option;"
           " blank = the first prompting option).", source="analysis"),
    Output("recommended", "Recommended", "flag", "TRUE for the recommended option: lowest "
           "npv_cost among the options meeting min_quality (all when none does); among "
           "equal present values the baseline, else the earlier row. Highlighted green.",
           source="analysis"),
)

OUTPUT = {o.key: o for o in OUTPUTS}
# What the cost engine computes per option, in schema order.
ENGINE_KEYS = tuple(o.key for o in OUTPUTS if o.source == "engine")
# The columns of the Results sheet.
SHEET_OUTPUTS = tuple(o for o in OUTPUTS if o.sheet)
# What the Monte Carlo summarises with percentiles.
SIMULATED_KEYS = tuple(o.key for o in OUTPUTS if o.simulated)
# The statistics of each simulated output: percentiles, then means.
PERCENTILES = (5, 25, 50, 75, 95)
