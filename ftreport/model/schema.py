"""The public names of the scenario workbook, with their labels, units and rules.

One table of facts serves the template (labels, notes, validation), the reader
(types and bounds), the result sheets (notes) and the memo (the input appendix),
so a name, unit or rule is written down once. See docs/workbook.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

# The template's version, stored in each new workbook as the defined name
# `template_version` (absent: 1). Raise it with every field added (Field.since).
TEMPLATE_VERSION = 3
TEMPLATE_VERSION_NAME = "template_version"

Kind = Literal["text", "whole", "number", "share", "growth", "percentile", "option", "choice",
               "flag", "date"]
FLAG_WORDS = {"yes": True, "no": False, "true": True, "false": False}

# Bounded work: the most each input may hold, so that every total stays finite and
# every run finishes in seconds (docs/workbook.md, "Limits").
MAX_OPTIONS = 50
MAX_TABLE_ROWS = 2_000  # data rows of the Options, Uncertainty or Factors table
MAX_SCENARIOS = 20  # named scenarios of the Scenarios table (each is a full evaluation)
MAX_HORIZON_DAYS = 36_500
MAX_MC_ITERATIONS = 1_000_000_000
# Any price in any currency: a price of 1e6 USD at 1,000 units per USD still fits.
MAX_PRICE = 1e9
# Requests on the last day of the horizon, after growth: keeps every total finite.
MAX_DAILY_REQUESTS = 1e15
# Growth at or above this (100% a month) needs allow_extreme_growth; above WARN, a warning.
EXTREME_GROWTH = 1.0
HIGH_GROWTH = 0.20
# The price book's currency: its prices are converted at fx_rate into any other.
BOOK_CURRENCY = "USD"
# A price-book row checked longer ago than this before the price date is warned about.
STALE_PRICE_MONTHS = 12


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    unit: str
    kind: Kind
    note: str
    minimum: float | None = None  # inclusive lower bound for numbers
    maximum: float | None = None  # inclusive upper bound (a limit, see docs/workbook.md)
    required: bool = False
    default: object = None
    uncertain: bool = True  # may be given a distribution in the Uncertainty table
    # The template version that added the field. Workbooks made before it lack its
    # cell or column: the reader then takes the default, so they keep working.
    since: int = 1
    # The words a "choice" field accepts (lower case), the first being the usual one.
    choices: tuple[str, ...] = ()

    @property
    def optional_in_workbook(self) -> bool:
        """Whether a workbook may lack this field's name or column altogether."""
        return self.since > 1

    @property
    def accepts_percent(self) -> bool:
        """Whether "5%" typed here means 0.05: in a share, a rate or a score. Elsewhere a %
        sign is refused: "5%" in a percentile or a token count is not what it says."""
        return self.unit.startswith("%") or self.unit == "score"

    @property
    def expected(self) -> str:
        """What a valid value looks like, in the words of an error message."""
        return {
            "text": "text",
            "whole": f"a whole number >= {self.minimum:g}" if self.minimum is not None
            else "a whole number",
            "number": f"a number >= {self.minimum:g}" if self.minimum is not None else "a number",
            "share": "a share between 0 and 1 (e.g. 0.25 or 25%)",
            "growth": "a share greater than -1 (e.g. 0.05 for 5% a month)",
            "percentile": "a percentile between 0 and 100",
            "option": "the name of an option in the Options table",
            "choice": "one of " + ", ".join(self.choices),
            "flag": "yes or no",
            "date": "a date (e.g. 2026-07-01)",
        }[self.kind]

    @property
    def at_most(self) -> str:
        """The upper limit in the words of an error message."""
        m = self.maximum or 0.0
        shown = f"{m:,.0f}" if m == int(m) and m < 1e13 else f"{m:g}"
        return f"at most {shown} (ftreport's limit, see docs/workbook.md)"


APPROACHES = ("prompting", "fine-tuning", "distillation", "self-hosted")
FACTOR_ANSWERS = ("yes", "no", "unknown")
SAMPLING_METHODS = ("random", "latin-hypercube")
TRIM_MODES = ("per-output", "seed-000")
DISTRIBUTIONS = ("fixed", "uniform", "integer", "normal", "triangular", "pert", "lognormal",
                 "poisson")

