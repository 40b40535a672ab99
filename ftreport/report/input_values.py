"""How the memo names and writes an input of the workbook (the appendix, the tornado)."""

from __future__ import annotations

from typing import Any

from ftreport.model.format import MISSING, Formatter, is_number
from ftreport.model.schema import OPTION, SCENARIO

# Fixed-cost or price inputs, whose unit column reads in the workbook's currency.
MONEY_INPUTS = ("price_input_per_1m", "price_cached_input_per_1m", "price_output_per_1m",
                "price_training_per_1m", "price_per_training_hour", "hosting_per_hour",
                "monthly_fixed_cost", "one_time_cost", "data_generation_cost",
                "budget_requested")

# Counted inputs: a sampled value of these is written whole ("297 tokens", not "297.2").
WHOLE_INPUTS = ("requests_per_day", "input_tokens", "output_tokens", "training_tokens",
                "training_examples", "epochs", "retrain_every_days", "horizon_days")


def input_label(name: str, option: str | None) -> str:
    """The input's label, with the option it belongs to ("*" is every option)."""
    spec = SCENARIO.get(name) or OPTION.get(name)
    label = spec.label if spec else name
    if option is None:
        return label
    return f"{label} (all options)" if option == "*" else f"{label} ({option})"


def input_value(name: str, value: Any, fmt: Formatter, *, exact: bool = False) -> str:
    """An input value as an analyst would write it, by the input's kind; ``exact`` keeps
    every digit (the appendix), otherwise four significant ones (sampled values)."""
    spec = SCENARIO.get(name) or OPTION.get(name)
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):  # yes/no inputs, as the workbook asks for them
        return fmt.yes_no(value)
    if not is_number(value):
        return str(value)  # text inputs (names, currency) as typed
    share = spec is not None and (spec.kind in ("share", "growth") or spec.unit.startswith("%"))
    if not exact:  # a sampled value: as precise as a reader needs, no more
        if share:
            return fmt.percent(value)
        if name in WHOLE_INPUTS:
            return fmt.count(value)
        value = float(f"{value:.4g}")
    if share:
        return f"{fmt.number(round(value * 100, 10))}%"
    if name in MONEY_INPUTS and not exact:
        return fmt.unit_money(value)
    return fmt.number(value)
