"""What the memo templates receive: frozen, plain view objects, every number formatted.

ftreport.report.context builds a MemoContext from a run; the templates read
these fields by name (a firm's own templates too, so a renamed field breaks
them: keep the names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftreport.report.dated import DatedView

from ftreport.report.breakeven_view import BreakEvenMapView
from ftreport.report.prices_used import PricesUsedView
from ftreport.report.scenario_table import ScenariosView
from ftreport.report.scurve_chart import SCurveView
from ftreport.report.sensitivity_views import JointSensitivityView


@dataclass(frozen=True)
class Meta:
    title: str
    scenario_name: str
    prepared_by: str
    currency: str
    horizon: str
    horizon_days: int
    requests_per_day: str
    monthly_growth: str
    volume_trend: str  # "growing 3.0% a month", "falling 30% a month", "with no growth"
    discount_rate: str
    generated_at: str  # "2026-03-14 09:30 UTC"
    generated_iso: str  # for the PDF's creation date
    generated_date: str
    first_day: str  # calendar date of day 1
    last_day: str  # calendar date of the horizon's last day
    version: str
    input_file: str
    input_sha256: str
    seed: str
    # The newest check date in the price book; kept for firms' own templates (ours give
    # the check dates of the rows used instead, prices_checked).
    pricebook_date: str
    prices_checked: str  # "prices checked 2026-07-31 (3 rows)": the rows the options use
    fx_note: str  # "prices converted at 0.92 EUR per USD"; blank for USD or no book price
    simulated: bool


@dataclass(frozen=True)
class OptionView:
    index: int
    name: str
    approach: str
    model: str
    notes: str
    is_baseline: bool
    is_recommended: bool
    colour: str
    rank: str
    cost_per_request: str
    daily_fixed_cost: str
    training_cost_per_run: str
    training_runs: str
    upfront_cost: str
    total_cost: str
    npv_cost: str
    savings: str
    savings_pct: str
    savings_per_month: str
    break_even_day: str  # "day 123", "day 0", or "none within the horizon"
    break_even_date: str
    steady_state_break_even: str
    max_training_tokens: str
    break_even_volume: str
    break_even_tokens_per_hour: str
    roi: str
    quality_score: str
    training_examples: str
    p_cheapest: str
    p_beats_baseline: str


@dataclass(frozen=True)
class RankingRow:
    """One option's line of the ranking table (ftreport.report.ranking)."""

    rank: str
    name: str
    approach: str
    total_cost: str
    npv_cost: str
    savings: str
    break_even_day: str
    quality_score: str
    meets_floor: str  # "yes" / "no"; blank when no quality floor is set
    p_cheapest: str
    is_baseline: bool
    is_recommended: bool


@dataclass(frozen=True)
class Ranking:
    """Every option ranked, when the columns-across tables cannot show them all."""

    sentence: str  # "15 more options are ranked in the table below, ..."
    rows: list[RankingRow]  # every option, best rank first
    quality_floor: str  # the minimum quality, formatted; blank when none is set


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Decision:
    sentence: str
    verdict: str  # short headline: "Fine-tune: Fine-tuned gpt-4.1-mini"
    switch: bool  # the recommendation is not the baseline
    key_numbers: list[KeyNumber]
    risks: list[str]
    # Page one's sentences after the main one: quality against the baseline's, the
    # simulation's chance and median beside the figures from the inputs as entered.
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SignOff:
    role: str  # "Prepared by", "Reviewed by", "Approved by"
    name: str  # blank: written in by hand


@dataclass(frozen=True)
class PercentileRow:
    name: str
    p_cheapest: str
    p_beats_baseline: str
    total_cost: tuple[str, str, str]  # P5, P50, P95
    savings: tuple[str, str, str]
    break_even_day: tuple[str, str, str]
    p_cheapest_se: str = ""  # standard errors of the two shares, formatted
    p_beats_baseline_se: str = ""


@dataclass(frozen=True)
class SensitivityRow:
    input: str
    low_value: str
    high_value: str
    savings_at_low: str
    savings_at_high: str
    swing: str
    swing_se: str = ""  # the swing's standard error, formatted; empty when it is 0


