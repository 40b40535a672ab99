"""The scenario as typed objects: what the reader produces and everything else consumes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ftreport.model.pricebook import PriceBook, load_pricebook


@dataclass
class Scenario:
    """The `Scenario` sheet's inputs (see ftreport.model.schema.SCENARIO_FIELDS)."""

    scenario_name: str = ""
    prepared_by: str = ""
    currency: str = "USD"
    horizon_days: int = 365
    requests_per_day: float = 0.0
    monthly_growth: float = 0.0
    discount_rate: float = 0.0
    baseline_option: str | None = None
    min_quality: float | None = None
    mc_iterations: int = 100_000
    mc_seed: int = 0
    mc_sampling: str = "random"  # or "latin-hypercube" (schema.SAMPLING_METHODS)
    trim_low_pct: float = 5.0
    trim_high_pct: float = 95.0
    trim_mode: str = "per-output"  # or "seed-000" (schema.TRIM_MODES)
    allow_extreme_growth: bool = False
    fx_rate: float | None = None  # scenario currency per 1 USD; None: not given
    price_date: date | None = None  # None: the run date
    start_date: date | None = None  # day 1; None: the day after the run date
    fiscal_year_start_month: int = 1
    mc_target_se: float | None = None  # stop early below this SE of the mean savings
    target_savings: float | None = None  # for P(savings >= target)
    target_payback_days: float | None = None  # for P(break-even day <= target)
    budget_requested: float | None = None  # the decision block: None where not given
    decision_owner: str = ""
    next_steps: str = ""
    review_date: date | None = None

    @property
    def price_rate(self) -> float:
        """What a price-book (USD) price is multiplied by: fx_rate, 1 when not given."""
        return 1.0 if self.fx_rate is None else self.fx_rate

    def prices_on(self, run_date: date) -> date:
        """The date prices are looked up and judged at: price_date, else start_date, else
        ``run_date`` (cost-model.md; the one rule for the reader, the engine, the reports
        and the template's lookups)."""
        return self.price_date or self.start_date or run_date

    @property
    def prices_on_source(self) -> str:
        """Where :meth:`prices_on` takes the date from, in the words of the reports."""
        return ("price_date" if self.price_date else "start_date" if self.start_date
                else "the run date")

    def to_dict(self) -> dict[str, object]:
        values = asdict(self)
        for key in ("price_date", "start_date", "review_date"):
            day = values[key]
            values[key] = day.isoformat() if day else None
        return values


def run_time(environ: Mapping[str, str] = os.environ) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now; UTC, whole seconds."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Option:
    """One row of the `Options` table: a candidate approach. Blank numbers are 0."""

    name: str
    approach: str
    model: str = ""
    input_tokens: float = 0.0
    cached_input_share: float = 0.0
    output_tokens: float = 0.0
    price_input_per_1m: float = 0.0
    price_cached_input_per_1m: float = 0.0
    price_output_per_1m: float = 0.0
    training_tokens: float = 0.0
    epochs: float = 0.0
    price_training_per_1m: float = 0.0
    training_hours: float = 0.0
    price_per_training_hour: float = 0.0
    hosting_per_hour: float = 0.0
    hosting_hours_per_day: float = 0.0
    monthly_fixed_cost: float = 0.0
    one_time_cost: float = 0.0
    data_generation_cost: float = 0.0
    retrain_every_days: float = 0.0
    quality_score: float | None = None
    training_examples: float | None = None
    notes: str = ""
    batch_share: float = 0.0  # share of requests sent through the batch interface
    batch_discount: float = 0.0  # share off the token prices for those requests

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Uncertain:
    """One row of the `Uncertainty` table.

    ``option`` is None for a Scenario input, "*" for one draw shared by every
    option, or an option's name. ``p1..p3`` mean what the distribution needs
    (see docs/workbook.md); unused ones are None.
    """

    input: str
    option: str | None
    distribution: str
    p1: float | None = None
    p2: float | None = None
    p3: float | None = None
    clip_min: float | None = None
    clip_max: float | None = None
    notes: str = ""
    cell: str = ""  # where the row starts, e.g. "Uncertainty!A5", for messages


@dataclass
class Correlation:
    """One row of the `Correlations` table: the rank correlation of two Uncertainty rows.

    ``option_a``/``option_b`` are as in Uncertain (None for a Scenario input, "*" or an
    option's name): each side names the Uncertainty row with that input and option.
    """

    input_a: str
    option_a: str | None
    input_b: str
    option_b: str | None
    rank_correlation: float
    cell: str = ""  # where the row starts, e.g. "Correlations!A5", for messages


@dataclass
class Factor:
    """One row of the `Factors` table: a qualitative reason to fine-tune or not."""

    question: str
    answer: str  # yes / no / unknown
    notes: str = ""
    # What a "yes" argues for: fine-tuning, prompting or neutral (FACTOR_FAVOURS); blank
    # in a workbook without the column.
    favours: str = ""


@dataclass
class Override:
    """One row of the `Scenarios` table: in the named scenario, ``input`` takes ``value``.

    ``option`` is addressed as in the Uncertainty table: None for a Scenario input,
    "*" for every option, or an option's name (which wins over a "*" row).
    """

    scenario: str
    input: str
    option: str | None
    value: float
    cell: str = ""  # the value cell, e.g. "'Named scenarios'!D4": the sheet's editable input


@dataclass
class ScenarioBook:
    """Everything read from one scenario workbook."""

    path: Path
    sha256: str
    scenario: Scenario
    options: list[Option]
    uncertainty: list[Uncertain] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    # The Scenarios table's rows, in table order (empty: only the base case).
    overrides: list[Override] = field(default_factory=list)
    correlations: list[Correlation] = field(default_factory=list)
    # Where each input was read, for formulas, messages and the memo's appendix:
    # scenario_cells["requests_per_day"] == "Scenario!C8";
    # option_cells[1]["epochs"] == "Options!K5" (the second option's epochs).
    scenario_cells: dict[str, str] = field(default_factory=dict)
    option_cells: list[dict[str, str]] = field(default_factory=list)
    template_version: int = 1  # of the template the workbook was made from
    # Per option: whether its prices come from the price book (lookup formulas, or a
    # model with no price typed in); empty when unknown (a book made by a script).
    book_priced: list[bool] = field(default_factory=list)
    # The day of the run: the price date when the Scenario gives none.
    run_date: date = field(default_factory=lambda: run_time().date())
    # A user price book layered over the shipped one (--prices); None: the shipped book.
    pricebook: PriceBook | None = None

    @property
    def prices(self) -> PriceBook:
        """The price book this run judges prices by: the user's layered book, else the
        shipped one."""
        return self.pricebook or load_pricebook()

    @property
    def price_date(self) -> date:
        """The date the prices are judged at: price_date, else the run date."""
        return self.scenario.prices_on(self.run_date)

    @property
    def start_date(self) -> date:
        """Day 1 of the horizon: start_date, else the day after the run."""
        return self.scenario.start_date or self.run_date + timedelta(days=1)

    @property
    def baseline_index(self) -> int:
        """Index of the baseline option: named, else the first prompting one, else the first."""
        wanted = self.scenario.baseline_option
        if wanted:
            return next(i for i, o in enumerate(self.options) if o.name == wanted)
        return next((i for i, o in enumerate(self.options) if o.approach == "prompting"), 0)
