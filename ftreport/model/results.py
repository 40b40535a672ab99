"""The typed results of a run: what the engine computes and every output layer reads.

The engine fills these; the workbook writer, the memo, the summary and the email
only read them. Numbers stay the engine's: NaN and infinity (undefined, "never")
become None only when written out, through :func:`plain_number`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftreport.model.inputs import Option, Override, ScenarioBook
from ftreport.model.outputs import OUTPUT, OUTPUTS

if TYPE_CHECKING:
    import numpy as np


def plain_number(value: float | None, *, whole: bool = False) -> float | int | None:
    """A JSON-safe number: None for None, NaN and infinity; an int for whole-number outputs."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return round(value) if whole else value


class Results(Mapping[str, "np.ndarray"]):
    """The engine's outputs: one array per key of the results schema, option on axis 0."""

    def __init__(self, values: Mapping[str, np.ndarray]) -> None:
        unknown = set(values) - set(OUTPUT)
        if unknown:
            raise KeyError(f"not in the results schema: {sorted(unknown)}")
        self._values = dict(values)

    def __getitem__(self, key: str) -> np.ndarray:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def value(self, key: str, option: int) -> float | int | None:
        """One option's value of ``key``, as the JSON holds it."""
        return plain_number(self._values[key][option], whole=OUTPUT[key].whole)


@dataclass
class ReportWarning:
    """Something a reader of the results must know (no payback, too few examples...)."""

    code: str
    message: str
    option: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "option": self.option, "message": self.message}


@dataclass
class Analysis:
    """The deterministic results, the baseline, the recommendation and the warnings."""

    book: ScenarioBook
    baseline: int
    recommended: int
    results: Results
    warnings: list[ReportWarning] = field(default_factory=list)

    @property
    def options(self) -> list[Option]:
        return self.book.options

    def option_value(self, key: str, option: int) -> Any:
        """One value of the results schema for one option, as the JSON holds it."""
        source = OUTPUT[key].source
        if source == "input":
            return getattr(self.options[option], key)
        if key == "is_baseline":
            return option == self.baseline
        if key == "recommended":
            return option == self.recommended
        return self.results.value(key, option)

    def option_rows(self) -> list[dict[str, Any]]:
        """One dict per option with the results schema's keys, None where undefined."""
        return [{o.key: self.option_value(o.key, i) for o in OUTPUTS}
                for i in range(len(self.options))]


@dataclass
class NamedScenario:
    """One row group of the `Scenarios` table: its name, its overrides and every output
    computed with them (``analysis.book`` holds the overridden inputs; no warnings)."""

    name: str
    analysis: Analysis
    overrides: list[Override] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "options": self.analysis.option_rows()}


@dataclass
class BreakEvenGrid:
    """The break-even map: savings of ``option`` against ``baseline`` at each volume
    multiplier (rows) and multiplier of the baseline's token prices (columns)."""

    option: str
    baseline: str
    volume_multipliers: list[float]
    price_multipliers: list[float]
    savings: list[list[float]]  # savings[i][j]: volume multiplier i, price multiplier j


@dataclass
class SensitivityBar:
    """How far the featured option's savings move between an input's P10 and P90."""

    input: str
    option: str | None  # None for a Scenario input, "*" or an option's name
    low_value: float  # the input's P10
    high_value: float  # the input's P90
    savings_at_low: float
    savings_at_high: float
    swing_se: float = 0.0  # standard error of the swing (sampling error of P10 and P90)
    samples: int = 0  # draws of the input that placed P10 and P90

    @property
    def swing(self) -> float:
        return abs(self.savings_at_high - self.savings_at_low)

    @property
    def moves_savings(self) -> bool:
        """Whether the input moves the savings at all (the tornado shows only those)."""
        return self.swing > 0

    @property
    def label(self) -> str:
        """``input`` or ``input (option)``, as the sheet and the memo name the row."""
        return self.input if self.option is None else f"{self.input} ({self.option})"


# Each mc_sampling method as the Simulation sheet and the memo describe it.
SAMPLING_WORDS = {
    "random": "random sampling, every uncertain input drawn independently at random",
    "latin-hypercube": "Latin hypercube sampling, each uncertain input stratified into "
                       "equally likely slices within every block of 4,096 iterations, one "
                       "draw per slice",
}


@dataclass(frozen=True)
class AppliedCorrelation:
    """One Correlations row as the run applied it: the two Uncertainty rows (input and
    option, None for a Scenario input), the rank correlation asked for, and the Spearman
    correlation measured on the first ``measured_iterations`` of the run's draws."""

    input_a: str
    option_a: str | None
    input_b: str
    option_b: str | None
    requested: float
    achieved: float
    measured_iterations: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RankCorrelation:
    """An uncertain input's Spearman rank correlation with the featured option's savings
    over the joint sample, and its share of the sum of squared correlations."""

    input: str
    option: str | None
    rho: float | None  # None when the input or the savings do not vary
    variance_share: float  # contribution to variance, 0..1
    samples: int

    @property
    def label(self) -> str:
        return self.input if self.option is None else f"{self.input} ({self.option})"


@dataclass
class SpiderLine:
    """The featured option's savings as one input moves through its percentiles, every
    other input at base."""

    input: str
    option: str | None
    percentiles: list[float]
    values: list[float]  # the input at each percentile
    savings: list[float]

    @property
    def label(self) -> str:
        return self.input if self.option is None else f"{self.input} ({self.option})"