SCENARIO_FIELDS: tuple[Field, ...] = (
    Field("scenario_name", "Scenario name", "", "text", "A short title for this decision; "
          "it heads the memo.", uncertain=False),
    Field("prepared_by", "Prepared by", "", "text", "Who prepared the figures.", uncertain=False),
    Field("currency", "Currency", "ISO code", "text", "ISO 4217 code of every amount in the "
          "workbook (USD, EUR, GBP...). Typed prices are in it; the Prices sheet's (USD) are "
          "converted at fx_rate.", default="USD", uncertain=False),
    Field("horizon_days", "Horizon", "days", "whole", "Number of operating days compared. "
          "Day 1 is the first day in production.", minimum=1, default=365, uncertain=False,
          maximum=MAX_HORIZON_DAYS),
    Field("requests_per_day", "Requests per day", "requests/day", "number", "Requests on day 1; "
          "later days grow with the monthly growth.", minimum=0, required=True, maximum=1e12),
    Field("monthly_growth", "Monthly growth of volume", "%/month", "growth", "Compounded daily "
          "(a month is 365/12 days). 0 = flat volume.", default=0.0),
    Field("discount_rate", "Discount rate", "%/year", "number", "Annual rate for the present "
          "value of costs. 0 = no discounting.", minimum=0, default=0.0, maximum=10),
    Field("baseline_option", "Baseline option", "", "option", "The option the others are "
          "compared with. Blank = the first prompting option.", uncertain=False),
    Field("min_quality", "Minimum quality score", "score", "number", "Optional. Options whose "
          "quality_score is below this, or blank, are not recommended.", uncertain=False,
          maximum=1e15),
    Field("mc_iterations", "Simulation iterations", "samples", "whole", "Monte Carlo samples "
          "over the Uncertainty table. 0 = no simulation.", minimum=0, default=100_000,
          uncertain=False, maximum=MAX_MC_ITERATIONS),
    Field("mc_seed", "Simulation seed", "", "whole", "Same seed, same results. Blank = 0.",
          minimum=0, default=0, uncertain=False, maximum=2**63 - 1),
    Field("trim_low_pct", "Trim below percentile", "percentile", "percentile", "Samples below "
          "this percentile are left out of charts and trimmed means.", default=5.0,
          uncertain=False),
    Field("trim_high_pct", "Trim above percentile", "percentile", "percentile", "Samples above "
          "this percentile are left out of charts and trimmed means.", default=95.0,
          uncertain=False),
    Field("allow_extreme_growth", "Allow extreme growth", "yes/no", "flag", "yes = a "
          "monthly_growth of 100% a month or more is meant (else it is refused as a typo for a "
          "percentage, e.g. 5 for 5%).", default=False, uncertain=False, since=2),
    Field("fx_rate", "Exchange rate", "per USD", "number", "Units of the scenario currency per "
          "1 USD: the Prices sheet's USD prices are multiplied by it (typed prices are taken as "
          "already in the scenario currency). Needed when currency is not USD; blank = 1 for "
          "USD.", uncertain=False, maximum=1e6, since=2),
    Field("price_date", "Price date", "date", "date", "The date the prices are judged at: a "
          "price-book row checked more than 12 months before it is warned about as stale. "
          "Blank = start_date, else the run date.", uncertain=False, since=2),
    Field("start_date", "Start date", "date", "date", "Day 1 of the horizon, for the dated "
          "views (months, fiscal years, the Timeline's dates). Blank = the day after the run.",
          uncertain=False, since=3),
    Field("fiscal_year_start_month", "Fiscal year starts in month", "1..12", "whole", "The "
          "month a fiscal year begins (1 = January, 7 = July); a fiscal year is named by the "
          "calendar year it ends in.", minimum=1, maximum=12, default=1, uncertain=False,
          since=3),
    Field("mc_sampling", "Sampling method", "", "choice", "random: independent draws. "
          "latin-hypercube: each input's draws spread evenly over its distribution (every "
          "block of 4,096 iterations covers each 1/4,096 of it once): the same precision "
          "with fewer iterations. Blank = random.", default="random", uncertain=False,
          since=3, choices=SAMPLING_METHODS),
    Field("trim_mode", "Trim mode", "", "choice", "per-output: each output and option "
          "trimmed at its own percentiles. seed-000: seed 000's trim, one set of iterations per "
          "option: inside the trim percentiles of T_max, then of D_min, then T_max < 3e7 and "
          "D_min < 500 (docs/simulation.md). Blank = per-output.", default="per-output",
          uncertain=False, since=3, choices=TRIM_MODES),
    Field("mc_target_se", "Target standard error", "", "number", "Optional. Stop the "
          "simulation early once the featured option's mean savings have a standard error "
          "below this (checked every 65,536 iterations; same result every run).", minimum=0,
          maximum=1e15, uncertain=False, since=3),
    Field("target_savings", "Target savings", "", "number", "Optional. The simulation gives "
          "each option's chance of saving at least this much against the baseline over the "
          "horizon.", minimum=-1e15, maximum=1e15, uncertain=False, since=3),
    Field("target_payback_days", "Target payback", "days", "number", "Optional. The "
          "simulation gives each option's chance of breaking even by this day.", minimum=0,
          maximum=MAX_HORIZON_DAYS, uncertain=False, since=3),
    # The decision block: what is asked for and what follows. Page 1 of the memo prints
    # the ones given; none enters the numbers.
    Field("budget_requested", "Budget requested", "", "number", "Optional: the amount this "
          "memo asks to approve, in the scenario currency.", minimum=0, maximum=1e15,
          uncertain=False, since=3),
    Field("decision_owner", "Decision owner", "", "text", "Optional: who takes the decision.",
          uncertain=False, since=3),
    Field("next_steps", "Next steps", "", "text", "Optional: what happens once it is approved.",
          uncertain=False, since=3),
    Field("review_date", "Review date", "date", "date", "Optional: when the decision is "
          "reviewed against the actual costs.", uncertain=False, since=3),
)

