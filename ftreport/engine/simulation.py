"""Monte Carlo over the Uncertainty table, on the engine's array functions.

INTERFACE ONLY (being built for issue 6): the shapes below are what the
workbook writer and the memo rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class SensitivityBar:
    """How far the recommended option's savings move between an input's P10 and P90."""

    input: str
    option: str | None  # None for a Scenario input, "*" or an option's name
    low_value: float  # the input's P10
    high_value: float  # the input's P90
    savings_at_low: float
    savings_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.savings_at_high - self.savings_at_low)


@dataclass
class SimulationResult:
    iterations: int
    seed: int
    trimmed: int  # samples dropped by the trim_low_pct..trim_high_pct trim
    option_names: list[str]
    # Per-sample outputs, shape (options, iterations), for charts: keys
    # total_cost, npv_cost, savings_vs_baseline, break_even_day,
    # steady_state_break_even_days, max_training_tokens.
    samples: dict[str, np.ndarray] = field(default_factory=dict)
    # Per option: name, p_cheapest, p_beats_baseline and, for each output, an
    # object with p5, p25, p50, p75, p95, mean, trimmed_mean (the contract's JSON).
    summary: list[dict[str, Any]] = field(default_factory=list)
    sensitivity: list[SensitivityBar] = field(default_factory=list)  # largest swing first

    def to_dict(self) -> dict[str, Any]:
        return {"iterations": self.iterations, "seed": self.seed, "trimmed": self.trimmed,
                "options": self.summary}