@dataclass(frozen=True)
class RiskPicture:
    iterations: str
    seed: str
    trimmed: str
    trim_range: str
    focus: str  # the option whose savings the histogram and tornado show
    focus_base: str  # its savings as entered
    focus_savings: tuple[str, str, str]
    histogram: str  # SVG
    colour_key: str  # which bar colours the histogram draws, in a sentence
    rows: list[PercentileRow]  # the options the side-by-side table shows
    tornado: str  # SVG, empty when there is no sensitivity
    sensitivity: list[SensitivityRow]
    precision: str = ""  # the featured mean savings with its SE; how exact percentiles are
    stopping: str = ""  # how mc_target_se ended the run; empty when it was not set
    targets: str = ""  # the featured option's chances of meeting the targets; empty if none
    sampling: str = ""  # the sampling method (mc_sampling) in a sentence
    correlations: list[CorrelationRow] = field(default_factory=list)  # Correlations applied
    correlations_measured: str = ""  # iterations the achieved correlations are measured on
    uncertain_rows: int = 0  # rows of the Uncertainty sheet the samples draw


@dataclass(frozen=True)
class CorrelationRow:
    """One Correlations row applied: its two inputs, requested and achieved rank
    correlation."""

    input_a: str
    input_b: str
    requested: str
    achieved: str


@dataclass(frozen=True)
class FactorView:
    question: str
    answer: str
    notes: str
    leaning: str  # "fine-tuning", "prompting", "open" or "neutral"
    guidance: str


@dataclass(frozen=True)
class Factors:
    rows: list[FactorView]
    summary: str
    page_one: str = ""  # the tally and whether they agree with the cost result, for page 1
    agree: bool = False  # at least one leans the cost result's way and none against it


@dataclass(frozen=True)
class InputRow:
    label: str
    unit: str
    values: list[tuple[str, str]]  # (value, cell) per column
    column: str = ""  # the column all the values share ("Options!G"), for the Options table


@dataclass(frozen=True)
class UncertainRow:
    input: str
    option: str
    distribution: str
    parameters: str
    clip: str
    notes: str
    cell: str


@dataclass(frozen=True)
class Appendix:
    scenario: list[InputRow]
    option_names: list[str]
    options: list[InputRow]
    uncertainty: list[UncertainRow]
    option_rows: list[str] = field(default_factory=list)  # each option's row ("row 5")
    correlations: list[CorrelationInput] = field(default_factory=list)  # Correlations rows
    overrides: list[OverrideRow] = field(default_factory=list)  # Named scenarios rows
    # Scenario inputs left blank, (label, cell): named in one sentence, not in the table.
    blank_scenario: list[tuple[str, str]] = field(default_factory=list)
    # Option inputs zero or blank for every option, (label, column): one sentence too,
    # which begins with ``unused_words`` ("Zero for every option").
    unused_options: list[tuple[str, str]] = field(default_factory=list)
    unused_words: str = ""
    names_column: str = ""  # where the options' names were read ("Options!A")


@dataclass(frozen=True)
class CorrelationInput:
    """One row of the Correlations table as the appendix lists it."""

    input_a: str
    input_b: str
    rank_correlation: str
    cell: str


@dataclass(frozen=True)
class OverrideRow:
    """One row of the Named scenarios table as the appendix lists it."""

    scenario: str
    input: str
    option: str  # "scenario", "all options" or the option's name
    value: str
    cell: str
    rows: int = 1  # the scenario's consecutive rows, on its first; 0 on the others


@dataclass(frozen=True)
class WarningView:
    option: str
    message: str


@dataclass(frozen=True)
class MemoContext:
    meta: Meta
    decision: Decision
    options: list[OptionView]  # every option, in the workbook's order
    recommended: OptionView
    baseline: OptionView
    cumulative_chart: str  # SVG
    risk: RiskPicture | None
    factors: Factors
    warnings: list[WarningView]
    appendix: Appendix
    methodology: dict[str, str] = field(default_factory=dict)
    dated: DatedView | None = None  # months and fiscal years (ftreport.report.dated)
    scenarios: ScenariosView | None = None  # the named scenarios, when the workbook has any
    break_even_map: BreakEvenMapView | None = None  # with two options or more
    joint_sensitivity: JointSensitivityView | None = None  # spider and rank correlations
    s_curve: SCurveView | None = None  # the simulated savings' distributions
    prices_used: PricesUsedView | None = None  # the price-book rows the options use
    ask: list[KeyNumber] = field(default_factory=list)  # the decision block, when given
    sign_off: list[SignOff] = field(default_factory=list)
    # The options with a column in the side-by-side table and the dated view: all of them
    # when they fit, else the selection of ftreport.report.ranking, which then ranks all.
    shown_options: list[OptionView] = field(default_factory=list)
    ranking: Ranking | None = None

    def as_template_vars(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