OPTION_FIELDS: tuple[Field, ...] = (
    Field("name", "Option", "", "text", "A unique short name for this candidate.",
          required=True, uncertain=False),
    Field("approach", "Approach", "", "choice", "prompting, fine-tuning, distillation or "
          "self-hosted.", required=True, uncertain=False, choices=APPROACHES),
    Field("model", "Model", "", "text", "A model of the Prices sheet: its prices fill in. "
          "Type over a price to use your own.", uncertain=False),
    Field("input_tokens", "Input tokens", "tokens/request", "number", "Prompt tokens per "
          "request, including system prompt and few-shot examples.", minimum=0, maximum=1e9),
    Field("cached_input_share", "Cached input share", "%", "share", "Share of input tokens "
          "billed at the cached-input price.", default=0.0),
    Field("output_tokens", "Output tokens", "tokens/request", "number", "Completion tokens "
          "per request.", minimum=0, maximum=1e9),
    Field("price_input_per_1m", "Input price", "per 1M tokens", "number", "Price per 1M "
          "input tokens.", minimum=0, maximum=MAX_PRICE),
    Field("price_cached_input_per_1m", "Cached input price", "per 1M tokens", "number",
          "Price per 1M cached input tokens.", minimum=0, maximum=MAX_PRICE),
    Field("price_output_per_1m", "Output price", "per 1M tokens", "number", "Price per 1M "
          "output tokens.", minimum=0, maximum=MAX_PRICE),
    Field("training_tokens", "Training tokens", "tokens", "number", "Tokens in the training "
          "file (one epoch).", minimum=0, maximum=1e15),
    Field("epochs", "Epochs", "passes", "number", "Passes over the training file.",
          minimum=0, maximum=1e4),
    Field("price_training_per_1m", "Training price", "per 1M tokens", "number", "Price per 1M "
          "trained tokens (tokens x epochs).", minimum=0, maximum=MAX_PRICE),
    Field("training_hours", "Training hours", "hours", "number", "Compute hours of one "
          "training run (Azure, own GPUs).", minimum=0, maximum=1e7),
    Field("price_per_training_hour", "Training hour price", "per hour", "number", "Price of "
          "one training compute hour.", minimum=0, maximum=MAX_PRICE),
    Field("hosting_per_hour", "Hosting fee", "per hour", "number", "Fixed hourly fee of the "
          "deployment (Azure fine-tuned model, rented GPU).", minimum=0, maximum=MAX_PRICE),
    Field("hosting_hours_per_day", "Hosted hours per day", "hours/day", "number", "Hours a "
          "day the deployment is billed (24 = always on).", minimum=0, maximum=24),
    Field("monthly_fixed_cost", "Monthly fixed cost", "per month", "number", "Other recurring "
          "cost: monitoring, maintenance, evaluation.", minimum=0, maximum=1e12),
    Field("one_time_cost", "One-time cost", "", "number", "Up-front cost: data preparation, "
          "labelling, engineering.", minimum=0, maximum=1e15),
    Field("data_generation_cost", "Data generation cost", "", "number", "Cost of teacher-"
          "generated training data (distillation).", minimum=0, maximum=1e15),
    Field("retrain_every_days", "Retrain every", "days", "number", "0 = train once; otherwise "
          "a new training run every so many days.", minimum=0, maximum=1e6),
    Field("quality_score", "Quality score", "score", "number", "Optional: your evaluation "
          "score, compared with the minimum quality.", uncertain=False, maximum=1e15),
    Field("training_examples", "Training examples", "examples", "number", "Optional: number "
          "of training examples (50 to 100 is the usual start).", minimum=0, uncertain=False,
          maximum=1e15),
    Field("notes", "Notes", "", "text", "Anything a reader should know.", uncertain=False),
    Field("batch_share", "Batch share", "%", "share", "Share of requests sent through the "
          "provider's batch interface, billed at (1 - batch_discount) of the token prices. "
          "0 = none.", default=0.0, since=3),
    Field("batch_discount", "Batch discount", "%", "share", "Share off the token prices for "
          "batch requests: from the Prices sheet by model (0.5 for OpenAI's Batch API); type "
          "over it to use your own.", default=0.0, uncertain=False, since=3),
)