# One option's simulation summary, as the contract's JSON has it: name, p_cheapest,
# p_recommended, p_beats_baseline and, per simulated output, an object with p5, p25,
# p50, p75, p95, mean, trimmed_mean, trimmed and finite_share (None when undefined).
SimulatedOption = dict[str, Any]


@dataclass
class SimulationResult:
    """What the Monte Carlo found: per-option summaries, the histogram and the tornado."""

    iterations: int
    seed: int
    trimmed: int  # samples dropped by the trim_low_pct..trim_high_pct trim
    option_names: list[str]
    summary: list[SimulatedOption] = field(default_factory=list)
    sensitivity: list[SensitivityBar] = field(default_factory=list)  # largest swing first
    # The option whose savings the histogram and the tornado show: the
    # recommended one, or the best alternative when the baseline is recommended.
    featured_option: str = ""
    # Savings of the featured option inside the trim: "option", bin "edges" and "counts".
    histogram: dict[str, Any] = field(default_factory=dict)
    # Joint-sample rank correlations (largest |rho| first) and the spider, when computed.
    rank_correlations: list[RankCorrelation] = field(default_factory=list)
    spider: list[SpiderLine] = field(default_factory=list)

    @property
    def tornado_bars(self) -> list[SensitivityBar]:
        """The bars of inputs that move the featured option's savings at all."""
        return [b for b in self.sensitivity if b.moves_savings]

    def no_effect_note(self, name: Callable[[SensitivityBar], str] | None = None) -> str:
        """A sentence naming the uncertain inputs left out of the tornado for having no
        effect on the featured option's savings ("" when there are none); ``name`` says
        how a bar is named (its ``label`` unless given)."""
        idle = [(name or (lambda b: b.label))(b) for b in self.sensitivity
                if not b.moves_savings]
        if not idle:
            return ""
        return (f"Not shown: {', '.join(idle)} (no effect on the savings of "
                f"{self.featured_option}).")
    requested_iterations: int = 0  # mc_iterations; ``iterations`` ran
    stopped: str = "iterations"  # why the run ended: "iterations" (all ran) or "target_se"
    target_se: float | None = None  # mc_target_se, when set
    check_every: int | None = None  # iterations between checks of mc_target_se
    quantiles: str = "exact"  # "exact" (every sample kept) or "sketch" (KLL)
    rank_error: float = 0.0  # the sketch's normalized rank error; 0 when exact
    sketch_k: int | None = None
    sampling_method: str = "random"
    # Each option's savings at "probabilities" (0..1): the S-curve.
    s_curve: dict[str, Any] = field(default_factory=dict)
    # The featured option's running mean savings: "option", and after each of
    # "iterations", the "mean" and its standard error "se" (the convergence chart).
    convergence: dict[str, Any] = field(default_factory=dict)
    # The Correlations rows applied (table order), each with its achieved correlation.
    correlations: list[AppliedCorrelation] = field(default_factory=list)

    @property
    def sampling_words(self) -> str:
        """The sampling method (mc_sampling) in words, for the sheet and the memo."""
        return SAMPLING_WORDS[self.sampling_method]

    def to_dict(self) -> dict[str, Any]:
        return {"iterations": self.iterations, "seed": self.seed, "trimmed": self.trimmed,
                "featured_option": self.featured_option, "options": self.summary,
                "sampling": {"method": self.sampling_method, "quantiles": self.quantiles,
                             "rank_error": self.rank_error, "sketch_k": self.sketch_k},
                "stopping": {"requested_iterations": self.requested_iterations,
                             "iterations": self.iterations, "reason": self.stopped,
                             "target_se": self.target_se, "check_every": self.check_every},
                "s_curve": self.s_curve, "convergence": self.convergence,
                "correlations": [c.to_dict() for c in self.correlations]}


@dataclass
class Delivery:
    """What emailing the reports did: sent to whom through which server, or which
    draft was written; ``notes`` say why the body has no numbers, if it has none."""

    recipients: list[str]
    server: str | None = None
    security: str | None = None
    draft: Path | None = None
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.draft is not None:
            return f"wrote draft {self.draft} (to {', '.join(self.recipients)})"
        return f"sent to {', '.join(self.recipients)} via {self.server} ({self.security})"


@dataclass
class RunResult:
    """What one run computed and wrote. ``to_dict()`` is the JSON of `ftreport run --json`."""

    analysis: Analysis
    simulation: SimulationResult | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    delivery: Delivery | None = None  # when the run emailed its reports (not in the JSON)
    scenarios: list[NamedScenario] = field(default_factory=list)  # the Scenarios table's
    break_even_map: BreakEvenGrid | None = None  # absent with a single option

    @property
    def book(self) -> ScenarioBook:
        return self.analysis.book

    def to_dict(self) -> dict[str, Any]:
        a = self.analysis
        return {
            "scenario": a.book.scenario.to_dict(),
            "baseline": a.options[a.baseline].name,
            "recommended": a.options[a.recommended].name,
            "options": a.option_rows(),
            "simulation": self.simulation.to_dict() if self.simulation is not None else None,
            "warnings": [w.to_dict() for w in a.warnings],
            "scenarios": [s.to_dict() for s in self.scenarios],
            "outputs": dict(self.outputs),
        }