UNCERTAINTY_COLUMNS = ("input", "option", "distribution", "p1", "p2", "p3", "clip_min",
                       "clip_max", "notes")
FACTOR_COLUMNS = ("question", "answer", "notes", "favours")
# What a "yes" to a Factors row argues for; a "no" argues for the other approach.
FACTOR_FAVOURS = ("fine-tuning", "prompting", "neutral")
# Factors columns a workbook from an older template lacks (then: the shipped question's
# own direction, neutral for any other).
OPTIONAL_FACTOR_COLUMNS = frozenset({"favours"})
# The Scenarios table (template version 3; a workbook without it has only the base case).
SCENARIOS_COLUMNS = ("scenario", "input", "option", "value")
SCENARIOS_SINCE = 3
# The Correlations table (template version 3; optional: a workbook without it has none).
CORRELATION_COLUMNS = ("input_a", "option_a", "input_b", "option_b", "rank_correlation")

SCENARIO = {f.name: f for f in SCENARIO_FIELDS}


@cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 currency codes (ftreport/data/currencies.json)."""
    text = resources.files("ftreport.data").joinpath("currencies.json").read_text("utf-8")
    return frozenset(json.loads(text)["codes"])


OPTION = {f.name: f for f in OPTION_FIELDS}
# Option inputs that are numbers and enter the cost model.
OPTION_NUMBERS = tuple(f.name for f in OPTION_FIELDS if f.kind in ("number", "share")
                       and f.name not in ("quality_score", "training_examples"))
UNCERTAIN_SCENARIO_INPUTS = tuple(f.name for f in SCENARIO_FIELDS if f.uncertain)
UNCERTAIN_OPTION_INPUTS = tuple(f.name for f in OPTION_FIELDS if f.uncertain)
# Inputs that count things or measure sizes, clipped at 0 when sampled.
NON_NEGATIVE = tuple(f.name for f in (*SCENARIO_FIELDS, *OPTION_FIELDS)
                     if f.minimum is not None and f.minimum >= 0)
SHARES = tuple(f.name for f in (*SCENARIO_FIELDS, *OPTION_FIELDS) if f.kind == "share")

# What p1, p2, p3 of an Uncertainty row mean, per distribution (unused ones stay blank).
DISTRIBUTION_PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("min", "max"),
    "integer": ("min", "max"),
    "normal": ("mean", "sd"),
    "triangular": ("min", "mode", "max"),
    "pert": ("min", "mode", "max"),
    "lognormal": ("mean", "sd"),
    "poisson": ("mean",),
}
